package budget

import (
	"context"
	"database/sql"
	"strings"

	"github.com/civitas-city/civitas/internal/apperr"
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
		if err := addToRoster(ctx, tx, e.ID, userID, a.ID, s.now()); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "budget.roster.add", "pb_edition", e.ID, map[string]string{"user": userID})
	})
}

// Roster lists a school edition's pupils.
func (s *Service) Roster(ctx context.Context, editionID string) ([]Pupil, error) {
	ids, err := rosterIDs(ctx, s.DB, editionID)
	if err != nil {
		return nil, err
	}
	out := make([]Pupil, len(ids))
	for i, id := range ids {
		out[i] = Pupil{UserID: id, Name: s.contact(ctx, id).Name}
	}
	return out, nil
}
