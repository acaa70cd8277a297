package identity

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/civitas-city/civitas/internal/accounts/census"
	"github.com/civitas-city/civitas/internal/accounts/pesel"
	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/audit"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/web"
)

// Errors of the verification flows; each names the form field at fault
// and a catalog key.
var (
	ErrAlreadyVerified = &apperr.Error{Kind: apperr.Conflict, Field: "pesel", Message: "identity.error.already_verified"}
	ErrPESELTaken      = &apperr.Error{Kind: apperr.Conflict, Field: "pesel", Message: "identity.error.pesel_taken"}
	ErrNotInRegister   = &apperr.Error{Kind: apperr.Invalid, Field: "pesel", Message: "identity.error.not_in_register"}
	ErrBirthDate       = &apperr.Error{Kind: apperr.Invalid, Field: "birth_date", Message: "identity.error.birth_date"}
	ErrBirthMismatch   = &apperr.Error{Kind: apperr.Invalid, Field: "birth_date", Message: "identity.error.birth_mismatch"}
	ErrClaimCode       = &apperr.Error{Kind: apperr.Invalid, Field: "claim_code", Message: "identity.error.claim_code"}
	ErrTooMany         = &apperr.Error{Kind: apperr.TooMany, Message: "identity.error.too_many"}
	ErrDistrict        = &apperr.Error{Kind: apperr.Invalid, Field: "district", Message: "identity.error.district"}
	ErrClaimBlocked    = &apperr.Error{Kind: apperr.Conflict, Message: "identity.error.claim_blocked"}
)

// Result is the outcome of a successful verification.
type Result struct {
	// UserID is the verified account. When the PESEL belonged to a managed
	// profile, the online account took it over and UserID is the managed
	// profile's id: the caller signs the browser in as it.
	UserID   string
	Claimed  bool
	District int
	// Already: the account was already verified with this PESEL.
	Already bool
}

// claim is one attempt to bind a PESEL to an account.
type claim struct {
	userID   string // the account to verify
	actorID  string // who acts: the resident, or the officer at the desk
	hash     string
	method   Method
	district int    // from the register, or the officer's choice
	code     string // the claim code typed (census claims of managed profiles)
}

// refusal is a refused claim, recorded after its transaction rolled back.
type refusal struct {
	claim
	holder, reason string
	err            error
}

func (s *Service) maxFailures() int {
	if s.MaxFailures > 0 {
		return s.MaxFailures
	}
	return 10
}

