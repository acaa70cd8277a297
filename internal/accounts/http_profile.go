package accounts

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"

	"github.com/civitas-city/civitas/internal/session"
	"github.com/civitas-city/civitas/internal/web"
	"github.com/civitas-city/civitas/internal/web/profile"
)

// ProfileSection is a module's part of the profile page.
type ProfileSection struct {
	TitleKey string
	Items    []profile.Item
	// Asks are its one-step questions (profile.Asker): a form each while
	// the resident may answer, the notice of the one just answered.
	Asks []web.AskView
}

// ProfilePage is "my profile".
type ProfilePage struct {
	User          *User
	Districts     []DistrictOption
	NewsDistricts []int
	Sections      []ProfileSection
	// Prompts are the sections' calls to action, shown first.
	Prompts []profile.Item
	Errors  web.FormErrors
	Saved   bool
	// Staff: the user works for the city, and gets the back office's link.
	Staff bool
}

// Follows reports whether the resident gets district n's news.
func (p ProfilePage) Follows(n int) bool { return slices.Contains(p.NewsDistricts, n) }

func (h *Handler) profilePage(r *http.Request) (*ProfilePage, error) {
	ctx := r.Context()
	id := web.CurrentUser(ctx).ID
	u, err := h.Service.FindByID(ctx, id)
	if err != nil {
		return nil, err
	}
	news, err := h.Service.NewsDistricts(ctx, id)
	if err != nil {
		return nil, err
	}
	p := &ProfilePage{User: u, Districts: h.Districts, NewsDistricts: news, Saved: r.URL.Query().Has("saved"),
		Staff: web.CurrentUser(ctx).IsStaff()}
	for _, s := range h.Sections {
		items, err := s.Items(ctx, id)
		if err != nil {
			return nil, err
		}
		sec := ProfileSection{TitleKey: s.TitleKey(), Items: items}
		if asker, ok := s.(profile.Asker); ok {
			if sec.Asks, err = profileAsks(r, asker, id); err != nil {
				return nil, err
			}
		}
		p.Sections = append(p.Sections, sec)
		if pr, ok := s.(profile.Prompter); ok {
			item, err := pr.Prompt(ctx, id)
			if err != nil {
				return nil, err
			}
			if item != nil {
				p.Prompts = append(p.Prompts, *item)
			}
		}
	}
	return p, nil
}

// profileAsks are a section's one-step questions for the resident: the
// one they have just answered (named by the page's query) with its notice
// first, then a form for each they may still answer, bringing them back.
func profileAsks(r *http.Request, asker profile.Asker, userID string) ([]web.AskView, error) {
	ctx := r.Context()
	var out []web.AskView
	done, err := web.AnsweredView(ctx, []web.AskResulter{asker}, userID, r.URL.Query().Get(web.AnsweredParam))
	if err != nil {
		return nil, err
	}
	if done != nil {
		out = append(out, *done)
	}
	asks, err := asker.Asks(ctx, userID)
	if err != nil {
		return nil, err
	}
	for _, a := range asks {
		out = append(out, web.AskView{Ask: a, CanAnswer: true, Next: "/account"})
	}
	return out, nil
}

func (h *Handler) handleProfile(w http.ResponseWriter, r *http.Request) error {
	p, err := h.profilePage(r)
	if err != nil {
		return err
	}
	return h.render(w, r, "profile", "accounts.profile.title", nil, p)
}

func (h *Handler) handlePreferences(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	prefs := Preferences{DisplayName: r.PostFormValue("display_name"), NotifyEmail: r.PostFormValue("notify_email") == "on"}
	prefs.District, _ = strconv.Atoi(r.PostFormValue("district"))
	for _, v := range r.PostForm["news"] {
		if n, err := strconv.Atoi(v); err == nil {
			prefs.NewsDistricts = append(prefs.NewsDistricts, n)
		}
	}
	if err := h.Service.UpdatePreferences(ctx, web.CurrentUser(ctx).ID, prefs, h.validDistrict); err != nil {
		errs, err := h.Site.FormError(web.Lang(ctx), err)
		if err != nil {
			return err
		}
		p, perr := h.profilePage(r)
		if perr != nil {
			return perr
		}
		p.Errors = errs
		return h.render(w, r, "profile", "accounts.profile.title", errs, p)
	}
	http.Redirect(w, r, "/account?saved=1", http.StatusSeeOther)
	return nil
}

