package app_test

import (
	"encoding/json"
	"fmt"
	"github.com/civitas-city/civitas/internal/app"
	"github.com/civitas-city/civitas/internal/reports"
	"github.com/civitas-city/civitas/internal/web"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
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

// newAPIToken makes a personal access token through the tokens page of a
// signed-in browser and returns its secret.
func newAPIToken(t *testing.T, base string, c *http.Client) string {
	t.Helper()
	r := do(t, c, http.MethodPost, base+"/account/tokens", url.Values{"name": {"script"}})
	secret := regexp.MustCompile(`civ_[A-Za-z0-9_-]+`).FindString(r.Body)
	if secret == "" {
		t.Fatalf("no token made: %d", r.StatusCode)
	}
	return secret
}

// A token works until the account is recovered: a password reset, a
// password change and "sign me out everywhere" each revoke every token.
// A token cannot mint tokens.
func TestAPITokensEndWithAccountRecovery(t *testing.T) {
	srv := startSQLite(t)
	works := func(secret string) bool {
		return get(t, client(t), srv.URL+"/api/v1/me", "Authorization", "Bearer "+secret).StatusCode == http.StatusOK
	}
	c := signedIn(t, srv, "tokens@example.org")

	secret := newAPIToken(t, srv.URL, c)
	mint := doBody(t, client(t), http.MethodPost, srv.URL+"/api/v1/me/tokens", `{"name":"another"}`, "Authorization", "Bearer "+secret, "Content-Type", "application/json")
	if mint.StatusCode != http.StatusForbidden {
		t.Errorf("a token minted a token: %d %s", mint.StatusCode, mint.Body)
	}
	made := doBody(t, c, http.MethodPost, srv.URL+"/api/v1/me/tokens", `{"name":"from the browser"}`, "Content-Type", "application/json")
	var view struct{ ID, Name, CreatedAt, Token string }
	json.Unmarshal([]byte(strings.NewReplacer(`"created_at"`, `"CreatedAt"`).Replace(made.Body)), &view)
	if made.StatusCode != http.StatusCreated || view.ID == "" || view.CreatedAt == "" || !strings.HasPrefix(view.Token, "civ_") {
		t.Errorf("POST /api/v1/me/tokens from a session: %d %s", made.StatusCode, made.Body)
	}
	export := get(t, c, srv.URL+"/api/v1/me/export")
	if export.Header.Get("Cache-Control") != "no-store" || !strings.Contains(export.Body, `"api_tokens"`) || !strings.Contains(export.Body, "from the browser") || strings.Contains(export.Body, view.Token) {
		t.Errorf("the export: Cache-Control %q, tokens listed without secrets?\n%s", export.Header.Get("Cache-Control"), export.Body)
	}

	change := url.Values{"current_password": {"correct horse battery"}, "password": {"a new password 1"}, "password2": {"a new password 1"}}
	if r := do(t, c, http.MethodPost, srv.URL+"/account/password", change); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("password change: %d", r.StatusCode)
	}
	if works(secret) || works(view.Token) {
		t.Error("a token survived a password change")
	}

	secret = newAPIToken(t, srv.URL, c)
	do(t, client(t), http.MethodPost, srv.URL+"/account/forgot", url.Values{"email": {"tokens@example.org"}})
	reset := url.Values{"token": {mailedToken(t, srv, "tokens@example.org", "/account/reset")}, "password": {"a third password"}, "password2": {"a third password"}}
	if r := do(t, client(t), http.MethodPost, srv.URL+"/account/reset", reset); r.StatusCode != http.StatusOK {
		t.Fatalf("reset: %d", r.StatusCode)
	}
	if works(secret) {
		t.Error("a token survived a password reset")
	}

	c = client(t)
	if r := do(t, c, http.MethodPost, srv.URL+"/signin", url.Values{"email": {"tokens@example.org"}, "password": {"a third password"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in: %d", r.StatusCode)
	}
	secret = newAPIToken(t, srv.URL, c)
	if !works(secret) {
		t.Fatal("a new token does not work")
	}
	do(t, c, http.MethodPost, srv.URL+"/account/sessions/end-all", url.Values{})
	if works(secret) {
		t.Error("a token survived signing out everywhere")
	}
}

// Wrong passwords slow the attacker without locking the owner out: one
// address is refused after five failures on an account, the owner at
// another address signs in; failures from many addresses make the right
// password ask for a mailed one-time link instead.
func TestWrongPasswordsDoNotLockTheOwnerOut(t *testing.T) {
	srv := apptest.Start(t, dbtest.DSN(t, db.SQLite), func(c *config.Config) { c.TrustProxy = true })
	signedIn(t, srv, "owner@example.org")
	wrong := url.Values{"email": {"owner@example.org"}, "password": {"wrong password!"}}
	right := url.Values{"email": {"owner@example.org"}, "password": {"correct horse battery"}}
	from := func(addr string, form url.Values) response {
		return do(t, client(t), http.MethodPost, srv.URL+"/signin", form, "X-Forwarded-For", addr, "Accept-Language", "en")
	}
	for range 5 {
		from("203.0.113.1", wrong)
	}
	if r := from("203.0.113.1", right); r.StatusCode != http.StatusTooManyRequests {
		t.Errorf("the attacking address with the right password: %d, want 429", r.StatusCode)
	}
	if r := from("198.51.100.20", right); r.StatusCode != http.StatusSeeOther {
		t.Errorf("the owner at home after five failures elsewhere: %d, want 303", r.StatusCode)
	}
	// A distributed guess: 20 addresses, one failure each.
	for i := range 20 {
		from(fmt.Sprintf("192.0.2.%d", i+1), wrong)
	}
	r := from("198.51.100.20", right)
	if r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "emailed you a sign-in link") || strings.Contains(r.Header.Get("Set-Cookie"), "session") {
		t.Fatalf("the right password during a distributed guess: %d\n%s", r.StatusCode, r.Body)
	}
	token := mailedToken(t, srv, "owner@example.org", "/account/signin-link")
	c := client(t)
	if r := get(t, c, srv.URL+"/account/signin-link?token="+url.QueryEscape(token)); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, `name="token"`) {
		t.Fatalf("link page: %d", r.StatusCode)
	}
	if r := do(t, c, http.MethodPost, srv.URL+"/account/signin-link", url.Values{"token": {token}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("signing in with the link: %d", r.StatusCode)
	}
	if r := get(t, c, srv.URL+"/account"); r.StatusCode != http.StatusOK {
		t.Errorf("not signed in after the link: %d", r.StatusCode)
	}
	if r := do(t, client(t), http.MethodPost, srv.URL+"/account/signin-link", url.Values{"token": {token}}); r.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("the link worked twice: %d", r.StatusCode)
	}
	// The link proved the mailbox: the password alone works again.
	if r := from("198.51.100.20", right); r.StatusCode != http.StatusSeeOther {
		t.Errorf("the right password after the link: %d, want 303", r.StatusCode)
	}
}

