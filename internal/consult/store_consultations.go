package consult

import (
	"context"
	"fmt"
	"github.com/civitas-city/civitas/internal/i18n"
	"strings"

	"github.com/civitas-city/civitas/internal/db"
)

// The SQL of consultations, their phases and their documents.

const consultationCols = `id, title, summary, district, status, moderation, verified_only, report, report_published_at,
	created_by, created_at, updated_at, versions`

func scanConsultation(sc db.Scanner) (Consultation, error) {
	var (
		c                  Consultation
		status, moderation string
		published          db.NullTime
		created, updated   db.Time
		versions           string
	)
	err := sc.Scan(&c.ID, &c.Title, &c.Summary, &c.District, &status, &moderation, &c.VerifiedOnly, &c.Report, &published,
		&c.CreatedBy, &created, &updated, &versions)
	if err != nil {
		return c, err
	}
	c.Status, c.Moderation = Status(status), Moderation(moderation)
	c.ReportPublishedAt, c.CreatedAt, c.UpdatedAt = published.Time, created.Time, updated.Time
	if c.Versions, err = i18n.ParseVersions(versions); err != nil {
		return c, fmt.Errorf("consult: consultation %s: versions: %w", c.ID, err)
	}
	return c, nil
}

func insertConsultation(ctx context.Context, q db.Querier, c *Consultation) error {
	_, err := q.ExecContext(ctx, `INSERT INTO consult_consultations (`+consultationCols+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		c.ID, c.Title, c.Summary, c.District, string(c.Status), string(c.Moderation), c.VerifiedOnly, c.Report,
		db.NullTimeOf(c.ReportPublishedAt), c.CreatedBy, db.TS(c.CreatedAt), db.TS(c.UpdatedAt), c.Versions.JSON())
	if err != nil {
		return fmt.Errorf("consult: insert consultation: %w", db.MapError(err))
	}
	return nil
}

