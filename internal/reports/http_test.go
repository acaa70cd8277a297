package reports_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"image"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/civitas-city/civitas/internal/accounts"
	"github.com/civitas-city/civitas/internal/app"
	"github.com/civitas-city/civitas/internal/app/apptest"
	"github.com/civitas-city/civitas/internal/city"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/db/dbtest"
	"github.com/civitas-city/civitas/internal/reports"
	"github.com/civitas-city/civitas/internal/web"
)

// The flows as a browser without JavaScript runs them, against a whole
// node: plain forms, 303 redirects, multipart uploads.

func startNode(t *testing.T, dsn string) *app.Server {
	t.Helper()
	return startNodeB(t, dsn)
}

// startNodeB starts a whole node with the demo's categories and key and
// five reports, stopped when the test ends.
func startNodeB(t testing.TB, dsn string) *app.Server {
	t.Helper()
	srv := apptest.Start(t, dsn)
	k := city.Krakow()
	svc := &reports.Service{DB: srv.DB, Districts: k.Districts, Catalog: srv.Catalog, Location: k.Location, Secret: []byte("x")}
	if err := reports.SeedDemo(t.Context(), svc, reports.DemoOptions{Reports: 5}); err != nil {
		t.Fatal(err)
	}
	return srv
}

type browser struct {
	t   *testing.T
	c   *http.Client
	srv *app.Server
}

func newBrowser(t *testing.T, srv *app.Server) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, srv: srv, c: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type page struct {
	status   int
	location string
	body     string
}

func (b *browser) do(req *http.Request) page {
	b.t.Helper()
	req.Header.Set("Accept", "text/html")
	req.Header.Set("Accept-Language", "en")
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return page{resp.StatusCode, resp.Header.Get("Location"), string(body)}
}

func (b *browser) get(path string) page {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.srv.URL+path, nil)
	return b.do(req)
}