// SecurityPage is the sign-in and security page.
type SecurityPage struct {
	User     *User
	Sessions []session.Session
	Current  string
	Errors   web.FormErrors
	Notice   string // catalog key
}

func (h *Handler) securityPage(r *http.Request, errs web.FormErrors, notice string) (int, *SecurityPage, error) {
	ctx := r.Context()
	id := web.CurrentUser(ctx).ID
	u, err := h.Service.FindByID(ctx, id)
	if err != nil {
		return 0, nil, err
	}
	sessions, err := h.Sessions.ForUser(ctx, id)
	if err != nil {
		return 0, nil, err
	}
	return errs.Status(), &SecurityPage{User: u, Sessions: sessions, Current: web.SessionID(ctx), Errors: errs, Notice: notice}, nil
}

func (h *Handler) showSecurity(w http.ResponseWriter, r *http.Request, errs web.FormErrors, notice string) error {
	status, p, err := h.securityPage(r, errs, notice)
	if err != nil {
		return err
	}
	return h.Site.Render(w, r, status, "accounts/security", "accounts.security.title", p)
}

func (h *Handler) handleSecurity(w http.ResponseWriter, r *http.Request) error {
	return h.showSecurity(w, r, nil, r.URL.Query().Get("notice"))
}

func (h *Handler) handlePassword(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if r.PostFormValue("password") != r.PostFormValue("password2") {
		return h.showSecurity(w, r, web.FormErrors{"password2": h.Site.Catalog.T(web.Lang(ctx), "accounts.error.password_mismatch")}, "")
	}
	err := h.Service.ChangePassword(ctx, web.CurrentUser(ctx).ID, r.PostFormValue("current_password"), r.PostFormValue("password"), web.SessionID(ctx))
	if err != nil {
		errs, err := h.Site.FormError(web.Lang(ctx), err)
		if err != nil {
			return err
		}
		return h.showSecurity(w, r, errs, "")
	}
	http.Redirect(w, r, "/account/security?notice=password", http.StatusSeeOther)
	return nil
}

func (h *Handler) handleEmail(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	err := h.Service.RequestEmailChange(ctx, web.CurrentUser(ctx).ID, r.PostFormValue("email_password"), r.PostFormValue("new_email"))
	if err != nil {
		errs, err := h.Site.FormError(web.Lang(ctx), err)
		if err != nil {
			return err
		}
		if msg, ok := errs["current_password"]; ok {
			errs = web.FormErrors{"email_password": msg}
		}
		if msg, ok := errs["email"]; ok {
			errs = web.FormErrors{"new_email": msg}
		}
		return h.showSecurity(w, r, errs, "")
	}
	http.Redirect(w, r, "/account/security?notice=email", http.StatusSeeOther)
	return nil
}

func (h *Handler) handleEmailConfirmForm(w http.ResponseWriter, r *http.Request) error {
	return h.render(w, r, "confirm", "accounts.confirm.title", nil,
		TokenPage{Token: r.URL.Query().Get("token"), Valid: true, Action: "/account/email/confirm"})
}

func (h *Handler) handleEmailConfirm(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if err := h.Service.ConfirmEmailChange(ctx, r.PostFormValue("token")); err != nil {
		errs, err := h.Site.FormError(web.Lang(ctx), err)
		if err != nil {
			return err
		}
		return h.render(w, r, "confirm", "accounts.confirm.title", errs, TokenPage{Errors: errs, Action: "/account/email/confirm"})
	}
	return h.done(w, r, "accounts.email.changed")
}

