package app_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/civitas-city/civitas/internal/addresses"
)

// An anonymous reporter files a report by address only, gets a receipt
// whose "follow your case" link is absolute (the configured base URL), and
// finds the case again by its number and email.
func TestReportByAddressThenFindIt(t *testing.T) {
	srv := startSQLite(t)
	seedReportsDemo(t, srv)
	if err := addresses.SeedDemo(t.Context(), srv.DB, time.Now()); err != nil {
		t.Fatal(err)
	}
	c := client(t)
	r := do(t, c, http.MethodPost, srv.URL+"/reports/new", url.Values{"category": {"pothole"}, "address": {"Karmelicka 30"},
		"description": {"A deep hole by the tram stop."}, "email": {"anna@example.org"}}, "Accept-Language", "en")
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: status %d\n%s", r.StatusCode, r.Body)
	}
	var text string
	if err := srv.DB.QueryRowContext(t.Context(), `SELECT payload FROM jobs WHERE kind = 'mail.send' ORDER BY id DESC LIMIT 1`).Scan(&text); err != nil {
		t.Fatal(err)
	}
	var m struct{ To, Text string }
	json.Unmarshal([]byte(text), &m)
	link := regexp.MustCompile(`(\S+)/reports/([0-9]+)\?key=(\S+)`).FindStringSubmatch(m.Text)
	if m.To != "anna@example.org" || link == nil || link[1] != srv.URL {
		t.Fatalf("receipt to %q has no absolute link on %s:\n%s", m.To, srv.URL, m.Text)
	}
	number, key := link[2], link[3]
	page := get(t, c, srv.URL+"/reports/"+number, "Accept-Language", "en")
	if !strings.Contains(page.Body, "I Stare Miasto") {
		t.Errorf("the case by address is not in district I Stare Miasto")
	}

	find := func(number, email string) response {
		return do(t, client(t), http.MethodPost, srv.URL+"/reports/find", url.Values{"number": {number}, "email": {email}}, "Accept-Language", "en")
	}
	r = find(number, "  Anna@Example.org ")
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/reports/"+number+"?key="+key {
		t.Fatalf("both right: %d to %q", r.StatusCode, r.Header.Get("Location"))
	}
	missed := "We found no report with this number and this email address."
	for _, tt := range [][2]string{{number, "someone@example.org"}, {"99999", "anna@example.org"}, {"abc", ""}} {
		r := find(tt[0], tt[1])
		if r.StatusCode != http.StatusOK || !strings.Contains(r.Body, missed) || strings.Contains(r.Body, "key=") {
			t.Errorf("%q, %q: status %d, want the same 'not found' answer", tt[0], tt[1], r.StatusCode)
		}
	}
	// Ten tries an hour from one address, then a refusal.
	for range 10 {
		r = find("99999", "x@example.org")
	}
	if r.StatusCode != http.StatusTooManyRequests {
		t.Errorf("past the limit: status %d, want 429", r.StatusCode)
	}
}
