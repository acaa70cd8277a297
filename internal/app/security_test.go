package app_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/civitas-city/civitas/internal/app/apptest"
	"github.com/civitas-city/civitas/internal/config"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/db/dbtest"
)

// Regression tests for the findings of the outside security probe (issue 12).

// A "next" that a browser would turn into another host never leaves the site.
func TestNoOpenRedirectAfterSignInOrLanguage(t *testing.T) {
	srv := startSQLite(t)
	signedIn(t, srv, "redirect@example.org")
	evil := "/\t/evil.example/phish"
	form := get(t, client(t), srv.URL+"/signin?next=/%09/evil.example/phish")
	if strings.Contains(form.Body, "evil.example") {
		t.Errorf("the sign-in form carries the foreign next along")
	}
	c := client(t)
	r := do(t, c, http.MethodPost, srv.URL+"/signin", url.Values{"email": {"redirect@example.org"}, "password": {"correct horse battery"}, "next": {evil}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/" {
		t.Errorf("sign-in with a tab in next: %d Location %q", r.StatusCode, r.Header.Get("Location"))
	}
	r = do(t, c, http.MethodPost, srv.URL+"/lang", url.Values{"lang": {"en"}, "next": {evil}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/" {
		t.Errorf("language switch with a tab in next: %d Location %q", r.StatusCode, r.Header.Get("Location"))
	}
	r = do(t, c, http.MethodPost, srv.URL+"/lang", url.Values{"lang": {"en"}, "next": {"/reports?page=2"}})
	if r.Header.Get("Location") != "/reports?page=2" {
		t.Errorf("a local next is lost: Location %q", r.Header.Get("Location"))
	}
}

// Behind a proxy the per-address limit counts the address the proxy saw,
// not the left-most X-Forwarded-For entry that the client writes itself.
func TestSignInLimitBehindProxyIgnoresForgedAddresses(t *testing.T) {
	srv := apptest.Start(t, dbtest.DSN(t, db.SQLite), func(c *config.Config) { c.TrustProxy = true })
	signedIn(t, srv, "owner@example.org")
	for i := range 30 {
		// A different account each time: only the address limit is in play.
		wrong := url.Values{"email": {fmt.Sprintf("nobody%d@example.org", i)}, "password": {"wrong password!"}}
		r := do(t, client(t), http.MethodPost, srv.URL+"/signin", wrong, "X-Forwarded-For", fmt.Sprintf("10.9.%d.1, 198.51.100.7", i))
		if r.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("attempt %d: %d", i+1, r.StatusCode)
		}
	}
	right := url.Values{"email": {"owner@example.org"}, "password": {"correct horse battery"}}
	if r := do(t, client(t), http.MethodPost, srv.URL+"/signin", right, "X-Forwarded-For", "203.0.113.99, 198.51.100.7"); r.StatusCode != http.StatusTooManyRequests {
		t.Errorf("the limited address, with yet another forged entry: %d, want 429", r.StatusCode)
	}
	// Nobody can push another address over its limit by naming it.
	if r := do(t, client(t), http.MethodPost, srv.URL+"/signin", right, "X-Forwarded-For", "198.51.100.8"); r.StatusCode != http.StatusSeeOther {
		t.Errorf("another address: %d, want 303", r.StatusCode)
	}
}

// /metrics is not public on a production node: a token, or an address of
// its own.
func TestMetricsNotPublicInServe(t *testing.T) {
	srv := apptest.Start(t, dbtest.DSN(t, db.SQLite), func(c *config.Config) { c.MetricsAddr = "127.0.0.1:0" })
	if r := get(t, client(t), srv.URL+"/metrics"); r.StatusCode != http.StatusNotFound || strings.Contains(r.Body, "go_goroutines") {
		t.Errorf("/metrics on the site without a token: %d", r.StatusCode)
	}
	if r := get(t, client(t), srv.MetricsURL); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "go_goroutines") {
		t.Errorf("/metrics on CIVITAS_METRICS_ADDR: %d", r.StatusCode)
	}
	tok := apptest.Start(t, dbtest.DSN(t, db.SQLite), func(c *config.Config) { c.MetricsToken = "s3cret" })
	if r := get(t, client(t), tok.URL+"/metrics", "Authorization", "Bearer wrong"); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("/metrics with a wrong token: %d", r.StatusCode)
	}
}

// Absolute links never come from the Host header, which the client sets.
func TestAbsoluteLinksIgnoreHostHeader(t *testing.T) {
	srv := startSQLite(t)
	r := get(t, client(t), srv.URL+"/open311/v2/discovery.json", "Host", "evil.example")
	if r.StatusCode != 200 || strings.Contains(r.Body, "evil.example") || !strings.Contains(r.Body, srv.URL) {
		t.Errorf("discovery with a forged Host: %d\n%s", r.StatusCode, r.Body)
	}
}
