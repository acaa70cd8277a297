package app_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/civitas-city/civitas/internal/accounts"
	"github.com/civitas-city/civitas/internal/web"
)

// routeCase is one row of the authorization table: a registered route, the
// policy it must have, and a request that exercises it.
type routeCase struct {
	pattern string
	policy  string // web.Access.String()
	path    string // a concrete path for the pattern
}

// routeTable lists every route the app registers. A route missing here
// fails TestAuthorizationTable, so each module that adds routes extends it.
var routeTable = []routeCase{
	{"GET /{$}", "public", "/"},
	{"GET /lang", "public", "/lang"},
	{"POST /lang", "public", "/lang"},
	{"GET /help", "public", "/help"},
	{"GET /contact", "public", "/contact"},
	{"GET /privacy", "public", "/privacy"},
	{"GET /favicon.svg", "public", "/favicon.svg"},
	{"GET /manifest.webmanifest", "public", "/manifest.webmanifest"},
	{"GET /robots.txt", "public", "/robots.txt"},
	{"GET /sitemap.xml", "public", "/sitemap.xml"},
	{"GET /healthz", "public", "/healthz"},
	{"GET /readyz", "public", "/readyz"},
	{"/", "public", "/no/such/page"},
	{"GET /signin", "public", "/signin"},
	{"POST /signin", "public", "/signin"},
	{"POST /signout", "public", "/signout"},
	{"GET /districts", "public", "/districts"},
	{"GET /districts/{slug}", "public", "/districts/nowa-huta"},
	{"GET /api/v1/districts", "public", "/api/v1/districts"},
	{"GET /admin/audit", "admin", "/admin/audit"},
	{"GET /admin/outbox", "admin", "/admin/outbox"},
	{"GET /static/{hash}/{name...}", "public", "/static/x/civitas.css"},
	{"GET /metrics", "public", "/metrics"},
	{"GET /files/{id}/{name}", "public", "/files/no-such-id/x.jpg"},
	{"GET /api/v1/openapi.json", "public", "/api/v1/openapi.json"},
	{"GET /register", "public", "/register"},
	{"POST /register", "public", "/register"},
	{"GET /account/confirm", "public", "/account/confirm?token=x"},
	{"GET /account/signin-link", "public", "/account/signin-link?token=x"},
	{"POST /account/signin-link", "public", "/account/signin-link"},
	{"POST /account/confirm", "public", "/account/confirm"},
	{"POST /account/confirm/resend", "signed-in", "/account/confirm/resend"},
	{"GET /account/forgot", "public", "/account/forgot"},
	{"POST /account/forgot", "public", "/account/forgot"},
	{"GET /account/reset", "public", "/account/reset?token=x"},
	{"POST /account/reset", "public", "/account/reset"},
	{"GET /account", "signed-in", "/account"},
	{"GET /officer", "staff", "/officer"},
	{"POST /account/preferences", "signed-in", "/account/preferences"},
	{"GET /account/security", "signed-in", "/account/security"},
	{"POST /account/password", "signed-in", "/account/password"},
	{"POST /account/email", "signed-in", "/account/email"},
	{"GET /account/email/confirm", "public", "/account/email/confirm?token=x"},
	{"POST /account/email/confirm", "public", "/account/email/confirm"},
	{"POST /account/sessions/end-all", "signed-in", "/account/sessions/end-all"},
	{"GET /account/tokens", "signed-in", "/account/tokens"},
	{"POST /account/tokens", "signed-in", "/account/tokens"},
	{"POST /account/tokens/{id}/revoke", "signed-in", "/account/tokens/none/revoke"},
	{"GET /account/data", "signed-in", "/account/data"},
	{"GET /account/data.json", "signed-in", "/account/data.json"},
	{"GET /account/delete", "signed-in", "/account/delete"},
	{"POST /account/delete", "signed-in", "/account/delete"},
	{"GET /admin/users", "admin", "/admin/users"},
	{"GET /admin/users/{id}", "admin", "/admin/users/none"},
	{"POST /admin/users/{id}/roles", "admin", "/admin/users/none/roles"},
	{"POST /admin/users/{id}/roles/revoke", "admin", "/admin/users/none/roles/revoke"},
	{"POST /officer/act/{id}", "officer:residents", "/officer/act/none"},
	{"POST /officer/act/stop", "signed-in", "/officer/act/stop"},
	{"GET /api/v1/me", "signed-in", "/api/v1/me"},
	{"PUT /api/v1/me/preferences", "signed-in", "/api/v1/me/preferences"},
	{"GET /api/v1/me/export", "signed-in", "/api/v1/me/export"},
	{"GET /api/v1/me/sessions", "signed-in", "/api/v1/me/sessions"},
	{"GET /api/v1/me/tokens", "signed-in", "/api/v1/me/tokens"},
	{"POST /api/v1/me/tokens", "signed-in", "/api/v1/me/tokens"},
	{"DELETE /api/v1/me/tokens/{id}", "signed-in", "/api/v1/me/tokens/none"},
}

