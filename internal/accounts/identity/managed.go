package identity

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/civitas-city/civitas/internal/accounts/census"
	"github.com/civitas-city/civitas/internal/accounts/pesel"
	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/audit"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/web"
)

type managedRow struct {
	createdBy string
	createdAt time.Time
	codeHash  string
	claimed   bool
}

func managedOf(ctx context.Context, q db.Querier, userID string) (managedRow, error) {
	var (
		m       managedRow
		at      db.Time
		claimed db.NullTime
	)
	err := q.QueryRowContext(ctx, `SELECT created_by, created_at, claim_code_hash, claimed_at FROM managed_profiles WHERE user_id = $1`, userID).
		Scan(&m.createdBy, &at, &m.codeHash, &claimed)
	m.createdAt, m.claimed = at.Time, claimed.Valid
	return m, db.MapError(err)
}

// NewManaged is what an officer enters to make a managed profile.
type NewManaged struct {
	Name      string
	PESEL     string
	BirthDate string // optional; must match the PESEL when given
	// District is needed only when the register does not list the PESEL
	// (the officer takes it from the resident's proof of address).
	District int
}

// Errors of managed profiles.
var (
	ErrName          = &apperr.Error{Kind: apperr.Invalid, Field: "name", Message: "identity.error.name"}
	ErrManagedExists = &apperr.Error{Kind: apperr.Conflict, Field: "pesel", Message: "identity.error.managed_exists"}
	ErrNotManaged    = &apperr.Error{Kind: apperr.Invalid, Message: "identity.error.not_managed"}
)

// Managed is a managed profile just made: its account id and the claim
// code to hand to the resident (shown once, stored only as a hash).
type Managed struct {
	UserID    string
	ClaimCode string
	District  int
}

// CreateManaged makes a managed profile for a resident without internet:
// an account with no email and no password, verified in person by
// officerID. The PESEL must not verify any account yet.
func (s *Service) CreateManaged(ctx context.Context, officerID string, n NewManaged) (Managed, error) {
	name := strings.TrimSpace(n.Name)
	var errs []error
	if name == "" || utf8.RuneCountInString(name) > 100 || strings.IndexFunc(name, unicode.IsControl) >= 0 {
		errs = append(errs, ErrName)
	}
	p, err := ParsePESEL(n.PESEL)
	if err != nil {
		errs = append(errs, err)
	}
	if strings.TrimSpace(n.BirthDate) != "" {
		birth, ok := ParseDate(n.BirthDate)
		switch {
		case !ok:
			errs = append(errs, ErrBirthDate)
		case err == nil && !birth.Equal(p.BirthDate()):
			errs = append(errs, ErrBirthMismatch)
		}
	}
	if len(errs) > 0 {
		return Managed{}, errors.Join(errs...)
	}
	hash := s.PESELHash(p.Digits())
	district := n.District
	e, err := census.Lookup(ctx, s.DB, hash)
	switch {
	case err == nil:
		district = e.District
	case !apperr.Is(err, apperr.NotFound):
		return Managed{}, err
	case !s.isDistrict(district):
		return Managed{}, ErrDistrict
	}
	out := Managed{UserID: db.NewID(), ClaimCode: newClaimCode(), District: district}
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		holder, err := verificationByHash(ctx, tx, hash)
		if err == nil {
			if _, merr := managedOf(ctx, tx, holder.UserID); merr == nil {
				return ErrManagedExists
			}
			return ErrPESELTaken
		}
		if !apperr.Is(err, apperr.NotFound) {
			return err
		}
		now := db.TS(s.now())
		if _, err := tx.ExecContext(ctx, `INSERT INTO users (id, email, display_name, password_hash, created_at) VALUES ($1, NULL, $2, '', $3)`,
			out.UserID, name, now); err != nil {
			return fmt.Errorf("identity: managed profile: %w", db.MapError(err))
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO managed_profiles (user_id, created_by, created_at, claim_code_hash) VALUES ($1, $2, $3, $4)`,
			out.UserID, officerID, now, s.codeHash(out.ClaimCode)); err != nil {
			return fmt.Errorf("identity: managed profile: %w", db.MapError(err))
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO residency (user_id, pesel_hash, method, district, verified_at, verified_by)
			VALUES ($1, $2, $3, $4, $5, $6)`, out.UserID, hash, string(MethodInPerson), district, now, officerID); err != nil {
			return fmt.Errorf("identity: managed profile: %w", db.MapError(err))
		}
		return audit.Record(ctx, tx, audit.Entry{At: now, ActorID: officerID, OnBehalfOf: out.UserID, Action: "managed.create",
			TargetType: "user", TargetID: out.UserID, RequestID: web.RequestID(ctx),
			Details: map[string]string{"district": strconv.Itoa(district)}})
	})
	if err != nil {
		return Managed{}, err
	}
	return out, nil
}

