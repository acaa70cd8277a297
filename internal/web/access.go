package web

import (
	"net/http"
	"net/url"

	"github.com/civitas-city/civitas/internal/apperr"
)

// Access says who may use a route. Every route is registered with one, and
// Authorize is the one place that decides.
type Access struct {
	// Public routes are open to everyone, signed in or not.
	Public bool
	// Role, when set, is required (admins pass every check).
	Role string
	// Domain narrows Role to one domain's officers ("budget", "reports").
	Domain string
	// Staff routes are open to anyone with a staff role: an officer of
	// any domain, a moderator or an admin (the back office's front page).
	Staff bool
}

// Policies used by the routes.
var (
	Public   = Access{Public: true}
	SignedIn = Access{}
	Admin    = Access{Role: RoleAdmin}
)

// Officer is the policy for officers of one domain.
func Officer(domain string) Access { return Access{Role: RoleOfficer, Domain: domain} }

// Moderator is the policy for moderators.
var Moderator = Access{Role: RoleModerator}

// Staff is the policy for pages every member of staff may see.
var Staff = Access{Staff: true}

// String names the policy, for the route table.
func (a Access) String() string {
	switch {
	case a.Public:
		return "public"
	case a.Staff:
		return "staff"
	case a.Role == "":
		return "signed-in"
	case a.Domain != "":
		return a.Role + ":" + a.Domain
	}
	return a.Role
}

// Authorize decides whether u may use a route with policy a: nil when
// allowed, an Unauthenticated error when signing in would help, Forbidden
// otherwise.
func Authorize(u *User, a Access) error {
	switch {
	case a.Public:
		return nil
	case u == nil:
		return apperr.E(apperr.Unauthenticated, "error.signin_required")
	case a.Staff:
		if u.IsStaff() {
			return nil
		}
	case a.Role == "" || u.Has(a.Role, a.Domain):
		return nil
	}
	return apperr.E(apperr.Forbidden, "error.forbidden")
}

// Route is one registered route, kept for the authorization table test.
type Route struct {
	Pattern string
	Access  Access
}

// Registrar registers a route: its pattern (Go 1.22 mux syntax, with the
// method), who may use it, and its handler.
type Registrar func(pattern string, access Access, h HandlerFunc)

// signInURL is where an anonymous visitor is sent for a protected page.
func signInURL(r *http.Request) string {
	return "/signin?next=" + url.QueryEscape(r.URL.RequestURI())
}
