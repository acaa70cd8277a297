package identity

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/civitas-city/civitas/internal/accounts/census"
	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/db"
)

// Residency is a person's residency as the modules that count residents
// (budget votes, consultations) need it. Each module declares the small
// interface it uses; app adapts this value to it.
type Residency struct {
	// Verified: a verified resident now (for FindByPESEL: a resident the
	// register or an in-person verification knows).
	Verified bool
	District int
	// BirthDate is zero when unknown: verified in person, and the PESEL is
	// not in the register.
	BirthDate time.Time
	// PESELHash is the keyed hash of the PESEL (census.Hash): it names the
	// person across accounts and channels. Empty when not verified.
	PESELHash string
}

// residencyQuery reads a verification and its register entry in one
// query: a ballot asks for it on every request of a vote.
const residencyQuery = `SELECT r.pesel_hash, r.method, r.district, c.birth_date, c.district
	FROM residency r LEFT JOIN census_entries c ON c.pesel_hash = r.pesel_hash WHERE r.user_id = $1`

// residencyRow runs residencyQuery as a prepared statement (db.StmtCache):
// it is on the ballot's hot path.
func (s *Service) residencyRow(ctx context.Context, userID string) *sql.Row {
	return s.stmts.Querier(s.DB, nil).QueryRowContext(ctx, residencyQuery, userID)
}

// Residency tells whether an account is a verified resident now, of which
// district, born when, and under which PESEL hash. An account that is not
// (never verified, or lapsed) has the zero Residency and no error.
func (s *Service) Residency(ctx context.Context, userID string) (Residency, error) {
	var (
		hash, method string
		own          int
		birth        sql.NullString
		register     sql.NullInt64
	)
	err := s.residencyRow(ctx, userID).Scan(&hash, &method, &own, &birth, &register)
	if errors.Is(err, sql.ErrNoRows) {
		return Residency{}, nil
	}
	if err != nil {
		return Residency{}, fmt.Errorf("identity: residency: %w", err)
	}
	district, _, lapsed := districtRule(Method(method), own, register)
	if lapsed {
		return Residency{}, nil
	}
	r := Residency{Verified: true, District: district, PESELHash: hash}
	if register.Valid {
		if r.BirthDate, err = time.Parse(time.DateOnly, birth.String); err != nil {
			return Residency{}, fmt.Errorf("identity: residency: register birth date: %w", err)
		}
	}
	return r, nil
}

// IsVerifiedResident tells whether an account is a verified resident now,
// and their district. Consultations use it.
func (s *Service) IsVerifiedResident(ctx context.Context, userID string) (district int, ok bool, err error) {
	r, err := s.Residency(ctx, userID)
	return r.District, r.Verified, err
}

// ErrUnknownPESEL means a valid PESEL that is neither in the register nor
// verified in person.
var ErrUnknownPESEL = &apperr.Error{Kind: apperr.NotFound, Field: "pesel", Message: "identity.error.unknown_pesel"}

// FindByPESEL finds a resident by PESEL, for officers entering paper
// ballots: the account the PESEL verifies (userID is "" when no account
// has claimed it) and the residency, with the birth date and the district
// (the register's, else the in-person verification's). An invalid PESEL is
// an Invalid error on field "pesel"; a resident unknown to Civitas is
// ErrUnknownPESEL.
func (s *Service) FindByPESEL(ctx context.Context, in string) (userID string, r Residency, err error) {
	p, err := ParsePESEL(in)
	if err != nil {
		return "", Residency{}, err
	}
	hash := s.PESELHash(p.Digits())
	e, err := census.Lookup(ctx, s.DB, hash)
	inRegister := err == nil
	if err != nil && !apperr.Is(err, apperr.NotFound) {
		return "", Residency{}, fmt.Errorf("identity: find by PESEL: %w", err)
	}
	found := Residency{Verified: true, PESELHash: hash}
	v, err := verificationByHash(ctx, s.DB, hash)
	switch {
	case err == nil && inRegister:
		found.BirthDate, found.District = e.BirthDate, e.District
		return v.UserID, found, nil
	case err == nil && v.Method == MethodInPerson:
		found.BirthDate, found.District = p.BirthDate(), v.District
		return v.UserID, found, nil
	case err != nil && !apperr.Is(err, apperr.NotFound):
		return "", Residency{}, fmt.Errorf("identity: find by PESEL: %w", err)
	case inRegister:
		found.BirthDate, found.District = e.BirthDate, e.District
		return "", found, nil
	}
	return "", Residency{}, ErrUnknownPESEL
}

// ResidentsOf lists the accounts that are verified residents now of
// district (0: of any district), by the same rule as Residency: for
// notices to a district's residents.
func (s *Service) ResidentsOf(ctx context.Context, district int) ([]string, error) {
	var out []string
	err := db.Each(ctx, s.DB, func(row db.Scanner) error {
		var (
			userID, method string
			own            int
			register       sql.NullInt64
		)
		if err := row.Scan(&userID, &method, &own, &register); err != nil {
			return err
		}
		d, _, lapsed := districtRule(Method(method), own, register)
		if !lapsed && (district == 0 || d == district) {
			out = append(out, userID)
		}
		return nil
	}, `SELECT r.user_id, r.method, r.district, c.district
		FROM residency r LEFT JOIN census_entries c ON c.pesel_hash = r.pesel_hash ORDER BY r.user_id`)
	if err != nil {
		return nil, fmt.Errorf("identity: residents of %d: %w", district, err)
	}
	return out, nil
}
