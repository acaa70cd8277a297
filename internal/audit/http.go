package audit

import (
	"embed"
	"net/http"

	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/web"
)

//go:embed templates/*.html
var templates embed.FS

//go:embed locales/*.json
var locales embed.FS

// Locales are the audit page's messages.
func Locales() embed.FS { return locales }

// Handler serves the admins' audit page.
type Handler struct {
	Site *web.Site
	DB   *db.DB
}

// Pages lists the page templates.
var Pages = []string{"templates/audit.html"}

// RegisterPages registers the page templates.
func (h *Handler) RegisterPages() {
	h.Site.Renderer.Register("audit", templates, Pages...)
}

// Routes registers the audit routes: reading only.
func (h *Handler) Routes(handle web.Registrar) {
	handle("GET /admin/audit", web.Admin, h.handleList)
}

// ListPage is the audit page's data.
type ListPage struct {
	Entries []Entry
	Action  string
	Next    string // id to continue from, when there may be more
}

const pageSize = 50

func (h *Handler) handleList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := Filter{Action: q.Get("action"), TargetType: q.Get("target_type"), TargetID: q.Get("target_id"), Before: q.Get("before"), Limit: pageSize}
	entries, err := List(r.Context(), h.DB, f)
	if err != nil {
		return err
	}
	p := ListPage{Entries: entries, Action: f.Action}
	if len(entries) == pageSize {
		p.Next = entries[len(entries)-1].ID
	}
	return h.Site.Render(w, r, http.StatusOK, "audit/audit", "audit.title", p)
}
