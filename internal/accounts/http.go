package accounts

import (
	"embed"
	"net/http"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/audit"
	"github.com/civitas-city/civitas/internal/session"
	"github.com/civitas-city/civitas/internal/web"
	"github.com/civitas-city/civitas/internal/web/profile"
)

//go:embed templates/*.html
var templates embed.FS

//go:embed locales/*.json
var locales embed.FS

// Locales are the accounts messages, for the catalog.
func Locales() embed.FS { return locales }

// Handler serves the accounts pages and API.
type Handler struct {
	Site     *web.Site
	Service  *Service
	Sessions *session.Store
	// Sections are the modules' parts of "my profile", handed over by app.
	Sections []profile.Section
	// Districts lists the city's districts for the district choice.
	Districts []DistrictOption
}

// DistrictOption is one district in a choice list.
type DistrictOption struct {
	Number int
	Label  string
}

func (h *Handler) validDistrict(n int) bool {
	for _, d := range h.Districts {
		if d.Number == n {
			return true
		}
	}
	return false
}

// Pages lists the page templates.
var Pages = []string{
	"templates/signin.html", "templates/signin_link.html", "templates/register.html", "templates/registered.html", "templates/confirm.html",
	"templates/forgot.html", "templates/reset.html", "templates/done.html", "templates/profile.html",
	"templates/security.html", "templates/tokens.html", "templates/data.html", "templates/delete.html",
	"templates/admin_users.html", "templates/admin_user.html",
}

// RegisterPages registers the page templates.
func (h *Handler) RegisterPages() { h.Site.Renderer.Register("accounts", templates, Pages...) }

// Routes registers the accounts routes.
func (h *Handler) Routes(handle web.Registrar) {
	handle("GET /signin", web.Public, h.handleSignInForm)
	handle("POST /signin", web.Public, h.handleSignIn)
	handle("GET /account/signin-link", web.Public, h.handleSignInLinkForm)
	handle("POST /account/signin-link", web.Public, h.handleSignInLink)
	handle("POST /signout", web.Public, h.handleSignOut)
	handle("GET /register", web.Public, h.handleRegisterForm)
	handle("POST /register", web.Public, h.handleRegister)
	handle("GET /account/confirm", web.Public, h.handleConfirmForm)
	handle("POST /account/confirm", web.Public, h.handleConfirm)
	handle("POST /account/confirm/resend", web.SignedIn, h.handleResend)
	handle("GET /account/forgot", web.Public, h.handleForgotForm)
	handle("POST /account/forgot", web.Public, h.handleForgot)
	handle("GET /account/reset", web.Public, h.handleResetForm)
	handle("POST /account/reset", web.Public, h.handleReset)

	handle("GET /account", web.SignedIn, h.handleProfile)
	handle("POST /account/preferences", web.SignedIn, h.handlePreferences)
	handle("GET /account/security", web.SignedIn, h.handleSecurity)
	handle("POST /account/password", web.SignedIn, h.handlePassword)
	handle("POST /account/email", web.SignedIn, h.handleEmail)
	handle("GET /account/email/confirm", web.Public, h.handleEmailConfirmForm)
	handle("POST /account/email/confirm", web.Public, h.handleEmailConfirm)
	handle("POST /account/sessions/end-all", web.SignedIn, h.handleEndAll)
	handle("GET /account/tokens", web.SignedIn, h.handleTokens)
	handle("POST /account/tokens", web.SignedIn, h.handleTokenCreate)
	handle("POST /account/tokens/{id}/revoke", web.SignedIn, h.handleTokenRevoke)
	handle("GET /account/data", web.SignedIn, h.handleData)
	handle("GET /account/data.json", web.SignedIn, h.handleDataJSON)
	handle("GET /account/delete", web.SignedIn, h.handleDeleteForm)
	handle("POST /account/delete", web.SignedIn, h.handleDelete)

	handle("GET /admin/users", web.Admin, h.handleAdminUsers)
	handle("GET /admin/users/{id}", web.Admin, h.handleAdminUser)
	handle("POST /admin/users/{id}/roles", web.Admin, h.handleGrant)
	handle("POST /admin/users/{id}/roles/revoke", web.Admin, h.handleRevoke)

	handle("POST /officer/act/{id}", web.Officer("residents"), h.handleActStart)
	handle("POST /officer/act/stop", web.SignedIn, h.handleActStop)

	h.apiRoutes(handle)
}

