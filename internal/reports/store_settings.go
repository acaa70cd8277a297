package reports

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/civitas-city/civitas/internal/db"
)

// The SQL of the city's reports settings and of the Open311 API keys.

func loadSettings(ctx context.Context, q db.Querier) (Settings, error) {
	s := DefaultSettings
	err := db.Each(ctx, q, func(row db.Scanner) error {
		var name, value string
		if err := row.Scan(&name, &value); err != nil {
			return err
		}
		switch name {
		case "anonymous_allowed":
			s.AnonymousAllowed = value == "true"
		case "reopen_days":
			if n, err := strconv.Atoi(value); err == nil {
				s.ReopenDays = n
			}
		}
		return nil
	}, `SELECT name, value FROM report_settings`)
	if err != nil {
		return s, fmt.Errorf("reports: settings: %w", err)
	}
	return s, nil
}

func saveSettings(ctx context.Context, q db.Querier, s Settings) error {
	for name, value := range map[string]string{
		"anonymous_allowed": strconv.FormatBool(s.AnonymousAllowed),
		"reopen_days":       strconv.Itoa(s.ReopenDays),
	} {
		if _, err := q.ExecContext(ctx, `INSERT INTO report_settings (name, value) VALUES ($1, $2)
			ON CONFLICT (name) DO UPDATE SET value = excluded.value`, name, value); err != nil {
			return fmt.Errorf("reports: save setting %s: %w", name, err)
		}
	}
	return nil
}

const keyColumns = `id, app_name, contact, key_prefix, created_at, created_by, revoked_at FROM open311_keys`

func scanKey(s db.Scanner) (APIKey, error) {
	var (
		k       APIKey
		created db.Time
		revoked db.NullTime
	)
	err := s.Scan(&k.ID, &k.AppName, &k.Contact, &k.Prefix, &created, &k.CreatedBy, &revoked)
	k.CreatedAt, k.RevokedAt = created.Time, revoked.Time
	return k, err
}

func keyByHash(ctx context.Context, q db.Querier, hash string) (*APIKey, error) {
	k, err := scanKey(q.QueryRowContext(ctx, `SELECT `+keyColumns+` WHERE key_hash = $1`, hash))
	if err != nil {
		return nil, db.MapError(err)
	}
	return &k, nil
}

func listKeys(ctx context.Context, q db.Querier) ([]APIKey, error) {
	out, err := db.Query(ctx, q, scanKey, `SELECT `+keyColumns+` ORDER BY created_at DESC`)
	if err != nil {
		return nil, fmt.Errorf("reports: keys: %w", err)
	}
	return out, nil
}

// changeset is when the categories last changed: the Open311 discovery
// changeset.
func changeset(ctx context.Context, q db.Querier) (time.Time, error) {
	var t db.NullTime
	if err := q.QueryRowContext(ctx, `SELECT max(updated_at) FROM report_categories`).Scan(&t); err != nil {
		return time.Time{}, fmt.Errorf("reports: changeset: %w", err)
	}
	return t.Time, nil
}

func insertKey(ctx context.Context, q db.Querier, k *APIKey, hash string) error {
	_, err := q.ExecContext(ctx, `INSERT INTO open311_keys (id, app_name, contact, key_hash, key_prefix, created_at, created_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, k.ID, k.AppName, k.Contact, hash, k.Prefix, db.TS(k.CreatedAt), k.CreatedBy)
	return err
}

// revokeKey revokes a key at now; false when there is no such key in use.
func revokeKey(ctx context.Context, q db.Querier, id string, now time.Time) (bool, error) {
	res, err := q.ExecContext(ctx, `UPDATE open311_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL`, db.TS(now), id)
	if err != nil {
		return false, err
	}
	return changed(res), nil
}
