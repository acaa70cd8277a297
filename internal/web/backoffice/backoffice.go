// Package backoffice is the staff's front page, /officer: what waits for
// them in every module (projects to review, reports by status, comments to
// moderate, paper ballots being keyed). It imports no domain package: each
// module implements Section in its own package and app hands the sections
// over, as with the profile's sections (web/profile).
package backoffice

import (
	"context"
	"embed"
	"net/http"

	"github.com/civitas-city/civitas/internal/web"
)

// Section is one module's part of the dashboard.
type Section interface {
	// TitleKey is the catalog key of the section's heading.
	TitleKey() string
	// Queues lists what waits for u in the module, in the request's
	// language (web.Lang(ctx)): nil when u has no role there, an empty
	// list when they have one and nothing waits.
	Queues(ctx context.Context, u *web.User) ([]Queue, error)
}

// Queue is one line of the dashboard: a kind of work, how much of it
// waits, and where to do it.
type Queue struct {
	Title string // already translated
	Count int
	URL   string
}

//go:embed templates/*.html
var templates embed.FS

//go:embed locales/*.json
var locales embed.FS

// Locales are the dashboard's messages, for the catalog.
func Locales() embed.FS { return locales }

// Pages lists the page templates.
var Pages = []string{"templates/officer.html"}

// Handler serves /officer.
type Handler struct {
	Site     *web.Site
	Sections []Section
}

// RegisterPages registers the page template.
func (h *Handler) RegisterPages() { h.Site.Renderer.Register("backoffice", templates, Pages...) }

// Routes registers the dashboard.
func (h *Handler) Routes(handle web.Registrar) {
	handle("GET /officer", web.Staff, h.handleDashboard)
}

// Page is the data of /officer.
type Page struct {
	Sections []PageSection
}

// PageSection is one module's queues, or none when the officer has no
// role in it.
type PageSection struct {
	TitleKey string
	Queues   []Queue
}

func (h *Handler) handleDashboard(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u := web.CurrentUser(ctx)
	var p Page
	for _, s := range h.Sections {
		qs, err := s.Queues(ctx, u)
		if err != nil {
			return err
		}
		if qs != nil {
			p.Sections = append(p.Sections, PageSection{TitleKey: s.TitleKey(), Queues: qs})
		}
	}
	return h.Site.Render(w, r, http.StatusOK, "backoffice/officer", "backoffice.title", p)
}
