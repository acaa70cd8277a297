package web

import (
	"context"
	"embed"
	"io/fs"
	"net/http"
	"time"

	"github.com/civitas-city/civitas/internal/apperr"
)

//go:embed static
var staticFS embed.FS

// Static is the shell's own static files (the stylesheet).
func Static() fs.FS {
	sub, _ := fs.Sub(staticFS, "static")
	return sub
}

// RegisterShellPages registers the shell's page templates.
func (s *Site) RegisterShellPages() {
	s.Renderer.Register("shell", shellPages, shellPageFiles...)
}

// HomePage is the home page's data.
type HomePage struct {
	Modules []Module
	// Open is what residents can take part in now; District is the
	// signed-in resident's district (0: none), to mark their own.
	Open     []OpenLine
	District int
}

// Shell serves the pages that belong to no domain: home, the language
// switch, health checks and the 404 for unknown paths.
type Shell struct {
	Site *Site
	// Ping checks the database for /readyz.
	Ping       func(ctx context.Context) error
	TrustProxy bool
	// Openers feed the home page's "open now"; DistrictOf gives a
	// signed-in resident's district, to put it first.
	Openers    []Opener
	openCache  openCache // the Openers' answers, reused for openTTL
	homeCache  pageCache // the anonymous home page per language, for openTTL
	DistrictOf func(ctx context.Context, userID string) (int, error)
	// City is what the help, contact and privacy pages say about the city.
	City CityInfo
	// BaseURL is the site's public address, for robots.txt and the sitemap.
	BaseURL string
	// RouteList gives every route of the app, for the sitemap.
	RouteList func() []Route
	// Items are public pages of single items (a district's page) for the
	// sitemap, beside the routes without wildcards; Listers give the
	// modules' items (projects, consultations), asked when it is served.
	Items   []string
	Listers []ItemLister
}

// ItemLister gives a module's public pages of single items (an edition's
// projects, a consultation) for sitemap.xml. Modules implement it in their
// own package; app hands them to the Shell.
type ItemLister interface {
	SitemapItems(ctx context.Context) ([]string, error)
}

// Routes registers the shell's routes.
func (h *Shell) Routes(handle Registrar) {
	handle("GET /{$}", Public, h.handleHome)
	handle("GET /lang", Public, h.handleLanguage)
	handle("POST /lang", Public, h.handleLanguage)
	handle("GET /help", Public, h.handleInfo("help"))
	handle("GET /contact", Public, h.handleInfo("contact"))
	handle("GET /privacy", Public, h.handleInfo("privacy"))
	handle("GET /favicon.svg", Public, h.handleFavicon)
	handle("GET /manifest.webmanifest", Public, h.handleManifest)
	handle("GET /robots.txt", Public, h.handleRobots)
	handle("GET /sitemap.xml", Public, h.handleSitemap)
	handle("GET /healthz", Public, h.handleHealth)
	handle("GET /readyz", Public, h.handleReady)
	handle("/", Public, h.handleNotFound)
}

func (h *Shell) handleHome(w http.ResponseWriter, r *http.Request) error {
	// Every anonymous visitor of a language gets the same page: it is
	// rendered once per language and openTTL, not on every visit.
	if CurrentUser(r.Context()) == nil && r.URL.RawQuery == "" {
		page, err := h.homeCache.get(Lang(r.Context()), func() ([]byte, error) {
			open, district, err := h.openNow(r.Context())
			if err != nil {
				return nil, err
			}
			lines, err := h.openLines(r.Context(), open, "")
			if err != nil {
				return nil, err
			}
			return h.Site.RenderHTML(r, "shell/home", "home.title", HomePage{Modules: h.Site.Modules, Open: lines, District: district})
		})
		if err != nil {
			return err
		}
		return writeHTML(w, http.StatusOK, page)
	}
	open, district, err := h.openNow(r.Context())
	if err != nil {
		return err
	}
	lines, err := h.openLines(r.Context(), open, r.URL.Query().Get(AnsweredParam))
	if err != nil {
		return err
	}
	return h.Site.Render(w, r, http.StatusOK, "shell/home", "home.title", HomePage{Modules: h.Site.Modules, Open: lines, District: district})
}

// handleLanguage remembers the chosen language and goes back to the page,
// query and all. The layout's switch is a GET form (nothing typed into a
// form on the page is posted or lost with it); POST stays for old pages.
func (h *Shell) handleLanguage(w http.ResponseWriter, r *http.Request) error {
	lang := r.FormValue("lang")
	if !h.Site.Catalog.Supports(lang) {
		return apperr.E(apperr.Invalid, "error.bad_language")
	}
	http.SetCookie(w, &http.Cookie{
		Name: LangCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: IsTLS(r, h.TrustProxy),
	})
	http.Redirect(w, r, LocalPath(r.FormValue("next")), http.StatusSeeOther)
	return nil
}

func (h *Shell) handleHealth(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
	return nil
}

func (h *Shell) handleReady(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if err := h.Ping(ctx); err != nil {
		h.Site.Log.WarnContext(r.Context(), "not ready", "error", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("database unavailable\n"))
		return nil
	}
	w.Write([]byte("ok\n"))
	return nil
}

func (h *Shell) handleNotFound(w http.ResponseWriter, r *http.Request) error {
	return apperr.E(apperr.NotFound, "error.not_found")
}
