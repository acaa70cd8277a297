package accounts

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/civitas-city/civitas/internal/audit"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/mail"
	"github.com/civitas-city/civitas/internal/web"
	"github.com/civitas-city/civitas/internal/web/profile"
)

// DeletedName replaces the name of a deleted account.
const DeletedName = "—"

// Export gathers everything Civitas holds about a user.
func (s *Service) Export(ctx context.Context, userID string, sections []profile.Section) (map[string]any, error) {
	u, err := s.FindByID(ctx, userID)
	if err != nil {
		return nil, err
	}
	news, err := s.NewsDistricts(ctx, userID)
	if err != nil {
		return nil, err
	}
	roles := make([]map[string]string, 0, len(u.Roles))
	for _, r := range u.Roles {
		roles = append(roles, map[string]string{"role": r.Name, "domain": r.Domain})
	}
	out := map[string]any{
		"account": map[string]any{
			"id": u.ID, "email": u.Email, "display_name": u.DisplayName, "email_confirmed": u.EmailConfirmed,
			"created_at": u.CreatedAt, "district": u.District, "notify_email": u.NotifyEmail,
			"news_districts": news, "roles": roles,
		},
	}
	sessions, err := s.sessionsOf(ctx, userID)
	if err != nil {
		return nil, err
	}
	out["sessions"] = sessions
	tokens, err := s.APITokens(ctx, userID)
	if err != nil {
		return nil, err
	}
	tokenData := make([]map[string]any, 0, len(tokens))
	for _, t := range tokens { // never the secret: only its hash is kept
		tokenData = append(tokenData, map[string]any{"name": t.Name, "created_at": t.CreatedAt, "last_used_at": t.LastUsed, "revoked": t.Revoked})
	}
	out["api_tokens"] = tokenData
	for _, sec := range sections {
		data, err := sec.PersonalData(ctx, userID)
		if err != nil {
			return nil, fmt.Errorf("accounts: export %s: %w", sec.Key(), err)
		}
		out[sec.Key()] = data
	}
	return out, nil
}

func (s *Service) sessionsOf(ctx context.Context, userID string) ([]map[string]any, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT created_at, last_seen_at FROM sessions WHERE user_id = $1 ORDER BY created_at`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []map[string]any
	for rows.Next() {
		var c, l db.Time
		if err := rows.Scan(&c, &l); err != nil {
			return nil, err
		}
		out = append(out, map[string]any{"created_at": c.Time, "last_seen_at": l.Time})
	}
	return out, rows.Err()
}

// Delete erases a user's personal data: the account row keeps only its id
// (a pseudonym: the audit log refers to it), and every module erases what
// it holds in the same transaction.
func (s *Service) Delete(ctx context.Context, userID string, sections []profile.Section) error {
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		now := db.TS(s.now())
		var email sql.NullString
		if err := tx.QueryRowContext(ctx, `SELECT email FROM users WHERE id = $1`, userID).Scan(&email); err != nil {
			return db.MapError(err)
		}
		// Mail still waiting to go to the account (a "report received"
		// queued a moment ago) is not sent after it is deleted.
		if err := mail.Forget(ctx, tx, email.String); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE users SET email = NULL, display_name = $1, password_hash = '', email_confirmed_at = NULL,
			district = NULL, notify_email = FALSE, disabled_at = $2, deleted_at = $2 WHERE id = $3 AND deleted_at IS NULL`, DeletedName, now, userID)
		if err != nil {
			return fmt.Errorf("accounts: delete: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return db.ErrNotFound
		}
		for _, q := range []string{
			`DELETE FROM sessions WHERE user_id = $1`,
			`DELETE FROM user_roles WHERE user_id = $1`,
			`DELETE FROM user_news_districts WHERE user_id = $1`,
			`DELETE FROM account_tokens WHERE user_id = $1`,
			`DELETE FROM api_tokens WHERE user_id = $1`,
		} {
			if _, err := tx.ExecContext(ctx, q, userID); err != nil {
				return fmt.Errorf("accounts: delete: %w", err)
			}
		}
		for _, sec := range sections {
			if err := sec.Erase(ctx, tx, userID); err != nil {
				return fmt.Errorf("accounts: erase %s: %w", sec.Key(), err)
			}
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: userID, Action: "account.delete", TargetType: "user", TargetID: userID, RequestID: web.RequestID(ctx)})
	})
}
