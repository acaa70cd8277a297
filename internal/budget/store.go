package budget

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/civitas-city/civitas/internal/db"
)

// The SQL of editions, pools and projects. Every function takes a
// db.Querier, so it runs inside or outside a transaction.

const editionCols = `id, slug, kind, title, description, school, phase, auto_phases,
	starts_submission, starts_review, starts_appeals, starts_voting, starts_results, starts_realization,
	min_age, pool_policy, allow_change, paper_policy, double_key, signatures, max_cost, categories, source,
	created_at, updated_at`

type scanner interface{ Scan(dest ...any) error }

func scanEdition(row scanner) (*Edition, error) {
	var (
		e            Edition
		starts       [6]db.NullTime
		cats         string
		created, upd db.Time
	)
	err := row.Scan(&e.ID, &e.Slug, &e.Kind, &e.Title, &e.Description, &e.School, &e.Phase, &e.AutoPhases,
		&starts[0], &starts[1], &starts[2], &starts[3], &starts[4], &starts[5],
		&e.MinAge, &e.PoolPolicy, &e.AllowChange, &e.PaperPolicy, &e.DoubleKey, &e.Signatures, &e.MaxCost, &cats, &e.Source,
		&created, &upd)
	if err != nil {
		return nil, db.MapError(err)
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
		e.MaxCost, strings.Join(e.Categories, "\n"), e.Source, db.TS(e.CreatedAt), db.TS(e.UpdatedAt))
	_, err := q.ExecContext(ctx, `INSERT INTO pb_editions (`+editionCols+`) VALUES
		($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25)`, args...)
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
		e.MaxCost, strings.Join(e.Categories, "\n"), db.TS(e.UpdatedAt))
	_, err := q.ExecContext(ctx, `UPDATE pb_editions SET slug = $2, kind = $3, title = $4, description = $5, school = $6,
		auto_phases = $7, starts_submission = $8, starts_review = $9, starts_appeals = $10, starts_voting = $11,
		starts_results = $12, starts_realization = $13, min_age = $14, pool_policy = $15, allow_change = $16,
		paper_policy = $17, double_key = $18, signatures = $19, max_cost = $20, categories = $21, updated_at = $22
		WHERE id = $1`, args...)
	if err != nil {
		return fmt.Errorf("budget: update edition: %w", db.MapError(err))
	}
	return nil
}

const poolCols = `id, edition_id, slug, name, district, amount, ballot, min_choices, max_choices, points, max_points,
	max_per_project, rule, threshold, position`

func scanPool(row scanner) (Pool, error) {
	var (
		p      Pool
		points string
	)
	err := row.Scan(&p.ID, &p.EditionID, &p.Slug, &p.Name, &p.District, &p.Amount, &p.Ballot, &p.MinChoices, &p.MaxChoices,
		&points, &p.MaxPoints, &p.MaxPerProject, &p.Rule, &p.Threshold, &p.Position)
	p.Points = splitInts(points)
	return p, db.MapError(err)
}

func insertPool(ctx context.Context, q db.Querier, p *Pool) error {
	_, err := q.ExecContext(ctx, `INSERT INTO pb_pools (`+poolCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
		p.ID, p.EditionID, p.Slug, p.Name, p.District, p.Amount, string(p.Ballot), p.MinChoices, p.MaxChoices,
		joinInts(p.Points), p.MaxPoints, p.MaxPerProject, p.Rule, p.Threshold, p.Position)
	if err != nil {
		return fmt.Errorf("budget: insert pool: %w", db.MapError(err))
	}
	return nil
}

