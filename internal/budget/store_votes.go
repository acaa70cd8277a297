package budget

import (
	"context"

	"github.com/civitas-city/civitas/internal/db"
)

// The ballots themselves are the ballot box's (internal/ballot); the
// budget only says when an edition's box is open.

// castPhaseSQL runs on the ballot path, prepared by the box.
const castPhaseSQL = `SELECT phase, starts_results FROM pb_editions WHERE id = $1`

// votingEnds reads an edition's phase and the end of its voting.
func votingEnds(ctx context.Context, q db.Querier, editionID string) (Phase, db.NullTime, error) {
	var (
		phase string
		end   db.NullTime
	)
	err := q.QueryRowContext(ctx, castPhaseSQL, editionID).Scan(&phase, &end)
	return Phase(phase), end, err
}
