package news_test

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
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

type browser struct {
	t   *testing.T
	srv *app.Server
	c   *http.Client
}

type page struct {
	status int
	body   string
	header http.Header
}

func (b *browser) do(method, path string, form url.Values) page {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.srv.URL+path, body)
	if err != nil {
		b.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return b.send(req)
}

// send sends req in English with the browser's cookies.
func (b *browser) send(req *http.Request) page {
	b.t.Helper()
	req.Header.Set("Accept-Language", "en")
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return page{resp.StatusCode, string(raw), resp.Header}
}

func (b *browser) get(path string) page { return b.do(http.MethodGet, path, nil) }

func (p page) must(t *testing.T, status int, what string) page {
	t.Helper()
	if p.status != status {
		body := p.body
		if i := strings.Index(body, "<main"); i >= 0 {
			body = body[i:]
		}
		t.Fatalf("%s: status %d, want %d\n%.3000s", what, p.status, status, body)
	}
	return p
}

// person makes an account with roles and signs it in (no roles and no
// email: an anonymous visitor).
func person(t *testing.T, srv *app.Server, email string, roles ...web.Role) *browser {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	b := &browser{t: t, srv: srv, c: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	if email == "" {
		return b
	}
	ctx := context.Background()
	svc := &accounts.Service{DB: srv.DB}
	u, err := svc.Create(ctx, srv.DB, accounts.NewUser{Email: email, DisplayName: "Test", Password: "correct horse battery", EmailConfirmed: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range roles {
		if err := svc.GrantRole(ctx, "", u.ID, r); err != nil {
			t.Fatal(err)
		}
	}
	b.do(http.MethodPost, "/signin", url.Values{"email": {email}, "password": {"correct horse battery"}, "next": {"/"}}).must(t, http.StatusSeeOther, "sign in")
	return b
}

var editorRE = regexp.MustCompile(`^/officer/news/([0-9a-f-]{36})$`)

// TestNewsOverHTTP: an officer writes a road work through the editor,
// sends it to review and publishes it; residents find it on /news, in its
// feeds, its calendar and the API; bad input changes nothing.
func TestNewsOverHTTP(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			srv := apptest.Start(t, dbtest.DSN(t, engine))
			off := person(t, srv, "editor@news.test", web.Role{Name: web.RoleOfficer, Domain: "news"})
			other := person(t, srv, "resident@news.test")
			anon := person(t, srv, "")

			form := url.Values{"kind": {"roadwork"}, "title": {"Remont mostu Dębnickiego"}, "district": {"8"},
				"topic": {"roads"}, "starts_at": {"2026-01-10T07:00"}, "ends_at": {"2030-03-01T18:00"},
				"streets": {"Most Dębnicki\nZwierzyniecka"}, "detour": {"Przez most Grunwaldzki"},
				"geometry":      {`{"type":"LineString","coordinates":[[19.925,50.054],[19.929,50.055]]}`},
				"geometry_text": {"Most Dębnicki między Zwierzyniecką a Konopnickiej"}}
			// A geometry without its description in words is refused.
			bad := url.Values{}
			for k, v := range form {
				bad[k] = v
			}
			bad.Del("geometry_text")
			p := off.do(http.MethodPost, "/officer/news", bad).must(t, http.StatusUnprocessableEntity, "no description")
			if !strings.Contains(p.body, `id="geometry_text-error"`) {
				t.Error("the missing description is not shown by its field")
			}
			if p := off.get("/officer/news"); strings.Contains(p.body, "Remont mostu") {
				t.Error("a refused item was stored")
			}
			other.do(http.MethodPost, "/officer/news", form).must(t, http.StatusForbidden, "a resident writes news")

			p = off.do(http.MethodPost, "/officer/news", form).must(t, http.StatusSeeOther, "create")
			m := editorRE.FindStringSubmatch(p.header.Get("Location"))
			if m == nil {
				t.Fatalf("created, redirected to %q", p.header.Get("Location"))
			}
			edit := m[0]
			anon.get("/news/items/remont-mostu-debnickiego").must(t, http.StatusNotFound, "a draft")
			p = off.do(http.MethodPost, edit+"/status", url.Values{"to": {"published"}}).must(t, http.StatusUnprocessableEntity, "publish a draft")
			if !strings.Contains(p.body, "This step is not possible") {
				t.Error("publishing a draft is not explained")
			}
			off.do(http.MethodPost, edit+"/status", url.Values{"to": {"review"}}).must(t, http.StatusSeeOther, "review")
			off.do(http.MethodPost, edit+"/status", url.Values{"to": {"published"}}).must(t, http.StatusSeeOther, "publish")

			item := anon.get("/news/items/remont-mostu-debnickiego").must(t, http.StatusOK, "item")
			for _, want := range []string{"Most Dębnicki między Zwierzyniecką a Konopnickiej", "Przez most Grunwaldzki", "50.054"} {
				if !strings.Contains(item.body, want) {
					t.Errorf("item page lacks %q", want)
				}
			}
			list := anon.get("/news?district=8&kind=roadwork").must(t, http.StatusOK, "list")
			for _, want := range []string{`<link rel="alternate" type="application/atom+xml"`, `href="/news/feed.atom?district=8&kind=roadwork"`,
				`href="/news/calendar.ics?district=8&kind=roadwork"`, "/news/items/remont-mostu-debnickiego"} {
				if !strings.Contains(html.UnescapeString(list.body), want) {
					t.Errorf("/news lacks %s", want)
				}
			}
			if p := anon.get("/news?district=8&kind=event"); strings.Contains(p.body, "remont-mostu") {
				t.Error("the kind filter lets a road work through")
			}
			if p := anon.get("/news?q=debnicki"); !strings.Contains(p.body, "remont-mostu-debnickiego") {
				t.Error("search without diacritics does not find it")
			}
			p = anon.get("/news?topic=nope").must(t, http.StatusBadRequest, "unknown topic")
			if !strings.Contains(p.body, "There is no such topic.") {
				t.Error("the bad filter is not explained")
			}

			atom := anon.get("/news/feed.atom?district=8").must(t, http.StatusOK, "atom")
			var feed struct {
				Entries []struct {
					Title string `xml:"title"`
				} `xml:"entry"`
			}
			if err := xml.Unmarshal([]byte(atom.body), &feed); err != nil || len(feed.Entries) != 1 || feed.Entries[0].Title != "Remont mostu Dębnickiego" {
				t.Errorf("atom: %v %+v", err, feed)
			}
			ics := anon.get("/news/calendar.ics?kind=roadwork").must(t, http.StatusOK, "ics")
			for _, want := range []string{"BEGIN:VEVENT", "SUMMARY:Remont mostu Dębnickiego", "LOCATION:Most Dębnicki\\, Zwierzyniecka", "GEO:50.054000;19.925000"} {
				if !strings.Contains(ics.body, want) {
					t.Errorf("calendar lacks %q:\n%s", want, ics.body)
				}
			}
			var api struct {
				Items []struct {
					Slug     string          `json:"slug"`
					Geometry json.RawMessage `json:"geometry"`
				} `json:"items"`
			}
			if err := json.Unmarshal([]byte(anon.get("/api/v1/news?kind=roadwork").must(t, http.StatusOK, "api").body), &api); err != nil ||
				len(api.Items) != 1 || !strings.Contains(string(api.Items[0].Geometry), "LineString") {
				t.Errorf("api: %v %+v", err, api)
			}

			// Withdrawn: gone from the page, the feeds and the API.
			off.do(http.MethodPost, edit+"/status", url.Values{"to": {"draft"}}).must(t, http.StatusSeeOther, "withdraw")
			anon.get("/news/items/remont-mostu-debnickiego").must(t, http.StatusNotFound, "withdrawn")
			anon.get("/api/v1/news/remont-mostu-debnickiego").must(t, http.StatusNotFound, "withdrawn, api")
		})
	}
}

