package budget

import (
	"context"

	"github.com/civitas-city/civitas/internal/ballot"
)

// Integrity is the check of an edition's vote (ballot.Integrity).
type Integrity = ballot.Integrity

// CheckIntegrity checks an edition's participations against its ballots.
func (s *Service) CheckIntegrity(ctx context.Context, editionID string) (Integrity, error) {
	return s.ballots().CheckIntegrity(ctx, editionID)
}
