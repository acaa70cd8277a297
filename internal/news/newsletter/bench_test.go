package newsletter_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/db/dbtest"
	"github.com/civitas-city/civitas/internal/news/newsletter"
)

// BenchmarkDigestDelivery queues a digest to CIVITAS_BENCH_SUBSCRIBERS
// subscribers (default 100,000) and delivers it through real SMTP
// conversations to a sink on loopback, with two send workers as two nodes
// would run them. It reports messages a second from the send to the last
// delivery, and the heap after. Engine: SQLite, or PostgreSQL when
// CIVITAS_BENCH_POSTGRES=1 (and CIVITAS_TEST_POSTGRES is set).
//
//	go test -run XXX -bench DigestDelivery -benchtime 1x ./internal/news/newsletter/
func BenchmarkDigestDelivery(b *testing.B) {
	n := 100_000
	if v, err := strconv.Atoi(os.Getenv("CIVITAS_BENCH_SUBSCRIBERS")); err == nil && v > 0 {
		n = v
	}
	engine := db.SQLite
	if os.Getenv("CIVITAS_BENCH_POSTGRES") == "1" {
		engine = db.Postgres
	}
	for b.Loop() {
		d := dbtest.Open(b, engine)
		k, m := startSink(b)
		k.countOnly = true
		clock := time.Now()
		s := &newsletter.Service{DB: d, Key: []byte("bench"), Mailer: m, Catalog: catalog(b), BaseURL: "https://civitas.example",
			IsDistrict: func(n int) bool { return n >= 1 && n <= 18 }, DistrictName: func(n int) string { return "Dzielnica " + strconv.Itoa(n) },
			Rate: 5000, Batch: 500, Workers: 2, Now: func() time.Time { return clock },
			Items: func(context.Context, int, time.Time, time.Time) ([]newsletter.Item, error) {
				return []newsletter.Item{{Title: "Remont ulicy Kalwaryjskiej", Summary: "Objazd przez Limanowskiego.", URL: "https://civitas.example/news/items/remont"},
					{Title: "Festyn w Parku Jordana", URL: "https://civitas.example/news/items/festyn"}}, nil
			}}
		ctx := context.Background()
		langs := []string{"pl", "en", "uk"}
		if err := d.InTx(ctx, func(tx *sql.Tx) error {
			for i := range n {
				id := fmt.Sprintf("00000000-0000-7000-8000-%012d", i)
				if _, err := tx.ExecContext(ctx, `INSERT INTO newsletter_subscribers (id, email, lang, status, created_at, updated_at)
					VALUES ($1, $2, $3, 'active', $4, $4)`, id, fmt.Sprintf("r%d@example.org", i), langs[i%3], db.TS(clock)); err != nil {
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
		c, err := s.ComposeDigest(ctx, newsletter.Actor{ID: "bench"}, 7)
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		queued, err := s.Send(ctx, newsletter.Actor{ID: "bench"}, c.ID)
		if err != nil || queued != n {
			b.Fatalf("queued %d: %v", queued, err)
		}
		queuedIn := time.Since(start)
		var wg sync.WaitGroup
		for w := range 2 {
			wg.Go(func() {
				for {
					if err := s.RunSend(ctx, c.ID, w); err != nil {
						b.Error(err)
						return
					}
					if got, _ := s.Campaign(ctx, c.ID); got.Status == newsletter.Sent {
						return
					}
					clock = time.Now() // deliveries retried later become due
				}
			})
		}
		wg.Wait()
		took := time.Since(start)
		k.mu.Lock()
		delivered := len(k.got)
		k.mu.Unlock()
		if delivered != n {
			b.Fatalf("delivered to %d of %d", delivered, n)
		}
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		b.ReportMetric(float64(n)/took.Seconds(), "msgs/s")
		b.ReportMetric(queuedIn.Seconds(), "queue-s")
		b.ReportMetric(float64(ms.HeapAlloc)/(1<<20), "heap-MiB")
	}
}
