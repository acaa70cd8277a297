package app_test

import (
	"bufio"
	"encoding/json"
	"github.com/civitas-city/civitas/internal/consult"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/civitas-city/civitas/internal/app/apptest"
	"github.com/civitas-city/civitas/internal/config"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/db/dbtest"
)

func TestHomeInEveryLanguage(t *testing.T) {
	srv := startSQLite(t)
	c := client(t)
	tests := []struct {
		name   string
		header []string
		lang   string
		want   string
	}{
		{"default is Polish", nil, "pl", "Co możesz zrobić"},
		{"English by Accept-Language", []string{"Accept-Language", "en-GB,en;q=0.9"}, "en", "What you can do"},
		{"Ukrainian by Accept-Language", []string{"Accept-Language", "uk"}, "uk", "Що ви можете зробити"},
		{"unsupported language falls back to Polish", []string{"Accept-Language", "fr"}, "pl", "Co możesz zrobić"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := get(t, c, srv.URL+"/", tt.header...)
			if r.StatusCode != http.StatusOK {
				t.Fatalf("status %d", r.StatusCode)
			}
			if !strings.Contains(r.Body, `<html lang="`+tt.lang+`">`) || !strings.Contains(r.Body, tt.want) {
				t.Errorf("page is not in %s (want %q)", tt.lang, tt.want)
			}
			for _, landmark := range []string{`class="skip-link" href="#main"`, `<main id="main"`, `<nav class="main-nav"`, `action="/lang"`, `href="/districts"`} {
				if !strings.Contains(r.Body, landmark) {
					t.Errorf("home lacks %s", landmark)
				}
			}
		})
	}
}

func TestLanguageSwitchRemembersChoice(t *testing.T) {
	srv := startSQLite(t)
	c := client(t)
	r := do(t, c, http.MethodPost, srv.URL+"/lang", url.Values{"lang": {"uk"}, "next": {"/districts"}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/districts" {
		t.Fatalf("switch: %d to %q", r.StatusCode, r.Header.Get("Location"))
	}
	page := get(t, c, srv.URL+"/districts", "Accept-Language", "en")
	if !strings.Contains(page.Body, `<html lang="uk">`) || !strings.Contains(page.Body, "Райони") {
		t.Error("the chosen language did not win over Accept-Language")
	}
	// Redirects stay on this site.
	r = do(t, c, http.MethodPost, srv.URL+"/lang", url.Values{"lang": {"en"}, "next": {"//evil.example/"}})
	if r.Header.Get("Location") != "/" {
		t.Errorf("open redirect to %q", r.Header.Get("Location"))
	}
	r = do(t, c, http.MethodPost, srv.URL+"/lang", url.Values{"lang": {"xx"}})
	if r.StatusCode != http.StatusBadRequest {
		t.Errorf("unknown language: status %d", r.StatusCode)
	}
}

// The layout's switch is a GET form carrying the whole URL of the page, so
// a page with a query (a half-filled report step) comes back as it was.
func TestLanguageSwitchKeepsTheWholeURL(t *testing.T) {
	srv := startSQLite(t)
	c := client(t)
	page := get(t, c, srv.URL+"/districts?lat=50.0617&lon=19.9373")
	if !strings.Contains(page.Body, `<form class="lang-switch" method="get" action="/lang">`) ||
		!strings.Contains(page.Body, `name="next" value="/districts?lat=50.0617&amp;lon=19.9373"`) {
		t.Fatalf("the language switch does not carry the page's query:\n%s", page.Body)
	}
	r := do(t, c, http.MethodGet, srv.URL+"/lang?"+url.Values{"lang": {"en"}, "next": {"/districts?lat=50.0617&lon=19.9373"}}.Encode(), nil)
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/districts?lat=50.0617&lon=19.9373" {
		t.Fatalf("switch: %d to %q", r.StatusCode, r.Header.Get("Location"))
	}
	// The answer to a POST (a form shown again) switches back to the
	// form's own page, as the browser's Referer names it.
	wrong := url.Values{"email": {"nobody@example.org"}, "password": {"not the password"}}
	failed := do(t, c, http.MethodPost, srv.URL+"/signin", wrong, "Referer", srv.URL+"/signin?next=%2Fdistricts")
	if !strings.Contains(failed.Body, `name="next" value="/signin?next=%2Fdistricts"`) {
		t.Errorf("after a failed sign-in the language switch does not lead back to the form's page")
	}
	failed = do(t, c, http.MethodPost, srv.URL+"/signin", wrong, "Referer", "https://evil.example/signin")
	if !strings.Contains(failed.Body, `name="next" value="/signin"`) {
		t.Errorf("a foreign Referer is followed, or the form's path is not the fallback")
	}
}

