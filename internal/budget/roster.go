package budget

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/db"
)

// A school's budget is voted by its pupils: the coordinator puts their
// accounts on the edition's roster, by email.

// Pupil is one account on a roster.
type Pupil struct {
	UserID string
	Name   string
}

// AddToRoster puts the account with email on a school edition's roster.
func (s *Service) AddToRoster(ctx context.Context, a Actor, editionID, email string) error {
	e, err := s.EditionByID(ctx, editionID)
	if err != nil {
		return err
	}
	if err := s.mustManage(e, a); err != nil {
		return err
	}
	if e.Kind != KindSchool {
		return apperr.Fieldf("email", "budget.roster.error.not_school")
	}
	email = strings.TrimSpace(email)
	if s.People == nil || email == "" {
		return apperr.Fieldf("email", "budget.roster.error.unknown")
	}
	userID, err := s.People.UserByEmail(ctx, email)
	if apperr.Is(err, apperr.NotFound) {
		return apperr.Fieldf("email", "budget.roster.error.unknown")
	}
	if err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO pb_roster (edition_id, user_id, added_by, added_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (edition_id, user_id) DO NOTHING`, e.ID, userID, a.ID, db.TS(s.now())); err != nil {
			return fmt.Errorf("budget: roster: %w", err)
		}
		return s.record(ctx, tx, a, "budget.roster.add", "pb_edition", e.ID, map[string]string{"user": userID})
	})
}

// Roster lists a school edition's pupils.
func (s *Service) Roster(ctx context.Context, editionID string) ([]Pupil, error) {
	ids, err := queryStrings(ctx, s.DB, `SELECT user_id FROM pb_roster WHERE edition_id = $1 ORDER BY added_at, user_id`, editionID)
	if err != nil {
		return nil, err
	}
	out := make([]Pupil, len(ids))
	for i, id := range ids {
		out[i] = Pupil{UserID: id, Name: s.contact(ctx, id).Name}
	}
	return out, nil
}
