package app

import (
	"context"
	"crypto/subtle"
	"net/http"
	"strconv"
	"time"

	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/jobs"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the Prometheus metrics of one node. Labels are route
// patterns, never raw paths, so their number stays fixed.
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newMetrics(d *db.DB) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "civitas_http_requests_total", Help: "HTTP requests by route pattern, method and status.",
		}, []string{"route", "method", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "civitas_http_request_duration_seconds", Help: "HTTP request latency by route pattern.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"route"}),
	}
	m.reg.MustRegister(m.requests, m.duration,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		jobsCollector{d}, dbStatsCollector{d})
	return m
}

func (m *metrics) observe(method, route string, status int, d time.Duration) {
	m.requests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
	m.duration.WithLabelValues(route).Observe(d.Seconds())
}

// handler serves /metrics on the site's address: behind a bearer token
// when one is configured, else open only in the demo. A production node
// without a token serves metrics only on CIVITAS_METRICS_ADDR, so request
// counts and timings are not public by default.
func (m *metrics) handler(token string, open bool) http.Handler {
	h := m.plain()
	if token == "" {
		if open {
			return h
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "metrics are not served on this address: set CIVITAS_METRICS_TOKEN or CIVITAS_METRICS_ADDR", http.StatusNotFound)
		})
	}
	want := []byte("Bearer " + token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), want) != 1 {
			http.Error(w, "metrics need a token", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// plain serves the metrics without a token (for CIVITAS_METRICS_ADDR).
func (m *metrics) plain() http.Handler { return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{}) }

// jobsCollector reports the job queue by state, read at scrape time.
type jobsCollector struct{ d *db.DB }

var jobsDesc = prometheus.NewDesc("civitas_jobs", "Jobs in the queue by state.", []string{"state"}, nil)

func (jobsCollector) Describe(ch chan<- *prometheus.Desc) { ch <- jobsDesc }

func (c jobsCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	counts, err := jobs.Counts(ctx, c.d)
	if err != nil {
		return
	}
	for _, s := range []string{jobs.StateReady, jobs.StateRunning, jobs.StateDone, jobs.StateFailed} {
		ch <- prometheus.MustNewConstMetric(jobsDesc, prometheus.GaugeValue, float64(counts[s]), s)
	}
}

// dbStatsCollector reports the connection pool.
type dbStatsCollector struct{ d *db.DB }

var (
	dbOpenDesc  = prometheus.NewDesc("civitas_db_open_connections", "Open database connections.", nil, nil)
	dbInUseDesc = prometheus.NewDesc("civitas_db_in_use_connections", "Database connections in use.", nil, nil)
	dbWaitDesc  = prometheus.NewDesc("civitas_db_wait_seconds_total", "Time spent waiting for a connection.", nil, nil)
)

func (dbStatsCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- dbOpenDesc
	ch <- dbInUseDesc
	ch <- dbWaitDesc
}

func (c dbStatsCollector) Collect(ch chan<- prometheus.Metric) {
	st := c.d.Stats()
	ch <- prometheus.MustNewConstMetric(dbOpenDesc, prometheus.GaugeValue, float64(st.OpenConnections))
	ch <- prometheus.MustNewConstMetric(dbInUseDesc, prometheus.GaugeValue, float64(st.InUse))
	ch <- prometheus.MustNewConstMetric(dbWaitDesc, prometheus.CounterValue, st.WaitDuration.Seconds())
}