func TestNotFoundInResidentsLanguage(t *testing.T) {
	srv := startSQLite(t)
	c := client(t)
	for lang, want := range map[string]string{"pl": "Nie znaleziono strony", "en": "Page not found", "uk": "Сторінку не знайдено"} {
		r := get(t, c, srv.URL+"/no/such/page", "Accept-Language", lang)
		if r.StatusCode != http.StatusNotFound || !strings.Contains(r.Body, want) {
			t.Errorf("%s: status %d, want 404 with %q", lang, r.StatusCode, want)
		}
	}
	r := get(t, c, srv.URL+"/api/v1/nothing")
	var problem struct {
		Error struct {
			Status int    `json:"status"`
			Code   string `json:"code"`
		} `json:"error"`
	}
	if err := json.Unmarshal([]byte(r.Body), &problem); err != nil || problem.Error.Status != 404 || problem.Error.Code != "not_found" {
		t.Errorf("API 404 is not a JSON problem: %s", r.Body)
	}
}

func TestOversizedBodyGets413(t *testing.T) {
	srv := startSQLite(t)
	c := client(t)
	big := url.Values{"lang": {strings.Repeat("x", 2<<20)}}
	r := do(t, c, http.MethodPost, srv.URL+"/lang", big, "Accept-Language", "en")
	if r.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(r.Body, "too large") {
		t.Errorf("declared length: status %d", r.StatusCode)
	}
	// Without a declared length the limit applies while reading.
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/lang", bufio.NewReader(strings.NewReader(big.Encode())))
	req.ContentLength = -1
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("chunked body: status %d", resp.StatusCode)
	}
}

func TestCrossOriginPostRefused(t *testing.T) {
	srv := startSQLite(t)
	c := client(t)
	form := url.Values{"lang": {"en"}}
	r := do(t, c, http.MethodPost, srv.URL+"/lang", form, "Sec-Fetch-Site", "cross-site", "Accept-Language", "en")
	if r.StatusCode != http.StatusForbidden || !strings.Contains(r.Body, "another site") {
		t.Errorf("cross-site POST: status %d", r.StatusCode)
	}
	r = do(t, c, http.MethodPost, srv.URL+"/lang", form, "Origin", "https://evil.example")
	if r.StatusCode != http.StatusForbidden {
		t.Errorf("foreign Origin POST: status %d", r.StatusCode)
	}
	r = do(t, c, http.MethodPost, srv.URL+"/lang", form, "Sec-Fetch-Site", "same-origin")
	if r.StatusCode != http.StatusSeeOther {
		t.Errorf("same-origin POST: status %d", r.StatusCode)
	}
}

