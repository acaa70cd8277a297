package news_test

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/civitas-city/civitas/internal/app/apptest"
	"github.com/civitas-city/civitas/internal/config"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/db/dbtest"
	"github.com/civitas-city/civitas/internal/news/newsletter"
	"github.com/emersion/go-smtp"
)

// countingSink is an SMTP server that counts the messages it receives.
type countingSink struct{ n atomic.Int64 }

func (k *countingSink) NewSession(*smtp.Conn) (smtp.Session, error) {
	return &countingSession{k: k}, nil
}

type countingSession struct {
	k  *countingSink
	to int64
}

func (s *countingSession) Reset()                               { s.to = 0 }
func (s *countingSession) Logout() error                        { return nil }
func (s *countingSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *countingSession) Rcpt(string, *smtp.RcptOptions) error { s.to++; return nil }
func (s *countingSession) Data(r io.Reader) error {
	io.Copy(io.Discard, r)
	s.k.n.Add(s.to)
	return nil
}

// BenchmarkHomeWhileDigestSends starts a whole node (SQLite) whose mail goes
// to an SMTP sink on loopback, sends a digest to CIVITAS_BENCH_SUBSCRIBERS
// (default 30,000) subscribers through the node's own job queue, and
// meanwhile asks for the home page at CIVITAS_BENCH_HOME_RPS (default
// 100) requests a second. It reports messages a second, the home page's
// p50 and p99, and the node's heap (lowest and highest of one sample a
// second).
//
//	go test -run XXX -bench HomeWhileDigestSends -benchtime 1x ./internal/news/
func BenchmarkHomeWhileDigestSends(b *testing.B) {
	n, rps := envInt("CIVITAS_BENCH_SUBSCRIBERS", 30_000), envInt("CIVITAS_BENCH_HOME_RPS", 100)
	for b.Loop() {
		sink := &countingSink{}
		smtpd := smtp.NewServer(sink)
		smtpd.Domain = "localhost"
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		go smtpd.Serve(ln)
		defer smtpd.Close()
		port := ln.Addr().(*net.TCPAddr).Port
		srv := apptest.Start(b, dbtest.DSN(b, db.SQLite), func(c *config.Config) {
			c.SMTP = config.SMTP{Host: "127.0.0.1", Port: port, From: "news@krakow.example", TLS: "none"}
		})
		ctx := context.Background()
		now := time.Now().UTC()
		if err := srv.DB.InTx(ctx, func(tx *sql.Tx) error {
			for i := range n {
				id := fmt.Sprintf("00000000-0000-7000-8000-%012d", i)
				if _, err := tx.ExecContext(ctx, `INSERT INTO newsletter_subscribers (id, email, lang, status, created_at, updated_at)
					VALUES ($1, $2, $3, 'active', $4, $4)`, id, fmt.Sprintf("r%d@example.org", i), []string{"pl", "en", "uk"}[i%3], db.TS(now)); err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, `INSERT INTO newsletter_follows (subscriber_id, district, topic) VALUES ($1, 7, '')`, id); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			b.Fatal(err)
		}
		// The node's own sender sends it; this Service only composes and
		// queues (the same tables and jobs as the officer's "Send").
		queue := &newsletter.Service{DB: srv.DB, Workers: 2, Items: func(context.Context, int, time.Time, time.Time) ([]newsletter.Item, error) {
			return []newsletter.Item{{Title: "Remont ulicy Kalwaryjskiej", URL: "https://civitas.example/news/items/remont"}}, nil
		}}
		c, err := queue.ComposeDigest(ctx, newsletter.Actor{ID: "bench"}, 7)
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		if _, err := queue.Send(ctx, newsletter.Actor{ID: "bench"}, c.ID); err != nil {
			b.Fatal(err)
		}
		srv.Jobs.Wake()

		var (
			mu        sync.Mutex
			latencies []time.Duration
			heaps     []uint64
			failures  atomic.Int64
		)
		done := make(chan struct{})
		var wg sync.WaitGroup
		wg.Go(func() { // the home page's load
			tick := time.NewTicker(time.Second / time.Duration(rps))
			defer tick.Stop()
			for {
				select {
				case <-done:
					return
				case <-tick.C:
				}
				wg.Go(func() {
					t0 := time.Now()
					resp, err := http.Get(srv.URL + "/")
					if err != nil || resp.StatusCode != http.StatusOK {
						failures.Add(1)
						return
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					mu.Lock()
					latencies = append(latencies, time.Since(t0))
					mu.Unlock()
				})
			}
		})
		wg.Go(func() { // the heap, once a second
			for {
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				mu.Lock()
				heaps = append(heaps, ms.HeapInuse)
				mu.Unlock()
				select {
				case <-done:
					return
				case <-time.After(time.Second):
				}
			}
		})
		for sink.n.Load() < int64(n) && time.Since(start) < 10*time.Minute {
			time.Sleep(50 * time.Millisecond)
		}
		took := time.Since(start)
		close(done)
		wg.Wait()
		if got := sink.n.Load(); got != int64(n) {
			b.Fatalf("delivered %d of %d", got, n)
		}
		slices.Sort(latencies)
		slices.Sort(heaps)
		pct := func(p float64) float64 {
			return float64(latencies[int(p*float64(len(latencies)-1))].Microseconds()) / 1000
		}
		b.ReportMetric(float64(n)/took.Seconds(), "msgs/s")
		b.ReportMetric(pct(0.50), "home-p50-ms")
		b.ReportMetric(pct(0.99), "home-p99-ms")
		b.ReportMetric(float64(len(latencies)), "home-requests")
		b.ReportMetric(float64(failures.Load()), "home-failures")
		b.ReportMetric(float64(heaps[0])/(1<<20), "heap-min-MiB")
		b.ReportMetric(float64(heaps[len(heaps)-1])/(1<<20), "heap-max-MiB")
	}
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}
