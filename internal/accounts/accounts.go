// Package accounts is the one resident account that serves every module:
// people, their roles, passwords and sign-in.
package accounts

import (
	"context"
	"database/sql"
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/audit"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/i18n"
	"github.com/civitas-city/civitas/internal/web"
)

// User is a person with an account.
type User struct {
	ID             string
	Email          string
	DisplayName    string
	EmailConfirmed bool
	CreatedAt      time.Time
	Roles          []web.Role
	// District is the district the resident chose (0: none). Verified
	// residency, when there is one, takes precedence elsewhere.
	District    int
	NotifyEmail bool
	Language    string
	// Managed profiles have no email: an officer acts for the resident.
	Managed bool
}

// Service holds the accounts logic.
type Service struct {
	DB *db.DB
	// Key keys the HMACs of rate-limit scopes (CIVITAS_SECRET_KEY).
	Key []byte
	// BaseURL starts the links sent by mail (CIVITAS_BASE_URL).
	BaseURL string
	// Catalog translates the mail sent to residents.
	Catalog *i18n.Catalog
	Now     func() time.Time

	// stmts keeps FindByID's queries prepared: every signed-in request
	// loads its user.
	stmts db.StmtCache
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// NewUser is what creating an account needs.
type NewUser struct {
	Email       string
	DisplayName string
	Password    string
	// PasswordHash, when set, is the password already hashed by
	// HashPassword, and Password is not used: for accounts brought in by a
	// tool (load-test residents), where hashing each one (argon2id, 0.13 s
	// on the project's 2-core VM) would take hours for 70,000.
	PasswordHash   string
	EmailConfirmed bool
}

// MinPasswordLength follows NIST 800-63B for passwords chosen by people.
const MinPasswordLength = 10

// Validate checks a new account's fields, naming the field at fault.
func (n NewUser) Validate() error {
	if _, err := mail.ParseAddress(n.Email); err != nil || strings.ContainsAny(n.Email, "<> ") {
		return apperr.Fieldf("email", "accounts.error.email")
	}
	if err := web.CheckText("display_name", n.DisplayName, false); err != nil {
		return err
	}
	if strings.TrimSpace(n.DisplayName) == "" || utf8.RuneCountInString(n.DisplayName) > 100 {
		return apperr.Fieldf("display_name", "accounts.error.name")
	}
	if n.PasswordHash != "" {
		if _, err := parseHash(n.PasswordHash); err != nil {
			return err
		}
	} else if utf8.RuneCountInString(n.Password) < MinPasswordLength || len(n.Password) > 1024 {
		return apperr.Fieldf("password", "accounts.error.password_length")
	}
	return nil
}

// Create adds an account.
func (s *Service) Create(ctx context.Context, q db.Querier, n NewUser) (*User, error) {
	n.Email = strings.ToLower(strings.TrimSpace(n.Email))
	if err := n.Validate(); err != nil {
		return nil, err
	}
	hash := n.PasswordHash
	if hash == "" {
		var err error
		if hash, err = HashPassword(n.Password); err != nil {
			return nil, err
		}
	}
	now := db.TS(s.now())
	u := &User{ID: db.NewID(), Email: n.Email, DisplayName: strings.TrimSpace(n.DisplayName), EmailConfirmed: n.EmailConfirmed, CreatedAt: now}
	var confirmed db.NullTime
	if n.EmailConfirmed {
		confirmed = db.NullTime{Time: now, Valid: true}
	}
	_, err := q.ExecContext(ctx, `INSERT INTO users (id, email, display_name, password_hash, email_confirmed_at, created_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, u.ID, u.Email, u.DisplayName, hash, confirmed, now)
	if err != nil {
		err = db.MapError(err)
		if apperr.Is(err, apperr.Conflict) {
			return nil, &apperr.Error{Kind: apperr.Conflict, Field: "email", Message: "accounts.error.email_taken", Err: err}
		}
		return nil, fmt.Errorf("accounts: create: %w", err)
	}
	return u, nil
}

// GrantRole gives userID a role (limited to domain when set), recorded in
// the audit log as done by actorID.
func (s *Service) GrantRole(ctx context.Context, actorID, userID string, role web.Role) error {
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO user_roles (user_id, role, domain, granted_at, granted_by) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (user_id, role, domain) DO NOTHING`, userID, role.Name, role.Domain, db.TS(s.now()), actorID)
		if err != nil {
			return fmt.Errorf("accounts: grant role: %w", db.MapError(err))
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: actorID, Action: "role.grant", TargetType: "user", TargetID: userID,
			Details: map[string]string{"role": role.Name, "domain": role.Domain}, RequestID: web.RequestID(ctx)})
	})
}

