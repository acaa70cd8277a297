package budget

import (
	"context"
	"fmt"
	"time"

	"github.com/civitas-city/civitas/internal/db"
)

// The SQL of the realization of winning projects and their milestones.

func startRealization(ctx context.Context, q db.Querier, projectID, by string, now time.Time) error {
	_, err := q.ExecContext(ctx, `INSERT INTO pb_realization (project_id, status, progress, updated_by, updated_at) VALUES ($1, $2, 0, $3, $4)
		ON CONFLICT (project_id) DO NOTHING`, projectID, RealPlanned, by, db.TS(now))
	return err
}

// getRealization reads a project's realization with its milestones;
// NotFound when there is none.
func getRealization(ctx context.Context, q db.Querier, projectID string) (*Realization, error) {
	var (
		r  Realization
		at db.Time
	)
	err := q.QueryRowContext(ctx, `SELECT project_id, status, progress, note, updated_by, updated_at FROM pb_realization WHERE project_id = $1`,
		projectID).Scan(&r.ProjectID, &r.Status, &r.Progress, &r.Note, &r.UpdatedBy, &at)
	if err != nil {
		return nil, db.MapError(err)
	}
	r.UpdatedAt = at.Time
	r.Milestones, err = db.Query(ctx, q, func(row db.Scanner) (Milestone, error) {
		var (
			m    Milestone
			done db.NullTime
		)
		err := row.Scan(&m.ID, &m.Title, &m.Due, &done)
		m.DoneAt = done.Time
		return m, err
	}, `SELECT id, title, due, done_at FROM pb_milestones WHERE project_id = $1 ORDER BY position, id`, projectID)
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// isWinner reports whether a project was selected in a counted pool or
// has a realization (an approved local initiative).
func isWinner(ctx context.Context, q db.Querier, projectID string) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM pb_project_results WHERE project_id = $1 AND selected = TRUE)
		+ (SELECT COUNT(*) FROM pb_realization WHERE project_id = $1)`, projectID).Scan(&n)
	return n > 0, err
}

func saveRealization(ctx context.Context, q db.Querier, projectID, status string, progress int, note, by string, at time.Time) error {
	if _, err := q.ExecContext(ctx, `INSERT INTO pb_realization (project_id, status, progress, note, updated_by, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (project_id) DO UPDATE SET status = excluded.status, progress = excluded.progress,
		note = excluded.note, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
		projectID, status, progress, note, by, db.TS(at)); err != nil {
		return fmt.Errorf("budget: realization: %w", err)
	}
	return nil
}

// addMilestone adds a milestone after a project's others.
func addMilestone(ctx context.Context, q db.Querier, projectID, title, due string) error {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM pb_milestones WHERE project_id = $1`, projectID).Scan(&n); err != nil {
		return err
	}
	_, err := q.ExecContext(ctx, `INSERT INTO pb_milestones (id, project_id, title, due, position) VALUES ($1, $2, $3, $4, $5)`,
		db.NewID(), projectID, title, due, n)
	return err
}

// completeMilestone marks a milestone of a project reached; false when
// there is no such milestone still open.
func completeMilestone(ctx context.Context, q db.Querier, projectID, id string, at time.Time) (bool, error) {
	res, err := q.ExecContext(ctx, `UPDATE pb_milestones SET done_at = $1 WHERE id = $2 AND project_id = $3 AND done_at IS NULL`,
		db.TS(at), id, projectID)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}
