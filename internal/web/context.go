package web

import (
	"context"
	"net/http"
	"slices"
)

type ctxKey int

const (
	keyRequestID ctxKey = iota
	keyLang
	keyUser
	keySession
	keyRoute
	keyClientAddr
)

// User is the signed-in person as the web layer sees them. The accounts
// domain loads it; web only reads it to decide access and fill the layout.
type User struct {
	ID    string
	Name  string
	Roles []Role
	// ActingFor is the resident an officer is acting for (assisted
	// participation), or nil.
	ActingFor *User
}

// Role is a role, optionally limited to one domain (an officer for
// "budget" only).
type Role struct {
	Name   string
	Domain string
}

// Role names.
const (
	RoleResident  = "resident"
	RoleOfficer   = "officer"
	RoleModerator = "moderator"
	RoleAdmin     = "admin"
)

// Has reports whether u holds role, for domain when one is given. An admin
// holds every role; a role granted without a domain covers all domains.
func (u *User) Has(role, domain string) bool {
	if u == nil {
		return false
	}
	return slices.ContainsFunc(u.Roles, func(r Role) bool {
		return r.Name == RoleAdmin || (r.Name == role && (r.Domain == "" || domain == "" || r.Domain == domain))
	})
}

// IsStaff reports whether u works for the city here: an officer of any
// domain, a moderator or an admin. Staff see the back office's link.
func (u *User) IsStaff() bool {
	return u.Has(RoleOfficer, "") || u.Has(RoleModerator, "")
}

// RequestID returns the id given to the current request.
func RequestID(ctx context.Context) string {
	s, _ := ctx.Value(keyRequestID).(string)
	return s
}

// Lang returns the language the current request is served in.
func Lang(ctx context.Context) string {
	s, _ := ctx.Value(keyLang).(string)
	return s
}

// WithLang returns ctx serving lang.
func WithLang(ctx context.Context, lang string) context.Context {
	return context.WithValue(ctx, keyLang, lang)
}

// CurrentUser returns the signed-in user, or nil.
func CurrentUser(ctx context.Context) *User {
	u, _ := ctx.Value(keyUser).(*User)
	return u
}

// WithUser returns ctx with u signed in.
func WithUser(ctx context.Context, u *User) context.Context {
	return context.WithValue(ctx, keyUser, u)
}

// SessionToken is the raw session cookie value, for the session layer.
func SessionToken(r *http.Request) string {
	c, err := r.Cookie(SessionCookie)
	if err != nil {
		return ""
	}
	return c.Value
}

// SessionCookie is the name of the session cookie.
const SessionCookie = "civitas_session"

// WithSessionID stores the current session's id in ctx.
func WithSessionID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, keySession, id)
}

// SessionID returns the current session's id, or "".
func SessionID(ctx context.Context) string {
	s, _ := ctx.Value(keySession).(string)
	return s
}

func contextWithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, keyRequestID, id)
}

// Participant is who takes part in the current request: the resident an
// officer acts for, else the signed-in user (nil when signed out). Modules
// record votes, reports and comments under the participant, and audit the
// officer as the actor with the participant as OnBehalfOf.
func Participant(ctx context.Context) *User {
	u := CurrentUser(ctx)
	if u != nil && u.ActingFor != nil {
		return u.ActingFor
	}
	return u
}

// OnBehalfOf is the audit field for the current request: the resident's id
// when an officer acts for one, else "".
func OnBehalfOf(ctx context.Context) string {
	if u := CurrentUser(ctx); u != nil && u.ActingFor != nil {
		return u.ActingFor.ID
	}
	return ""
}
