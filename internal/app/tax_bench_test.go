package app_test

import (
	"context"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/civitas-city/civitas/internal/accounts"
	"github.com/civitas-city/civitas/internal/accounts/identity"
	"github.com/civitas-city/civitas/internal/app/apptest"
	"github.com/civitas-city/civitas/internal/tax"
)

// BenchmarkTaxPage serves a verified resident's /taxes through a real node
// (SQLite), for profiles:
//
//	go test ./internal/app -run XXX -bench TaxPage -cpuprofile /tmp/tax.prof
func BenchmarkTaxPage(b *testing.B) {
	srv := startSQLite(b)
	ctx := context.Background()
	c := signedIn(b, srv, "anna@taxbench.test")
	u, err := (&accounts.Service{DB: srv.DB}).FindByEmail(ctx, "anna@taxbench.test")
	if err != nil {
		b.Fatal(err)
	}
	if err := identity.SeedDemo(ctx, srv.DB, []byte(apptest.Key), u.ID); err != nil {
		b.Fatal(err)
	}
	if err := tax.SeedDemo(ctx, &tax.Service{DB: srv.DB, Key: []byte(apptest.Key)}, identity.DemoVerified().PESEL, time.Now()); err != nil {
		b.Fatal(err)
	}
	get := func() {
		r, err := c.Get(srv.URL + "/taxes")
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, r.Body)
		r.Body.Close()
		if r.StatusCode != http.StatusOK {
			b.Fatalf("status %d", r.StatusCode)
		}
	}
	get()
	b.ResetTimer()
	for b.Loop() {
		get()
	}
}
