package budget

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/civitas-city/civitas/internal/db"
)

// The SQL of projects: their cost items and supporting signatures.

const projectCols = `p.id, p.edition_id, p.pool_id, p.code, p.author_id, p.title, p.description, p.category, p.address,
	p.lat, p.lon, p.cost, p.cost_final, p.status, p.created_at, p.submitted_at, p.updated_at,
	(SELECT COUNT(*) FROM pb_signatures s WHERE s.project_id = p.id)`

func scanProject(row db.Scanner) (*Project, error) {
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
	p.CostItems, err = db.Query(ctx, q, func(row db.Scanner) (CostItem, error) {
		var it CostItem
		err := row.Scan(&it.Label, &it.Amount)
		return it, err
	}, `SELECT label, amount FROM pb_cost_items WHERE project_id = $1 ORDER BY position`, id)
	if err != nil {
		return nil, fmt.Errorf("budget: cost items: %w", err)
	}
	return p, nil
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
	out, err := db.Query(ctx, q, scanProject, query, args...)
	if err != nil {
		return nil, fmt.Errorf("budget: projects: %w", err)
	}
	return out, nil
}

func setProjectStatus(ctx context.Context, q db.Querier, id, status string, at time.Time) error {
	_, err := q.ExecContext(ctx, `UPDATE pb_projects SET status = $1, updated_at = $2 WHERE id = $3`, status, db.TS(at), id)
	return err
}

func setFinalCost(ctx context.Context, q db.Querier, id string, cost int64) error {
	_, err := q.ExecContext(ctx, `UPDATE pb_projects SET cost_final = $1 WHERE id = $2`, cost, id)
	return err
}

// nextCode is the next public project number of an edition. The UNIQUE
// constraint settles two submissions racing for it (one fails, the author
// retries); SQLite serialises writers anyway.
func nextCode(ctx context.Context, q db.Querier, editionID string) (string, error) {
	codes, err := queryStrings(ctx, q, `SELECT code FROM pb_projects WHERE edition_id = $1 AND code IS NOT NULL`, editionID)
	if err != nil {
		return "", err
	}
	hi := 0
	for _, c := range codes {
		if n, err := strconv.Atoi(c); err == nil && n > hi {
			hi = n
		}
	}
	return strconv.Itoa(hi + 1), nil
}

func deleteProject(ctx context.Context, q db.Querier, id string) error {
	_, err := q.ExecContext(ctx, `DELETE FROM pb_projects WHERE id = $1`, id)
	return err
}

// addSignature records a person's signature (again is no change) and
// submits the project once it has needed signatures.
func addSignature(ctx context.Context, q db.Querier, projectID, voter, userID string, needed int, at time.Time) error {
	if _, err := q.ExecContext(ctx, `INSERT INTO pb_signatures (project_id, voter_key, user_id, at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (project_id, voter_key) DO NOTHING`, projectID, voter, userID, db.TS(at)); err != nil {
		return fmt.Errorf("budget: sign: %w", err)
	}
	_, err := q.ExecContext(ctx, `UPDATE pb_projects SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4
		AND (SELECT COUNT(*) FROM pb_signatures WHERE project_id = $3) >= $5`,
		StatusSubmitted, db.TS(at), projectID, StatusCollecting, needed)
	return err
}

func hasSigned(ctx context.Context, q db.Querier, projectID, userID string) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM pb_signatures WHERE project_id = $1 AND user_id = $2`, projectID, userID).Scan(&n)
	return n > 0, err
}