func updatePool(ctx context.Context, q db.Querier, p *Pool) error {
	_, err := q.ExecContext(ctx, `UPDATE pb_pools SET name = $2, district = $3, amount = $4, ballot = $5, min_choices = $6,
		max_choices = $7, points = $8, max_points = $9, max_per_project = $10, rule = $11, threshold = $12, position = $13
		WHERE id = $1`,
		p.ID, p.Name, p.District, p.Amount, string(p.Ballot), p.MinChoices, p.MaxChoices, joinInts(p.Points), p.MaxPoints,
		p.MaxPerProject, p.Rule, p.Threshold, p.Position)
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
	rows, err := q.QueryContext(ctx, `SELECT `+poolCols+` FROM pb_pools WHERE edition_id = $1 ORDER BY position, slug`, e.ID)
	if err != nil {
		return nil, fmt.Errorf("budget: pools: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		p, err := scanPool(rows)
		if err != nil {
			return nil, err
		}
		e.Pools = append(e.Pools, p)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	e.Coordinators, err = queryStrings(ctx, q, `SELECT user_id FROM pb_coordinators WHERE edition_id = $1 ORDER BY user_id`, e.ID)
	return e, err
}

func queryStrings(ctx context.Context, q db.Querier, query string, args ...any) ([]string, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("budget: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

func listEditions(ctx context.Context, q db.Querier) ([]*Edition, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+editionCols+` FROM pb_editions ORDER BY created_at DESC, id DESC`)
	if err != nil {
		return nil, fmt.Errorf("budget: editions: %w", err)
	}
	defer rows.Close()
	var out []*Edition
	for rows.Next() {
		e, err := scanEdition(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

const projectCols = `p.id, p.edition_id, p.pool_id, p.code, p.author_id, p.title, p.description, p.category, p.address,
	p.lat, p.lon, p.cost, p.cost_final, p.status, p.created_at, p.submitted_at, p.updated_at,
	(SELECT COUNT(*) FROM pb_signatures s WHERE s.project_id = p.id)`

func scanProject(row scanner) (*Project, error) {
	var (
		p            Project
		code, author sql.NullString
		lat, lon     sql.NullFloat64
		final        sql.NullInt64
		created, upd db.Time
		submitted    db.NullTime
	)
	err := row.Scan(&p.ID, &p.EditionID, &p.PoolID, &code, &author, &p.Title, &p.Description, &p.Category, &p.Address,
		&lat, &lon, &p.Cost, &final, &p.Status, &created, &submitted, &upd, &p.Signatures)
	if err != nil {
		return nil, db.MapError(err)
	}
	p.Code, p.AuthorID = code.String, author.String
	p.HasPoint, p.Lat, p.Lon = lat.Valid && lon.Valid, lat.Float64, lon.Float64
	p.CostFinal = final.Int64
	p.CreatedAt, p.SubmittedAt, p.UpdatedAt = created.Time, submitted.Time, upd.Time
	return &p, nil
}

func pointArgs(p *Project) (any, any) {
	if !p.HasPoint {
		return nil, nil
	}
	return p.Lat, p.Lon
}

func insertProject(ctx context.Context, q db.Querier, p *Project) error {
	lat, lon := pointArgs(p)
	var final any
	if p.CostFinal > 0 {
		final = p.CostFinal
	}
	_, err := q.ExecContext(ctx, `INSERT INTO pb_projects (id, edition_id, pool_id, code, author_id, title, description,
		category, address, lat, lon, cost, cost_final, status, created_at, submitted_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
		p.ID, p.EditionID, p.PoolID, db.Null(p.Code), db.Null(p.AuthorID), p.Title, p.Description, p.Category, p.Address,
		lat, lon, p.Cost, final, p.Status, db.TS(p.CreatedAt), db.NullTimeOf(p.SubmittedAt), db.TS(p.UpdatedAt))
	if err != nil {
		return fmt.Errorf("budget: insert project: %w", db.MapError(err))
	}
	return writeCostItems(ctx, q, p)
}

func writeCostItems(ctx context.Context, q db.Querier, p *Project) error {
	if _, err := q.ExecContext(ctx, `DELETE FROM pb_cost_items WHERE project_id = $1`, p.ID); err != nil {
		return fmt.Errorf("budget: cost items: %w", err)
	}
	for i, it := range p.CostItems {
		if _, err := q.ExecContext(ctx, `INSERT INTO pb_cost_items (project_id, position, label, amount) VALUES ($1, $2, $3, $4)`,
			p.ID, i, it.Label, it.Amount); err != nil {
			return fmt.Errorf("budget: cost items: %w", err)
		}
	}
	return nil
}

func loadProject(ctx context.Context, q db.Querier, id string) (*Project, error) {
	p, err := scanProject(q.QueryRowContext(ctx, `SELECT `+projectCols+` FROM pb_projects p WHERE p.id = $1`, id))
	if err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, `SELECT label, amount FROM pb_cost_items WHERE project_id = $1 ORDER BY position`, id)
	if err != nil {
		return nil, fmt.Errorf("budget: cost items: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var it CostItem
		if err := rows.Scan(&it.Label, &it.Amount); err != nil {
			return nil, err
		}
		p.CostItems = append(p.CostItems, it)
	}
	return p, rows.Err()
}

// ProjectFilter narrows a project list. Zero values mean "any".
type ProjectFilter struct {
	EditionID string
	PoolID    string
	Status    []string
	Category  string
	AuthorID  string
	// Public leaves drafts out.
	Public bool
	Query  string
	Limit  int
}

func listProjects(ctx context.Context, q db.Querier, f ProjectFilter) ([]*Project, error) {
	var (
		where []string
		args  []any
	)
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	if f.EditionID != "" {
		where = append(where, "p.edition_id = "+arg(f.EditionID))
	}
	if f.PoolID != "" {
		where = append(where, "p.pool_id = "+arg(f.PoolID))
	}
	if len(f.Status) > 0 {
		var in []string
		for _, s := range f.Status {
			in = append(in, arg(s))
		}
		where = append(where, "p.status IN ("+strings.Join(in, ", ")+")")
	}
	if f.Category != "" {
		where = append(where, "p.category = "+arg(f.Category))
	}
	if f.AuthorID != "" {
		where = append(where, "p.author_id = "+arg(f.AuthorID))
	}
	if f.Public {
		where = append(where, "p.status <> "+arg(StatusDraft))
	}
	if f.Query != "" {
		like := "%" + strings.ToLower(f.Query) + "%"
		where = append(where, "(lower(p.title) LIKE "+arg(like)+" OR lower(COALESCE(p.code, '')) LIKE "+arg(like)+")")
	}
	query := `SELECT ` + projectCols + ` FROM pb_projects p`
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	query += ` ORDER BY p.created_at, p.id`
	if f.Limit > 0 {
		query += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("budget: projects: %w", err)
	}
	defer rows.Close()
	var out []*Project
	for rows.Next() {
		p, err := scanProject(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