func TestSecurityHeaders(t *testing.T) {
	srv := startSQLite(t)
	r := get(t, client(t), srv.URL+"/")
	h := r.Header
	csp := h.Get("Content-Security-Policy")
	for _, want := range []string{"script-src 'self'", "frame-ancestors 'none'", "object-src 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP allows inline code: %q", csp)
	}
	if strings.Contains(r.Body, "<script>") || strings.Contains(r.Body, " onclick=") {
		t.Error("the page has inline script")
	}
	if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("X-Request-ID") == "" {
		t.Errorf("headers: %v", h)
	}
	if h.Get("Strict-Transport-Security") != "" {
		t.Error("HSTS over plain HTTP")
	}
	// Behind a trusted TLS-terminating proxy HSTS is sent.
	proxied := apptest.Start(t, dbtest.DSN(t, db.SQLite), func(c *config.Config) { c.TrustProxy = true })
	r = get(t, client(t), proxied.URL+"/", "X-Forwarded-Proto", "https")
	if !strings.Contains(r.Header.Get("Strict-Transport-Security"), "max-age=") {
		t.Error("no HSTS behind a TLS proxy")
	}
}

func TestHealthReadyMetrics(t *testing.T) {
	srv := apptest.Start(t, dbtest.DSN(t, db.SQLite), func(c *config.Config) { c.MetricsToken = "metrics-token" })
	c := client(t)
	if r := get(t, c, srv.URL+"/healthz"); r.StatusCode != 200 {
		t.Errorf("healthz: %d", r.StatusCode)
	}
	if r := get(t, c, srv.URL+"/readyz"); r.StatusCode != 200 {
		t.Errorf("readyz: %d", r.StatusCode)
	}
	get(t, c, srv.URL+"/districts")
	r := get(t, c, srv.URL+"/metrics", "Authorization", "Bearer metrics-token")
	for _, want := range []string{`civitas_http_requests_total{method="GET",route="GET /districts",status="200"} 1`, "civitas_jobs{state=", "go_goroutines"} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	srv.DB.Close()
	if r := get(t, c, srv.URL+"/readyz"); r.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("readyz with the database closed: %d", r.StatusCode)
	}
}

// In-flight requests finish during a graceful shutdown.
func TestGracefulShutdownFinishesInFlight(t *testing.T) {
	srv := startSQLite(t)
	pr, pw := io.Pipe()
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/lang", pr)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	done := make(chan *http.Response, 1)
	go func() {
		resp, err := client(t).Do(req)
		if err != nil {
			t.Error(err)
		}
		done <- resp
	}()
	pw.Write([]byte("lang=en&next=%2F"))
	time.Sleep(100 * time.Millisecond) // the handler is now reading the body
	stopped := make(chan error, 1)
	go func() { stopped <- srv.Shutdown() }()
	time.Sleep(100 * time.Millisecond)
	pw.Close()
	resp := <-done
	if resp == nil || resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("in-flight request did not finish: %v", resp)
	}
	if err := <-stopped; err != nil {
		t.Errorf("shutdown: %v", err)
	}
}

// A body over the limit under /open311/ gets the API's own error format,
// not the site's.
func TestOversizedOpen311BodyInSpecFormat(t *testing.T) {
	srv := startSQLite(t)
	big := url.Values{"description": {strings.Repeat("x", 2<<20)}}
	r := do(t, client(t), http.MethodPost, srv.URL+"/open311/v2/requests.json", big)
	var errs []struct {
		Code        int    `json:"code"`
		Description string `json:"description"`
	}
	if err := json.Unmarshal([]byte(r.Body), &errs); err != nil || r.StatusCode != http.StatusRequestEntityTooLarge || len(errs) != 1 || errs[0].Code != 413 {
		t.Errorf("status %d, body %s", r.StatusCode, r.Body)
	}
	r = do(t, client(t), http.MethodPost, srv.URL+"/open311/v2/requests.xml", big)
	if r.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(r.Body, "<errors>") {
		t.Errorf("xml: status %d, body %s", r.StatusCode, r.Body)
	}
}

