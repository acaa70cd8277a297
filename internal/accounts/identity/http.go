package identity

import (
	"context"
	"embed"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/districts"
	"github.com/civitas-city/civitas/internal/session"
	"github.com/civitas-city/civitas/internal/web"
)

//go:embed templates/*.html
var templates embed.FS

//go:embed locales/*.json
var locales embed.FS

// Locales are the identity messages (and the PESEL reasons), for the
// catalog.
func Locales() embed.FS { return locales }

// Handler serves the verification pages and the officer desk.
type Handler struct {
	Site     *web.Site
	Service  *Service
	Sessions *session.Store
	// OIDC is the identity provider; nil when none is configured.
	OIDC *OIDC
	// Districts names the districts on the pages.
	Districts *districts.Set
	// BaseURL (CIVITAS_BASE_URL) builds the OIDC callback URL when the
	// configuration does not give one.
	BaseURL    string
	TrustProxy bool
}

// Pages are the page templates, registered as "identity/NAME".
var Pages = []string{"templates/verify.html", "templates/residents.html", "templates/resident.html",
	"templates/resident_new.html", "templates/resident_created.html", "templates/refused.html"}

// RegisterPages registers the page templates.
func (h *Handler) RegisterPages() { h.Site.Renderer.Register("identity", templates, Pages...) }

// Routes registers the identity routes.
func (h *Handler) Routes(handle web.Registrar) {
	handle("GET /account/verify", web.SignedIn, h.handleVerify)
	handle("POST /account/verify/census", web.SignedIn, h.handleVerifyCensus)
	handle("POST /account/verify/oidc", web.SignedIn, h.handleOIDCStart)
	handle("GET "+CallbackPath, web.SignedIn, h.handleOIDCCallback)

	officer := web.Officer("residents")
	handle("GET /officer/residents", officer, h.handleResidents)
	handle("POST /officer/residents/search", officer, h.handleSearch)
	handle("GET /officer/residents/new", officer, h.handleNewForm)
	handle("POST /officer/residents", officer, h.handleCreate)
	handle("GET /officer/residents/{id}", officer, h.handleResident)
	handle("POST /officer/residents/{id}/verify", officer, h.handleInPerson)
	handle("POST /officer/residents/{id}/claim-code", officer, h.handleClaimCode)
	handle("POST /officer/residents/{id}/revoke", officer, h.handleRevoke)
	handle("GET /officer/verification/refused", officer, h.handleRefused)
}

// DistrictOption is a district in a choice list.
type DistrictOption struct {
	Number int
	Label  string
}

func (h *Handler) districtOptions() []DistrictOption {
	var out []DistrictOption
	if h.Districts == nil {
		return out
	}
	for _, d := range h.Districts.All() {
		out = append(out, DistrictOption{d.Number, d.Numeral + " " + d.Name})
	}
	return out
}

