package app_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/civitas-city/civitas/internal/accounts"
	"github.com/civitas-city/civitas/internal/accounts/identity"
	"github.com/civitas-city/civitas/internal/app/apptest"
	"github.com/civitas-city/civitas/internal/card"
	"github.com/civitas-city/civitas/internal/web"
)

// A holder's page shows a code; a partner with a key checks it once and
// learns the kind only; without a key, with a revoked one, or a second
// time, the check fails.
func TestCardCheckAPI(t *testing.T) {
	srv := startSQLite(t)
	ctx := context.Background()
	anna := signedIn(t, srv, "anna@card.test")
	u, err := (&accounts.Service{DB: srv.DB}).FindByEmail(ctx, "anna@card.test")
	if err != nil {
		t.Fatal(err)
	}
	if err := identity.SeedDemo(ctx, srv.DB, []byte(apptest.Key), u.ID); err != nil {
		t.Fatal(err)
	}
	svc := &card.Service{DB: srv.DB, Key: []byte(apptest.Key)}
	if err := card.SeedDemo(ctx, svc, []card.DemoHolder{{PESEL: identity.DemoVerified().PESEL, District: 3}}, time.Now()); err != nil {
		t.Fatal(err)
	}
	page := get(t, anna, srv.URL+"/card/my", "Accept-Language", "en")
	codes := regexp.MustCompile(`<strong class="code-digits">([0-9 ]+)</strong>`).FindAllStringSubmatch(page.Body, -1)
	if page.StatusCode != http.StatusOK || len(codes) != 2 || !strings.Contains(page.Body, "Krakowska Karta Rodzinna 3&#43;") ||
		!strings.Contains(page.Body, "<svg") || page.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("Anna's card page: %d, %d codes, Cache-Control %q\n%s", page.StatusCode, len(codes), page.Header.Get("Cache-Control"), page.Body[:min(len(page.Body), 300)])
	}
	if bob := get(t, signedIn(t, srv, "bob@card.test"), srv.URL+"/card/my", "Accept-Language", "en"); !strings.Contains(bob.Body, "confirm that you are a resident") {
		t.Errorf("an unverified resident's card page: %d", bob.StatusCode)
	}

	p, err := svc.CreatePartner(ctx, nil, "Teatr Bagatela", "culture")
	if err != nil {
		t.Fatal(err)
	}
	key, k, err := svc.CreateKey(ctx, nil, p.ID, "box office")
	if err != nil {
		t.Fatal(err)
	}
	terminal := client(t)
	check := func(code string, header ...string) response {
		return doBody(t, terminal, http.MethodPost, srv.URL+"/api/v1/card/check", `{"code": "`+code+`"}`,
			append([]string{"Content-Type", "application/json", "Accept-Language", "en"}, header...)...)
	}
	if r := check(codes[0][1]); r.StatusCode != http.StatusForbidden || !strings.Contains(r.Body, "X-API-Key") {
		t.Errorf("a check without a key: %d %s", r.StatusCode, r.Body)
	}
	r := check(codes[0][1], "X-API-Key", key)
	var answer map[string]any
	if err := json.Unmarshal([]byte(r.Body), &answer); err != nil {
		t.Fatal(err)
	}
	ref, _ := answer["card"].(string)
	if r.StatusCode != http.StatusOK || len(answer) != 3 || answer["valid"] != true || answer["kind"] != "basic" || len(ref) != 32 {
		t.Errorf("the check: %d %s, want exactly valid, the kind and the partner's reference", r.StatusCode, r.Body)
	}
	// The partner reports the use with its reference.
	offers, err := svc.AddOffer(ctx, nil, card.Offer{PartnerID: p.ID, Title: "Bilety", Discount: "-20%", Kinds: []card.Kind{card.Basic},
		ValidFrom: time.Now().AddDate(0, 0, -1), ValidTo: time.Now().AddDate(0, 1, 0)})
	if err != nil {
		t.Fatal(err)
	}
	batch := `{"events": [{"id": "a1", "time": "` + time.Now().UTC().Format(time.RFC3339) + `", "offer": "` + offers.ID + `", "card": "` + ref + `"},
		{"id": "a2", "time": "` + time.Now().UTC().Format(time.RFC3339) + `", "offer": "nope", "card": "` + ref + `"}]}`
	// Sent twice (a retry), the good event counts once.
	for i, want := range []string{`"accepted": 1,`, `"duplicates": 1,`} {
		ev := doBody(t, terminal, http.MethodPost, srv.URL+"/api/v1/card/events", batch, "Content-Type", "application/json", "X-API-Key", key)
		if ev.StatusCode != http.StatusOK || !strings.Contains(ev.Body, want) || !strings.Contains(ev.Body, `"index": 1`) || !strings.Contains(ev.Body, "unknown_offer") {
			t.Errorf("events, time %d: %d %s, want %s and event 1 rejected", i+1, ev.StatusCode, ev.Body, want)
		}
	}
	if r := check(codes[0][1], "X-API-Key", key); compact(t, r.Body) != `{"reason":"already_checked","valid":false}` {
		t.Errorf("the same code again: %s", r.Body)
	}
	// The officers' figures and export show the one use only as "fewer
	// than 10".
	officer := signedIn(t, srv, "officer@card.test", web.Role{Name: web.RoleOfficer, Domain: "card"})
	page = get(t, officer, srv.URL+"/officer/card", "Accept-Language", "en")
	if page.StatusCode != http.StatusOK || !strings.Contains(page.Body, "fewer than 10") || !strings.Contains(page.Body, "Bilety — Teatr Bagatela") {
		t.Errorf("the analytics page: %d", page.StatusCode)
	}
	export := get(t, officer, srv.URL+"/officer/card/usage.csv", "Accept-Language", "en")
	rows, err := csv.NewReader(strings.NewReader(export.Body)).ReadAll()
	if err != nil || len(rows) < 8 || rows[0][3] != "uses" {
		t.Fatalf("the export: %v %d rows", err, len(rows))
	}
	for _, row := range rows[1:] {
		if row[3] != "" || row[4] != "suppressed" || row[7] != "10" {
			t.Errorf("an export row with a published count below k: %v", row)
		}
	}
	if err := svc.RevokeKey(ctx, nil, k.ID); err != nil {
		t.Fatal(err)
	}
	if r := check(codes[1][1], "X-API-Key", key); r.StatusCode != http.StatusForbidden {
		t.Errorf("a revoked key: %d %s", r.StatusCode, r.Body)
	}
}

// compact is a JSON object with its keys sorted and no spaces, so a test
// sees every field the answer has.
func compact(t *testing.T, body string) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	b, _ := json.Marshal(m)
	return string(b)
}
