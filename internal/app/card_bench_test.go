package app_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/civitas-city/civitas/internal/accounts/identity"
	"github.com/civitas-city/civitas/internal/app"
	"github.com/civitas-city/civitas/internal/app/apptest"
	"github.com/civitas-city/civitas/internal/card"
	"github.com/civitas-city/civitas/internal/card/code"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/db/dbtest"
)

// BenchmarkCardEventsHTTP posts batches of 1,000 new usage events over
// HTTP to a real node (SQLite; PostgreSQL too with CIVITAS_TEST_POSTGRES),
// for the demo register's 1,000 holders and one partner's offer; it
// reports events/s (docs/benchmarks.md).
func BenchmarkCardEventsHTTP(b *testing.B) {
	for _, engine := range []db.Dialect{db.SQLite, db.Postgres} {
		b.Run(string(engine), func(b *testing.B) { benchCardEvents(b, apptest.Start(b, dbtest.DSN(b, engine))) })
	}
}

func benchCardEvents(b *testing.B, srv *app.Server) {
	ctx := context.Background()
	svc := &card.Service{DB: srv.DB, Key: []byte(apptest.Key)}
	var holders []card.DemoHolder
	for _, r := range identity.DemoRegister() {
		holders = append(holders, card.DemoHolder{PESEL: r.PESEL, District: r.District})
	}
	if err := card.SeedDemo(ctx, svc, holders, time.Now()); err != nil {
		b.Fatal(err)
	}
	p, err := svc.CreatePartner(ctx, nil, "Bench", "culture")
	if err != nil {
		b.Fatal(err)
	}
	o, err := svc.AddOffer(ctx, nil, card.Offer{PartnerID: p.ID, Title: "Bench", Discount: "-1%", Kinds: card.Kinds,
		ValidFrom: time.Now().AddDate(0, 0, -10), ValidTo: time.Now().AddDate(0, 0, 10)})
	if err != nil {
		b.Fatal(err)
	}
	key, _, err := svc.CreateKey(ctx, nil, p.ID, "bench")
	if err != nil {
		b.Fatal(err)
	}
	refs, err := svc.BenchRefs(ctx, p.ID)
	if err != nil {
		b.Fatal(err)
	}
	c := &http.Client{Timeout: time.Minute}
	n := 0
	start := time.Now()
	for b.Loop() {
		events := make([]card.Event, 1000)
		for i := range events {
			n++
			events[i] = card.Event{ID: fmt.Sprint("b", n), Time: time.Now().Add(-time.Duration(n%86400) * time.Second), Offer: o.ID, Card: refs[n%len(refs)]}
		}
		body, _ := json.Marshal(map[string]any{"events": events})
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/api/v1/card/events", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-API-Key", key)
		resp, err := c.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		var res card.IngestResult
		_ = json.NewDecoder(resp.Body).Decode(&res)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || res.Accepted != 1000 {
			b.Fatalf("status %d, %+v", resp.StatusCode, res)
		}
	}
	b.ReportMetric(float64(n)/time.Since(start).Seconds(), "events/s")
}

// BenchmarkCardCheckHTTP checks the current minute's code of every demo
// card once over HTTP from 8 clients (a code is accepted once, so the run
// is at most one check per card: about 1,140) and reports checks/s and
// the 99th percentile latency.
func BenchmarkCardCheckHTTP(b *testing.B) {
	srv := startSQLite(b)
	ctx := context.Background()
	svc := &card.Service{DB: srv.DB, Key: []byte(apptest.Key)}
	var holders []card.DemoHolder
	for _, r := range identity.DemoRegister() {
		holders = append(holders, card.DemoHolder{PESEL: r.PESEL, District: r.District})
	}
	if err := card.SeedDemo(ctx, svc, holders, time.Now()); err != nil {
		b.Fatal(err)
	}
	p, err := svc.CreatePartner(ctx, nil, "Bench", "culture")
	if err != nil {
		b.Fatal(err)
	}
	key, _, err := svc.CreateKey(ctx, nil, p.ID, "bench")
	if err != nil {
		b.Fatal(err)
	}
	// The codes as the holders' pages show them (the test reads the cards'
	// secrets; nothing else can).
	type secretCard struct {
		number int64
		secret string
	}
	cards, err := db.Query(ctx, srv.DB, func(r db.Scanner) (secretCard, error) {
		var c secretCard
		err := r.Scan(&c.number, &c.secret)
		return c, err
	}, `SELECT number, secret FROM card_holders`)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		step := code.StepOf(time.Now())
		if time.Now().Add(20*time.Second).Unix()/60 != step {
			time.Sleep(25 * time.Second) // start early in a minute: every code stays current for the run
			step = code.StepOf(time.Now())
		}
		codes := make(chan string, len(cards))
		for _, c := range cards {
			secret, _ := hex.DecodeString(c.secret)
			codes <- code.Make([]byte(apptest.Key), secret, c.number, step)
		}
		close(codes)
		var (
			mu        sync.Mutex
			latencies []time.Duration
			wg        sync.WaitGroup
		)
		client := &http.Client{Timeout: 10 * time.Second}
		start := time.Now()
		for range 8 {
			wg.Go(func() {
				for c := range codes {
					t0 := time.Now()
					req, _ := http.NewRequest(http.MethodPost, srv.URL+"/api/v1/card/check", strings.NewReader(`{"code": "`+c+`"}`))
					req.Header.Set("Content-Type", "application/json")
					req.Header.Set("X-API-Key", key)
					resp, err := client.Do(req)
					if err != nil {
						b.Error(err)
						return
					}
					var res card.CheckResult
					_ = json.NewDecoder(resp.Body).Decode(&res)
					resp.Body.Close()
					if !res.Valid {
						b.Errorf("a current code refused: %+v", res)
						return
					}
					mu.Lock()
					latencies = append(latencies, time.Since(t0))
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		took := time.Since(start)
		slices.Sort(latencies)
		b.ReportMetric(float64(len(latencies))/took.Seconds(), "checks/s")
		b.ReportMetric(float64(latencies[len(latencies)*99/100].Microseconds())/1000, "p99-ms")
	}
}
