package ratelimit_test

import (
	"strings"
	"testing"
	"time"

	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/db/dbtest"
	"github.com/civitas-city/civitas/internal/ratelimit"
)

func TestLimiter(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
		l := &ratelimit.Limiter{DB: d, Key: []byte("key"), Now: func() time.Time { return now }}
		rule := ratelimit.Rule{Name: "test.mail", Limit: 3, Window: time.Hour}
		for i := range 3 {
			if ok, err := l.Allow(ctx, rule, "anna@example.org"); err != nil || !ok {
				t.Fatalf("event %d refused: %v", i+1, err)
			}
		}
		if ok, _ := l.Allow(ctx, rule, "anna@example.org"); ok {
			t.Error("a fourth event within the hour was allowed")
		}
		if ok, _ := l.Allow(ctx, rule, "bob@example.org"); !ok {
			t.Error("another value shares the first one's count")
		}
		other := ratelimit.Rule{Name: "test.other", Limit: 1, Window: time.Hour}
		if ok, _ := l.Allow(ctx, other, "anna@example.org"); !ok {
			t.Error("another rule shares the first one's count")
		}
		now = now.Add(61 * time.Minute) // the window slides past the events
		if n, _ := l.Count(ctx, rule, "anna@example.org"); n != 0 {
			t.Errorf("%d events counted an hour later", n)
		}
		if ok, _ := l.Allow(ctx, rule, "anna@example.org"); !ok {
			t.Error("refused after the window")
		}
		if err := l.Clear(ctx, rule, "anna@example.org"); err != nil {
			t.Fatal(err)
		}
		if n, _ := l.Count(ctx, rule, "anna@example.org"); n != 0 {
			t.Errorf("%d events after Clear", n)
		}
		// Only HMACs are stored, never the value.
		var scope string
		d.QueryRowContext(ctx, `SELECT scope FROM rate_events LIMIT 1`).Scan(&scope)
		if scope == "" || strings.Contains(scope, "example.org") {
			t.Errorf("stored scope %q", scope)
		}
		n, err := ratelimit.Sweep(ctx, d, now.Add(ratelimit.MaxWindow))
		if err != nil || n != 2 { // bob's and the other rule's; Clear took all of anna's
			t.Errorf("Sweep removed %d (%v), want 2", n, err)
		}
	})
}
