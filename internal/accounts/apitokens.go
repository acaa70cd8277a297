package accounts

import (
	"context"
	"database/sql"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/audit"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/session"
	"github.com/civitas-city/civitas/internal/web"
)

// APIToken is a personal access token for API clients. Only its hash is
// stored; the secret is shown once, when it is made.
type APIToken struct {
	ID        string
	Name      string
	CreatedAt time.Time
	LastUsed  time.Time // zero: never
	Revoked   bool
}

// apiTokenPrefix marks our tokens, so a leaked one is easy to recognise.
const apiTokenPrefix = "civ_"

// CreateAPIToken makes a token and returns it with its secret.
func (s *Service) CreateAPIToken(ctx context.Context, userID, name string) (APIToken, string, error) {
	name = strings.TrimSpace(name)
	if err := web.CheckText("name", name, false); err != nil {
		return APIToken{}, "", err
	}
	if name == "" || utf8.RuneCountInString(name) > 80 {
		return APIToken{}, "", apperr.Fieldf("name", "accounts.error.token_name")
	}
	secret, _ := newSecret()
	secret = apiTokenPrefix + secret
	t := APIToken{ID: db.NewID(), Name: name, CreatedAt: s.now().UTC().Truncate(time.Second)}
	_, err := s.DB.ExecContext(ctx, `INSERT INTO api_tokens (id, user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4, $5)`,
		t.ID, userID, name, hashSecret(secret), db.TS(t.CreatedAt))
	if err != nil {
		return APIToken{}, "", db.MapError(err)
	}
	return t, secret, nil
}

// revokeAllAPITokens stops every token of an account: a password reset, a
// password change and "sign me out everywhere" recover an account, and a
// token minted by whoever had it must not outlive that.
func (s *Service) revokeAllAPITokens(ctx context.Context, q db.Querier, userID string) error {
	_, err := q.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL`, db.TS(s.now()), userID)
	return err
}

// EndEverywhere signs the account out of every session and revokes every
// API token, in one transaction.
func (s *Service) EndEverywhere(ctx context.Context, sessions *session.Store, userID string) error {
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if err := sessions.EndAll(ctx, tx, userID); err != nil {
			return err
		}
		if err := s.revokeAllAPITokens(ctx, tx, userID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: userID, Action: "account.signout.everywhere", TargetType: "user", TargetID: userID, RequestID: web.RequestID(ctx)})
	})
}

// APITokens lists a user's tokens, newest first.
func (s *Service) APITokens(ctx context.Context, userID string) ([]APIToken, error) {
	return db.Query(ctx, s.DB, func(row db.Scanner) (APIToken, error) {
		var t APIToken
		var c db.Time
		var used, revoked db.NullTime
		err := row.Scan(&t.ID, &t.Name, &c, &used, &revoked)
		t.CreatedAt, t.LastUsed, t.Revoked = c.Time, used.Time, revoked.Valid
		return t, err
	}, `SELECT id, name, created_at, last_used_at, revoked_at FROM api_tokens WHERE user_id = $1 ORDER BY id DESC`, userID)
}

// RevokeAPIToken stops a token from working.
func (s *Service) RevokeAPIToken(ctx context.Context, userID, id string) error {
	res, err := s.DB.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL`, db.TS(s.now()), id, userID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return db.ErrNotFound
	}
	return nil
}

// UserForAPIToken returns the user id a bearer token belongs to. The lookup
// is by hash, so comparing secrets never happens in a timing-sensitive way.
func (s *Service) UserForAPIToken(ctx context.Context, secret string) (string, error) {
	if !strings.HasPrefix(secret, apiTokenPrefix) {
		return "", apperr.E(apperr.Unauthenticated, "accounts.error.api_token")
	}
	var id, userID string
	var lastUsed db.NullTime
	err := s.DB.QueryRowContext(ctx, `SELECT id, user_id, last_used_at FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL`,
		hashSecret(secret)).Scan(&id, &userID, &lastUsed)
	if err != nil {
		if apperr.Is(db.MapError(err), apperr.NotFound) {
			return "", apperr.E(apperr.Unauthenticated, "accounts.error.api_token")
		}
		return "", err
	}
	// Record use at most hourly: enough to spot stale tokens, no write per call.
	if now := s.now(); !lastUsed.Valid || now.Sub(lastUsed.Time) > time.Hour {
		s.DB.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = $1 WHERE id = $2`, db.TS(now), id)
	}
	return userID, nil
}