// upload posts a file as the multipart field "file".
func (b *browser) upload(path, name, content string) page {
	b.t.Helper()
	var buf strings.Builder
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", name)
	io.WriteString(fw, content)
	mw.Close()
	req, err := http.NewRequest(http.MethodPost, b.srv.URL+path, strings.NewReader(buf.String()))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return b.send(req)
}

// TestWasteOverHTTP: an officer imports areas and a schedule (a bad file
// is refused by line and field and changes nothing); anyone finds an
// address's days and its calendar; a resident asks for reminders.
func TestWasteOverHTTP(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			srv := apptest.Start(t, dbtest.DSN(t, engine))
			off := person(t, srv, "editor@news.test", web.Role{Name: web.RoleOfficer, Domain: "news"})
			res := person(t, srv, "resident@news.test")
			anon := person(t, srv, "")
			day := time.Now().AddDate(0, 0, 3).Format(time.DateOnly)
			off.upload("/officer/news/waste/areas", "areas.csv", "area,name,street,from,to,parity\nK1,Krowodrza,ul. Karmelicka,1,50,all\n").
				must(t, http.StatusOK, "areas")
			off.upload("/officer/news/waste/schedule", "s.csv", "area,kind,date\nK1,paper,"+day+"\n").must(t, http.StatusOK, "schedule")
			p := off.upload("/officer/news/waste/schedule", "s.csv", "area,kind,date\nK1,glass,"+day+"\nK1,glas,"+day+"\n").
				must(t, http.StatusUnprocessableEntity, "a bad schedule")
			if !strings.Contains(html.UnescapeString(p.body), `line 3: kind: "glas" is not one of`) {
				t.Errorf("the bad row is not named by line and field")
			}
			res.upload("/officer/news/waste/areas", "areas.csv", "x").must(t, http.StatusForbidden, "a resident imports")

			p = anon.get("/news/waste?address="+url.QueryEscape("Karmelicka 30")).must(t, http.StatusOK, "lookup")
			if !strings.Contains(p.body, "Collection area: Krowodrza") || !strings.Contains(p.body, "<td>paper</td>") || strings.Contains(p.body, "glass") {
				t.Errorf("the address's schedule is wrong (the refused file must not count)")
			}
			p = anon.get("/news/waste?address="+url.QueryEscape("Karmelicka 51")).must(t, http.StatusBadRequest, "no area")
			if !strings.Contains(p.body, "This house number is in no collection area.") {
				t.Error("an uncovered number is not explained")
			}
			anon.get("/news/waste?address="+url.QueryEscape("Marszałkowska 1")).must(t, http.StatusBadRequest, "outside the city")
			ics := anon.get("/news/waste/calendar.ics?address="+url.QueryEscape("Karmelicka 30")).must(t, http.StatusOK, "calendar")
			if !strings.Contains(ics.body, "DTSTART;VALUE=DATE:"+strings.ReplaceAll(day, "-", "")) || !strings.Contains(ics.body, "SUMMARY:paper") {
				t.Errorf("calendar:\n%s", ics.body)
			}
			anon.do(http.MethodPost, "/news/waste/reminder", url.Values{"address": {"Karmelicka 30"}}).must(t, http.StatusUnauthorized, "anonymous reminder")
			res.do(http.MethodPost, "/news/waste/reminder", url.Values{"address": {"Karmelicka 30"}}).must(t, http.StatusSeeOther, "reminder")
			if p := res.get("/news/waste"); !strings.Contains(p.body, "We remind you by email of the collections at: Karmelicka 30.") {
				t.Error("the reminder is not shown")
			}
		})
	}
}

