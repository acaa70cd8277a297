// Package identity is verified residency: who has proved they are a
// resident, how (the residents register, OpenID Connect, an officer at a
// desk), and in which district they live. It also keeps the managed
// profiles officers make for residents without internet, and lets those
// residents claim them online.
//
// A PESEL verifies one account only, whatever the method: the residency
// table keys each verification by the PESEL's keyed hash (census.Hash),
// UNIQUE. A second claim is refused and listed for officers; when the
// PESEL turns out to be the second claimant's, an officer revokes the first
// verification with a reason (revoke.go, audited) and verifies the rightful
// resident. No PESEL is stored, logged or shown in clear.
package identity

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/civitas-city/civitas/internal/accounts/census"
	"github.com/civitas-city/civitas/internal/accounts/pesel"
	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/db"
)

// Method is how a residency was verified.
type Method string

const (
	MethodCensus   Method = "census"    // PESEL and birth date checked against the register
	MethodOIDC     Method = "oidc"      // PESEL from the identity provider, found in the register
	MethodInPerson Method = "in_person" // an officer checked an identity document at a desk
)

// Level is how far an account is verified.
type Level string

const (
	LevelNone      Level = "none"      // an account whose email is not confirmed yet
	LevelEmail     Level = "email"     // the email address is confirmed
	LevelResidency Level = "residency" // a verified resident
)

// DistrictSource says where an account's district comes from.
type DistrictSource string

const (
	FromRegister DistrictSource = "register" // the residents register
	FromOfficer  DistrictSource = "officer"  // an officer, for a resident not in the register
	FromChoice   DistrictSource = "choice"   // the resident's own choice (not verified)
)

// Status is an account's verification.
type Status struct {
	Level  Level
	Method Method // "" unless Level is LevelResidency or Lapsed
	// District is the account's district (0 when unknown) and Source where
	// it comes from: the register when the PESEL is in it, else the officer
	// who verified, else the resident's own choice.
	District   int
	Source     DistrictSource
	VerifiedAt time.Time
	VerifiedBy string // the officer's user id, for in-person verification
	// Lapsed: verified through the register, which no longer lists the
	// PESEL (the resident moved away); not a verified resident now.
	Lapsed bool
	// Managed: a profile an officer made (no email); Claimed once the
	// resident took it over online.
	Managed, Claimed bool
}

// Verified reports whether the account is a verified resident now.
func (s Status) Verified() bool { return s.Level == LevelResidency }

// Service is the verification logic.
type Service struct {
	DB *db.DB
	// Key keys the PESEL hashes and claim codes (CIVITAS_SECRET_KEY).
	Key []byte
	// IsDistrict tells the city's district numbers from others.
	IsDistrict func(int) bool
	// MaxFailures is how many failed verification attempts an account may
	// make in a day; 0 means 10.
	MaxFailures int
	Now         func() time.Time

	residency residencyStmt // see Residency
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Service) isDistrict(n int) bool {
	if s.IsDistrict == nil {
		return n > 0
	}
	return s.IsDistrict(n)
}

// PESELHash is the keyed hash of a PESEL's digits, under which Civitas
// stores and looks it up (paper ballots, the register). It does not
// validate; use ParsePESEL first for input.
func (s *Service) PESELHash(digits string) string { return census.Hash(s.Key, digits) }

// ParsePESEL validates a PESEL typed by a person (spaces around it
// ignored), as an Invalid error on field "pesel" with the catalog key of
// the reason.
func ParsePESEL(in string) (pesel.PESEL, error) {
	p, err := pesel.Parse(strings.TrimSpace(in))
	if err != nil {
		return p, &apperr.Error{Kind: apperr.Invalid, Field: "pesel", Message: pesel.CodeOf(err).Key(), Err: err}
	}
	return p, nil
}