func (h *Handler) districtLabel(n int) string {
	if h.Districts != nil {
		if d, ok := h.Districts.ByNumber(n); ok {
			return d.Numeral + " " + d.Name
		}
	}
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

func (h *Handler) t(ctx context.Context, key string, args ...any) string {
	return h.Site.Catalog.T(web.Lang(ctx), key, args...)
}

// noStore keeps pages that show a PESEL or a claim code out of caches.
func noStore(w http.ResponseWriter) { w.Header().Set("Cache-Control", "no-store") }

// StatusView is an account's verification as pages show it.
type StatusView struct {
	Status
	LevelLabel, MethodLabel, SourceLabel, DistrictLabel string
}

func (h *Handler) statusView(ctx context.Context, st Status) StatusView {
	v := StatusView{Status: st, LevelLabel: h.t(ctx, "identity.level."+string(st.Level)), DistrictLabel: h.districtLabel(st.District)}
	if st.Method != "" {
		v.MethodLabel = h.t(ctx, "identity.method."+string(st.Method))
	}
	if st.Source != "" {
		v.SourceLabel = h.t(ctx, "identity.source."+string(st.Source))
	}
	return v
}

// VerifyPage is /account/verify.
type VerifyPage struct {
	Status StatusView
	// Done is "verified" or "claimed" after a verification succeeded.
	Done string
	// OIDC offers the identity provider, named OIDCName.
	OIDC     bool
	OIDCName string
	// The census form and its errors (field name to message; "" for the
	// summary only).
	PESEL, BirthDate, ClaimCode string
	Errors                      map[string]string
	// Acting: an officer acting for a resident cannot verify here.
	Acting bool
	// Next is where to go once verified (a ballot), a local path; empty:
	// back to this page.
	Next string
}

func (h *Handler) verifyPage(r *http.Request) (VerifyPage, error) {
	ctx := r.Context()
	u := web.CurrentUser(ctx)
	st, err := h.Service.Status(ctx, u.ID)
	if err != nil {
		return VerifyPage{}, err
	}
	p := VerifyPage{Status: h.statusView(ctx, st), OIDC: h.OIDC != nil, Acting: u.ActingFor != nil, Next: nextPath(r)}
	if h.OIDC != nil {
		p.OIDCName = h.OIDC.Config.Name
	}
	switch d := r.URL.Query().Get("done"); d {
	case "verified", "claimed":
		p.Done = d
	}
	return p, nil
}

func (h *Handler) renderVerify(w http.ResponseWriter, r *http.Request, status int, p VerifyPage) error {
	noStore(w)
	return h.Site.Render(w, r, status, "identity/verify", "identity.verify.title", p)
}

func (h *Handler) handleVerify(w http.ResponseWriter, r *http.Request) error {
	p, err := h.verifyPage(r)
	if err != nil {
		return err
	}
	return h.renderVerify(w, r, http.StatusOK, p)
}

// errActing refuses verification while an officer acts for a resident:
// it would verify the officer's own account.
var errActing = apperr.E(apperr.Forbidden, "identity.error.acting")

func (h *Handler) handleVerifyCensus(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u := web.CurrentUser(ctx)
	if u.ActingFor != nil {
		return errActing
	}
	res, err := h.Service.VerifyCensus(ctx, u.ID, r.PostFormValue("pesel"), r.PostFormValue("birth_date"), r.PostFormValue("claim_code"))
	if err != nil {
		return h.verifyAgain(w, r, err, func(p *VerifyPage, errs web.FormErrors) {
			p.PESEL, p.BirthDate, p.ClaimCode = r.PostFormValue("pesel"), r.PostFormValue("birth_date"), r.PostFormValue("claim_code")
			p.Errors = errs
		})
	}
	return h.verified(w, r, res, nextPath(r))
}

// nextPath is where a verification started from another page (a ballot:
// ?next=/budget/…/vote) returns to: a local path only (web.LocalPath), or
// "" when none was given.
func nextPath(r *http.Request) string {
	next := r.FormValue("next")
	if next == "" {
		return ""
	}
	return web.LocalPath(next)
}

// verifyAgain shows the verification page again with err's problems, which
// fill puts on it, or returns err for the error page when the resident
// cannot put it right.
func (h *Handler) verifyAgain(w http.ResponseWriter, r *http.Request, err error, fill func(p *VerifyPage, errs web.FormErrors)) error {
	errs, ferr := h.Site.FormError(web.Lang(r.Context()), err)
	if ferr != nil {
		return ferr
	}
	p, perr := h.verifyPage(r)
	if perr != nil {
		return perr
	}
	fill(&p, errs)
	return h.renderVerify(w, r, web.StatusOf(err), p)
}

// verified ends a successful verification: after a claim the browser is
// signed in as the claimed profile (the online account is gone).
func (h *Handler) verified(w http.ResponseWriter, r *http.Request, res Result, next string) error {
	done := "verified"
	if res.Claimed {
		done = "claimed"
		if _, err := h.Sessions.Start(r.Context(), w, r, res.UserID); err != nil {
			return err
		}
	}
	if next == "" || next == "/account/verify" {
		next = "/account/verify?done=" + done
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// oidcCookie binds a flow at the provider to the browser that started it.
const oidcCookie = "civitas_oidc"

func (h *Handler) redirectURL(r *http.Request) string {
	switch {
	case h.OIDC.Config.RedirectURL != "":
		return h.OIDC.Config.RedirectURL
	}
	// The node's base URL, never the request's Host header.
	return strings.TrimRight(h.BaseURL, "/") + CallbackPath
}

func (h *Handler) oidcError(w http.ResponseWriter, r *http.Request, status int, key string, cause error) error {
	if cause != nil {
		h.Site.Log.WarnContext(r.Context(), "oidc verification failed", "error", cause, "request_id", web.RequestID(r.Context()))
	}
	p, err := h.verifyPage(r)
	if err != nil {
		return err
	}
	p.Errors = map[string]string{"": h.t(r.Context(), key)}
	return h.renderVerify(w, r, status, p)
}

func (h *Handler) handleOIDCStart(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u := web.CurrentUser(ctx)
	if h.OIDC == nil {
		return apperr.E(apperr.NotFound, "identity.error.oidc_off")
	}
	if u.ActingFor != nil {
		return errActing
	}
	flow, cookie, err := h.Service.StartOIDC(ctx, u.ID, nextPath(r))
	if err != nil {
		return err
	}
	target, err := h.OIDC.AuthURL(ctx, h.redirectURL(r), flow)
	if err != nil {
		return h.oidcError(w, r, http.StatusServiceUnavailable, ErrOIDCUnavailable.Message, err)
	}
	http.SetCookie(w, &http.Cookie{Name: oidcCookie, Value: cookie, Path: "/account/verify/oidc", MaxAge: int(flowTTL.Seconds()),
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: web.IsTLS(r, h.TrustProxy)})
	http.Redirect(w, r, target, http.StatusSeeOther)
	return nil
}

func (h *Handler) handleOIDCCallback(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u := web.CurrentUser(ctx)
	if h.OIDC == nil {
		return apperr.E(apperr.NotFound, "identity.error.oidc_off")
	}
	var cookie string
	if c, err := r.Cookie(oidcCookie); err == nil {
		cookie = c.Value
	}
	http.SetCookie(w, &http.Cookie{Name: oidcCookie, Value: "", Path: "/account/verify/oidc", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	q := r.URL.Query()
	flow, err := h.Service.FinishOIDC(ctx, u.ID, cookie, q.Get("state"))
	if err != nil {
		if apperr.Is(err, apperr.Invalid) {
			return h.oidcError(w, r, http.StatusBadRequest, ErrOIDCState.Message, nil)
		}
		return err
	}
	if q.Get("error") != "" {
		return h.oidcError(w, r, http.StatusBadRequest, "identity.error.oidc_cancelled", nil)
	}
	digits, err := h.OIDC.Exchange(ctx, h.redirectURL(r), q.Get("code"), flow)
	if err != nil {
		if apperr.Is(err, apperr.Invalid) {
			return h.oidcError(w, r, http.StatusBadRequest, apperr.MessageOf(err), err)
		}
		return h.oidcError(w, r, http.StatusBadGateway, ErrOIDCUnavailable.Message, err)
	}
	res, err := h.Service.VerifyOIDC(ctx, u.ID, digits)
	if err != nil {
		return h.verifyAgain(w, r, err, func(p *VerifyPage, errs web.FormErrors) {
			// The provider's answer fills no field of the page: its
			// problems are about the whole verification.
			p.Errors = map[string]string{"": strings.Join(slices.Sorted(maps.Values(errs)), " ")}
		})
	}
	next := ""
	if flow.Next != "" {
		next = web.LocalPath(flow.Next)
	}
	return h.verified(w, r, res, next)
}
