package app_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/civitas-city/civitas/internal/app"
	"github.com/civitas-city/civitas/internal/app/apptest"
	"github.com/civitas-city/civitas/internal/db/dbtest"
	"github.com/civitas-city/civitas/internal/web"
)

// mailedToken finds the newest mail to addr queued by the app and returns
// the token in its link to path.
func mailedToken(t *testing.T, srv *app.Server, addr, path string) string {
	t.Helper()
	rows, err := srv.DB.QueryContext(t.Context(), `SELECT payload FROM jobs WHERE kind = 'mail.send' ORDER BY id DESC`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	link := regexp.MustCompile(regexp.QuoteMeta(path) + `\?token=([A-Za-z0-9_%-]+)`)
	for rows.Next() {
		var payload string
		rows.Scan(&payload)
		var m struct{ To, Text string }
		json.Unmarshal([]byte(payload), &m)
		if m.To != addr {
			continue
		}
		if found := link.FindStringSubmatch(m.Text); found != nil {
			tok, _ := url.QueryUnescape(found[1])
			return tok
		}
	}
	t.Fatalf("no mail to %s with a link to %s", addr, path)
	return ""
}

func TestRegisterConfirmAndProfile(t *testing.T) {
	srv := startSQLite(t)
	c := client(t)
	form := url.Values{"display_name": {"Zofia Nowak"}, "email": {"Zofia@Example.org"}, "password": {"wiosna w krakowie"}, "password2": {"wiosna w krakowie"}, "district": {"18"}}
	r := do(t, c, http.MethodPost, srv.URL+"/register", form, "Accept-Language", "en")
	if r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "zofia@example.org") {
		t.Fatalf("register: %d\n%s", r.StatusCode, r.Body)
	}
	// Not signed in, and no sign-in, until the address is confirmed (so
	// registering cannot tell whether an address had an account).
	if r := get(t, c, srv.URL+"/account"); r.StatusCode != http.StatusSeeOther {
		t.Errorf("signed in before confirming: %d", r.StatusCode)
	}
	signin := url.Values{"email": {"zofia@example.org"}, "password": {"wiosna w krakowie"}}
	if r := do(t, c, http.MethodPost, srv.URL+"/signin", signin, "Accept-Language", "en"); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "not confirmed yet") {
		t.Errorf("sign-in before confirming: %d", r.StatusCode)
	}
	token := mailedToken(t, srv, "zofia@example.org", "/account/confirm")
	// Opening the link only shows a button: mail scanners that fetch links
	// confirm nothing.
	if r := get(t, c, srv.URL+"/account/confirm?token="+url.QueryEscape(token)); r.StatusCode != 200 || !strings.Contains(r.Body, `name="token"`) {
		t.Fatalf("confirm page: %d", r.StatusCode)
	}
	if r := do(t, c, http.MethodPost, srv.URL+"/account/confirm", url.Values{"token": {token}}); r.StatusCode != 200 {
		t.Fatalf("confirm: %d", r.StatusCode)
	}
	if r := do(t, c, http.MethodPost, srv.URL+"/account/confirm", url.Values{"token": {token}}, "Accept-Language", "en"); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "already used or has expired") {
		t.Errorf("second use of the token: %d", r.StatusCode)
	}
	if r := do(t, c, http.MethodPost, srv.URL+"/signin", signin); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in after confirming: %d", r.StatusCode)
	}
	profile := get(t, c, srv.URL+"/account", "Accept-Language", "en")
	if !strings.Contains(profile.Body, "confirmed") || strings.Contains(profile.Body, "not confirmed") || !strings.Contains(profile.Body, `<option value="18" selected>`) {
		t.Errorf("profile after confirming:\n%s", profile.Body)
	}
}