// TestNewsletterOverHTTP: anyone subscribes and confirms through the
// pages; the one-click unsubscribe works as a plain POST with no cookie,
// even from another origin, while other POSTs from another origin are
// still refused; an officer composes a digest, sees its recipients and
// sends it.
func TestNewsletterOverHTTP(t *testing.T) {
	srv := apptest.Start(t, dbtest.DSN(t, db.SQLite))
	off := person(t, srv, "editor@news.test", web.Role{Name: web.RoleOfficer, Domain: "news"})
	anon := person(t, srv, "")

	p := anon.do(http.MethodPost, "/news/newsletter", url.Values{"email": {"anna@example.org"}, "district": {"0", "8"},
		"topic": {"roads"}, "lang": {"uk"}}).must(t, http.StatusOK, "subscribe")
	if !strings.Contains(p.body, "We sent you a confirmation link.") {
		t.Error("no word about the confirmation")
	}
	p = anon.do(http.MethodPost, "/news/newsletter", url.Values{"email": {"anna@"}}).must(t, http.StatusUnprocessableEntity, "bad form")
	for _, want := range []string{"Give a valid email address.", "Choose at least one district"} {
		if !strings.Contains(p.body, want) {
			t.Errorf("the bad form lacks %q", want)
		}
	}
	var payload string
	if err := srv.DB.QueryRow(`SELECT payload FROM jobs WHERE kind = 'mail.send' AND payload LIKE '%anna@example.org%'`).Scan(&payload); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(payload, "Підтвердіть") {
		t.Errorf("the confirmation is not in the chosen language: %s", payload)
	}
	m := regexp.MustCompile(`/news/newsletter/confirm/[A-Za-z0-9._-]+`).FindString(payload)
	anon.get(m).must(t, http.StatusOK, "confirmation page")
	anon.do(http.MethodPost, m, url.Values{}).must(t, http.StatusOK, "confirm")

	var id string
	if err := srv.DB.QueryRow(`SELECT id FROM newsletter_subscribers WHERE email = 'anna@example.org' AND status = 'active'`).Scan(&id); err != nil {
		t.Fatalf("not active: %v", err)
	}
	// The digest, once sent, carries the one-click link.
	form := url.Values{"kind": {"article"}, "title": {"Nowe ławki na Dębnikach"}, "district": {"8"}}
	loc := off.do(http.MethodPost, "/officer/news", form).must(t, http.StatusSeeOther, "create").header.Get("Location")
	off.do(http.MethodPost, loc+"/status", url.Values{"to": {"review"}}).must(t, http.StatusSeeOther, "review")
	off.do(http.MethodPost, loc+"/status", url.Values{"to": {"published"}}).must(t, http.StatusSeeOther, "publish")
	loc = off.do(http.MethodPost, "/officer/news/newsletter/digests", url.Values{"district": {"8"}}).must(t, http.StatusSeeOther, "compose").header.Get("Location")
	p = off.get(loc).must(t, http.StatusOK, "campaign")
	if !strings.Contains(p.body, "It will go to 1 subscribers.") || !strings.Contains(p.body, "Nowe ławki na Dębnikach") {
		t.Errorf("the preview lacks the recipients or the item")
	}
	off.do(http.MethodPost, loc+"/send", url.Values{}).must(t, http.StatusSeeOther, "send")
	off.do(http.MethodPost, loc+"/send", url.Values{}).must(t, http.StatusConflict, "send twice")

	// The one-click POST of RFC 8058, made by a mail client from another
	// origin without cookies.
	unsub := "/news/newsletter/unsubscribe/" + tokenFor(t, srv, id)
	crossSite := func(path, body string) int {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", "https://mail.example")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := crossSite("/news/newsletter", "email=eve%40example.org&district=8"); code != http.StatusForbidden {
		t.Errorf("a cross-origin subscribe: %d, want 403", code)
	}
	if code := crossSite(unsub, "List-Unsubscribe=One-Click"); code != http.StatusOK {
		t.Errorf("one-click unsubscribe: %d, want 200", code)
	}
	var status string
	srv.DB.QueryRow(`SELECT status FROM newsletter_subscribers WHERE id = $1`, id).Scan(&status)
	if status != "unsubscribed" {
		t.Errorf("after one click: %s", status)
	}
	if code := crossSite("/news/newsletter/unsubscribe/"+id+".forged", "List-Unsubscribe=One-Click"); code != http.StatusNotFound {
		t.Errorf("a forged link: %d", code)
	}
}