// checkFailures refuses an account that failed too often today: the
// register must not become an oracle for guessed PESELs.
func (s *Service) checkFailures(ctx context.Context, userID string) error {
	var n int
	err := s.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM residency_failures WHERE user_id = $1 AND at > $2`,
		userID, db.TS(s.now().Add(-24*time.Hour))).Scan(&n)
	if err != nil {
		return fmt.Errorf("identity: failures: %w", err)
	}
	if n >= s.maxFailures() {
		return ErrTooMany
	}
	return nil
}

func (s *Service) recordFailure(ctx context.Context, userID string) error {
	now := s.now()
	_, err := s.DB.ExecContext(ctx, `INSERT INTO residency_failures (id, user_id, at) VALUES ($1, $2, $3)`,
		db.NewID(), userID, db.TS(now))
	if err == nil {
		// Failures older than the window no longer count.
		_, err = s.DB.ExecContext(ctx, `DELETE FROM residency_failures WHERE user_id = $1 AND at < $2`, userID, db.TS(now.Add(-24*time.Hour)))
	}
	if err != nil {
		return fmt.Errorf("identity: record failure: %w", db.MapError(err))
	}
	return nil
}

// failed records a failed attempt and returns err.
func (s *Service) failed(ctx context.Context, userID string, err error) error {
	if ferr := s.recordFailure(ctx, userID); ferr != nil {
		return errors.Join(err, ferr)
	}
	return err
}

// VerifyCensus verifies userID as the resident with this PESEL and birth
// date in the register. When the PESEL belongs to a managed profile, the
// account takes it over if code is the profile's claim code.
func (s *Service) VerifyCensus(ctx context.Context, userID, peselIn, birthIn, code string) (Result, error) {
	if err := s.checkFailures(ctx, userID); err != nil {
		return Result{}, err
	}
	p, perr := ParsePESEL(peselIn)
	birth, ok := ParseDate(birthIn)
	switch {
	case perr != nil && !ok:
		return Result{}, errors.Join(perr, ErrBirthDate)
	case perr != nil:
		return Result{}, perr
	case !ok:
		return Result{}, ErrBirthDate
	case !birth.Equal(p.BirthDate()):
		return Result{}, ErrBirthMismatch
	}
	hash := s.PESELHash(p.Digits())
	e, err := census.Lookup(ctx, s.DB, hash)
	if apperr.Is(err, apperr.NotFound) {
		return Result{}, s.failed(ctx, userID, ErrNotInRegister)
	}
	if err != nil {
		return Result{}, err
	}
	if !e.BirthDate.Equal(birth) {
		return Result{}, s.failed(ctx, userID, ErrBirthMismatch)
	}
	return s.bind(ctx, claim{userID: userID, actorID: userID, hash: hash, method: MethodCensus, district: e.District, code: code})
}

// VerifyOIDC verifies userID with the PESEL the identity provider vouched
// for. The register must list it: the provider proves who the person is,
// the register that they live here (and where).
func (s *Service) VerifyOIDC(ctx context.Context, userID, digits string) (Result, error) {
	if err := s.checkFailures(ctx, userID); err != nil {
		return Result{}, err
	}
	p, err := pesel.Parse(digits)
	if err != nil {
		return Result{}, apperr.Wrap(apperr.Invalid, "identity.error.oidc_pesel", err)
	}
	hash := s.PESELHash(p.Digits())
	e, err := census.Lookup(ctx, s.DB, hash)
	if apperr.Is(err, apperr.NotFound) {
		return Result{}, s.failed(ctx, userID, &apperr.Error{Kind: apperr.Invalid, Message: "identity.error.oidc_not_in_register"})
	}
	if err != nil {
		return Result{}, err
	}
	return s.bind(ctx, claim{userID: userID, actorID: userID, hash: hash, method: MethodOIDC, district: e.District})
}

// VerifyInPerson records that officerID checked the identity document of
// the holder of userID at a desk. The district is the register's when the
// PESEL is in it; otherwise the officer gives it (from the resident's
// proof of address). birthIn is optional: when given it must match.
func (s *Service) VerifyInPerson(ctx context.Context, officerID, userID, peselIn, birthIn string, district int) (Result, error) {
	p, err := ParsePESEL(peselIn)
	if err != nil {
		return Result{}, err
	}
	if strings.TrimSpace(birthIn) != "" {
		birth, ok := ParseDate(birthIn)
		if !ok {
			return Result{}, ErrBirthDate
		}
		if !birth.Equal(p.BirthDate()) {
			return Result{}, ErrBirthMismatch
		}
	}
	hash := s.PESELHash(p.Digits())
	e, err := census.Lookup(ctx, s.DB, hash)
	switch {
	case err == nil:
		district = e.District
	case !apperr.Is(err, apperr.NotFound):
		return Result{}, err
	case !s.isDistrict(district):
		// Not in the register: the district of the account the PESEL
		// already verifies (a managed profile being claimed), else the
		// officer must give one.
		holder, err := verificationByHash(ctx, s.DB, hash)
		if err != nil {
			if apperr.Is(err, apperr.NotFound) {
				return Result{}, ErrDistrict
			}
			return Result{}, err
		}
		district = holder.District
	}
	return s.bind(ctx, claim{userID: userID, actorID: officerID, hash: hash, method: MethodInPerson, district: district})
}

// errRace means a concurrent transaction verified the account or the
// PESEL first (PostgreSQL; SQLite transactions are serial): bind runs again
// and answers from what is now committed.
var errRace = errors.New("identity: concurrent verification")

// bind verifies c.userID with c.hash, or lets it take over the managed
// profile the hash verifies, or refuses: a PESEL verifies one account.
func (s *Service) bind(ctx context.Context, c claim) (Result, error) {
	res, err := s.bindOnce(ctx, c)
	if errors.Is(err, errRace) {
		res, err = s.bindOnce(ctx, c)
	}
	return res, err
}

func (s *Service) bindOnce(ctx context.Context, c claim) (Result, error) {
	res := Result{UserID: c.userID, District: c.district}
	var ref *refusal
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		now := db.TS(s.now())
		cur, err := verificationOf(ctx, tx, c.userID)
		switch {
		case err == nil && hmac.Equal([]byte(cur.Hash), []byte(c.hash)):
			res.Already = true
			return nil
		case err == nil:
			return ErrAlreadyVerified
		case !apperr.Is(err, apperr.NotFound):
			return err
		}
		holder, err := verificationByHash(ctx, tx, c.hash)
		if apperr.Is(err, apperr.NotFound) {
			if _, err := tx.ExecContext(ctx, `INSERT INTO residency (user_id, pesel_hash, method, district, verified_at, verified_by)
				VALUES ($1, $2, $3, $4, $5, $6)`, c.userID, c.hash, string(c.method), c.district, now, officerOf(c)); err != nil {
				if err = db.MapError(err); apperr.Is(err, apperr.Conflict) {
					return fmt.Errorf("%w: %w", errRace, err)
				}
				return fmt.Errorf("identity: verify: %w", err)
			}
			return audit.Record(ctx, tx, audit.Entry{At: now, ActorID: c.actorID, OnBehalfOf: onBehalf(c), Action: "residency.verify",
				TargetType: "user", TargetID: c.userID, RequestID: web.RequestID(ctx),
				Details: map[string]string{"method": string(c.method), "district": strconv.Itoa(c.district)}})
		}
		if err != nil {
			return err
		}
		if holder.UserID == c.userID {
			res.Already = true // committed by a concurrent request meanwhile
			return nil
		}
		m, err := managedOf(ctx, tx, holder.UserID)
		if apperr.Is(err, apperr.NotFound) || (err == nil && m.claimed) {
			ref = &refusal{claim: c, holder: holder.UserID, reason: "taken", err: ErrPESELTaken}
			return ref.err
		}
		if err != nil {
			return err
		}
		if c.method == MethodCensus && !s.codeMatches(c.code, m.codeHash) {
			reason := "claim_code"
			if strings.TrimSpace(c.code) == "" {
				reason = "claim_code_missing"
			}
			ref = &refusal{claim: c, holder: holder.UserID, reason: reason, err: ErrClaimCode}
			return ref.err
		}
		if err := s.adopt(ctx, tx, holder.UserID, c, now); err != nil {
			return err
		}
		res.UserID, res.Claimed = holder.UserID, true
		return nil
	})
	if ref != nil {
		return Result{}, s.refuse(ctx, *ref)
	}
	if err != nil {
		return Result{}, err
	}
	if res.Claimed {
		// The managed profile's district: the register's, or the one the
		// officer recorded.
		if d, ok, err := s.IsVerifiedResident(ctx, res.UserID); err == nil && ok {
			res.District = d
		}
	}
	return res, nil
}

func officerOf(c claim) string {
	if c.method == MethodInPerson {
		return c.actorID
	}
	return ""
}

func onBehalf(c claim) string {
	if c.actorID != c.userID {
		return c.userID
	}
	return ""
}

// refuse records a refused claim for officers (and the audit log), counts
// it as a failure for a resident's own attempt, and returns its error.
func (s *Service) refuse(ctx context.Context, r refusal) error {
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		now := db.TS(s.now())
		if _, err := tx.ExecContext(ctx, `INSERT INTO residency_refused (id, pesel_hash, user_id, holder_id, method, reason, at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, db.NewID(), r.hash, r.userID, r.holder, string(r.method), r.reason, now); err != nil {
			return fmt.Errorf("identity: record refusal: %w", db.MapError(err))
		}
		return audit.Record(ctx, tx, audit.Entry{At: now, ActorID: r.actorID, OnBehalfOf: onBehalf(r.claim), Action: "residency.refused",
			TargetType: "user", TargetID: r.userID, RequestID: web.RequestID(ctx),
			Details: map[string]string{"method": string(r.method), "reason": r.reason, "holder": r.holder}})
	})
	if err != nil {
		return errors.Join(r.err, err)
	}
	if r.method != MethodInPerson {
		return s.failed(ctx, r.userID, r.err)
	}
	return r.err
}

