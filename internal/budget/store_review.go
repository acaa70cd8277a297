package budget

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/civitas-city/civitas/internal/db"
)

// The SQL of the review of projects and of the authors' appeals.

const appealCols = `id, project_id, body, filed_at, outcome, reasons, decided_by, decided_at`

func scanAppeal(row db.Scanner) (*Appeal, error) {
	var (
		ap      Appeal
		filed   db.Time
		decided db.NullTime
	)
	if err := row.Scan(&ap.ID, &ap.ProjectID, &ap.Body, &filed, &ap.Outcome, &ap.Reasons, &ap.DecidedBy, &decided); err != nil {
		return nil, db.MapError(err)
	}
	ap.FiledAt, ap.DecidedAt = filed.Time, decided.Time
	return &ap, nil
}

// insertReview stores a review decision; costAfter 0 is no correction.
func insertReview(ctx context.Context, q db.Querier, projectID, stage, outcome, reasons string, costBefore, costAfter int64, officerID string, at time.Time) error {
	var after any
	if costAfter > 0 {
		after = costAfter
	}
	if _, err := q.ExecContext(ctx, `INSERT INTO pb_reviews (id, project_id, stage, outcome, reasons, cost_before, cost_after, officer_id, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		db.NewID(), projectID, stage, outcome, reasons, costBefore, after, officerID, db.TS(at)); err != nil {
		return fmt.Errorf("budget: review: %w", err)
	}
	return nil
}

// latestOutcomes maps each review stage of a project to its latest
// outcome.
func latestOutcomes(ctx context.Context, q db.Querier, projectID string) (map[string]string, error) {
	latest := map[string]string{}
	err := db.Each(ctx, q, func(row db.Scanner) error {
		var stage, outcome string
		err := row.Scan(&stage, &outcome)
		latest[stage] = outcome
		return err
	}, `SELECT stage, outcome FROM pb_reviews WHERE project_id = $1 ORDER BY at, id`, projectID)
	return latest, err
}

func listReviews(ctx context.Context, q db.Querier, projectID string) ([]Review, error) {
	out, err := db.Query(ctx, q, func(row db.Scanner) (Review, error) {
		var (
			r     Review
			after sql.NullInt64
			at    db.Time
		)
		err := row.Scan(&r.ID, &r.Stage, &r.Outcome, &r.Reasons, &r.CostBefore, &after, &r.OfficerID, &at)
		r.CostAfter, r.At = after.Int64, at.Time
		return r, err
	}, `SELECT id, stage, outcome, reasons, cost_before, cost_after, officer_id, at
		FROM pb_reviews WHERE project_id = $1 ORDER BY at, id`, projectID)
	if err != nil {
		return nil, fmt.Errorf("budget: reviews: %w", err)
	}
	return out, nil
}

func insertAppeal(ctx context.Context, q db.Querier, id, projectID, authorID, body string, at time.Time) error {
	if _, err := q.ExecContext(ctx, `INSERT INTO pb_appeals (id, project_id, author_id, body, filed_at) VALUES ($1, $2, $3, $4, $5)`,
		id, projectID, authorID, body, db.TS(at)); err != nil {
		return fmt.Errorf("budget: appeal: %w", err)
	}
	return nil
}

// decideAppeal records the decision on a pending appeal; false when it
// was decided meanwhile.
func decideAppeal(ctx context.Context, q db.Querier, id, outcome, reasons, officerID string, at time.Time) (bool, error) {
	res, err := q.ExecContext(ctx, `UPDATE pb_appeals SET outcome = $1, reasons = $2, decided_by = $3, decided_at = $4
		WHERE id = $5 AND outcome = ''`, outcome, reasons, officerID, db.TS(at), id)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

func getAppeal(ctx context.Context, q db.Querier, id string) (*Appeal, error) {
	return scanAppeal(q.QueryRowContext(ctx, `SELECT `+appealCols+` FROM pb_appeals WHERE id = $1`, id))
}

func listAppeals(ctx context.Context, q db.Querier, projectID string) ([]*Appeal, error) {
	out, err := db.Query(ctx, q, scanAppeal, `SELECT `+appealCols+` FROM pb_appeals WHERE project_id = $1 ORDER BY filed_at, id`, projectID)
	if err != nil {
		return nil, fmt.Errorf("budget: appeals: %w", err)
	}
	return out, nil
}