func (b *browser) post(path string, form url.Values) page {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, b.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

func (b *browser) postMultipart(path string, form url.Values, photos map[string][]byte) page {
	b.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range form {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	if len(photos) == 0 {
		mw.CreateFormFile("photo", "") // an empty file input, as browsers send it
	}
	for name, data := range photos {
		w, _ := mw.CreateFormFile("photo", name)
		w.Write(data)
	}
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, b.srv.URL+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return b.do(req)
}

func (b *browser) signIn(email string, roles ...web.Role) *accounts.User {
	b.t.Helper()
	ctx := context.Background()
	svc := &accounts.Service{DB: b.srv.DB}
	u, err := svc.Create(ctx, b.srv.DB, accounts.NewUser{Email: email, DisplayName: "Test " + email, Password: "correct horse battery", EmailConfirmed: true})
	if err != nil {
		b.t.Fatal(err)
	}
	for _, r := range roles {
		if err := svc.GrantRole(ctx, "", u.ID, r); err != nil {
			b.t.Fatal(err)
		}
	}
	if p := b.post("/signin", url.Values{"email": {email}, "password": {"correct horse battery"}, "next": {"/"}}); p.status != http.StatusSeeOther {
		b.t.Fatalf("sign in: %d", p.status)
	}
	return u
}

func want(t *testing.T, what string, p page, status int, fragments ...string) {
	t.Helper()
	if p.status != status {
		t.Fatalf("%s: status %d, want %d\n%.3000s", what, p.status, status, p.body)
	}
	for _, f := range fragments {
		if !strings.Contains(p.body, f) {
			t.Errorf("%s: the page lacks %q", what, f)
		}
	}
}

func count(t *testing.T, srv *app.Server, query string, args ...any) int {
	t.Helper()
	var n int
	if err := srv.DB.QueryRowContext(t.Context(), query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func photo(t *testing.T) []byte {
	var buf bytes.Buffer
	png.Encode(&buf, image.NewGray(image.Rect(0, 0, 8, 8)))
	return buf.Bytes()
}

var caseRE = regexp.MustCompile(`^/reports/(\d+)\?`)

func TestFlowsWithoutJavaScript(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) { flows(t, startNode(t, dbtest.DSN(t, engine))) })
	}
}

func flows(t *testing.T, srv *app.Server) {
	anon := newBrowser(t, srv)
	// Step 1, the category as radio buttons in a fieldset.
	want(t, "step 1", anon.get("/reports/new"), 200, `<fieldset id="category"`, `<label for="category-pothole">`, `type="image" name="map"`)
	// Step 1 again with errors linked to their fields.
	want(t, "step 1 errors", anon.get("/reports/new/details?category=&address="), 400, `href="#category"`, `href="#address"`, `aria-invalid="true"`)
	// A click on the map picture is a point in the city.
	p := anon.get("/reports/new/details?category=pothole&map.x=300&map.y=180")
	want(t, "step 2 from a map click", p, 200, `name="lat" value="50.`, `name="lon" value="`, `id="email"`)
	// Enter in a text field "clicks" the map at 0,0: no point.
	want(t, "Enter on step 1", anon.get("/reports/new/details?category=pothole&address=Rynek&map.x=0&map.y=0"), 200, `name="lat" value=""`)

	// File a report with a photo, anonymously with an email.
	form := url.Values{"category": {"pothole"}, "lat": {"50.0617"}, "lon": {"19.9373"}, "address": {"Rynek Główny"},
		"description": {"A deep hole by the Cloth Hall."}, "email": {"anna@example.org"}, "name": {"Anna"}, "attribute[size]": {"large"}}
	cases := count(t, srv, `SELECT count(*) FROM report_cases`)
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Del("email")
	want(t, "no email", anon.postMultipart("/reports/new", bad, nil), 400, `href="#email"`, `Anna`, `A deep hole`)
	big := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 9<<20)...) // over the 8 MiB photo limit
	want(t, "oversized photo", anon.postMultipart("/reports/new", form, map[string][]byte{"big.png": big}), 400, `href="#photo"`)
	if n := count(t, srv, `SELECT count(*) FROM report_cases`); n != cases {
		t.Fatalf("refused forms stored %d reports", n-cases)
	}
	p = anon.postMultipart("/reports/new", form, map[string][]byte{"hole.png": photo(t)})
	if p.status != http.StatusSeeOther || !caseRE.MatchString(p.location) || !strings.Contains(p.location, "key=") {
		t.Fatalf("submit: %d %q\n%.2000s", p.status, p.location, p.body)
	}
	number, _ := strconv.Atoi(caseRE.FindStringSubmatch(p.location)[1])
	reporterURL := p.location
	want(t, "the new case", anon.get(p.location), 200, `role="status"`, `A deep hole by the Cloth Hall.`, `<img src="/files/`, `I Stare Miasto`)
	if n := count(t, srv, `SELECT count(*) FROM jobs WHERE kind = 'mail.send' AND payload LIKE '%anna@example.org%'`); n != 1 {
		t.Errorf("%d acknowledgements mailed", n)
	}

	// "Is it one of these?": a resident about to report the same finds it
	// and supports it instead.
	resident := newBrowser(t, srv)
	ru := resident.signIn("rita@example.org")
	p = resident.get("/reports/new/details?category=pothole&lat=50.0618&lon=19.9374")
	want(t, "nearby", p, 200, `id="nearby-heading"`, fmt.Sprintf(`action="/reports/%d/support"`, number))
	if strings.Contains(p.body, `id="email"`) {
		t.Error("a signed-in resident is asked for an email")
	}
	p = resident.post(fmt.Sprintf("/reports/%d/support", number), url.Values{})
	if p.status != http.StatusSeeOther {
		t.Fatalf("support: %d", p.status)
	}
	want(t, "supported", resident.get(p.location), 200, "rp-status")
	if n := count(t, srv, `SELECT supporters FROM report_cases WHERE number = $1`, number); n != 1 {
		t.Errorf("supporters = %d", n)
	}
	// The resident's own report is in "my cases".
	p = resident.postMultipart("/reports/new", url.Values{"category": {"bench"}, "address": {"Planty, by the Barbican"}, "description": {"Broken bench."}}, nil)
	if p.status != http.StatusSeeOther {
		t.Fatalf("resident's report: %d\n%.2000s", p.status, p.body)
	}
	want(t, "my cases", resident.get("/reports/mine"), 200, "Planty, by the Barbican")
	mine := count(t, srv, `SELECT count(*) FROM report_cases WHERE reporter_id = $1`, ru.ID)
	if mine != 1 {
		t.Errorf("%d cases of the resident", mine)
	}

	// Officers work the queue of their unit only.
	admin := newBrowser(t, srv)
	admin.signIn("ada@city.test", web.Role{Name: web.RoleAdmin})
	officer := newBrowser(t, srv)
	officer.signIn("olga@city.test", web.Role{Name: web.RoleOfficer, Domain: "reports"})
	want(t, "queue without a unit", officer.get("/reports/officer"), 200, "not a member of any unit")
	var roads string
	if err := srv.DB.QueryRowContext(t.Context(), `SELECT unit_id FROM report_cases WHERE number = $1`, number).Scan(&roads); err != nil {
		t.Fatal(err)
	}
	if p := admin.post("/admin/reports/units/"+roads+"/members", url.Values{"member": {"Olga@City.test"}}); p.status != http.StatusSeeOther {
		t.Fatalf("add member: %d\n%.2000s", p.status, p.body)
	}
	want(t, "queue", officer.get("/reports/officer"), 200, fmt.Sprintf(`href="/reports/officer/cases/%d"`, number))
	work := fmt.Sprintf("/reports/officer/cases/%d", number)
	want(t, "work page", officer.get(work), 200, `anna@example.org`, `<fieldset id="status"`, `id="to-accepted"`)
	want(t, "reject without a note", officer.post(work+"/status", url.Values{"status": {"rejected"}}), 400, `href="#note"`)
	for _, st := range []string{"accepted", "in_progress", "resolved"} {
		if p := officer.post(work+"/status", url.Values{"status": {st}, "note": {"Step " + st}}); p.status != http.StatusSeeOther {
			t.Fatalf("to %s: %d\n%.2000s", st, p.status, p.body)
		}
	}
	if p := officer.post(work+"/note", url.Values{"body": {"Call the tram company."}, "visibility": {"internal"}}); p.status != http.StatusSeeOther {
		t.Fatalf("note: %d", p.status)
	}
	if strings.Contains(anon.get(fmt.Sprintf("/reports/%d", number)).body, "Call the tram company.") {
		t.Error("an internal note is public")
	}
	// The reporter, from the link in their email, reopens it.
	p = anon.get(reporterURL)
	want(t, "the reporter's page", p, 200, `id="reopen-heading"`, `name="key"`)
	key := regexp.MustCompile(`name="key" value="([^"]+)"`).FindStringSubmatch(p.body)[1]
	want(t, "reopen without a reason", anon.post(fmt.Sprintf("/reports/%d/reopen", number), url.Values{"key": {key}}), 400, `href="#reason"`)
	if p := anon.post(fmt.Sprintf("/reports/%d/reopen", number), url.Values{"key": {key}, "reason": {"Still there."}}); p.status != http.StatusSeeOther {
		t.Fatalf("reopen: %d\n%.2000s", p.status, p.body)
	}
	want(t, "reopened in the queue", officer.get("/reports/officer"), 200, "rp-status-open")
	for _, st := range []string{"resolved", "closed"} {
		if p := officer.post(work+"/status", url.Values{"status": {st}}); p.status != http.StatusSeeOther {
			t.Fatalf("to %s: %d\n%.2000s", st, p.status, p.body)
		}
	}
	// The satisfaction question, answered.
	want(t, "feedback form", anon.get(reporterURL), 200, `<fieldset id="rating"`, `id="rating-5"`)
	want(t, "no rating", anon.post(fmt.Sprintf("/reports/%d/feedback", number), url.Values{"key": {key}}), 400, `href="#rating"`)
	if p := anon.post(fmt.Sprintf("/reports/%d/feedback", number), url.Values{"key": {key}, "rating": {"4"}, "comment": {"Good."}}); p.status != http.StatusSeeOther {
		t.Fatalf("feedback: %d", p.status)
	}
	if n := count(t, srv, `SELECT rating FROM report_feedback f JOIN report_cases c ON c.id = f.case_id WHERE c.number = $1`, number); n != 4 {
		t.Errorf("stored rating %d", n)
	}
	if n := count(t, srv, `SELECT count(*) FROM jobs WHERE kind = 'mail.send' AND payload LIKE '%anna@example.org%'`); n != 7 {
		t.Errorf("%d emails to the reporter, want 7 (received, 3 changes, reopened, resolved, closed)", n)
	}

	// The contact centre enters a report taken by phone; it is audited.
	want(t, "contact centre form", officer.get("/reports/officer/new"), 200, `id="channel-phone"`)
	p = officer.post("/reports/officer/new", url.Values{"channel": {"phone"}, "category": {"streetlight"}, "address": {"ul. Lea 10"},
		"description": {"Called in: the lamp is out."}, "name": {"Pan Józef"}, "phone": {"+48 12 000 00 00"}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("contact centre: %d\n%.2000s", p.status, p.body)
	}
	if n := count(t, srv, `SELECT count(*) FROM report_cases WHERE channel = 'phone' AND reporter_phone = '+48 12 000 00 00' AND entered_by <> ''`); n != 1 {
		t.Error("the phoned-in report is not stored as entered by the officer")
	}
	if n := count(t, srv, `SELECT count(*) FROM audit_log WHERE action = 'report.enter'`); n != 1 {
		t.Error("the contact centre's entry is not audited")
	}

	// The public list, statistics and the district's Atom feed.
	want(t, "list", anon.get("/reports?district=stare-miasto"), 200, `<th scope="col">`, `/reports/feed/stare-miasto.atom`)
	want(t, "stats", anon.get("/reports/stats"), 200, `<th scope="row">`)
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/reports/feed/stare-miasto.atom", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var feed struct {
		XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
		Entries []struct {
			Title string `xml:"title"`
			ID    string `xml:"id"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal(body, &feed); err != nil || resp.Header.Get("Content-Type") != "application/atom+xml; charset=utf-8" || len(feed.Entries) == 0 {
		t.Errorf("feed: %v %s %d entries\n%.500s", err, resp.Header.Get("Content-Type"), len(feed.Entries), body)
	}

	// Admins: anonymous reports off sends visitors to sign in.
	want(t, "admin", admin.get("/admin/reports"), 200, `id="anonymous_allowed"`)
	want(t, "bad setting", admin.post("/admin/reports/settings", url.Values{"reopen_days": {"many"}}), 400, `href="#reopen_days"`)
	if p := admin.post("/admin/reports/settings", url.Values{"reopen_days": {"7"}}); p.status != http.StatusSeeOther {
		t.Fatalf("settings: %d", p.status)
	}
	if p := anon.get("/reports/new"); p.status != http.StatusSeeOther || !strings.HasPrefix(p.location, "/signin") {
		t.Errorf("anonymous reporting off: %d %s", p.status, p.location)
	}
	want(t, "issue a key", admin.post("/admin/reports/keys", url.Values{"app_name": {"Test app"}}), 200, `id="new-key">c311_`)
	want(t, "routing", admin.post("/admin/reports/routing", url.Values{"category": {"pothole"}, "district": {"18"}, "unit": {roads}}), 303)
	want(t, "a category", admin.post("/admin/reports/categories", url.Values{"new": {"true"}, "code": {"noise"}, "name_pl": {"Hałas"},
		"expected_days": {"5"}, "active": {"true"}, "attributes": {`[{"code":"when","datatype":"datetime","variable":true,"descriptions":{"en":"When?"}}]`}}), 303)
	want(t, "a bad category", admin.post("/admin/reports/categories", url.Values{"new": {"true"}, "code": {"x"}, "name_pl": {"X"},
		"expected_days": {"5"}, "attributes": {`[{"code":"when","datatype":"colour"}]`}}), 400, `href="#attributes"`)
}

// The module's stylesheet is one of the site's static files: pages link it
// under its content hash, and the shared /static/ route serves it.
func TestStylesheetIsServed(t *testing.T) {
	b := newBrowser(t, startNode(t, dbtest.DSN(t, db.SQLite)))
	p := b.get("/reports")
	href := regexp.MustCompile(`href="(/static/[0-9a-f]+/reports/reports\.css)"`).FindStringSubmatch(p.body)
	if p.status != 200 || href == nil {
		t.Fatalf("/reports: %d, no link to the stylesheet", p.status)
	}
	css := b.get(href[1])
	want, _ := os.ReadFile("static/reports.css")
	if css.status != 200 || css.body != string(want) {
		t.Errorf("%s: %d, %d bytes; want 200 and static/reports.css", href[1], css.status, len(css.body))
	}
}
