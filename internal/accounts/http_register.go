package accounts

import (
	"net/http"
	"strconv"

	"github.com/civitas-city/civitas/internal/web"
)

// RegisterPage is the registration form's data.
type RegisterPage struct {
	Email, DisplayName string
	District           int
	Districts          []DistrictOption
	Errors             web.FormErrors
}

func (h *Handler) handleRegisterForm(w http.ResponseWriter, r *http.Request) error {
	return h.render(w, r, "register", "accounts.register.title", nil, RegisterPage{Districts: h.Districts})
}

func (h *Handler) handleRegister(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	page := RegisterPage{Email: r.PostFormValue("email"), DisplayName: r.PostFormValue("display_name"), Districts: h.Districts}
	page.District, _ = strconv.Atoi(r.PostFormValue("district"))
	if page.District != 0 && !h.validDistrict(page.District) {
		page.District = 0
	}
	if r.PostFormValue("password") != r.PostFormValue("password2") {
		page.Errors = web.FormErrors{"password2": h.Site.Catalog.T(web.Lang(ctx), "accounts.error.password_mismatch")}
		return h.render(w, r, "register", "accounts.register.title", page.Errors, page)
	}
	u, err := h.Service.Register(ctx, NewUser{Email: page.Email, DisplayName: page.DisplayName, Password: r.PostFormValue("password")})
	if err != nil {
		if page.Errors, err = h.Site.FormError(web.Lang(ctx), err); err != nil {
			return err
		}
		return h.render(w, r, "register", "accounts.register.title", page.Errors, page)
	}
	if u != nil && page.District != 0 {
		if err := h.Service.UpdatePreferences(ctx, u.ID, Preferences{DisplayName: u.DisplayName, District: page.District, NotifyEmail: true}, h.validDistrict); err != nil {
			return err
		}
	}
	// The same page whether the address was new or already had an account
	// (then its owner was mailed), and no session either way.
	return h.render(w, r, "registered", "accounts.registered.title", nil, RegisteredPage{Email: normEmail(page.Email)})
}

// RegisteredPage is the answer to a registration.
type RegisteredPage struct{ Email string }

// TokenPage is the data of a page that uses a mailed token.
type TokenPage struct {
	Token  string
	Valid  bool
	Errors web.FormErrors
	// Action is where the form posts.
	Action string
}

func (h *Handler) handleConfirmForm(w http.ResponseWriter, r *http.Request) error {
	return h.render(w, r, "confirm", "accounts.confirm.title", nil,
		TokenPage{Token: r.URL.Query().Get("token"), Valid: true, Action: "/account/confirm"})
}

func (h *Handler) handleConfirm(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if err := h.Service.ConfirmEmail(ctx, r.PostFormValue("token")); err != nil {
		errs, err := h.Site.FormError(web.Lang(ctx), err)
		if err != nil {
			return err
		}
		return h.render(w, r, "confirm", "accounts.confirm.title", errs, TokenPage{Errors: errs, Action: "/account/confirm"})
	}
	return h.done(w, r, "accounts.confirm.done")
}

func (h *Handler) handleResend(w http.ResponseWriter, r *http.Request) error {
	if err := h.Service.ResendConfirmation(r.Context(), web.CurrentUser(r.Context()).ID); err != nil {
		return err
	}
	return h.done(w, r, "accounts.confirm.resent")
}

// DonePage tells the resident something worked.
type DonePage struct{ MessageKey string }

func (h *Handler) done(w http.ResponseWriter, r *http.Request, key string) error {
	return h.render(w, r, "done", "accounts.done.title", nil, DonePage{MessageKey: key})
}

// ForgotPage is the "forgot password" form's data.
type ForgotPage struct {
	Email string
	Sent  bool
}

func (h *Handler) handleForgotForm(w http.ResponseWriter, r *http.Request) error {
	return h.render(w, r, "forgot", "accounts.forgot.title", nil, ForgotPage{})
}

func (h *Handler) handleForgot(w http.ResponseWriter, r *http.Request) error {
	email := r.PostFormValue("email")
	if err := h.Service.RequestPasswordReset(r.Context(), email); err != nil {
		return err
	}
	return h.render(w, r, "forgot", "accounts.forgot.title", nil, ForgotPage{Email: email, Sent: true})
}

func (h *Handler) handleResetForm(w http.ResponseWriter, r *http.Request) error {
	token := r.URL.Query().Get("token")
	page := TokenPage{Token: token, Valid: h.Service.CheckResetToken(r.Context(), token) == nil, Action: "/account/reset"}
	return h.render(w, r, "reset", "accounts.reset.title", nil, page)
}

func (h *Handler) handleReset(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	token := r.PostFormValue("token")
	page := TokenPage{Token: token, Valid: true, Action: "/account/reset"}
	var err error
	if r.PostFormValue("password") != r.PostFormValue("password2") {
		page.Errors = web.FormErrors{"password2": h.Site.Catalog.T(web.Lang(ctx), "accounts.error.password_mismatch")}
	} else if err = h.Service.ResetPassword(ctx, token, r.PostFormValue("password")); err != nil {
		if page.Errors, err = h.Site.FormError(web.Lang(ctx), err); err != nil {
			return err
		}
		if _, bad := page.Errors[""]; bad {
			page.Valid = false // the token itself is spent or expired
		}
	}
	if page.Errors.Has() {
		return h.render(w, r, "reset", "accounts.reset.title", page.Errors, page)
	}
	return h.done(w, r, "accounts.reset.done")
}
