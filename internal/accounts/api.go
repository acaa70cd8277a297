package accounts

import (
	"context"
	_ "embed"
	"net/http"
	"strings"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/web"
)

// OpenAPIPaths is this module's part of /api/v1/openapi.json.
//
//go:embed openapi.json
var OpenAPIPaths []byte

func (h *Handler) apiRoutes(handle web.Registrar) {
	handle("GET /api/v1/me", web.SignedIn, h.apiMe)
	handle("PUT /api/v1/me/preferences", web.SignedIn, h.apiPreferences)
	handle("GET /api/v1/me/export", web.SignedIn, h.apiExport)
	handle("GET /api/v1/me/sessions", web.SignedIn, h.apiSessions)
	handle("GET /api/v1/me/tokens", web.SignedIn, h.apiTokens)
	handle("POST /api/v1/me/tokens", web.SignedIn, h.apiTokenCreate)
	handle("DELETE /api/v1/me/tokens/{id}", web.SignedIn, h.apiTokenRevoke)
}

// Me is the API's view of the signed-in account.
type Me struct {
	ID             string    `json:"id"`
	Email          string    `json:"email,omitempty"`
	DisplayName    string    `json:"display_name"`
	EmailConfirmed bool      `json:"email_confirmed"`
	District       int       `json:"district,omitempty"`
	NotifyEmail    bool      `json:"notify_email"`
	NewsDistricts  []int     `json:"news_districts"`
	Roles          []APIRole `json:"roles"`
}

// APIRole is a role in the API.
type APIRole struct {
	Role   string `json:"role"`
	Domain string `json:"domain,omitempty"`
}

func (h *Handler) me(r *http.Request) (*Me, error) {
	ctx := r.Context()
	u, err := h.Service.FindByID(ctx, web.CurrentUser(ctx).ID)
	if err != nil {
		return nil, err
	}
	news, err := h.Service.NewsDistricts(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	m := &Me{ID: u.ID, Email: u.Email, DisplayName: u.DisplayName, EmailConfirmed: u.EmailConfirmed, District: u.District,
		NotifyEmail: u.NotifyEmail, NewsDistricts: append([]int{}, news...), Roles: []APIRole{}}
	for _, role := range u.Roles {
		m.Roles = append(m.Roles, APIRole{Role: role.Name, Domain: role.Domain})
	}
	return m, nil
}

func (h *Handler) apiMe(w http.ResponseWriter, r *http.Request) error {
	m, err := h.me(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, m)
}

// PreferencesInput is the body of PUT /api/v1/me/preferences.
type PreferencesInput struct {
	DisplayName   string `json:"display_name"`
	District      int    `json:"district"`
	NotifyEmail   bool   `json:"notify_email"`
	NewsDistricts []int  `json:"news_districts"`
}

func (h *Handler) apiPreferences(w http.ResponseWriter, r *http.Request) error {
	var in PreferencesInput
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	p := Preferences(in)
	if err := h.Service.UpdatePreferences(r.Context(), web.CurrentUser(r.Context()).ID, p, h.validDistrict); err != nil {
		return err
	}
	return h.apiMe(w, r)
}

func (h *Handler) apiExport(w http.ResponseWriter, r *http.Request) error {
	data, err := h.Service.Export(r.Context(), web.CurrentUser(r.Context()).ID, h.Sections)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store") // personal data: never in a shared cache
	return web.WriteJSON(w, http.StatusOK, data)
}

// APISession is a session in the API (never its token).
type APISession struct {
	CreatedAt string `json:"created_at"`
	LastSeen  string `json:"last_seen_at"`
	ExpiresAt string `json:"expires_at"`
	Current   bool   `json:"current"`
}

func (h *Handler) apiSessions(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	list, err := h.Sessions.ForUser(ctx, web.CurrentUser(ctx).ID)
	if err != nil {
		return err
	}
	out := []APISession{}
	for _, s := range list {
		out = append(out, APISession{CreatedAt: s.CreatedAt.Format(timeFormat), LastSeen: s.LastSeen.Format(timeFormat),
			ExpiresAt: s.ExpiresAt.Format(timeFormat), Current: s.ID == web.SessionID(ctx)})
	}
	return web.WriteJSON(w, http.StatusOK, out)
}

const timeFormat = "2006-01-02T15:04:05Z07:00"

// APITokenView is a token in the API (never its secret, except once).
type APITokenView struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	CreatedAt string `json:"created_at"`
	LastUsed  string `json:"last_used_at,omitempty"`
	Revoked   bool   `json:"revoked"`
	Token     string `json:"token,omitempty"`
}

func (h *Handler) apiTokens(w http.ResponseWriter, r *http.Request) error {
	list, err := h.Service.APITokens(r.Context(), web.CurrentUser(r.Context()).ID)
	if err != nil {
		return err
	}
	out := []APITokenView{}
	for _, t := range list {
		v := APITokenView{ID: t.ID, Name: t.Name, CreatedAt: t.CreatedAt.Format(timeFormat), Revoked: t.Revoked}
		if !t.LastUsed.IsZero() {
			v.LastUsed = t.LastUsed.Format(timeFormat)
		}
		out = append(out, v)
	}
	return web.WriteJSON(w, http.StatusOK, out)
}

// apiTokenCreate mints a token for a signed-in browser session only: a
// token that could mint more tokens would outlive every revocation.
func (h *Handler) apiTokenCreate(w http.ResponseWriter, r *http.Request) error {
	if viaAPIToken(r.Context()) {
		return apperr.E(apperr.Forbidden, "accounts.error.token_needs_session")
	}
	var in struct {
		Name string `json:"name"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	t, secret, err := h.Service.CreateAPIToken(r.Context(), web.CurrentUser(r.Context()).ID, in.Name)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return web.WriteJSON(w, http.StatusCreated, APITokenView{ID: t.ID, Name: t.Name, CreatedAt: t.CreatedAt.Format(timeFormat), Token: secret})
}

func (h *Handler) apiTokenRevoke(w http.ResponseWriter, r *http.Request) error {
	if err := h.Service.RevokeAPIToken(r.Context(), web.CurrentUser(r.Context()).ID, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type apiTokenKey struct{}

// viaAPIToken reports whether the request was signed in by an API token
// rather than a session.
func viaAPIToken(ctx context.Context) bool { v, _ := ctx.Value(apiTokenKey{}).(bool); return v }

// Bearer signs in API clients that send "Authorization: Bearer TOKEN" with
// a personal access token. A wrong token is refused at once.
func (h *Handler) Bearer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get("Authorization")
		secret, ok := strings.CutPrefix(auth, "Bearer ")
		if !ok || web.CurrentUser(r.Context()) != nil || !strings.HasPrefix(r.URL.Path, "/api/") {
			next.ServeHTTP(w, r)
			return
		}
		ctx := r.Context()
		userID, err := h.Service.UserForAPIToken(ctx, strings.TrimSpace(secret))
		if err != nil {
			h.Site.Error(w, r, err)
			return
		}
		u, err := h.Service.WebUser(ctx, userID)
		if err != nil {
			h.Site.Error(w, r, err)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(web.WithUser(ctx, u), apiTokenKey{}, true)))
	})
}
