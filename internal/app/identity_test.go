package app

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/civitas-city/civitas/internal/accounts"
	"github.com/civitas-city/civitas/internal/accounts/census/censuscli"
	"github.com/civitas-city/civitas/internal/accounts/identity/identitytest"
	"github.com/civitas-city/civitas/internal/accounts/pesel"
	"github.com/civitas-city/civitas/internal/config"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/db/dbtest"
	"github.com/civitas-city/civitas/internal/web"
)

// Until moduleWirings lists wireIdentity, the tests of this package add it.

const idTestKey = "identity-node-test-key-0123456789abcdef"

// syncBuffer collects a node's log lines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) Bytes() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return bytes.Clone(s.b.Bytes())
}

// idNode starts a node on dsn with the test key, logging at debug level to
// logs (or nowhere).
func idNode(t *testing.T, dsn string, logs io.Writer) *Server {
	t.Helper()
	cfg, err := config.Load([]string{"serve", "--db", dsn, "--addr", "127.0.0.1:0", "--log-level", "debug"},
		func(name string) string {
			switch {
			case name == "CIVITAS_SECRET_KEY":
				return idTestKey
			case strings.HasPrefix(name, "CIVITAS_OIDC_"):
				return os.Getenv(name) // the test's identity provider, set with t.Setenv
			}
			return ""
		}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if logs == nil {
		logs = io.Discard
	}
	cfg.Stderr, cfg.Stdout = logs, io.Discard
	srv, err := Start(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Shutdown() })
	return srv
}

// idRegister writes a synthetic register of n people and imports it into
// dsn with the census command; it returns the people and the command's
// output.
func idRegister(t *testing.T, dsn string, n int) ([]idPerson, string) {
	t.Helper()
	var b strings.Builder
	b.WriteString("pesel,birth_date,district,address\n")
	var ps []idPerson
	for i := range n {
		birth := time.Date(1945+i%60, time.Month(1+i%12), 1+i%28, 0, 0, 0, 0, time.UTC)
		p := idPerson{pesel.Generate(birth, 300+i, i%2 == 1), birth, 1 + i%18}
		ps = append(ps, p)
		fmt.Fprintf(&b, "%s,%s,%d,\"ul. Syntetyczna %d, Kraków\"\n", p.pesel, p.date(), p.district, i)
	}
	file := filepath.Join(t.TempDir(), "register.csv")
	if err := os.WriteFile(file, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errs bytes.Buffer
	code := censuscli.Main(t.Context(), []string{"import", file}, &out, &errs, func(k string) string {
		return map[string]string{"CIVITAS_DB": dsn, "CIVITAS_SECRET_KEY": idTestKey}[k]
	})
	if code != 0 {
		t.Fatalf("census import: exit %d: %s", code, errs.String())
	}
	return ps, out.String() + errs.String()
}

type idPerson struct {
	pesel    string
	birth    time.Time
	district int
}

func (p idPerson) date() string { return p.birth.Format(time.DateOnly) }

type idResponse struct {
	*http.Response
	Body string
}

func idClient() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
}

// idDo sends a request in English (unless lang says otherwise).
func idDo(t *testing.T, c *http.Client, method, u string, form url.Values, lang ...string) idResponse {
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
	req.Header.Set("Accept-Language", append(lang, "en")[0])
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return idResponse{resp, string(b)}
}

const idPassword = "correct horse battery staple"

