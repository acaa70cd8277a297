package budget

import (
	"context"
	"fmt"
	"github.com/civitas-city/civitas/internal/i18n"
	"strings"
	"time"

	"github.com/civitas-city/civitas/internal/ballot"
	"github.com/civitas-city/civitas/internal/db"
)

// The SQL of editions, their pools, coordinators and school rosters. The
// module's SQL lives in the store*.go files; every function takes a
// db.Querier, so it runs inside or outside a transaction.

const editionCols = `id, slug, kind, title, description, school, phase, auto_phases,
	starts_submission, starts_review, starts_appeals, starts_voting, starts_results, starts_realization,
	min_age, pool_policy, allow_change, paper_policy, double_key, signatures, max_cost, categories, source,
	created_at, updated_at, versions`

func scanEdition(row db.Scanner) (*Edition, error) {
	var (
		e            Edition
		starts       [6]db.NullTime
		cats         string
		created, upd db.Time
		versions     string
	)
	err := row.Scan(&e.ID, &e.Slug, &e.Kind, &e.Title, &e.Description, &e.School, &e.Phase, &e.AutoPhases,
		&starts[0], &starts[1], &starts[2], &starts[3], &starts[4], &starts[5],
		&e.MinAge, &e.PoolPolicy, &e.AllowChange, &e.PaperPolicy, &e.DoubleKey, &e.Signatures, &e.MaxCost, &cats, &e.Source,
		&created, &upd, &versions)
	if err != nil {
		return nil, db.MapError(err)
	}
	if e.Versions, err = i18n.ParseVersions(versions); err != nil {
		return nil, fmt.Errorf("budget: edition %s: versions: %w", e.ID, err)
	}
	e.Starts = map[Phase]time.Time{}
	for i, p := range ScheduledPhases {
		if starts[i].Valid {
			e.Starts[p] = starts[i].Time
		}
	}
	if cats != "" {
		e.Categories = strings.Split(cats, "\n")
	}
	e.CreatedAt, e.UpdatedAt = created.Time, upd.Time
	return &e, nil
}

func startsArgs(e *Edition) []any {
	out := make([]any, len(ScheduledPhases))
	for i, p := range ScheduledPhases {
		out[i] = db.NullTimeOf(e.Starts[p])
	}
	return out
}

func insertEdition(ctx context.Context, q db.Querier, e *Edition) error {
	args := []any{e.ID, e.Slug, string(e.Kind), e.Title, e.Description, e.School, string(e.Phase), e.AutoPhases}
	args = append(args, startsArgs(e)...)
	args = append(args, e.MinAge, string(e.PoolPolicy), e.AllowChange, string(e.PaperPolicy), e.DoubleKey, e.Signatures,
		e.MaxCost, strings.Join(e.Categories, "\n"), e.Source, db.TS(e.CreatedAt), db.TS(e.UpdatedAt), e.Versions.JSON())
	_, err := q.ExecContext(ctx, `INSERT INTO pb_editions (`+editionCols+`) VALUES
		($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26)`, args...)
	if err != nil {
		return fmt.Errorf("budget: insert edition: %w", db.MapError(err))
	}
	return nil
}

// updateEditionSettings writes everything but the phase.
func updateEditionSettings(ctx context.Context, q db.Querier, e *Edition) error {
	args := []any{e.ID, e.Slug, string(e.Kind), e.Title, e.Description, e.School, e.AutoPhases}
	args = append(args, startsArgs(e)...)
	args = append(args, e.MinAge, string(e.PoolPolicy), e.AllowChange, string(e.PaperPolicy), e.DoubleKey, e.Signatures,
		e.MaxCost, strings.Join(e.Categories, "\n"), db.TS(e.UpdatedAt), e.Versions.JSON())
	_, err := q.ExecContext(ctx, `UPDATE pb_editions SET slug = $2, kind = $3, title = $4, description = $5, school = $6,
		auto_phases = $7, starts_submission = $8, starts_review = $9, starts_appeals = $10, starts_voting = $11,
		starts_results = $12, starts_realization = $13, min_age = $14, pool_policy = $15, allow_change = $16,
		paper_policy = $17, double_key = $18, signatures = $19, max_cost = $20, categories = $21, updated_at = $22,
		versions = $23
		WHERE id = $1`, args...)
	if err != nil {
		return fmt.Errorf("budget: update edition: %w", db.MapError(err))
	}
	return nil
}

const poolCols = `id, edition_id, slug, name, district, amount, ballot, min_choices, max_choices, points, max_points,
	max_per_project, rule, threshold, position, versions`

func scanPool(row db.Scanner) (Pool, error) {
	var (
		p                Pool
		points, versions string
	)
	err := row.Scan(&p.ID, &p.EditionID, &p.Slug, &p.Name, &p.District, &p.Amount, &p.Ballot, &p.MinChoices, &p.MaxChoices,
		&points, &p.MaxPoints, &p.MaxPerProject, &p.Rule, &p.Threshold, &p.Position, &versions)
	if err != nil {
		return p, db.MapError(err)
	}
	p.Points = ballot.SplitInts(points)
	if p.Versions, err = i18n.ParseVersions(versions); err != nil {
		return p, fmt.Errorf("budget: pool %s: versions: %w", p.ID, err)
	}
	return p, nil
}