// tokenFor reads a subscriber's unsubscribe token from the digest the
// node's job runner delivers to the outbox (a node without SMTP keeps its
// mail there).
func tokenFor(t *testing.T, srv *app.Server, id string) string {
	t.Helper()
	var body string
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if err := srv.DB.QueryRow(`SELECT text_body FROM mail_outbox WHERE text_body LIKE $1`, "%unsubscribe/"+id+"%").Scan(&body); err == nil {
			break
		}
	}
	tok := regexp.MustCompile(`/news/newsletter/unsubscribe/([A-Za-z0-9._-]+)`).FindStringSubmatch(body)
	if tok == nil {
		t.Fatalf("no digest with an unsubscribe link in the outbox: %q", body)
	}
	return tok[1]
}

// TestNewsInTheProfile: a resident's subscription (of their confirmed
// account address: no confirmation mail) and waste reminder are in their
// data export and go with their account.
func TestNewsInTheProfile(t *testing.T) {
	srv := apptest.Start(t, dbtest.DSN(t, db.SQLite))
	off := person(t, srv, "editor@news.test", web.Role{Name: web.RoleOfficer, Domain: "news"})
	res := person(t, srv, "leaving@news.test")
	off.upload("/officer/news/waste/areas", "areas.csv", "area,name,street,from,to,parity\nK1,Krowodrza,ul. Karmelicka,1,50,all\n").must(t, http.StatusOK, "areas")
	p := res.do(http.MethodPost, "/news/newsletter", url.Values{"email": {"Leaving@news.test"}, "district": {"5"}, "lang": {"en"}}).
		must(t, http.StatusOK, "subscribe")
	if !strings.Contains(p.body, "Subscribed. The newsletter goes to") {
		t.Error("a confirmed account address still needs confirming")
	}
	res.do(http.MethodPost, "/news/waste/reminder", url.Values{"address": {"Karmelicka 30"}}).must(t, http.StatusSeeOther, "reminder")
	data := res.get("/account/data.json").must(t, http.StatusOK, "export")
	for _, want := range []string{`"waste_reminder_address": "Karmelicka 30"`, `"email": "leaving@news.test"`, `"status": "active"`} {
		if !strings.Contains(data.body, want) {
			t.Errorf("the export lacks %s", want)
		}
	}
	res.do(http.MethodPost, "/account/delete", url.Values{"password": {"correct horse battery"}}).must(t, http.StatusOK, "delete")
	var n int
	srv.DB.QueryRow(`SELECT (SELECT COUNT(*) FROM newsletter_subscribers) + (SELECT COUNT(*) FROM waste_reminders)`).Scan(&n)
	if n != 0 {
		t.Errorf("%d subscription or reminder rows outlive the account", n)
	}
}
