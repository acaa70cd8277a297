package card

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/civitas-city/civitas/internal/db"
)

// The module's SQL.

const day = time.DateOnly

const cardColumns = `card_id, number, kind, family_size, valid_from, valid_to FROM card_holders`

func scanCard(s db.Scanner) (Card, error) {
	var (
		c        Card
		from, to string
	)
	if err := s.Scan(&c.ID, &c.Number, &c.Kind, &c.FamilySize, &from, &to); err != nil {
		return c, err
	}
	c.ValidFrom, _ = time.Parse(day, from)
	c.ValidTo, _ = time.Parse(day, to)
	return c, nil
}

func cardsOf(ctx context.Context, q db.Querier, hash string) ([]Card, error) {
	cs, err := db.Query(ctx, q, scanCard, `SELECT `+cardColumns+` WHERE pesel_hash = $1 ORDER BY kind`, hash)
	if err != nil {
		return nil, fmt.Errorf("card: cards: %w", err)
	}
	return cs, nil
}

// cardByNumber finds a card and its secret by the number a code carries.
func cardByNumber(ctx context.Context, q db.Querier, number int64) (Card, []byte, error) {
	var (
		c        Card
		from, to string
		secret   string
	)
	err := q.QueryRowContext(ctx, `SELECT card_id, number, kind, family_size, valid_from, valid_to, secret FROM card_holders
		WHERE number = $1`, number).Scan(&c.ID, &c.Number, &c.Kind, &c.FamilySize, &from, &to, &secret)
	if err != nil {
		return c, nil, db.MapError(err)
	}
	c.ValidFrom, _ = time.Parse(day, from)
	c.ValidTo, _ = time.Parse(day, to)
	key, err := hex.DecodeString(secret)
	return c, key, err
}

func secretOf(ctx context.Context, q db.Querier, cardID string) ([]byte, error) {
	var secret string
	if err := q.QueryRowContext(ctx, `SELECT secret FROM card_holders WHERE card_id = $1`, cardID).Scan(&secret); err != nil {
		return nil, fmt.Errorf("card: secret: %w", db.MapError(err))
	}
	return hex.DecodeString(secret)
}

// upsertHolder writes one eligible card: a holder already listed keeps
// their card id, number and secret; a new one gets fresh ones. It reports
// whether the card is new.
func upsertHolder(ctx context.Context, tx *sql.Tx, e eligible, importID string) (bool, error) {
	var number int64
	for {
		number = newNumber()
		var taken int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM card_holders WHERE number = $1`, number).Scan(&taken)
		if errors.Is(err, sql.ErrNoRows) {
			break
		}
		if err != nil {
			return false, fmt.Errorf("card: number: %w", err)
		}
	}
	id := db.NewID()
	var got string
	err := tx.QueryRowContext(ctx, `INSERT INTO card_holders (card_id, number, secret, pesel_hash, kind, family_size,
		valid_from, valid_to, import_id, district, birth_year) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
		ON CONFLICT (pesel_hash, kind) DO UPDATE SET family_size = excluded.family_size, valid_from = excluded.valid_from,
		valid_to = excluded.valid_to, import_id = excluded.import_id, district = excluded.district, birth_year = excluded.birth_year
		RETURNING card_id`, id, number, newSecret(), e.PESELHash, string(e.Kind), e.FamilySize,
		e.ValidFrom.Format(day), e.ValidTo.Format(day), importID, e.District, e.BirthYear).Scan(&got)
	if err != nil {
		return false, fmt.Errorf("card: holder: %w", db.MapError(err))
	}
	return got == id, nil
}