// Registering an address that has an account answers exactly as for a
// new address; the owner is mailed instead, and nothing is created.
func TestRegistrationDoesNotRevealAccounts(t *testing.T) {
	srv := startSQLite(t)
	signedIn(t, srv, "taken@example.org")
	register := func(email string) response {
		form := url.Values{"display_name": {"A"}, "email": {email}, "password": {"long enough pass"}, "password2": {"long enough pass"}}
		return do(t, client(t), http.MethodPost, srv.URL+"/register", form, "Accept-Language", "en")
	}
	taken, fresh := register("TAKEN@example.org"), register("fresh@example.org")
	norm := func(r response) string { return strings.ReplaceAll(r.Body, "fresh@example.org", "taken@example.org") }
	if taken.StatusCode != fresh.StatusCode || norm(taken) != norm(fresh) || taken.Header.Get("Set-Cookie") != "" || fresh.Header.Get("Set-Cookie") != "" {
		t.Errorf("the answers differ: %d and %d", taken.StatusCode, fresh.StatusCode)
	}
	if n := countRows(t, srv, `SELECT count(*) FROM users WHERE email = 'taken@example.org'`); n != 1 {
		t.Errorf("%d accounts for the taken address", n)
	}
	mailedToken(t, srv, "fresh@example.org", "/account/confirm")
	var found bool
	for _, m := range queuedMail(t, srv) {
		found = found || (m.To == "taken@example.org" && strings.Contains(m.Text, "already has an account"))
	}
	if !found {
		t.Error("the owner of the taken address was not told")
	}
}

type queued struct{ To, Subject, Text string }