// A form shown again with its problems says so in its title, moves the
// focus to the summary (autofocus, no script) and marks the fields the
// summary talks about: a failed sign-in marks both.
func TestFailedFormTitleFocusAndMarks(t *testing.T) {
	srv := startSQLite(t)
	r := do(t, client(t), http.MethodPost, srv.URL+"/signin",
		url.Values{"email": {"nobody@example.org"}, "password": {"not the password"}}, "Accept-Language", "pl")
	if r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", r.StatusCode)
	}
	for _, want := range []string{"<title>Błąd: ", `class="error-summary" role="alert" tabindex="-1" autofocus`} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("the failed sign-in lacks %q", want)
		}
	}
	if n := strings.Count(r.Body, `aria-invalid="true"`); n != 2 {
		t.Errorf("%d fields marked invalid, want the address and the password", n)
	}
	if page := get(t, client(t), srv.URL+"/signin", "Accept-Language", "pl"); strings.Contains(page.Body, "<title>Błąd") {
		t.Error("the sign-in form itself has an error title")
	}
}

// The site describes itself to browsers and crawlers: an icon, an
// installable manifest, robots.txt and a sitemap of the public pages only.
func TestSiteFilesForBrowsersAndCrawlers(t *testing.T) {
	srv := startSQLite(t)
	c := client(t)
	for path, want := range map[string][]string{
		"/favicon.svg":          {"<svg"},
		"/manifest.webmanifest": {`"start_url":"/"`, `"display":"standalone"`, `"sizes":"512x512"`, `/icon-512.png"`, `"name":"Civitas Kraków"`},
		"/robots.txt":           {"Disallow: /admin/", "Sitemap: http"},
		"/sitemap.xml":          {"<urlset", "/help</loc>", "/districts</loc>", "/reports</loc>", "/districts/nowa-huta</loc>"},
		"/contact":              {"Urząd Miasta Krakowa", "pl. Wszystkich Świętych"},
		"/privacy":              {"Prezydent Miasta Krakowa"},
	} {
		r := get(t, c, srv.URL+path, "Accept-Language", "pl")
		if r.StatusCode != http.StatusOK {
			t.Errorf("%s: status %d", path, r.StatusCode)
		}
		for _, w := range want {
			if !strings.Contains(r.Body, w) {
				t.Errorf("%s lacks %q", path, w)
			}
		}
	}
	var manifest struct {
		Icons []struct{ Src, Sizes, Type string }
	}
	if err := json.Unmarshal([]byte(get(t, c, srv.URL+"/manifest.webmanifest").Body), &manifest); err != nil {
		t.Fatal(err)
	}
	if len(manifest.Icons) != 3 {
		t.Errorf("the manifest has %d icons, want the SVG and PNGs of 192 and 512 px", len(manifest.Icons))
	}
	for _, icon := range manifest.Icons {
		if r := get(t, c, srv.URL+icon.Src); r.StatusCode != http.StatusOK || r.Header.Get("Content-Type") != icon.Type {
			t.Errorf("the manifest's %s icon %s: status %d, type %q", icon.Sizes, icon.Src, r.StatusCode, r.Header.Get("Content-Type"))
		}
	}
	// The modules add their items: a consultation residents may see.
	cons, err := (&consult.Service{DB: srv.DB}).Create(t.Context(), consult.Actor{UserID: "officer"},
		consult.ConsultationInput{Title: "Konsultacja w mapie strony", Status: consult.StatusOpen})
	if err != nil {
		t.Fatal(err)
	}
	sitemap := get(t, c, srv.URL+"/sitemap.xml").Body
	if !strings.Contains(sitemap, "/consultations/"+cons.ID+"</loc>") {
		t.Errorf("the sitemap lacks the open consultation %s:\n%s", cons.ID, sitemap)
	}
	for _, leak := range []string{"/admin", "/officer", "/api/", "/account", "/signin", "{", ".json", "/healthz"} {
		if strings.Contains(sitemap, leak) {
			t.Errorf("the sitemap lists %q, which is not a public page:\n%s", leak, sitemap)
		}
	}
}