func updateConsultation(ctx context.Context, q db.Querier, c *Consultation) error {
	res, err := q.ExecContext(ctx, `UPDATE consult_consultations SET title = $1, summary = $2, district = $3, status = $4,
		moderation = $5, verified_only = $6, report = $7, report_published_at = $8, updated_at = $9, versions = $11 WHERE id = $10`,
		c.Title, c.Summary, c.District, string(c.Status), string(c.Moderation), c.VerifiedOnly, c.Report,
		db.NullTimeOf(c.ReportPublishedAt), db.TS(c.UpdatedAt), c.ID, c.Versions.JSON())
	if err != nil {
		return fmt.Errorf("consult: update consultation: %w", db.MapError(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

func getConsultation(ctx context.Context, q db.Querier, id string) (Consultation, error) {
	c, err := scanConsultation(q.QueryRowContext(ctx, `SELECT `+consultationCols+` FROM consult_consultations WHERE id = $1`, id))
	if err != nil {
		return c, notFound(err, "get consultation", ErrNotFound)
	}
	return c, nil
}

// ListFilter narrows the list of consultations.
type ListFilter struct {
	// Public lists only what residents may see (not drafts).
	Public bool
	Status Status
	// District, when > 0, lists that district's consultations and the
	// city-wide ones.
	District int
}

func listConsultations(ctx context.Context, q db.Querier, f ListFilter) ([]Consultation, error) {
	var (
		where []string
		args  []any
	)
	if f.Public {
		where = append(where, "status <> 'draft'")
	}
	if f.Status != "" {
		args = append(args, string(f.Status))
		where = append(where, fmt.Sprintf("status = $%d", len(args)))
	}
	if f.District > 0 {
		args = append(args, f.District)
		where = append(where, fmt.Sprintf("district IN (0, $%d)", len(args)))
	}
	query := `SELECT ` + consultationCols + ` FROM consult_consultations`
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	// Open first, then closed, then drafts; newest first within each.
	query += ` ORDER BY CASE status WHEN 'open' THEN 0 WHEN 'closed' THEN 1 ELSE 2 END, created_at DESC, id DESC`
	out, err := db.Query(ctx, q, scanConsultation, query, args...)
	if err != nil {
		return nil, fmt.Errorf("consult: list consultations: %w", err)
	}
	return out, nil
}

func insertPhase(ctx context.Context, q db.Querier, p *Phase) error {
	_, err := q.ExecContext(ctx, `INSERT INTO consult_phases (id, consultation_id, title, description, starts_at, ends_at, versions)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, p.ID, p.ConsultationID, p.Title, p.Description, db.TS(p.StartsAt), db.TS(p.EndsAt),
		p.Versions.JSON())
	if err != nil {
		return fmt.Errorf("consult: insert phase: %w", db.MapError(err))
	}
	return nil
}

func deletePhase(ctx context.Context, q db.Querier, consultationID, id string) error {
	res, err := q.ExecContext(ctx, `DELETE FROM consult_phases WHERE id = $1 AND consultation_id = $2`, id, consultationID)
	if err != nil {
		return fmt.Errorf("consult: delete phase: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

func listPhases(ctx context.Context, q db.Querier, consultationID string) ([]Phase, error) {
	out, err := db.Query(ctx, q, func(row db.Scanner) (Phase, error) {
		var (
			p          Phase
			start, end db.Time
			versions   string
		)
		err := row.Scan(&p.ID, &p.ConsultationID, &p.Title, &p.Description, &start, &end, &versions)
		if err != nil {
			return p, err
		}
		p.StartsAt, p.EndsAt = start.Time, end.Time
		p.Versions, err = i18n.ParseVersions(versions)
		return p, err
	}, `SELECT id, consultation_id, title, description, starts_at, ends_at, versions
		FROM consult_phases WHERE consultation_id = $1 ORDER BY starts_at, id`, consultationID)
	if err != nil {
		return nil, fmt.Errorf("consult: list phases: %w", err)
	}
	return out, nil
}

func insertDocument(ctx context.Context, q db.Querier, d *Document) error {
	_, err := q.ExecContext(ctx, `INSERT INTO consult_documents (id, consultation_id, title, body, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, d.ID, d.ConsultationID, d.Title, d.Body, db.TS(d.CreatedAt), db.TS(d.UpdatedAt))
	if err != nil {
		return fmt.Errorf("consult: insert document: %w", db.MapError(err))
	}
	return nil
}

func updateDocument(ctx context.Context, q db.Querier, d *Document) error {
	_, err := q.ExecContext(ctx, `UPDATE consult_documents SET title = $1, body = $2, updated_at = $3 WHERE id = $4`,
		d.Title, d.Body, db.TS(d.UpdatedAt), d.ID)
	if err != nil {
		return fmt.Errorf("consult: update document: %w", db.MapError(err))
	}
	return nil
}

const documentCols = `id, consultation_id, title, body, created_at, updated_at`

func scanDocument(sc db.Scanner) (Document, error) {
	var (
		d                Document
		created, updated db.Time
	)
	err := sc.Scan(&d.ID, &d.ConsultationID, &d.Title, &d.Body, &created, &updated)
	d.CreatedAt, d.UpdatedAt = created.Time, updated.Time
	return d, err
}

func getDocument(ctx context.Context, q db.Querier, consultationID, id string) (Document, error) {
	d, err := scanDocument(q.QueryRowContext(ctx, `SELECT `+documentCols+` FROM consult_documents
		WHERE id = $1 AND consultation_id = $2`, id, consultationID))
	if err != nil {
		return d, notFound(err, "get document", ErrNotFound)
	}
	return d, nil
}

func listDocuments(ctx context.Context, q db.Querier, consultationID string) ([]Document, error) {
	out, err := db.Query(ctx, q, scanDocument, `SELECT `+documentCols+` FROM consult_documents WHERE consultation_id = $1
		ORDER BY created_at, id`, consultationID)
	if err != nil {
		return nil, fmt.Errorf("consult: list documents: %w", err)
	}
	return out, nil
}

func countDocumentComments(ctx context.Context, q db.Querier, documentID string) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM consult_comments WHERE document_id = $1`, documentID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("consult: count comments: %w", err)
	}
	return n, nil
}