// handleEndAll signs the account out on every device, this one included,
// and revokes its API tokens.
func (h *Handler) handleEndAll(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if err := h.Service.EndEverywhere(ctx, h.Sessions, web.CurrentUser(ctx).ID); err != nil {
		return err
	}
	h.Sessions.End(ctx, w, r)
	http.Redirect(w, r, "/signin", http.StatusSeeOther)
	return nil
}

// TokensPage lists personal access tokens.
type TokensPage struct {
	Tokens []APIToken
	New    string // a secret just made, shown once
	Name   string
	Errors web.FormErrors
}

func (h *Handler) handleTokens(w http.ResponseWriter, r *http.Request) error {
	tokens, err := h.Service.APITokens(r.Context(), web.CurrentUser(r.Context()).ID)
	if err != nil {
		return err
	}
	return h.render(w, r, "tokens", "accounts.tokens.title", nil, TokensPage{Tokens: tokens})
}

func (h *Handler) handleTokenCreate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id := web.CurrentUser(ctx).ID
	page := TokensPage{Name: r.PostFormValue("name")}
	_, secret, err := h.Service.CreateAPIToken(ctx, id, page.Name)
	if err != nil {
		if page.Errors, err = h.Site.FormError(web.Lang(ctx), err); err != nil {
			return err
		}
	} else {
		page.New, page.Name = secret, ""
	}
	if page.Tokens, err = h.Service.APITokens(ctx, id); err != nil {
		return err
	}
	// The secret is on this page only: never cache it.
	w.Header().Set("Cache-Control", "no-store")
	return h.render(w, r, "tokens", "accounts.tokens.title", page.Errors, page)
}

func (h *Handler) handleTokenRevoke(w http.ResponseWriter, r *http.Request) error {
	if err := h.Service.RevokeAPIToken(r.Context(), web.CurrentUser(r.Context()).ID, r.PathValue("id")); err != nil {
		return err
	}
	http.Redirect(w, r, "/account/tokens", http.StatusSeeOther)
	return nil
}

// DataPage shows everything held about the resident, readably.
type DataPage struct {
	JSON string
}

func (h *Handler) handleData(w http.ResponseWriter, r *http.Request) error {
	data, err := h.Service.Export(r.Context(), web.CurrentUser(r.Context()).ID, h.Sections)
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(data, "", "  ")
	if err != nil {
		return err
	}
	return h.render(w, r, "data", "accounts.data.title", nil, DataPage{JSON: string(b)})
}

func (h *Handler) handleDataJSON(w http.ResponseWriter, r *http.Request) error {
	data, err := h.Service.Export(r.Context(), web.CurrentUser(r.Context()).ID, h.Sections)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Disposition", `attachment; filename="civitas-my-data.json"`)
	w.Header().Set("Cache-Control", "no-store")
	return web.WriteJSON(w, http.StatusOK, data)
}

// DeletePage confirms account deletion.
type DeletePage struct{ Errors web.FormErrors }

func (h *Handler) handleDeleteForm(w http.ResponseWriter, r *http.Request) error {
	return h.render(w, r, "delete", "accounts.delete.title", nil, DeletePage{})
}

func (h *Handler) handleDelete(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id := web.CurrentUser(ctx).ID
	if err := h.Service.checkOwnPassword(ctx, id, r.PostFormValue("password")); err != nil {
		errs, err := h.Site.FormError(web.Lang(ctx), err)
		if err != nil {
			return err
		}
		errs = web.FormErrors{"password": errs["current_password"]}
		return h.render(w, r, "delete", "accounts.delete.title", errs, DeletePage{Errors: errs})
	}
	if err := h.Service.Delete(ctx, id, h.Sections); err != nil {
		return err
	}
	h.Sessions.End(ctx, w, r)
	return h.done(w, r, "accounts.delete.done")
}
