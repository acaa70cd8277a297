package web

import (
	"encoding/json"
	"encoding/xml"
	"net/http"
	"slices"
	"strings"
)

// CityInfo is what the help, contact and privacy pages say about the city
// that runs the site, from its profile (city.json). An empty field is shown
// as "not filled in yet", never guessed.
type CityInfo struct {
	Office     string // "Urząd Miasta Krakowa"
	Address    string
	Phone      string
	Email      string
	Web        string // the city's own site
	Controller string // the personal data controller (GDPR art. 13)
	DPOEmail   string // the data protection officer's address
}

// InfoPage is the data of the help, contact and privacy pages.
type InfoPage struct{ City CityInfo }

// handleInfo renders one of the pages about the site itself.
func (h *Shell) handleInfo(page string) HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		return h.Site.Render(w, r, http.StatusOK, "shell/"+page, "info."+page+".title", InfoPage{City: h.City})
	}
}

// favicon is the site's icon: a civic building on the accent colour.
// static/icon-192.png and icon-512.png are this drawing as PNG, for the
// manifest (made with Chromium: --screenshot of the SVG at that size).
const favicon = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="12" fill="#0b4f9c"/>` +
	`<path fill="#fff" d="M32 10 10 22v4h44v-4zM14 30h6v18h-6zm11 0h6v18h-6zm11 0h6v18h-6zm11 0h6v18h-6zM10 50h44v5H10z"/></svg>`

func (h *Shell) handleFavicon(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Cache-Control", "public, max-age=86400")
	_, err := w.Write([]byte(favicon))
	return err
}

// handleManifest serves the web-app manifest, so that a phone can put the
// site on its home screen: the name in the resident's language, the icon,
// and the home page as the start.
func (h *Shell) handleManifest(w http.ResponseWriter, r *http.Request) error {
	lang := Lang(r.Context())
	m := map[string]any{
		"name":             h.Site.Name,
		"short_name":       h.Site.Name,
		"description":      h.Site.Catalog.T(lang, "home.lead"),
		"lang":             lang,
		"start_url":        "/",
		"scope":            "/",
		"display":          "standalone",
		"background_color": "#ffffff",
		"theme_color":      "#0b4f9c",
		"icons": []map[string]string{
			{"src": "/favicon.svg", "sizes": "any", "type": "image/svg+xml", "purpose": "any"},
			{"src": h.Site.Renderer.assets.URL("icon-192.png"), "sizes": "192x192", "type": "image/png", "purpose": "any"},
			{"src": h.Site.Renderer.assets.URL("icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any"},
		},
	}
	w.Header().Set("Content-Type", "application/manifest+json")
	return json.NewEncoder(w).Encode(m)
}

func (h *Shell) handleRobots(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	var b strings.Builder
	b.WriteString("User-agent: *\n")
	for _, p := range []string{"/account", "/admin/", "/officer/", "/api/", "/lang", "/signin", "/register"} {
		b.WriteString("Disallow: " + p + "\n")
	}
	b.WriteString("Sitemap: " + h.BaseURL + "/sitemap.xml\n")
	_, err := w.Write([]byte(b.String()))
	return err
}

// notInSitemap are public GET paths that are not pages for search engines:
// files, probes, the API and the forms of signing in.
var notInSitemap = []string{"/api/", "/static/", "/files/", "/healthz", "/readyz", "/metrics", "/lang",
	"/robots.txt", "/sitemap.xml", "/favicon.svg", "/manifest.webmanifest", "/signin", "/register", "/account"}

// SitemapPaths are the public pages of routes: GET patterns open to
// everyone with no wildcard, less notInSitemap and downloads.
func SitemapPaths(routes []Route) []string {
	var out []string
	for _, r := range routes {
		p, ok := strings.CutPrefix(r.Pattern, "GET ")
		if !ok || !r.Access.Public || strings.Contains(p, "{") && p != "/{$}" || strings.Contains(lastSegment(p), ".") {
			continue
		}
		p = strings.TrimSuffix(p, "{$}")
		if slices.ContainsFunc(notInSitemap, func(x string) bool {
			return p == x || strings.HasSuffix(x, "/") && strings.HasPrefix(p, x) || strings.HasPrefix(p, x+"/")
		}) {
			continue
		}
		out = append(out, p)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func lastSegment(p string) string { return p[strings.LastIndex(p, "/")+1:] }

type urlset struct {
	XMLName xml.Name     `xml:"urlset"`
	NS      string       `xml:"xmlns,attr"`
	URLs    []sitemapURL `xml:"url"`
}

type sitemapURL struct {
	Loc string `xml:"loc"`
}

func (h *Shell) handleSitemap(w http.ResponseWriter, r *http.Request) error {
	set := urlset{NS: "http://www.sitemaps.org/schemas/sitemap/0.9"}
	paths := append(SitemapPaths(h.RouteList()), h.Items...)
	for _, l := range h.Listers {
		items, err := l.SitemapItems(r.Context())
		if err != nil {
			return err
		}
		paths = append(paths, items...)
	}
	for _, p := range paths {
		set.URLs = append(set.URLs, sitemapURL{h.BaseURL + p})
	}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.Write([]byte(xml.Header))
	return xml.NewEncoder(w).Encode(set)
}