// Authenticate returns the user with this email and password. Every
// failure is the same error, and takes as long, whether or not the email
// has an account.
func (s *Service) Authenticate(ctx context.Context, email, password string) (*User, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	var (
		id, hash            string
		disabled, confirmed db.NullTime
	)
	err := s.DB.QueryRowContext(ctx, `SELECT id, password_hash, disabled_at, email_confirmed_at FROM users WHERE email = $1`, email).Scan(&id, &hash, &disabled, &confirmed)
	if err != nil {
		if err := db.MapError(err); !apperr.Is(err, apperr.NotFound) {
			return nil, fmt.Errorf("accounts: authenticate: %w", err)
		}
		CheckPassword(dummyHash(), password)
		return nil, apperr.E(apperr.Unauthenticated, "accounts.error.signin_failed")
	}
	if hash == "" {
		hash = dummyHash() // a managed profile without a password cannot sign in
	}
	ok, err := CheckPassword(hash, password)
	if err != nil {
		return nil, fmt.Errorf("accounts: authenticate %s: %w", id, err)
	}
	// An unconfirmed account answers like a wrong password: otherwise
	// registering an address and signing in with the chosen password would
	// tell whether the address already had an account.
	if !ok || disabled.Valid || !confirmed.Valid {
		return nil, apperr.E(apperr.Unauthenticated, "accounts.error.signin_failed")
	}
	return s.FindByID(ctx, id)
}

// FindByID returns a user with their roles.
func (s *Service) FindByID(ctx context.Context, id string) (*User, error) {
	var (
		u         User
		email     *string
		created   db.Time
		confirmed db.NullTime
	)
	var district *int
	q := s.stmts.Querier(s.DB, nil)
	err := q.QueryRowContext(ctx, `SELECT id, email, display_name, email_confirmed_at, created_at, district, notify_email, language
		FROM users WHERE id = $1 AND disabled_at IS NULL`, id).
		Scan(&u.ID, &email, &u.DisplayName, &confirmed, &created, &district, &u.NotifyEmail, &u.Language)
	if err != nil {
		return nil, db.MapError(err)
	}
	if email != nil {
		u.Email = *email
	} else {
		u.Managed = true
	}
	if district != nil {
		u.District = *district
	}
	u.EmailConfirmed, u.CreatedAt = confirmed.Valid, created.Time
	u.Roles, err = db.Query(ctx, q, func(row db.Scanner) (web.Role, error) {
		var r web.Role
		err := row.Scan(&r.Name, &r.Domain)
		return r, err
	}, `SELECT role, domain FROM user_roles WHERE user_id = $1 ORDER BY role, domain`, id)
	if err != nil {
		return nil, err
	}
	return &u, nil
}

// FindByEmail returns the user with this email (as typed: case and spaces
// around it do not matter).
func (s *Service) FindByEmail(ctx context.Context, email string) (*User, error) {
	var id string
	err := s.DB.QueryRowContext(ctx, `SELECT id FROM users WHERE email = $1 AND deleted_at IS NULL`,
		strings.ToLower(strings.TrimSpace(email))).Scan(&id)
	if err != nil {
		return nil, db.MapError(err)
	}
	return s.FindByID(ctx, id)
}

// WebUser loads the signed-in user as the web layer sees them; every
// account is at least a resident.
func (s *Service) WebUser(ctx context.Context, id string) (*web.User, error) {
	u, err := s.FindByID(ctx, id)
	if err != nil {
		return nil, err
	}
	return &web.User{ID: u.ID, Name: u.DisplayName, Roles: append([]web.Role{{Name: web.RoleResident}}, u.Roles...)}, nil
}
