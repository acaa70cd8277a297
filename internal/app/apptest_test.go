package app_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/civitas-city/civitas/internal/accounts"
	"github.com/civitas-city/civitas/internal/app"
	"github.com/civitas-city/civitas/internal/app/apptest"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/db/dbtest"
	"github.com/civitas-city/civitas/internal/web"
)

func startSQLite(t testing.TB) *app.Server { return apptest.Start(t, dbtest.DSN(t, db.SQLite)) }

// client is a browser-like client with cookies that does not follow
// redirects, so tests can see them.
func client(t testing.TB) *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
}

type response struct {
	*http.Response
	Body string
}

func do(t testing.TB, c *http.Client, method, u string, form url.Values, header ...string) response {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	if h := req.Header.Get("Host"); h != "" {
		req.Host = h // Go sends req.Host, not a Host header
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{resp, string(b)}
}

// doBody sends a raw body (JSON API calls).
func doBody(t testing.TB, c *http.Client, method, u, body string, header ...string) response {
	t.Helper()
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{resp, string(b)}
}

func get(t testing.TB, c *http.Client, u string, header ...string) response {
	t.Helper()
	return do(t, c, http.MethodGet, u, nil, header...)
}

// signedIn creates an account with roles and returns a client signed in
// as that account.
func signedIn(t testing.TB, srv *app.Server, email string, roles ...web.Role) *http.Client {
	t.Helper()
	ctx := context.Background()
	svc := &accounts.Service{DB: srv.DB}
	u, err := svc.Create(ctx, srv.DB, accounts.NewUser{Email: email, DisplayName: "Test " + email, Password: "correct horse battery", EmailConfirmed: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range roles {
		if err := svc.GrantRole(ctx, "", u.ID, r); err != nil {
			t.Fatal(err)
		}
	}
	c := client(t)
	r := do(t, c, http.MethodPost, srv.URL+"/signin", url.Values{"email": {email}, "password": {"correct horse battery"}, "next": {"/"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in as %s: status %d\n%s", email, r.StatusCode, r.Body)
	}
	return c
}
