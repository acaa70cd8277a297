package card

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/audit"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/web"
)

// Categories of partners, in the order pages show them.
var Categories = []string{"culture", "sport", "transport", "leisure", "education", "health", "food", "services"}

// Partner is a firm or institution that honours the card.
type Partner struct {
	ID, Name, Category string
	CreatedAt          time.Time
}

// Key is a partner's API key as stored: its hash is never shown, the key
// itself only once, when issued.
type Key struct {
	ID, PartnerID, Label, Prefix, CreatedBy string
	CreatedAt, RevokedAt                    time.Time
}

// Active reports whether the key still works.
func (k Key) Active() bool { return k.RevokedAt.IsZero() }

// keyPrefix starts every partner key, so a leaked key is easy to recognise.
const keyPrefix = "ckp_"

func hashKey(raw string) string {
	sum := sha256.Sum256([]byte(raw))
	return hex.EncodeToString(sum[:])
}

func invalid(field, key string) error { return apperr.Fieldf(field, "%s", key) }

func (s *Service) record(ctx context.Context, q db.Querier, actor *web.User, action, targetType, targetID string, details map[string]string) error {
	e := audit.Entry{At: s.now(), Action: action, TargetType: targetType, TargetID: targetID, Details: details, RequestID: web.RequestID(ctx)}
	if actor != nil {
		e.ActorID, e.ActorLabel = actor.ID, actor.Name
	}
	return audit.Record(ctx, q, e)
}

// CreatePartner adds a partner (audited).
func (s *Service) CreatePartner(ctx context.Context, actor *web.User, name, category string) (Partner, error) {
	p := Partner{ID: db.NewID(), Name: strings.TrimSpace(name), Category: category, CreatedAt: db.TS(s.now())}
	switch {
	case p.Name == "" || utf8.RuneCountInString(p.Name) > 120:
		return p, invalid("name", "card.error.partner_name")
	case !slices.Contains(Categories, p.Category):
		return p, invalid("category", "card.error.category")
	}
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO card_partners (id, name, category, created_at) VALUES ($1, $2, $3, $4)`,
			p.ID, p.Name, p.Category, p.CreatedAt); err != nil {
			return fmt.Errorf("card: create partner: %w", db.MapError(err))
		}
		return s.record(ctx, tx, actor, "card.partner.create", "card_partner", p.ID, map[string]string{"name": p.Name})
	})
	return p, err
}

// Partner finds one partner.
func (s *Service) Partner(ctx context.Context, id string) (Partner, error) {
	var p Partner
	var at db.Time
	err := s.DB.QueryRowContext(ctx, `SELECT id, name, category, created_at FROM card_partners WHERE id = $1`, id).
		Scan(&p.ID, &p.Name, &p.Category, &at)
	if err != nil {
		return p, db.MapError(err)
	}
	p.CreatedAt = at.Time
	return p, nil
}

// CreateKey issues an API key to a partner (audited). The key is returned
// once; only its hash is kept.
func (s *Service) CreateKey(ctx context.Context, actor *web.User, partnerID, label string) (string, Key, error) {
	label = strings.TrimSpace(label)
	if utf8.RuneCountInString(label) > 100 {
		return "", Key{}, invalid("label", "card.error.key_label")
	}
	if _, err := s.Partner(ctx, partnerID); err != nil {
		return "", Key{}, err
	}
	raw := keyPrefix + randomToken(24)
	k := Key{ID: db.NewID(), PartnerID: partnerID, Label: label, Prefix: raw[:len(keyPrefix)+6], CreatedAt: db.TS(s.now())}
	if actor != nil {
		k.CreatedBy = actor.ID
	}
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO card_partner_keys (id, partner_id, label, key_hash, key_prefix, created_at, created_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, k.ID, k.PartnerID, k.Label, hashKey(raw), k.Prefix, k.CreatedAt, k.CreatedBy); err != nil {
			return fmt.Errorf("card: create key: %w", db.MapError(err))
		}
		return s.record(ctx, tx, actor, "card.key.create", "card_partner_key", k.ID, map[string]string{"partner": partnerID})
	})
	if err != nil {
		return "", Key{}, err
	}
	return raw, k, nil
}

// RevokeKey stops a key from working (audited).
func (s *Service) RevokeKey(ctx context.Context, actor *web.User, id string) error {
	return s.RevokeKeyOf(ctx, actor, "", id)
}

// RevokeKeyOf revokes a key of partnerID ("": of any partner), so a page
// about one partner cannot revoke another's key.
func (s *Service) RevokeKeyOf(ctx context.Context, actor *web.User, partnerID, id string) error {
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE card_partner_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL
			AND ($3 = '' OR partner_id = $3)`, db.TS(s.now()), id, partnerID)
		if err != nil {
			return fmt.Errorf("card: revoke key: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.E(apperr.NotFound, "card.error.no_key")
		}
		return s.record(ctx, tx, actor, "card.key.revoke", "card_partner_key", id, nil)
	})
}

// Keys lists a partner's keys, newest first.
func (s *Service) Keys(ctx context.Context, partnerID string) ([]Key, error) {
	ks, err := db.Query(ctx, s.DB, func(r db.Scanner) (Key, error) {
		var (
			k       Key
			at      db.Time
			revoked db.NullTime
		)
		err := r.Scan(&k.ID, &k.PartnerID, &k.Label, &k.Prefix, &at, &k.CreatedBy, &revoked)
		k.CreatedAt, k.RevokedAt = at.Time, revoked.Time
		return k, err
	}, `SELECT id, partner_id, label, key_prefix, created_at, created_by, revoked_at FROM card_partner_keys
		WHERE partner_id = $1 ORDER BY created_at DESC`, partnerID)
	if err != nil {
		return nil, fmt.Errorf("card: keys: %w", err)
	}
	return ks, nil
}

// PartnerFor checks a key a partner's system presents: it returns the
// partner's id, or a Forbidden error when the key is missing, unknown or
// revoked.
func (s *Service) PartnerFor(ctx context.Context, raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", apperr.E(apperr.Forbidden, "card.error.key_missing")
	}
	if len(raw) > 200 {
		return "", apperr.E(apperr.Forbidden, "card.error.key_invalid")
	}
	var (
		partner string
		revoked db.NullTime
	)
	err := s.stmts.Querier(s.DB, nil).QueryRowContext(ctx, `SELECT partner_id, revoked_at FROM card_partner_keys WHERE key_hash = $1`,
		hashKey(raw)).Scan(&partner, &revoked)
	err = db.MapError(err)
	if apperr.Is(err, apperr.NotFound) || (err == nil && revoked.Valid) {
		return "", apperr.E(apperr.Forbidden, "card.error.key_invalid")
	}
	if err != nil {
		return "", fmt.Errorf("card: key: %w", err)
	}
	return partner, nil
}
