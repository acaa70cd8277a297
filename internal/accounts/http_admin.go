package accounts

import (
	"net/http"
	"slices"

	"github.com/civitas-city/civitas/internal/web"
)

// AdminUsersPage is the admins' user search.
type AdminUsersPage struct {
	Query string
	Users []User
}

func (h *Handler) handleAdminUsers(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query().Get("q")
	users, err := h.Service.Search(r.Context(), q, 50)
	if err != nil {
		return err
	}
	return h.render(w, r, "admin_users", "accounts.admin.users.title", nil, AdminUsersPage{Query: q, Users: users})
}

// AdminUserPage shows one account's roles with grant and revoke forms.
type AdminUserPage struct {
	User    *User
	Roles   []string
	Domains []string
	Errors  web.FormErrors
	Self    bool
}

func (h *Handler) adminUser(w http.ResponseWriter, r *http.Request, errs web.FormErrors) error {
	u, err := h.Service.FindByID(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	p := AdminUserPage{User: u, Roles: GrantableRoles, Domains: slices.Clone(Domains), Errors: errs, Self: u.ID == web.CurrentUser(r.Context()).ID}
	return h.render(w, r, "admin_user", "accounts.admin.user.title", errs, p)
}

func (h *Handler) handleAdminUser(w http.ResponseWriter, r *http.Request) error {
	return h.adminUser(w, r, nil)
}

func (h *Handler) roleChange(w http.ResponseWriter, r *http.Request, change func(actor, user string, role web.Role) error) error {
	ctx := r.Context()
	id := r.PathValue("id")
	role := web.Role{Name: r.PostFormValue("role"), Domain: r.PostFormValue("domain")}
	if err := change(web.CurrentUser(ctx).ID, id, role); err != nil {
		errs, err := h.Site.FormError(web.Lang(ctx), err)
		if err != nil {
			return err
		}
		return h.adminUser(w, r, errs)
	}
	http.Redirect(w, r, "/admin/users/"+id, http.StatusSeeOther)
	return nil
}

func (h *Handler) handleGrant(w http.ResponseWriter, r *http.Request) error {
	return h.roleChange(w, r, func(actor, user string, role web.Role) error { return h.Service.Grant(r.Context(), actor, user, role) })
}

func (h *Handler) handleRevoke(w http.ResponseWriter, r *http.Request) error {
	return h.roleChange(w, r, func(actor, user string, role web.Role) error { return h.Service.Revoke(r.Context(), actor, user, role) })
}