func TestRegisterRefusesBadInput(t *testing.T) {
	srv := startSQLite(t)
	signedIn(t, srv, "taken@example.org")
	tests := []struct {
		name  string
		form  url.Values
		field string
		want  string
	}{
		{"short password", url.Values{"display_name": {"A"}, "email": {"a@example.org"}, "password": {"short"}, "password2": {"short"}}, "password", "at least 10 characters"},
		{"mismatch", url.Values{"display_name": {"A"}, "email": {"a@example.org"}, "password": {"long enough pass"}, "password2": {"other long pass"}}, "password2", "passwords differ"},
		{"bad email", url.Values{"display_name": {"A"}, "email": {"not-an-email"}, "password": {"long enough pass"}, "password2": {"long enough pass"}}, "email", "valid email"},
		{"control characters in the name", url.Values{"display_name": {"Anna\u202eevil"}, "email": {"c@example.org"}, "password": {"long enough pass"}, "password2": {"long enough pass"}}, "display_name", "control characters"},
		{"no name", url.Values{"display_name": {"  "}, "email": {"b@example.org"}, "password": {"long enough pass"}, "password2": {"long enough pass"}}, "display_name", "Enter your name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := do(t, client(t), http.MethodPost, srv.URL+"/register", tt.form, "Accept-Language", "en")
			if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, tt.want) || !strings.Contains(r.Body, `href="#`+tt.field+`"`) {
				t.Errorf("status %d; want 422 naming %s with %q", r.StatusCode, tt.field, tt.want)
			}
		})
	}
	var n int
	srv.DB.QueryRowContext(t.Context(), `SELECT count(*) FROM users`).Scan(&n)
	if n != 1 {
		t.Errorf("%d accounts exist; bad input created some", n)
	}
}

func TestPasswordResetIsSingleUse(t *testing.T) {
	srv := startSQLite(t)
	old := signedIn(t, srv, "reset@example.org")
	c := client(t)
	do(t, c, http.MethodPost, srv.URL+"/account/forgot", url.Values{"email": {"reset@example.org"}})
	// An unknown address gets the same answer and no mail.
	r := do(t, c, http.MethodPost, srv.URL+"/account/forgot", url.Values{"email": {"nobody@example.org"}}, "Accept-Language", "en")
	if r.StatusCode != 200 || !strings.Contains(r.Body, "If nobody@example.org has an account") {
		t.Errorf("unknown address: %d", r.StatusCode)
	}
	token := mailedToken(t, srv, "reset@example.org", "/account/reset")
	set := url.Values{"token": {token}, "password": {"nowe hasło do konta"}, "password2": {"nowe hasło do konta"}}
	if r := do(t, c, http.MethodPost, srv.URL+"/account/reset", set); r.StatusCode != 200 {
		t.Fatalf("reset: %d\n%s", r.StatusCode, r.Body)
	}
	if r := do(t, c, http.MethodPost, srv.URL+"/account/reset", set); r.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("the token worked twice: %d", r.StatusCode)
	}
	// Other sessions ended; the new password works, the old one not.
	if r := get(t, old, srv.URL+"/account"); r.StatusCode != http.StatusSeeOther {
		t.Errorf("an old session survived the reset: %d", r.StatusCode)
	}
	if r := do(t, client(t), http.MethodPost, srv.URL+"/signin", url.Values{"email": {"reset@example.org"}, "password": {"nowe hasło do konta"}}); r.StatusCode != http.StatusSeeOther {
		t.Errorf("sign in with the new password: %d", r.StatusCode)
	}
	// An expired token does not work either.
	do(t, c, http.MethodPost, srv.URL+"/account/forgot", url.Values{"email": {"reset@example.org"}})
	token = mailedToken(t, srv, "reset@example.org", "/account/reset")
	srv.DB.ExecContext(t.Context(), `UPDATE account_tokens SET expires_at = created_at`)
	set["token"] = []string{token}
	if r := do(t, c, http.MethodPost, srv.URL+"/account/reset", set); r.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("an expired token worked: %d", r.StatusCode)
	}
}

