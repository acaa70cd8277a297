package mail

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

// Locales are the outbox page's messages.
func Locales() embed.FS { return locales }

// Handler serves the outbox page, where admins read the mail that demo
// mode keeps instead of sending.
type Handler struct {
	Site *web.Site
	DB   *db.DB
}

// Pages lists the page templates.
var Pages = []string{"templates/outbox.html"}

// RegisterPages registers the page templates.
func (h *Handler) RegisterPages() {
	h.Site.Renderer.Register("mail", templates, Pages...)
}

// Routes registers the outbox route.
func (h *Handler) Routes(handle web.Registrar) {
	handle("GET /admin/outbox", web.Admin, h.handleOutbox)
}

// OutboxPage is the outbox page's data.
type OutboxPage struct{ Messages []Stored }

func (h *Handler) handleOutbox(w http.ResponseWriter, r *http.Request) error {
	msgs, err := ListOutbox(r.Context(), h.DB, 100)
	if err != nil {
		return err
	}
	return h.Site.Render(w, r, http.StatusOK, "mail/outbox", "outbox.title", OutboxPage{Messages: msgs})
}