// NewClaimCode replaces the claim code of an unclaimed managed profile
// (the resident lost the paper) and returns the new one.
func (s *Service) NewClaimCode(ctx context.Context, officerID, userID string) (string, error) {
	code := newClaimCode()
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		m, err := managedOf(ctx, tx, userID)
		if apperr.Is(err, apperr.NotFound) || (err == nil && m.claimed) {
			return ErrNotManaged
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE managed_profiles SET claim_code_hash = $1 WHERE user_id = $2`, s.codeHash(code), userID); err != nil {
			return fmt.Errorf("identity: claim code: %w", err)
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: officerID, OnBehalfOf: userID, Action: "managed.claim_code",
			TargetType: "user", TargetID: userID, RequestID: web.RequestID(ctx)})
	})
	return code, err
}

// Person is an account as the officer desk lists it.
type Person struct {
	UserID    string
	Name      string
	Email     string // "" for a managed profile
	CreatedAt time.Time
	Status    Status
}

// SearchResult is what an officer's search found.
type SearchResult struct {
	People []Person
	// ByPESEL: the query was a valid PESEL. Register holds its register
	// entry when no account has claimed it yet (the officer may make a
	// managed profile for that resident).
	ByPESEL  bool
	Register *census.Entry
}

// maxResults bounds a search.
const maxResults = 50

// Search finds accounts for the officer desk: by PESEL (11 digits), by
// email (with "@"), or by part of the name.
func (s *Service) Search(ctx context.Context, query string) (SearchResult, error) {
	return s.search(ctx, query, false)
}

// ManagedProfiles finds managed profiles by PESEL or part of the name,
// for officers acting for residents.
func (s *Service) ManagedProfiles(ctx context.Context, query string) ([]Person, error) {
	res, err := s.search(ctx, query, true)
	return res.People, err
}

func (s *Service) search(ctx context.Context, query string, managedOnly bool) (SearchResult, error) {
	var res SearchResult
	query = strings.TrimSpace(query)
	var (
		where string
		args  []any
	)
	switch {
	case query == "" && managedOnly:
		where = "TRUE"
	case query == "":
		return res, nil
	case len(query) == pesel.Len && strings.Trim(query, "0123456789") == "":
		p, err := ParsePESEL(query)
		if err != nil {
			return res, err
		}
		res.ByPESEL = true
		hash := s.PESELHash(p.Digits())
		where, args = "u.id IN (SELECT user_id FROM residency WHERE pesel_hash = $1)", []any{hash}
		if e, err := census.Lookup(ctx, s.DB, hash); err == nil {
			res.Register = &e
		} else if !apperr.Is(err, apperr.NotFound) {
			return res, err
		}
	case strings.Contains(query, "@") && !managedOnly:
		where, args = "u.email = $1", []any{strings.ToLower(query)}
	default:
		// lower() is ASCII-only on SQLite, so the name is also matched as
		// typed and with each word capitalised ("łukasz" finds "Łukasz").
		like := func(s string) string { return "%" + escapeLike(s) + "%" }
		where = `(lower(u.display_name) LIKE $1 ESCAPE '\' OR u.display_name LIKE $2 ESCAPE '\' OR u.display_name LIKE $3 ESCAPE '\')`
		args = []any{like(strings.ToLower(query)), like(query), like(capitalize(query))}
	}
	if managedOnly {
		where += " AND m.user_id IS NOT NULL"
	}
	var err error
	res.People, err = db.Query(ctx, s.DB, func(row db.Scanner) (Person, error) {
		var (
			p     Person
			email sql.NullString
			at    db.Time
		)
		err := row.Scan(&p.UserID, &p.Name, &email, &at)
		p.Email, p.CreatedAt = email.String, at.Time
		return p, err
	}, `SELECT u.id, u.display_name, u.email, u.created_at FROM users u
		LEFT JOIN managed_profiles m ON m.user_id = u.id
		WHERE u.disabled_at IS NULL AND `+where+` ORDER BY u.display_name, u.id LIMIT `+strconv.Itoa(maxResults), args...)
	if err != nil {
		return res, fmt.Errorf("identity: search: %w", err)
	}
	for i := range res.People {
		if res.People[i].Status, err = s.Status(ctx, res.People[i].UserID); err != nil {
			return res, err
		}
	}
	if len(res.People) > 0 {
		res.Register = nil
	}
	return res, nil
}

// Person returns one account for the officer desk.
func (s *Service) Person(ctx context.Context, userID string) (Person, error) {
	var (
		p     Person
		email sql.NullString
		at    db.Time
	)
	err := s.DB.QueryRowContext(ctx, `SELECT id, display_name, email, created_at FROM users WHERE id = $1 AND disabled_at IS NULL`, userID).
		Scan(&p.UserID, &p.Name, &email, &at)
	if err != nil {
		return p, db.MapError(err)
	}
	p.Email, p.CreatedAt = email.String, at.Time
	p.Status, err = s.Status(ctx, userID)
	return p, err
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

func capitalize(s string) string {
	words := strings.Fields(s)
	for i, w := range words {
		r, n := utf8.DecodeRuneInString(w)
		words[i] = string(unicode.ToUpper(r)) + w[n:]
	}
	return strings.Join(words, " ")
}

// Refusal is a refused claim, for officers.
type Refusal struct {
	At     time.Time
	Method Method
	// Reason: "taken" (the PESEL verifies another account), "claim_code"
	// or "claim_code_missing" (a managed profile's code was wrong or not
	// given).
	Reason string
	// Who tried, and the account the PESEL verifies. Names are "" when the
	// account is gone.
	UserID, UserName, UserEmail string
	HolderID, HolderName        string
	HolderManaged               bool
}

// RefusedClaims lists refused claims, newest first.
func (s *Service) RefusedClaims(ctx context.Context, limit int) ([]Refusal, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	out, err := db.Query(ctx, s.DB, func(row db.Scanner) (Refusal, error) {
		var (
			r                             Refusal
			at                            db.Time
			method                        string
			uname, uemail, hname, managed sql.NullString
		)
		err := row.Scan(&at, &method, &r.Reason, &r.UserID, &uname, &uemail, &r.HolderID, &hname, &managed)
		r.At, r.Method = at.Time, Method(method)
		r.UserName, r.UserEmail, r.HolderName, r.HolderManaged = uname.String, uemail.String, hname.String, managed.Valid
		return r, err
	}, `SELECT r.at, r.method, r.reason, r.user_id, u.display_name, u.email, r.holder_id, h.display_name, m.user_id
		FROM residency_refused r
		LEFT JOIN users u ON u.id = r.user_id
		LEFT JOIN users h ON h.id = r.holder_id
		LEFT JOIN managed_profiles m ON m.user_id = r.holder_id
		ORDER BY r.at DESC, r.id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("identity: refused claims: %w", err)
	}
	return out, nil
}