// The sign-in limit is kept in the database, so it holds across nodes.
func TestSignInLimitAcrossNodes(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			dsn := dbtest.DSN(t, engine)
			a, b := apptest.Start(t, dsn), apptest.Start(t, dsn)
			signedIn(t, a, "limit@example.org")
			wrong := url.Values{"email": {"limit@example.org"}, "password": {"wrong password!"}}
			for i := range 5 {
				node := a
				if i%2 == 1 {
					node = b
				}
				if r := do(t, client(t), http.MethodPost, node.URL+"/signin", wrong); r.StatusCode != http.StatusUnprocessableEntity {
					t.Fatalf("attempt %d: %d", i+1, r.StatusCode)
				}
			}
			right := url.Values{"email": {"limit@example.org"}, "password": {"correct horse battery"}}
			r := do(t, client(t), http.MethodPost, b.URL+"/signin", right, "Accept-Language", "en")
			if r.StatusCode != http.StatusTooManyRequests || !strings.Contains(r.Body, "Too many failed sign-in attempts") {
				t.Errorf("sixth attempt on the other node: %d", r.StatusCode)
			}
		})
	}
}

func TestAPITokensAndOpenAPI(t *testing.T) {
	srv := startSQLite(t)
	c := signedIn(t, srv, "api@example.org")
	r := do(t, c, http.MethodPost, srv.URL+"/account/tokens", url.Values{"name": {"my script"}})
	secret := regexp.MustCompile(`civ_[A-Za-z0-9_-]+`).FindString(r.Body)
	if secret == "" || r.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("token page: %d", r.StatusCode)
	}
	api := client(t)
	me := get(t, api, srv.URL+"/api/v1/me", "Authorization", "Bearer "+secret)
	var got struct {
		Email string `json:"email"`
	}
	if json.Unmarshal([]byte(me.Body), &got); me.StatusCode != 200 || got.Email != "api@example.org" {
		t.Fatalf("GET /api/v1/me with the token: %d %s", me.StatusCode, me.Body)
	}
	if r := get(t, api, srv.URL+"/api/v1/me", "Authorization", "Bearer civ_wrong"); r.StatusCode != http.StatusUnauthorized || !strings.Contains(r.Body, `"code": "unauthenticated"`) {
		t.Errorf("wrong token: %d %s", r.StatusCode, r.Body)
	}
	if r := get(t, api, srv.URL+"/api/v1/me"); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("no token: %d", r.StatusCode)
	}
	req := `{"display_name": "API User", "district": 3, "notify_email": false, "news_districts": [1, 3]}`
	put := doBody(t, api, http.MethodPut, srv.URL+"/api/v1/me/preferences", req, "Authorization", "Bearer "+secret, "Content-Type", "application/json")
	if put.StatusCode != 200 || !strings.Contains(put.Body, `"district": 3`) {
		t.Errorf("PUT preferences: %d %s", put.StatusCode, put.Body)
	}
	bad := doBody(t, api, http.MethodPut, srv.URL+"/api/v1/me/preferences", `{"display_name": "X", "admin": true}`, "Authorization", "Bearer "+secret, "Content-Type", "application/json")
	if bad.StatusCode != http.StatusBadRequest {
		t.Errorf("unknown field: %d", bad.StatusCode)
	}
	// A body not declared as JSON is refused: a cross-site form can send
	// text/plain, never application/json.
	plain := doBody(t, api, http.MethodPut, srv.URL+"/api/v1/me/preferences", req, "Authorization", "Bearer "+secret, "Content-Type", "text/plain")
	if plain.StatusCode != http.StatusUnsupportedMediaType || !strings.Contains(plain.Body, "Content-Type: application/json") {
		t.Errorf("text/plain body: %d %s", plain.StatusCode, plain.Body)
	}
	var doc struct {
		OpenAPI string                     `json:"openapi"`
		Paths   map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal([]byte(get(t, api, srv.URL+"/api/v1/openapi.json").Body), &doc); err != nil || doc.OpenAPI == "" {
		t.Fatalf("openapi.json: %v", err)
	}
	for _, route := range srv.Routes {
		method, path, _ := strings.Cut(route.Pattern, " ")
		if !strings.HasPrefix(path, "/api/v1/") || path == "/api/v1/openapi.json" {
			continue
		}
		var ops map[string]json.RawMessage
		json.Unmarshal(doc.Paths[path], &ops)
		if _, ok := ops[strings.ToLower(method)]; !ok {
			t.Errorf("%s is not described in openapi.json", route.Pattern)
		}
	}
}

