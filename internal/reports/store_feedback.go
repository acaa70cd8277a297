package reports

import (
	"context"
	"fmt"
	"time"

	"github.com/civitas-city/civitas/internal/db"
)

// The SQL of the reporters' answers to the satisfaction question.

func saveFeedback(ctx context.Context, q db.Querier, caseID string, rating int, comment string, at time.Time) error {
	_, err := q.ExecContext(ctx, `INSERT INTO report_feedback (case_id, rating, comment, answered_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (case_id) DO UPDATE SET rating = excluded.rating, comment = excluded.comment, answered_at = excluded.answered_at`,
		caseID, rating, comment, db.TS(at))
	if err != nil {
		return fmt.Errorf("reports: feedback: %w", db.MapError(err))
	}
	return nil
}

// getFeedback is a case's answer; a case without one is sql.ErrNoRows.
func getFeedback(ctx context.Context, q db.Querier, caseID string) (*Feedback, error) {
	var (
		f  Feedback
		at db.Time
	)
	err := q.QueryRowContext(ctx, `SELECT case_id, rating, comment, answered_at FROM report_feedback WHERE case_id = $1`, caseID).
		Scan(&f.CaseID, &f.Rating, &f.Comment, &at)
	if err != nil {
		return nil, err
	}
	f.AnsweredAt = at.Time
	return &f, nil
}

func listFeedbackAnswers(ctx context.Context, q db.Querier, since time.Time) ([]FeedbackAnswer, error) {
	out, err := db.Query(ctx, q, func(row db.Scanner) (FeedbackAnswer, error) {
		var (
			a  FeedbackAnswer
			at db.Time
		)
		err := row.Scan(&a.Number, &a.Category, &a.District, &a.Unit, &a.Rating, &a.Comment, &at)
		a.AnsweredAt = at.Time
		return a, err
	}, `SELECT c.number, c.category_code, c.district, COALESCE(u.name, ''), f.rating, f.comment, f.answered_at
		FROM report_feedback f JOIN report_cases c ON c.id = f.case_id LEFT JOIN report_units u ON u.id = c.unit_id
		WHERE f.answered_at >= $1 ORDER BY f.answered_at`, db.TS(since))
	if err != nil {
		return nil, fmt.Errorf("reports: feedback answers: %w", err)
	}
	return out, nil
}