// roles the table is checked for; "anonymous" is no session at all.
var tableRoles = []struct {
	name  string
	roles []web.Role
}{
	{"anonymous", nil},
	{"resident", nil},
	{"officer", []web.Role{{Name: web.RoleOfficer, Domain: "budget"}}},
	{"moderator", []web.Role{{Name: web.RoleModerator}}},
	{"admin", []web.Role{{Name: web.RoleAdmin}}},
}

// allowed is the expected decision for a policy and a role.
func allowed(policy, role string) bool {
	switch {
	case policy == "public":
		return true
	case role == "anonymous":
		return false
	case policy == "signed-in", role == "admin":
		return true
	case policy == "staff":
		return role == "officer" || role == "moderator"
	}
	name, domain, _ := strings.Cut(policy, ":")
	switch role {
	case "officer":
		return name == web.RoleOfficer && (domain == "" || domain == "budget")
	case "moderator":
		return name == web.RoleModerator
	}
	return false
}

func TestAuthorizationTable(t *testing.T) {
	srv := startSQLite(t)
	byPattern := map[string]routeCase{}
	for _, rc := range routeTable {
		byPattern[rc.pattern] = rc
	}
	registered := map[string]bool{}
	for _, r := range srv.Routes {
		registered[r.Pattern] = true
		rc, ok := byPattern[r.Pattern]
		if !ok {
			t.Errorf("route %q (%s) is not in the authorization table", r.Pattern, r.Access)
			continue
		}
		if r.Access.String() != rc.policy {
			t.Errorf("route %q has policy %s, the table says %s", r.Pattern, r.Access, rc.policy)
		}
	}
	for _, rc := range routeTable {
		if !registered[rc.pattern] {
			t.Errorf("the table lists %q, which is not registered", rc.pattern)
		}
	}

	clients := map[string]*http.Client{}
	for _, role := range tableRoles {
		if role.name == "anonymous" {
			clients[role.name] = client(t)
			continue
		}
		clients[role.name] = signedIn(t, srv, role.name+"@authz.test", role.roles...)
	}
	for _, rc := range routeTable {
		method, _, hasMethod := strings.Cut(rc.pattern, " ")
		if !hasMethod {
			method = http.MethodGet
		}
		switch rc.pattern {
		case "POST /signout", "POST /account/sessions/end-all", "POST /account/delete":
			continue // would end the shared sessions; covered by the accounts tests
		}
		for _, role := range tableRoles {
			var form url.Values
			if method == http.MethodPost {
				form = url.Values{}
			}
			r := do(t, clients[role.name], method, srv.URL+rc.path, form)
			denied := r.StatusCode == http.StatusForbidden || r.StatusCode == http.StatusUnauthorized ||
				(r.StatusCode == http.StatusSeeOther && strings.HasPrefix(r.Header.Get("Location"), "/signin?"))
			if want := allowed(rc.policy, role.name); denied == want {
				t.Errorf("%s %s as %s: status %d, want allowed=%v", method, rc.path, role.name, r.StatusCode, want)
			}
		}
	}
}

// Every officer domain a route asks for can be granted on the admin's
// user page: a route for "taxes" with "tax" grantable would be a desk
// nobody can be given.
func TestEveryOfficerDomainIsGrantable(t *testing.T) {
	srv := startSQLite(t)
	for _, r := range srv.Routes {
		if d := r.Access.Domain; d != "" && !slices.Contains(accounts.Domains, d) {
			t.Errorf("route %q needs officer:%s, which accounts.Domains does not list", r.Pattern, d)
		}
	}
}