// adopt lets the online account c.userID take over the managed profile
// managedID, in the caller's transaction: the email, password, language
// and chosen name move onto the managed profile's row (which keeps
// everything done on the resident's behalf), the roles follow, and the
// online account's now empty row is removed, with its sessions.
func (s *Service) adopt(ctx context.Context, tx *sql.Tx, managedID string, c claim, now time.Time) error {
	// Mark the profile claimed first, only if it still is not: of two
	// concurrent claims the second waits on this row, then finds it
	// claimed and starts over (to be refused).
	out, err := tx.ExecContext(ctx, `UPDATE managed_profiles SET claimed_at = $1 WHERE user_id = $2 AND claimed_at IS NULL`, now, managedID)
	if err != nil {
		return fmt.Errorf("identity: claim: %w", err)
	}
	if n, _ := out.RowsAffected(); n != 1 {
		return errRace
	}
	var (
		email     sql.NullString
		hash      string
		confirmed db.NullTime
		lang      string
		name      string
	)
	err = tx.QueryRowContext(ctx, `SELECT email, password_hash, email_confirmed_at, language, display_name FROM users WHERE id = $1`, c.userID).
		Scan(&email, &hash, &confirmed, &lang, &name)
	if err != nil {
		return fmt.Errorf("identity: claim: %w", db.MapError(err))
	}
	steps := []struct {
		q    string
		args []any
	}{
		{`UPDATE users SET email = NULL WHERE id = $1`, []any{c.userID}},
		{`UPDATE users SET email = $1, password_hash = $2, email_confirmed_at = $3, language = $4, display_name = $5 WHERE id = $6`,
			[]any{email, hash, confirmed, lang, name, managedID}},
		{`INSERT INTO user_roles (user_id, role, domain, granted_at, granted_by)
			SELECT $1, role, domain, granted_at, granted_by FROM user_roles WHERE user_id = $2 ON CONFLICT DO NOTHING`, []any{managedID, c.userID}},
		{`DELETE FROM users WHERE id = $1`, []any{c.userID}},
	}
	for _, st := range steps {
		if _, err := tx.ExecContext(ctx, st.q, st.args...); err != nil {
			err = db.MapError(err)
			if apperr.Is(err, apperr.Invalid) {
				// Another module holds rows of the online account: it is
				// not empty, and an officer must merge by hand.
				return &apperr.Error{Kind: ErrClaimBlocked.Kind, Message: ErrClaimBlocked.Message, Err: err}
			}
			return fmt.Errorf("identity: claim: %w", err)
		}
	}
	actor := c.actorID
	if actor == c.userID {
		actor = managedID // the resident, under the id they keep
	}
	return audit.Record(ctx, tx, audit.Entry{At: now, ActorID: actor, Action: "managed.claim", TargetType: "user", TargetID: managedID,
		RequestID: web.RequestID(ctx), Details: map[string]string{"method": string(c.method), "merged_account": c.userID}})
}

// Claim codes: ten characters from an alphabet without look-alikes
// (no I, O, 0, 1), about 50 bits, handed to the resident on paper.
const codeAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

func newClaimCode() string {
	b := make([]byte, 10)
	rand.Read(b)
	for i := range b {
		b[i] = codeAlphabet[int(b[i])%len(codeAlphabet)]
	}
	return string(b[:5]) + "-" + string(b[5:])
}

func normalizeCode(code string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '-' || r == ' ':
			return -1
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		}
		return r
	}, code)
}

func (s *Service) codeHash(code string) string {
	return census.Hash(s.Key, "claim-code:"+normalizeCode(code))
}

// codeMatches compares a typed claim code with the stored hash in
// constant time.
func (s *Service) codeMatches(code, stored string) bool {
	if strings.TrimSpace(code) == "" || stored == "" {
		return false
	}
	return hmac.Equal([]byte(s.codeHash(code)), []byte(stored))
}