// ParseDate reads a date typed by a person: YYYY-MM-DD (what a date input
// sends) or DD.MM.YYYY (as Poles write it).
func ParseDate(in string) (time.Time, bool) {
	in = strings.TrimSpace(in)
	for _, layout := range []string{time.DateOnly, "02.01.2006", "2.1.2006"} {
		if t, err := time.Parse(layout, in); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// verification is a residency row.
type verification struct {
	UserID, Hash, VerifiedBy string
	Method                   Method
	District                 int
	VerifiedAt               time.Time
}

func scanVerification(row *sql.Row) (verification, error) {
	var (
		v  verification
		at db.Time
	)
	err := row.Scan(&v.UserID, &v.Hash, &v.Method, &v.District, &at, &v.VerifiedBy)
	v.VerifiedAt = at.Time
	return v, db.MapError(err)
}

const verificationCols = `user_id, pesel_hash, method, district, verified_at, verified_by`

func verificationOf(ctx context.Context, q db.Querier, userID string) (verification, error) {
	return scanVerification(q.QueryRowContext(ctx, `SELECT `+verificationCols+` FROM residency WHERE user_id = $1`, userID))
}

func verificationByHash(ctx context.Context, q db.Querier, hash string) (verification, error) {
	return scanVerification(q.QueryRowContext(ctx, `SELECT `+verificationCols+` FROM residency WHERE pesel_hash = $1`, hash))
}

// residentDistrict applies the residency rule (districtRule) to a
// verification, looking its PESEL up in the register.
func residentDistrict(ctx context.Context, q db.Querier, v verification) (district int, source DistrictSource, lapsed bool, err error) {
	var inRegister sql.NullInt64
	e, err := census.Lookup(ctx, q, v.Hash)
	switch {
	case err == nil:
		inRegister = sql.NullInt64{Int64: int64(e.District), Valid: true}
	case !apperr.Is(err, apperr.NotFound):
		return 0, "", false, err
	}
	district, source, lapsed = districtRule(v.Method, v.District, inRegister)
	return district, source, lapsed, nil
}

// districtRule is the residency rule, the one place it is written: the
// register's district when the PESEL is in it (register, valid); else the
// verification's own district for an in-person verification; else none,
// lapsed: verified through the register, which no longer lists the PESEL.
func districtRule(method Method, own int, register sql.NullInt64) (district int, source DistrictSource, lapsed bool) {
	switch {
	case register.Valid:
		return int(register.Int64), FromRegister, false
	case method == MethodInPerson:
		return own, FromOfficer, false
	}
	return 0, "", true
}

// Status returns an account's verification.
func (s *Service) Status(ctx context.Context, userID string) (Status, error) {
	return statusOf(ctx, s.DB, userID)
}

func statusOf(ctx context.Context, q db.Querier, userID string) (Status, error) {
	var (
		st        Status
		confirmed db.NullTime
		email     sql.NullString
		chosen    sql.NullInt64
		managed   sql.NullString
		claimed   db.NullTime
	)
	err := q.QueryRowContext(ctx, `SELECT u.email, u.email_confirmed_at, u.district, m.user_id, m.claimed_at
		FROM users u LEFT JOIN managed_profiles m ON m.user_id = u.id WHERE u.id = $1`, userID).
		Scan(&email, &confirmed, &chosen, &managed, &claimed)
	if err != nil {
		return st, fmt.Errorf("identity: status: %w", db.MapError(err))
	}
	st.Level = LevelNone
	if confirmed.Valid {
		st.Level = LevelEmail
	}
	st.Managed, st.Claimed = managed.Valid, claimed.Valid
	v, err := verificationOf(ctx, q, userID)
	switch {
	case err == nil:
		st.Method, st.VerifiedAt, st.VerifiedBy = v.Method, v.VerifiedAt, v.VerifiedBy
		st.District, st.Source, st.Lapsed, err = residentDistrict(ctx, q, v)
		if err != nil {
			return st, err
		}
		if !st.Lapsed {
			st.Level = LevelResidency
			return st, nil
		}
	case !apperr.Is(err, apperr.NotFound):
		return st, fmt.Errorf("identity: status: %w", err)
	}
	if chosen.Valid && chosen.Int64 > 0 {
		st.District, st.Source = int(chosen.Int64), FromChoice
	}
	return st, nil
}

// Lapsed counts accounts verified through the register whose PESEL the
// register no longer lists (after an import).
func Lapsed(ctx context.Context, q db.Querier) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM residency r WHERE r.method <> $1
		AND NOT EXISTS (SELECT 1 FROM census_entries c WHERE c.pesel_hash = r.pesel_hash)`, string(MethodInPerson)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("identity: lapsed: %w", err)
	}
	return n, nil
}

// FieldErrors gathers the field errors in err (which may join several):
// field name to catalog key. Errors without a field are under "".
func FieldErrors(err error) map[string]string {
	out := map[string]string{}
	var walk func(error)
	walk = func(err error) {
		switch e := err.(type) {
		case nil:
		case *apperr.Error:
			if _, seen := out[e.Field]; !seen && e.Kind != apperr.Internal {
				out[e.Field] = e.Message
			}
		case interface{ Unwrap() []error }:
			for _, x := range e.Unwrap() {
				walk(x)
			}
		case interface{ Unwrap() error }:
			walk(e.Unwrap())
		}
	}
	walk(err)
	return out
}