// idSignIn creates an account (with roles) and signs a new client in.
func idSignIn(t *testing.T, srv *Server, email string, roles ...web.Role) (*http.Client, string) {
	t.Helper()
	ctx := t.Context()
	svc := &accounts.Service{DB: srv.DB}
	u, err := svc.Create(ctx, srv.DB, accounts.NewUser{Email: email, DisplayName: "Resident " + email, Password: idPassword, EmailConfirmed: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range roles {
		if err := svc.GrantRole(ctx, "", u.ID, r); err != nil {
			t.Fatal(err)
		}
	}
	c := idClient()
	r := idDo(t, c, http.MethodPost, srv.URL+"/signin", url.Values{"email": {email}, "password": {idPassword}, "next": {"/"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in as %s: %d\n%s", email, r.StatusCode, r.Body)
	}
	return c, u.ID
}

func wantStatus(t *testing.T, r idResponse, status int, contains ...string) {
	t.Helper()
	if r.StatusCode != status {
		t.Fatalf("%s %s: status %d, want %d\n%s", r.Request.Method, r.Request.URL.Path, r.StatusCode, status, r.Body)
	}
	for _, c := range contains {
		if !strings.Contains(r.Body, c) {
			t.Fatalf("%s %s: the page lacks %q\n%s", r.Request.Method, r.Request.URL.Path, c, r.Body)
		}
	}
}

var codeRE = regexp.MustCompile(`[A-HJ-NP-Z2-9]{5}-[A-HJ-NP-Z2-9]{5}`)

// The whole residency story through a node, on every engine: the census
// command, verification, a refused second claim, a managed profile made at
// the desk and claimed online, in-person verification.
func TestIdentityThroughANode(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			dsn := dbtest.DSN(t, engine)
			ps, out := idRegister(t, dsn, 60)
			if !strings.Contains(out, "imported 60 residents") {
				t.Fatalf("census import said %q", out)
			}
			srv := idNode(t, dsn, nil)
			anna, annaID := idSignIn(t, srv, "anna@identity.test")
			page := idDo(t, anna, http.MethodGet, srv.URL+"/account/verify", nil)
			wantStatus(t, page, http.StatusOK, `action="/account/verify/census"`, "email address confirmed")
			if strings.Contains(page.Body, "/account/verify/oidc") {
				t.Error("the OIDC button shows without a provider")
			}

			// Mistakes come back on the form, named and linked.
			r := idDo(t, anna, http.MethodPost, srv.URL+"/account/verify/census", url.Values{"pesel": {"90051512358"}, "birth_date": {""}})
			wantStatus(t, r, http.StatusBadRequest, `href="#pesel"`, `href="#birth_date"`, "a digit is wrong", `aria-invalid="true"`)
			r = idDo(t, anna, http.MethodPost, srv.URL+"/account/verify/census", url.Values{"pesel": {ps[0].pesel}, "birth_date": {"1999-01-01"}})
			wantStatus(t, r, http.StatusBadRequest, "does not match the PESEL")

			r = idDo(t, anna, http.MethodPost, srv.URL+"/account/verify/census", url.Values{"pesel": {ps[0].pesel}, "birth_date": {ps[0].date()}})
			if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/account/verify?done=verified" {
				t.Fatalf("verify: %d %s\n%s", r.StatusCode, r.Header.Get("Location"), r.Body)
			}
			wantStatus(t, idDo(t, anna, http.MethodGet, srv.URL+"/account/verify?done=verified", nil), http.StatusOK,
				"your residency is verified", "verified resident", "residents register")

			// Started from a ballot, verification returns to it; a next that
			// leaves the site goes home instead.
			cara, _ := idSignIn(t, srv, "cara@identity.test")
			wantStatus(t, idDo(t, cara, http.MethodGet, srv.URL+"/account/verify?next=/budget/bo/vote", nil), http.StatusOK,
				`name="next" value="/budget/bo/vote"`)
			r = idDo(t, cara, http.MethodPost, srv.URL+"/account/verify/census", url.Values{"pesel": {ps[50].pesel}, "birth_date": {ps[50].date()}, "next": {"/budget/bo/vote"}})
			if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/budget/bo/vote" {
				t.Errorf("verify from a ballot: %d to %q", r.StatusCode, r.Header.Get("Location"))
			}
			dan, _ := idSignIn(t, srv, "dan@identity.test")
			r = idDo(t, dan, http.MethodPost, srv.URL+"/account/verify/census", url.Values{"pesel": {ps[51].pesel}, "birth_date": {ps[51].date()}, "next": {"//evil.example/vote"}})
			if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/" {
				t.Errorf("verify with a next off the site: %d to %q, want /", r.StatusCode, r.Header.Get("Location"))
			}

			// The same PESEL on another account is refused; officers see it.
			bob, _ := idSignIn(t, srv, "bob@identity.test")
			r = idDo(t, bob, http.MethodPost, srv.URL+"/account/verify/census", url.Values{"pesel": {ps[0].pesel}, "birth_date": {ps[0].date()}})
			wantStatus(t, r, http.StatusConflict, "already verifies another account")
			officer, officerID := idSignIn(t, srv, "officer@identity.test", web.Role{Name: web.RoleOfficer, Domain: "residents"})
			wantStatus(t, idDo(t, officer, http.MethodGet, srv.URL+"/officer/verification/refused", nil), http.StatusOK,
				"bob@identity.test", "Resident anna@identity.test", "the PESEL verifies another account")

			// Bob proves at the desk that the PESEL is his: the officer
			// revokes Anna's verification (a reason is required), and Bob's
			// claim then goes through.
			revoke := srv.URL + "/officer/residents/" + annaID + "/revoke"
			wantStatus(t, idDo(t, officer, http.MethodGet, srv.URL+"/officer/residents/"+annaID, nil), http.StatusOK, `action="/officer/residents/`+annaID+`/revoke"`)
			wantStatus(t, idDo(t, officer, http.MethodPost, revoke, url.Values{"reason": {" "}}), http.StatusBadRequest, `href="#reason"`, "Write the reason")
			r = idDo(t, officer, http.MethodPost, revoke, url.Values{"reason": {"Bob showed his identity card."}})
			if r.StatusCode != http.StatusSeeOther {
				t.Fatalf("revoke: %d\n%s", r.StatusCode, r.Body)
			}
			wantStatus(t, idDo(t, officer, http.MethodGet, srv.URL+r.Header.Get("Location"), nil), http.StatusOK, "The verification is revoked")
			wantStatus(t, idDo(t, officer, http.MethodPost, revoke, url.Values{"reason": {"again"}}), http.StatusConflict, "nothing to revoke")
			r = idDo(t, bob, http.MethodPost, srv.URL+"/account/verify/census", url.Values{"pesel": {ps[0].pesel}, "birth_date": {ps[0].date()}})
			if r.StatusCode != http.StatusSeeOther {
				t.Fatalf("Bob's claim after the revocation: %d\n%s", r.StatusCode, r.Body)
			}

			// A managed profile for a resident without internet.
			r = idDo(t, officer, http.MethodPost, srv.URL+"/officer/residents", url.Values{"name": {"Zofia Bez-Internetu"}, "pesel": {ps[1].pesel}})
			wantStatus(t, r, http.StatusOK, "Zofia Bez-Internetu")
			code := codeRE.FindString(r.Body)
			if code == "" || r.Header.Get("Cache-Control") != "no-store" {
				t.Fatalf("no claim code (or cached): %s", r.Body)
			}
			r = idDo(t, officer, http.MethodPost, srv.URL+"/officer/residents/search", url.Values{"q": {ps[1].pesel}})
			wantStatus(t, r, http.StatusOK, "Zofia Bez-Internetu", "managed profile")
			r = idDo(t, officer, http.MethodPost, srv.URL+"/officer/residents/search", url.Values{"q": {ps[2].pesel}})
			wantStatus(t, r, http.StatusOK, "The residents register lists the person")
			var lookups int
			srv.DB.QueryRowContext(t.Context(), `SELECT COUNT(*) FROM audit_log WHERE action = 'resident.lookup' AND actor_id = $1`, officerID).Scan(&lookups)
			if lookups != 2 {
				t.Errorf("%d PESEL lookups audited, want 2", lookups)
			}
			wantStatus(t, idDo(t, officer, http.MethodGet, srv.URL+"/officer/residents", nil), http.StatusOK, "Zofia Bez-Internetu")

			// Later Zofia registers online and claims the profile with the code.
			zofia, onlineID := idSignIn(t, srv, "zofia@identity.test")
			r = idDo(t, zofia, http.MethodPost, srv.URL+"/account/verify/census", url.Values{"pesel": {ps[1].pesel}, "birth_date": {ps[1].date()}})
			wantStatus(t, r, http.StatusBadRequest, `href="#claim_code"`)
			r = idDo(t, zofia, http.MethodPost, srv.URL+"/account/verify/census",
				url.Values{"pesel": {ps[1].pesel}, "birth_date": {ps[1].date()}, "claim_code": {strings.ToLower(code)}})
			if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/account/verify?done=claimed" {
				t.Fatalf("claim: %d %s\n%s", r.StatusCode, r.Header.Get("Location"), r.Body)
			}
			wantStatus(t, idDo(t, zofia, http.MethodGet, srv.URL+"/account/verify?done=claimed", nil), http.StatusOK,
				"is now your account", "verified resident", "in person at a city office")
			var n int
			srv.DB.QueryRowContext(t.Context(), `SELECT COUNT(*) FROM users WHERE id = $1`, onlineID).Scan(&n)
			if n != 0 {
				t.Error("the online account was not merged into the profile")
			}
			// She signs in again later with her email and password: the profile's row.
			again := idClient()
			r = idDo(t, again, http.MethodPost, srv.URL+"/signin", url.Values{"email": {"zofia@identity.test"}, "password": {idPassword}, "next": {"/account/verify"}})
			if r.StatusCode != http.StatusSeeOther {
				t.Fatalf("sign in after the claim: %d", r.StatusCode)
			}
			wantStatus(t, idDo(t, again, http.MethodGet, srv.URL+"/account/verify", nil), http.StatusOK, "verified resident")

			// In person: a newcomer the register does not list yet.
			_, carolID := idSignIn(t, srv, "carol@identity.test")
			newcomer := pesel.Generate(time.Date(1988, 8, 8, 0, 0, 0, 0, time.UTC), 808, true)
			r = idDo(t, officer, http.MethodPost, srv.URL+"/officer/residents/"+carolID+"/verify", url.Values{"pesel": {newcomer}, "district": {"0"}})
			wantStatus(t, r, http.StatusBadRequest, `href="#district"`)
			r = idDo(t, officer, http.MethodPost, srv.URL+"/officer/residents/"+carolID+"/verify", url.Values{"pesel": {newcomer}, "district": {"14"}})
			if r.StatusCode != http.StatusSeeOther {
				t.Fatalf("in person: %d\n%s", r.StatusCode, r.Body)
			}
			wantStatus(t, idDo(t, officer, http.MethodGet, srv.URL+r.Header.Get("Location"), nil), http.StatusOK,
				"The residency is verified", "XIV Czyżyny", "recorded by an officer")
			var actor, behalf string
			srv.DB.QueryRowContext(t.Context(), `SELECT actor_id, on_behalf_of FROM audit_log WHERE action = 'residency.verify' AND target_id = $1`, carolID).Scan(&actor, &behalf)
			if actor != officerID || behalf != carolID {
				t.Errorf("in-person audit: actor %q on behalf of %q", actor, behalf)
			}
		})
	}
}

