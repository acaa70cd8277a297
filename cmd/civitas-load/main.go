// Command civitas-load puts a fixed HTTP load on a Civitas server on this
// machine and reports throughput and latency percentiles. It is the load
// client of docs/benchmarks.md: run it against a server on loopback only.
//
//	civitas-load -url http://127.0.0.1:8080/ -c 32 -d 30s
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

type headers []string

func (h *headers) String() string     { return strings.Join(*h, ", ") }
func (h *headers) Set(v string) error { *h = append(*h, v); return nil }

func main() {
	var (
		target   = flag.String("url", "http://127.0.0.1:8080/", "URL to load (loopback only)")
		method   = flag.String("method", http.MethodGet, "HTTP method")
		body     = flag.String("body", "", `request body; each "{n}" in it becomes the request's own number (distinct reports, not one sent again)`)
		conc     = flag.Int("c", 32, "concurrent connections")
		duration = flag.Duration("d", 30*time.Second, "measured duration")
		warmup   = flag.Duration("warmup", 3*time.Second, "unmeasured warm-up")
		hdrs     headers
	)
	flag.Var(&hdrs, "H", `header "Name: value" (repeatable)`)
	flag.Parse()
	u, err := url.Parse(*target)
	if err != nil || !isLoopback(u.Hostname()) {
		fmt.Fprintln(os.Stderr, "civitas-load: -url must be an http URL on this machine (127.0.0.0/8, ::1 or localhost)")
		os.Exit(2)
	}
	res, err := run(*target, *method, *body, hdrs, *conc, *warmup, *duration)
	if err != nil {
		fmt.Fprintln(os.Stderr, "civitas-load:", err)
		os.Exit(1)
	}
	res.print(os.Stdout, *conc, *duration)
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

type result struct {
	latencies []time.Duration
	statuses  map[int]int
	errors    int
	bytes     int64
	elapsed   time.Duration
}

func run(target, method, body string, hdrs []string, conc int, warmup, duration time.Duration) (*result, error) {
	tr := &http.Transport{MaxIdleConns: conc, MaxIdleConnsPerHost: conc, MaxConnsPerHost: conc, DisableCompression: true}
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	ctx, cancel := context.WithTimeout(context.Background(), warmup+duration)
	defer cancel()
	start := time.Now()
	measureFrom := start.Add(warmup)
	var (
		mu  sync.Mutex
		res = &result{statuses: map[int]int{}}
		wg  sync.WaitGroup
	)
	var seq atomic.Int64
	numbered := strings.Contains(body, "{n}")
	for range conc {
		wg.Go(func() {
			var lat []time.Duration
			statuses := map[int]int{}
			var errs int
			var bytes int64
			for ctx.Err() == nil {
				b := body
				if numbered {
					b = strings.ReplaceAll(body, "{n}", strconv.FormatInt(seq.Add(1), 10))
				}
				req, _ := http.NewRequestWithContext(ctx, method, target, strings.NewReader(b))
				for _, h := range hdrs {
					k, v, _ := strings.Cut(h, ":")
					req.Header.Set(strings.TrimSpace(k), strings.TrimSpace(v))
				}
				t0 := time.Now()
				resp, err := client.Do(req)
				if err == nil {
					var n int64
					n, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					bytes += n
				}
				d := time.Since(t0)
				if t0.Before(measureFrom) || ctx.Err() != nil {
					continue
				}
				if err != nil {
					if !errors.Is(err, context.DeadlineExceeded) {
						errs++
					}
					continue
				}
				statuses[resp.StatusCode]++
				lat = append(lat, d)
			}
			mu.Lock()
			res.latencies = append(res.latencies, lat...)
			for k, v := range statuses {
				res.statuses[k] += v
			}
			res.errors += errs
			res.bytes += bytes
			mu.Unlock()
		})
	}
	wg.Wait()
	res.elapsed = time.Since(measureFrom)
	if len(res.latencies) == 0 {
		return nil, fmt.Errorf("no request completed; is the server running at %s?", target)
	}
	return res, nil
}

func (r *result) print(w io.Writer, conc int, duration time.Duration) {
	slices.Sort(r.latencies)
	pct := func(p float64) time.Duration { return r.latencies[int(p*float64(len(r.latencies)-1))] }
	n := len(r.latencies)
	fmt.Fprintf(w, "requests:    %d in %.1fs with %d connections\n", n, r.elapsed.Seconds(), conc)
	fmt.Fprintf(w, "throughput:  %.0f requests/s\n", float64(n)/r.elapsed.Seconds())
	fmt.Fprintf(w, "latency:     p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  max %.2f ms\n",
		ms(pct(.50)), ms(pct(.90)), ms(pct(.99)), ms(r.latencies[n-1]))
	fmt.Fprintf(w, "statuses:    %v  transport errors: %d\n", r.statuses, r.errors)
	fmt.Fprintf(w, "bytes/resp:  %d\n", r.bytes/int64(max(n, 1)))
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
