package accounts

import (
	"embed"
	"net/http"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/audit"
	"github.com/civitas-city/civitas/internal/session"
	"github.com/civitas-city/civitas/internal/web"
)

//go:embed templates/*.html
var templates embed.FS

//go:embed locales/*.json
var locales embed.FS

// Locales are the accounts messages, for the catalog.
func Locales() embed.FS { return locales }

// Handler serves the accounts pages.
type Handler struct {
	Site     *web.Site
	Service  *Service
	Sessions *session.Store
}

// RegisterPages registers the page templates.
func (h *Handler) RegisterPages() {
	h.Site.Renderer.Register("accounts", templates, "templates/signin.html")
}

// Routes registers the accounts routes.
func (h *Handler) Routes(handle web.Registrar) {
	handle("GET /signin", web.Public, h.handleSignInForm)
	handle("POST /signin", web.Public, h.handleSignIn)
	handle("POST /signout", web.Public, h.handleSignOut)
}

// SignInPage is the sign-in form's data.
type SignInPage struct {
	Email string
	Next  string
	Error string
}

func (h *Handler) handleSignInForm(w http.ResponseWriter, r *http.Request) error {
	return h.Site.Render(w, r, http.StatusOK, "accounts/signin", "accounts.signin.title",
		SignInPage{Next: web.LocalPath(r.URL.Query().Get("next"))})
}

func (h *Handler) handleSignIn(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	email, password := r.PostFormValue("email"), r.PostFormValue("password")
	next := web.LocalPath(r.PostFormValue("next"))
	u, err := h.Service.Authenticate(ctx, email, password)
	if apperr.Is(err, apperr.Unauthenticated) {
		page := SignInPage{Email: email, Next: next, Error: h.Site.Catalog.T(web.Lang(ctx), apperr.MessageOf(err))}
		return h.Site.Render(w, r, http.StatusOK, "accounts/signin", "accounts.signin.title", page)
	}
	if err != nil {
		return err
	}
	if _, err := h.Sessions.Start(ctx, w, r, u.ID); err != nil {
		return err
	}
	if err := audit.Record(ctx, h.Service.DB, audit.Entry{ActorID: u.ID, Action: "account.signin", TargetType: "user", TargetID: u.ID, RequestID: web.RequestID(ctx)}); err != nil {
		return err
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

func (h *Handler) handleSignOut(w http.ResponseWriter, r *http.Request) error {
	if err := h.Sessions.End(r.Context(), w, r); err != nil {
		return err
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
	return nil
}
