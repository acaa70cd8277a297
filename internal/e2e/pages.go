// Package e2e is the browser test suite of Civitas. It starts the real app
// (app.Start, demo accounts, SQLite), drives Debian's Chromium with
// chromedp and runs axe-core on every page of Pages and every page a crawl
// from them reaches, in every language of the site, and checks that the
// shell works from the keyboard.
//
// The tests run only with CIVITAS_E2E=1; see e2e_test.go. This file is the
// part that modules edit: a module that adds a page adds it to Pages, and a
// module that adds a GET route that is not a page adds it to NotPages. A
// test fails when a GET route is in neither.
package e2e

import "net/http"

// Viewer is who looks at a page: nobody, or one of the demo accounts
// (signed in through the real sign-in form).
type Viewer int

// The viewers. The zero Viewer is Anonymous.
const (
	Anonymous Viewer = iota
	Resident
	Admin
)

// Viewers lists every viewer, in the order the suite checks them.
var Viewers = []Viewer{Anonymous, Resident, Admin}

func (v Viewer) String() string {
	switch v {
	case Resident:
		return "resident"
	case Admin:
		return "admin"
	}
	return "anonymous"
}

// Page is one page the suite opens.
type Page struct {
	// Path is the path and query, e.g. "/districts?lat=50.06&lon=19.94".
	Path string
	// As is who views it; the zero value is Anonymous.
	As Viewer
	// Status is the HTTP status the page must answer with; 0 means 200.
	Status int
}

// WantStatus is the status the page must answer with.
func (p Page) WantStatus() int {
	if p.Status == 0 {
		return http.StatusOK
	}
	return p.Status
}

// Pages are the pages checked in every language, each as its viewer. Each
// module lists its pages in its own block: every page and every state
// that renders differently (an empty list, a form with errors, a search
// result). Pages behind sign-in are listed with the viewer that may see
// them. The crawl adds pages linked from these, but only a listed page is
// sure to be checked.
var Pages = []Page{
	// Shell (internal/web).
	{Path: "/"},
	{Path: "/", As: Resident},
	{Path: "/", As: Admin},
	{Path: "/no/such/page", Status: http.StatusNotFound},
	{Path: "/help"},
	{Path: "/contact"},
	{Path: "/privacy"},

	// Accounts.
	{Path: "/signin"},
	{Path: "/signin?next=%2Fadmin%2Faudit"},
	{Path: "/register"},
	{Path: "/account/confirm?token=e2e-not-a-token"},
	{Path: "/account/signin-link?token=e2e-not-a-token"},
	{Path: "/account/forgot"},
	{Path: "/account/reset?token=e2e-not-a-token"}, // an invalid link
	{Path: "/account/email/confirm?token=e2e-not-a-token"},
	{Path: "/account", As: Resident},
	{Path: "/account/security", As: Resident},
	{Path: "/account/security?notice=password", As: Resident},
	{Path: "/account/tokens", As: Resident},
	{Path: "/account/data", As: Resident},
	{Path: "/account/delete", As: Resident},
	{Path: "/admin/users", As: Admin},
	{Path: "/admin/users?q=demo", As: Admin},

	// Districts.
	{Path: "/districts"},
	{Path: "/districts/stare-miasto"},
	{Path: "/districts?lat=50.0617&lon=19.9373"},                      // found
	{Path: "/districts?lat=52.2297&lon=21.0122"},                      // outside the city
	{Path: "/districts?lat=abc&lon=1", Status: http.StatusBadRequest}, // invalid input
	{Path: "/officer", As: Admin},                                     // the staff's dashboard
	{Path: "/officer", As: Resident, Status: http.StatusForbidden},
	{Path: "/districts?address=Karmelicka+30"},                         // an address the gazetteer holds
	{Path: "/districts?address=ul.+Nieznana+5"},                        // one it does not
	{Path: "/districts?address=", Status: http.StatusBadRequest},       // no address
	{Path: "/districts/no-such-district", Status: http.StatusNotFound}, // the module's 404

	// Audit.
	{Path: "/admin/audit", As: Admin},

	// Mail.
	{Path: "/admin/outbox", As: Admin},
}

// ByCrawl are the route patterns of pages whose URLs hold ids the suite
// cannot know in advance (a user's page, a project's page). A listed page
// must link to them: TestAxe fails when the crawl reaches none of their
// pages in a language.
var ByCrawl = []string{
	"GET /admin/users/{id}", // from /admin/users
}

// NotPage is a GET route that is not an HTML page, so the suite does not
// open it.
type NotPage struct {
	// Pattern is a route pattern as registered, e.g. "GET /healthz". One
	// that ends in "/" (but is not "GET /") stands for every pattern that
	// begins with it, e.g. "GET /api/".
	Pattern string
	// Reason says why it is not a page.
	Reason string
}

// NotPages are the GET routes the suite leaves out.
var NotPages = []NotPage{
	{"GET /healthz", "liveness probe: plain text"},
	{"GET /readyz", "readiness probe: plain text"},
	{"GET /lang", "the language switch: sets a cookie and redirects back"},
	{"GET /favicon.svg", "the site's icon"},
	{"GET /manifest.webmanifest", "the web-app manifest: JSON"},
	{"GET /robots.txt", "for crawlers: plain text"},
	{"GET /sitemap.xml", "for crawlers: XML"},
	{"GET /metrics", "Prometheus metrics: plain text, behind a token"},
	{"GET /api/", "JSON API"},
	{"GET /static/", "stylesheets and other assets"},
	{"GET /files/", "uploaded files, served as they were stored"},
	{"GET /account/data.json", "the resident's data as a JSON download"},
}