// queuedMail lists the mail the node has queued.
func queuedMail(t *testing.T, srv *app.Server) []queued {
	t.Helper()
	rows, err := srv.DB.QueryContext(t.Context(), `SELECT payload FROM jobs WHERE kind = 'mail.send' ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []queued
	for rows.Next() {
		var payload string
		rows.Scan(&payload)
		var m queued
		json.Unmarshal([]byte(payload), &m)
		out = append(out, m)
	}
	return out
}

// Mail queued to an account and not yet sent is dropped when the account
// is deleted.
func TestNoMailAfterAccountDeletion(t *testing.T) {
	srv := apptest.Start(t, dbtest.DSN(t, db.SQLite), func(c *config.Config) { c.Workers = 0 }) // nothing is sent meanwhile
	c := signedIn(t, srv, "leaving@example.org")
	signedIn(t, srv, "staying@example.org")
	for _, addr := range []string{"leaving@example.org", "staying@example.org"} {
		do(t, client(t), http.MethodPost, srv.URL+"/account/forgot", url.Values{"email": {addr}})
	}
	if r := do(t, c, http.MethodPost, srv.URL+"/account/delete", url.Values{"password": {"correct horse battery"}}); r.StatusCode != 200 {
		t.Fatalf("delete: %d", r.StatusCode)
	}
	var toLeaving, toStaying int
	for _, m := range queuedMail(t, srv) {
		switch m.To {
		case "leaving@example.org":
			toLeaving++
		case "staying@example.org":
			toStaying++
		}
	}
	if toLeaving != 0 || toStaying != 1 {
		t.Errorf("queued after the deletion: %d to the deleted account (want 0), %d to another (want 1)", toLeaving, toStaying)
	}
}

// Open311 posts: the same report sent again is the case already filed, a
// key is limited per minute, and "report received" mail to one address
// given by anonymous reporters is limited.
func TestOpen311PostLimitsAndTwins(t *testing.T) {
	srv := apptest.Start(t, dbtest.DSN(t, db.SQLite), func(c *config.Config) { c.Open311PostsPerMinute = 40; c.Workers = 0 })
	seedReportsDemo(t, srv)
	admin := signedIn(t, srv, "admin@open311.test", web.Role{Name: web.RoleAdmin})
	key := issueKey(t, srv, admin, "Load app")
	post := func(description, email string) response {
		form := url.Values{"api_key": {key}, "service_code": {"pothole"}, "lat": {"50.0617"}, "long": {"19.9373"},
			"description": {description}, "email": {email}}
		return do(t, client(t), http.MethodPost, srv.URL+reports.Prefix+"/requests.json", form, "Accept-Language", "en")
	}
	before := countRows(t, srv, `SELECT count(*) FROM report_cases`)
	var wg sync.WaitGroup
	ids := make([]string, 30)
	for i := range ids {
		wg.Go(func() {
			r := post("The same hole, posted thirty times at once.", "")
			var got []struct {
				ID string `json:"service_request_id"`
			}
			json.Unmarshal([]byte(r.Body), &got)
			if r.StatusCode != http.StatusOK {
				t.Logf("%d %s", r.StatusCode, r.Body)
			}
			if r.StatusCode == http.StatusOK && len(got) == 1 {
				ids[i] = got[0].ID
			}
		})
	}
	wg.Wait()
	if n := countRows(t, srv, `SELECT count(*) FROM report_cases`) - before; n != 1 {
		t.Errorf("30 identical posts made %d cases, want 1", n)
	}
	for _, id := range ids {
		if id == "" || id != ids[0] {
			t.Fatalf("identical posts answered different or no case numbers: %v", ids)
		}
	}
	// Distinct reports naming one stranger's address: the first few are
	// mailed, the rest are filed without mail.
	for i := range 9 {
		if r := post(fmt.Sprintf("Hole number %d by the kerb.", i), "victim@example.org"); r.StatusCode != http.StatusOK {
			t.Fatalf("post %d: %d %s", i, r.StatusCode, r.Body)
		}
	}
	var toVictim int
	for _, m := range queuedMail(t, srv) {
		if m.To == "victim@example.org" {
			toVictim++
		}
	}
	if toVictim != 3 {
		t.Errorf("%d receipts to one address, want 3", toVictim)
	}
	// The key's limit: 40 posts a minute, counted above: 30 + 9 = 39.
	if r := post("Post forty.", ""); r.StatusCode != http.StatusOK {
		t.Errorf("post 40: %d", r.StatusCode)
	}
	if r := post("Post forty-one.", ""); r.StatusCode != http.StatusTooManyRequests || !strings.Contains(r.Body, "Too many reports") {
		t.Errorf("post 41 within the minute: %d %s", r.StatusCode, r.Body)
	}
}