// Every identity page renders in every language without a missing key.
func TestIdentityPagesInEveryLanguage(t *testing.T) {
	srv := idNode(t, dbtest.DSN(t, db.SQLite), nil)
	resident, residentID := idSignIn(t, srv, "lang@identity.test")
	officer, _ := idSignIn(t, srv, "desk@identity.test", web.Role{Name: web.RoleOfficer, Domain: "residents"})
	pages := []struct {
		c    *http.Client
		path string
	}{
		{resident, "/account/verify"}, {officer, "/officer/residents"}, {officer, "/officer/residents/new"},
		{officer, "/officer/residents/" + residentID}, {officer, "/officer/verification/refused"},
	}
	for _, lang := range []string{"pl", "en", "uk"} {
		for _, p := range pages {
			r := idDo(t, p.c, http.MethodGet, srv.URL+p.path, nil, lang)
			wantStatus(t, r, http.StatusOK, `<html lang="`+lang+`"`)
			if m := regexp.MustCompile(`(identity|pesel)\.[a-z_]+\.[a-z_.]+`).FindString(r.Body); m != "" {
				t.Errorf("%s in %s shows the key %s", p.path, lang, m)
			}
		}
	}
}

// After a census import and verifications (register, identity provider,
// refused and mistyped attempts), neither the database files nor the logs
// hold any PESEL or the password in clear.
func TestNoPESELOrPasswordInClear(t *testing.T) {
	idp := identitytest.New(t)
	t.Setenv("CIVITAS_OIDC_ISSUER", idp.URL)
	t.Setenv("CIVITAS_OIDC_CLIENT_ID", idp.ClientID)
	t.Setenv("CIVITAS_OIDC_CLIENT_SECRET", idp.ClientSecret)
	t.Setenv("CIVITAS_OIDC_NAME", "Test IdP")

	dir := t.TempDir()
	dbFile := filepath.Join(dir, "civitas.db")
	dsn := "sqlite:" + dbFile
	ps, cliOut := idRegister(t, dsn, 200)
	logs := &syncBuffer{}
	srv := idNode(t, dsn, logs)

	anna, _ := idSignIn(t, srv, "anna@clear.test")
	for _, form := range []url.Values{
		{"pesel": {ps[5].pesel[:10] + "x"}, "birth_date": {ps[5].date()}},                                               // invalid
		{"pesel": {pesel.Generate(time.Date(1977, 7, 7, 0, 0, 0, 0, time.UTC), 1, true)}, "birth_date": {"1977-07-07"}}, // not listed
		{"pesel": {ps[5].pesel}, "birth_date": {ps[5].date()}},                                                          // good
	} {
		idDo(t, anna, http.MethodPost, srv.URL+"/account/verify/census", form)
	}
	bob, _ := idSignIn(t, srv, "bob@clear.test")
	idDo(t, bob, http.MethodPost, srv.URL+"/account/verify/census", url.Values{"pesel": {ps[5].pesel}, "birth_date": {ps[5].date()}}) // refused

	// Carol verifies through the identity provider.
	carol, _ := idSignIn(t, srv, "carol@clear.test")
	idp.SetPESEL(ps[6].pesel)
	r := idDo(t, carol, http.MethodPost, srv.URL+"/account/verify/oidc", nil)
	if r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), idp.URL+"/auth?") {
		t.Fatalf("oidc start: %d %s\n%s", r.StatusCode, r.Header.Get("Location"), r.Body)
	}
	back := idDo(t, idClient(), http.MethodGet, r.Header.Get("Location"), nil)
	r = idDo(t, carol, http.MethodGet, back.Header.Get("Location"), nil)
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/account/verify?done=verified" {
		t.Fatalf("oidc callback: %d %s\n%s", r.StatusCode, r.Header.Get("Location"), r.Body)
	}
	wantStatus(t, idDo(t, carol, http.MethodGet, srv.URL+"/account/verify", nil), http.StatusOK, "identity provider", "verified resident")

	// An officer makes a managed profile and searches by PESEL.
	officer, _ := idSignIn(t, srv, "officer@clear.test", web.Role{Name: web.RoleOfficer, Domain: "residents"})
	idDo(t, officer, http.MethodPost, srv.URL+"/officer/residents", url.Values{"name": {"Jan Bez-Sieci"}, "pesel": {ps[7].pesel}})
	idDo(t, officer, http.MethodPost, srv.URL+"/officer/residents/search", url.Values{"q": {ps[8].pesel}})

	read := func(name string) []byte {
		b, err := os.ReadFile(name)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		return b
	}
	files := map[string][]byte{"log": logs.Bytes(), "census command output": []byte(cliOut),
		"database (running)": read(dbFile), "WAL (running)": read(dbFile + "-wal")}
	if err := srv.Shutdown(); err != nil {
		t.Fatal(err)
	}
	files["database"], files["WAL"], files["log (after stop)"] = read(dbFile), read(dbFile+"-wal"), logs.Bytes()
	if !bytes.Contains(files["log"], []byte("route=")) || len(files["database"]) < 4096 {
		t.Fatalf("nothing was logged or stored: log %d bytes, database %d bytes", len(files["log"]), len(files["database"]))
	}
	secrets := []string{idPassword}
	for _, p := range ps {
		secrets = append(secrets, p.pesel)
	}
	for name, b := range files {
		for _, s := range secrets {
			if bytes.Contains(b, []byte(s)) {
				what := "a PESEL"
				if s == idPassword {
					what = "the password"
				}
				t.Errorf("the %s holds %s in clear", name, what)
			}
		}
	}
}