func TestExportAndDelete(t *testing.T) {
	srv := startSQLite(t)
	c := signedIn(t, srv, "leaving@example.org")
	r := get(t, c, srv.URL+"/account/data.json")
	if r.StatusCode != 200 || !strings.Contains(r.Body, "leaving@example.org") || !strings.Contains(r.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("export: %d", r.StatusCode)
	}
	if r := do(t, c, http.MethodPost, srv.URL+"/account/delete", url.Values{"password": {"wrong"}}); r.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("delete with a wrong password: %d", r.StatusCode)
	}
	if r := do(t, c, http.MethodPost, srv.URL+"/account/delete", url.Values{"password": {"correct horse battery"}}); r.StatusCode != 200 {
		t.Fatalf("delete: %d", r.StatusCode)
	}
	var email *string
	var name string
	srv.DB.QueryRowContext(t.Context(), `SELECT email, display_name FROM users`).Scan(&email, &name)
	if email != nil || strings.Contains(name, "leaving") {
		t.Errorf("personal data kept: %v %q", email, name)
	}
	if r := do(t, client(t), http.MethodPost, srv.URL+"/signin", url.Values{"email": {"leaving@example.org"}, "password": {"correct horse battery"}}); r.StatusCode == http.StatusSeeOther {
		t.Error("a deleted account can sign in")
	}
	var audited int
	srv.DB.QueryRowContext(t.Context(), `SELECT count(*) FROM audit_log WHERE action = 'account.delete'`).Scan(&audited)
	if audited != 1 {
		t.Error("the deletion is not audited")
	}
}

func TestAdminGrantsAndRevokesRoles(t *testing.T) {
	srv := startSQLite(t)
	admin := signedIn(t, srv, "boss@example.org", web.Role{Name: web.RoleAdmin})
	signedIn(t, srv, "clerk@example.org")
	list := get(t, admin, srv.URL+"/admin/users?q=clerk")
	id := regexp.MustCompile(`/admin/users/([0-9a-f-]{36})`).FindStringSubmatch(list.Body)
	if id == nil {
		t.Fatalf("clerk not found:\n%s", list.Body)
	}
	grant := do(t, admin, http.MethodPost, srv.URL+"/admin/users/"+id[1]+"/roles", url.Values{"role": {"officer"}, "domain": {"reports"}})
	if grant.StatusCode != http.StatusSeeOther {
		t.Fatalf("grant: %d", grant.StatusCode)
	}
	if r := do(t, admin, http.MethodPost, srv.URL+"/admin/users/"+id[1]+"/roles", url.Values{"role": {"emperor"}}); r.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("unknown role: %d", r.StatusCode)
	}
	revoke := do(t, admin, http.MethodPost, srv.URL+"/admin/users/"+id[1]+"/roles/revoke", url.Values{"role": {"officer"}, "domain": {"reports"}})
	if revoke.StatusCode != http.StatusSeeOther {
		t.Fatalf("revoke: %d", revoke.StatusCode)
	}
	var n int
	srv.DB.QueryRowContext(t.Context(), `SELECT count(*) FROM audit_log WHERE action IN ('role.grant', 'role.revoke') AND target_id = $1`, id[1]).Scan(&n)
	if n != 2 {
		t.Errorf("%d audit rows for the grant and revoke, want 2", n)
	}
}