// render shows a page with status 200, or 422 when its form has errors.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, page, title string, errs web.FormErrors, data any) error {
	return h.Site.Render(w, r, errs.Status(), "accounts/"+page, title, data)
}

// SignInPage is the sign-in form's data.
type SignInPage struct {
	Email  string
	Next   string
	Errors web.FormErrors
	// Refused marks both fields invalid: the address and password did not
	// match (the summary asks to correct the marked fields).
	Refused bool
}

func (h *Handler) handleSignInForm(w http.ResponseWriter, r *http.Request) error {
	return h.render(w, r, "signin", "accounts.signin.title", nil, SignInPage{Next: web.LocalPath(r.URL.Query().Get("next"))})
}

func (h *Handler) handleSignIn(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	email, password := r.PostFormValue("email"), r.PostFormValue("password")
	next := web.LocalPath(r.PostFormValue("next"))
	u, signInErr := h.Service.SignIn(ctx, email, password, web.ClientAddr(r))
	if signInErr == ErrSignInLinkSent {
		return h.done(w, r, "accounts.signin.link_sent")
	}
	if signInErr != nil {
		errs, err := h.Site.FormError(web.Lang(ctx), signInErr, apperr.Unauthenticated)
		if err != nil {
			return err
		}
		status := http.StatusUnprocessableEntity
		_, limited := errs[""]
		limited = limited && apperr.Is(signInErr, apperr.TooMany)
		if limited {
			status = http.StatusTooManyRequests
		}
		page := SignInPage{Email: email, Next: next, Errors: errs, Refused: !limited}
		return h.Site.Render(w, r, status, "accounts/signin", "accounts.signin.title", page)
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

// handleSignInLinkForm shows a button: mail scanners that open links sign
// nobody in.
func (h *Handler) handleSignInLinkForm(w http.ResponseWriter, r *http.Request) error {
	return h.render(w, r, "signin_link", "accounts.signin_link.title", nil, TokenPage{Token: r.URL.Query().Get("token"), Valid: true})
}

func (h *Handler) handleSignInLink(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u, err := h.Service.SignInWithLink(ctx, r.PostFormValue("token"))
	if err != nil {
		errs, err := h.Site.FormError(web.Lang(ctx), err)
		if err != nil {
			return err
		}
		return h.render(w, r, "signin_link", "accounts.signin_link.title", errs, TokenPage{Errors: errs})
	}
	if _, err := h.Sessions.Start(ctx, w, r, u.ID); err != nil {
		return err
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
	return nil
}

func (h *Handler) handleSignOut(w http.ResponseWriter, r *http.Request) error {
	if err := h.Sessions.End(r.Context(), w, r); err != nil {
		return err
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
	return nil
}

// handleActStart makes the officer act for a managed resident until they
// stop; every action meanwhile is audited as "officer for resident".
func (h *Handler) handleActStart(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	officer := web.CurrentUser(ctx)
	resident, err := h.Service.FindByID(ctx, r.PathValue("id"))
	if err != nil {
		return err
	}
	if !resident.Managed {
		return apperr.E(apperr.Invalid, "accounts.error.not_managed")
	}
	if err := h.Sessions.Set(ctx, web.SessionID(ctx), session.ActingFor, resident.ID); err != nil {
		return err
	}
	if err := audit.Record(ctx, h.Service.DB, audit.Entry{ActorID: officer.ID, OnBehalfOf: resident.ID, Action: "officer.act.start",
		TargetType: "user", TargetID: resident.ID, RequestID: web.RequestID(ctx)}); err != nil {
		return err
	}
	http.Redirect(w, r, web.LocalPath(r.PostFormValue("next")), http.StatusSeeOther)
	return nil
}

func (h *Handler) handleActStop(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if u := web.CurrentUser(ctx); u.ActingFor != nil {
		if err := h.Sessions.Set(ctx, web.SessionID(ctx), session.ActingFor, ""); err != nil {
			return err
		}
		if err := audit.Record(ctx, h.Service.DB, audit.Entry{ActorID: u.ID, OnBehalfOf: u.ActingFor.ID, Action: "officer.act.stop",
			TargetType: "user", TargetID: u.ActingFor.ID, RequestID: web.RequestID(ctx)}); err != nil {
			return err
		}
	}
	http.Redirect(w, r, web.LocalPath(r.PostFormValue("next")), http.StatusSeeOther)
	return nil
}