// The identity provider path's failures: cancelled at the provider, a
// callback that did not start in this browser.
func TestOIDCFailuresThroughANode(t *testing.T) {
	idp := identitytest.New(t)
	t.Setenv("CIVITAS_OIDC_ISSUER", idp.URL)
	t.Setenv("CIVITAS_OIDC_CLIENT_ID", idp.ClientID)
	t.Setenv("CIVITAS_OIDC_CLIENT_SECRET", idp.ClientSecret)
	dsn := dbtest.DSN(t, db.SQLite)
	ps, _ := idRegister(t, dsn, 5)
	srv := idNode(t, dsn, nil)
	c, _ := idSignIn(t, srv, "dave@oidc.test")
	wantStatus(t, idDo(t, c, http.MethodGet, srv.URL+"/account/verify", nil), http.StatusOK, "Verify with the identity provider")

	start := func() string {
		r := idDo(t, c, http.MethodPost, srv.URL+"/account/verify/oidc", nil)
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("start: %d", r.StatusCode)
		}
		return idDo(t, idClient(), http.MethodGet, r.Header.Get("Location"), nil).Header.Get("Location")
	}
	idp.SetDeny(true)
	wantStatus(t, idDo(t, c, http.MethodGet, start(), nil), http.StatusBadRequest, "was cancelled")
	idp.SetDeny(false)

	// Another browser (no flow cookie) cannot use the callback.
	idp.SetPESEL(ps[1].pesel)
	callback := start()
	other, _ := idSignIn(t, srv, "eve@oidc.test")
	wantStatus(t, idDo(t, other, http.MethodGet, callback, nil), http.StatusBadRequest, "expired or was not started")
	// The owner's browser completes it; replaying the callback fails.
	r := idDo(t, c, http.MethodGet, callback, nil)
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/account/verify?done=verified" {
		t.Fatalf("owner's callback: %d %s\n%s", r.StatusCode, r.Header.Get("Location"), r.Body)
	}
	wantStatus(t, idDo(t, c, http.MethodGet, callback, nil), http.StatusBadRequest, "expired or was not started")
}
