package card

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/card/code"
	"github.com/civitas-city/civitas/internal/db"
)

// Why a check said no. A partner learns only these words and, for a valid
// code, the card's kind: never who holds the card.
const (
	NotACode       = "not_a_code"         // not 15 digits
	UnknownCode    = "unknown_or_expired" // no card made this code in the current or the previous minute
	Replayed       = "already_checked"    // the code was checked before
	NotValidToday  = "card_not_valid"     // the card is outside its validity dates
	codeStepsValid = 2                    // the current step and the one before
)

// CheckResult is what a partner is told.
type CheckResult struct {
	Valid bool `json:"valid"`
	Kind  Kind `json:"kind,omitempty"`
	// Card is the partner's own reference for the card, for its usage
	// events: the same card gets the same reference at the same partner,
	// another at any other.
	Card   string `json:"card,omitempty"`
	Reason string `json:"reason,omitempty"`
}

// Check checks a code a partner's staff or terminal read from a holder's
// card page. A code is accepted once, in its own minute or the next one:
// the check records (card, step) with one insert that fails on a second
// attempt, so two partners checking the same code at once cannot both
// succeed.
func (s *Service) Check(ctx context.Context, partnerID, c string) (CheckResult, error) {
	c = code.Normalize(c)
	if len(c) != code.Digits {
		return CheckResult{Reason: NotACode}, nil
	}
	q := s.stmts.Querier(s.DB, nil)
	now := s.now()
	current := code.StepOf(now)
	for step := current; step > current-codeStepsValid; step-- {
		number, _ := code.Number(s.Key, c, step)
		card, secret, err := cardByNumber(ctx, q, number)
		if apperr.Is(err, apperr.NotFound) {
			continue
		}
		if err != nil {
			return CheckResult{}, fmt.Errorf("card: check: %w", err)
		}
		if !code.Valid(s.Key, secret, number, step, c) {
			continue
		}
		if !card.ValidOn(s.today()) {
			return CheckResult{Reason: NotValidToday}, nil
		}
		// The check and the partner's reference, in a transaction shared
		// with the checks arriving meanwhile (one commit for a burst).
		return s.checkWriter().Do(checkWrite{cardID: card.ID, partnerID: partnerID, kind: card.Kind, step: step, at: db.TS(now)})
	}
	return CheckResult{Reason: UnknownCode}, nil
}

// partnerRef is partnerID's reference for a card, recorded so that the
// partner's usage events can name the card.
func (s *Service) partnerRef(ctx context.Context, q db.Querier, partnerID, cardID string) (string, error) {
	m := hmac.New(sha256.New, s.Key)
	m.Write([]byte("card-ref|" + partnerID + "|" + cardID))
	ref := hex.EncodeToString(m.Sum(nil))[:32]
	if _, err := q.ExecContext(ctx, `INSERT INTO card_partner_refs (partner_id, ref, card_id) VALUES ($1, $2, $3)
		ON CONFLICT (partner_id, ref) DO NOTHING`, partnerID, ref, cardID); err != nil {
		return "", fmt.Errorf("card: partner reference: %w", err)
	}
	return ref, nil
}

// checkWrite is one accepted code to record.
type checkWrite struct {
	cardID, partnerID string
	kind              Kind
	step              int64
	at                time.Time
}

// checkWriter records checks through a group commit: concurrent checks
// share a transaction, and the (card, step) key still lets only the first
// of two checks of one code through, in one batch or across batches.
func (s *Service) checkWriter() *db.GroupCommit[checkWrite, CheckResult] {
	s.checksOnce.Do(func() {
		s.checks = &db.GroupCommit[checkWrite, CheckResult]{DB: s.DB, Write: s.writeChecks}
	})
	return s.checks
}

func (s *Service) writeChecks(ctx context.Context, tx *sql.Tx, batch []checkWrite) ([]CheckResult, error) {
	q := s.stmts.Querier(s.DB, tx)
	out := make([]CheckResult, len(batch))
	for i, c := range batch {
		res, err := q.ExecContext(ctx, `INSERT INTO card_checks (card_id, step, partner_id, checked_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (card_id, step) DO NOTHING`, c.cardID, c.step, c.partnerID, c.at)
		if err != nil {
			return nil, fmt.Errorf("card: record check: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			out[i] = CheckResult{Reason: Replayed}
			continue
		}
		ref, err := s.partnerRef(ctx, q, c.partnerID, c.cardID)
		if err != nil {
			return nil, err
		}
		out[i] = CheckResult{Valid: true, Kind: c.kind, Card: ref}
	}
	// A record older than the accepted window guards nothing any more: the
	// table keeps only the last minutes, so it stays small.
	if _, err := q.ExecContext(ctx, `DELETE FROM card_checks WHERE step < $1`, batch[0].step-keptSteps); err != nil {
		return nil, fmt.Errorf("card: forget old checks: %w", err)
	}
	return out, nil
}

// keptSteps is how many minutes of checks are kept (more than the two a
// code is accepted in, for a clock that steps back a little).
const keptSteps = 10