func insertPool(ctx context.Context, q db.Querier, p *Pool) error {
	_, err := q.ExecContext(ctx, `INSERT INTO pb_pools (`+poolCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
		p.ID, p.EditionID, p.Slug, p.Name, p.District, p.Amount, string(p.Ballot), p.MinChoices, p.MaxChoices,
		ballot.JoinInts(p.Points), p.MaxPoints, p.MaxPerProject, p.Rule, p.Threshold, p.Position, p.Versions.JSON())
	if err != nil {
		return fmt.Errorf("budget: insert pool: %w", db.MapError(err))
	}
	return nil
}

func updatePool(ctx context.Context, q db.Querier, p *Pool) error {
	_, err := q.ExecContext(ctx, `UPDATE pb_pools SET name = $2, district = $3, amount = $4, ballot = $5, min_choices = $6,
		max_choices = $7, points = $8, max_points = $9, max_per_project = $10, rule = $11, threshold = $12, position = $13,
		versions = $14
		WHERE id = $1`,
		p.ID, p.Name, p.District, p.Amount, string(p.Ballot), p.MinChoices, p.MaxChoices, ballot.JoinInts(p.Points), p.MaxPoints,
		p.MaxPerProject, p.Rule, p.Threshold, p.Position, p.Versions.JSON())
	if err != nil {
		return fmt.Errorf("budget: update pool: %w", db.MapError(err))
	}
	return nil
}

// loadEdition reads an edition with its pools and coordinators, by slug
// or id.
func loadEdition(ctx context.Context, q db.Querier, where string, arg string) (*Edition, error) {
	e, err := scanEdition(q.QueryRowContext(ctx, `SELECT `+editionCols+` FROM pb_editions WHERE `+where+` = $1`, arg))
	if err != nil {
		return nil, err
	}
	if e.Pools, err = db.Query(ctx, q, scanPool, `SELECT `+poolCols+` FROM pb_pools WHERE edition_id = $1 ORDER BY position, slug`, e.ID); err != nil {
		return nil, fmt.Errorf("budget: pools: %w", err)
	}
	e.Coordinators, err = queryStrings(ctx, q, `SELECT user_id FROM pb_coordinators WHERE edition_id = $1 ORDER BY user_id`, e.ID)
	return e, err
}

// queryStrings lists the values of a one-column query.
func queryStrings(ctx context.Context, q db.Querier, query string, args ...any) ([]string, error) {
	out, err := db.Query(ctx, q, db.Value[string], query, args...)
	if err != nil {
		return nil, fmt.Errorf("budget: %w", err)
	}
	return out, nil
}

func listEditions(ctx context.Context, q db.Querier) ([]*Edition, error) {
	out, err := db.Query(ctx, q, scanEdition, `SELECT `+editionCols+` FROM pb_editions ORDER BY created_at DESC, id DESC`)
	if err != nil {
		return nil, fmt.Errorf("budget: editions: %w", err)
	}
	return out, nil
}

func onRoster(ctx context.Context, q db.Querier, editionID, userID string) (bool, error) {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM pb_roster WHERE edition_id = $1 AND user_id = $2`,
		editionID, userID).Scan(&n); err != nil {
		return false, fmt.Errorf("budget: roster: %w", err)
	}
	return n > 0, nil
}

func addToRoster(ctx context.Context, q db.Querier, editionID, userID, by string, at time.Time) error {
	if _, err := q.ExecContext(ctx, `INSERT INTO pb_roster (edition_id, user_id, added_by, added_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (edition_id, user_id) DO NOTHING`, editionID, userID, by, db.TS(at)); err != nil {
		return fmt.Errorf("budget: roster: %w", err)
	}
	return nil
}

func rosterIDs(ctx context.Context, q db.Querier, editionID string) ([]string, error) {
	return queryStrings(ctx, q, `SELECT user_id FROM pb_roster WHERE edition_id = $1 ORDER BY added_at, user_id`, editionID)
}

func writeCoordinators(ctx context.Context, q db.Querier, e *Edition) error {
	if _, err := q.ExecContext(ctx, `DELETE FROM pb_coordinators WHERE edition_id = $1`, e.ID); err != nil {
		return fmt.Errorf("budget: coordinators: %w", err)
	}
	seen := map[string]bool{}
	for _, id := range e.Coordinators {
		if id == "" || seen[id] {
			continue
		}
		seen[id] = true
		if _, err := q.ExecContext(ctx, `INSERT INTO pb_coordinators (edition_id, user_id) VALUES ($1, $2)`, e.ID, id); err != nil {
			return fmt.Errorf("budget: coordinators: %w", err)
		}
	}
	return nil
}

// poolInUse reports whether a pool has projects, ballots or participations.
func (s *Service) poolInUse(ctx context.Context, q db.Querier, poolID string) (bool, error) {
	n, err := db.Value[int](q.QueryRowContext(ctx, `SELECT COUNT(*) FROM pb_projects WHERE pool_id = $1`, poolID))
	if err != nil || n > 0 {
		return n > 0, err
	}
	return s.ballots().PoolUsed(ctx, q, poolID)
}

func deletePool(ctx context.Context, q db.Querier, id string) error {
	if _, err := q.ExecContext(ctx, `DELETE FROM pb_pools WHERE id = $1`, id); err != nil {
		return fmt.Errorf("budget: delete pool: %w", err)
	}
	return nil
}

func setEditionPhase(ctx context.Context, q db.Querier, id string, phase Phase, at time.Time) error {
	if _, err := q.ExecContext(ctx, `UPDATE pb_editions SET phase = $1, updated_at = $2 WHERE id = $3`,
		string(phase), db.TS(at), id); err != nil {
		return fmt.Errorf("budget: set phase: %w", err)
	}
	return nil
}
