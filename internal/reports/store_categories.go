package reports

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/db"
)

// The SQL of the categories residents choose from.

const categoryColumns = `code, group_code, names, descriptions, notices, keywords, expected_days, COALESCE(unit_id, ''),
	service_type, attributes, active, position FROM report_categories`

func scanCategory(s db.Scanner) (Category, error) {
	var (
		c                             Category
		names, descs, notices, attrsJ string
	)
	if err := s.Scan(&c.Code, &c.Group, &names, &descs, &notices, &c.Keywords, &c.ExpectedDays, &c.UnitID,
		&c.ServiceType, &attrsJ, &c.Active, &c.Position); err != nil {
		return c, err
	}
	for _, f := range []struct {
		s string
		v any
	}{{names, &c.Names}, {descs, &c.Descriptions}, {notices, &c.Notices}, {attrsJ, &c.Attributes}} {
		if err := json.Unmarshal([]byte(f.s), f.v); err != nil {
			return c, fmt.Errorf("reports: category %s: %w", c.Code, err)
		}
	}
	return c, nil
}

func getCategory(ctx context.Context, q db.Querier, code string) (*Category, error) {
	c, err := scanCategory(q.QueryRowContext(ctx, `SELECT `+categoryColumns+` WHERE code = $1`, code))
	if err != nil {
		if err := db.MapError(err); apperr.Is(err, apperr.NotFound) {
			return nil, &apperr.Error{Kind: apperr.NotFound, Field: "category", Message: "reports.error.no_category", Err: err}
		}
		return nil, fmt.Errorf("reports: category %q: %w", code, err)
	}
	return &c, nil
}

func listCategories(ctx context.Context, q db.Querier, activeOnly bool) ([]Category, error) {
	query := `SELECT ` + categoryColumns
	if activeOnly {
		query += ` WHERE active = TRUE`
	}
	out, err := db.Query(ctx, q, scanCategory, query+` ORDER BY position, code`)
	if err != nil {
		return nil, fmt.Errorf("reports: categories: %w", err)
	}
	return out, nil
}

func upsertCategory(ctx context.Context, q db.Querier, c Category, now time.Time) error {
	if c.Attributes == nil {
		c.Attributes = []Attribute{}
	}
	_, err := q.ExecContext(ctx, `INSERT INTO report_categories (code, group_code, names, descriptions, notices, keywords,
		expected_days, unit_id, service_type, attributes, active, position, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)
		ON CONFLICT (code) DO UPDATE SET group_code = excluded.group_code, names = excluded.names,
		descriptions = excluded.descriptions, notices = excluded.notices, keywords = excluded.keywords,
		expected_days = excluded.expected_days, unit_id = excluded.unit_id, service_type = excluded.service_type,
		attributes = excluded.attributes, active = excluded.active, position = excluded.position,
		updated_at = excluded.updated_at`,
		c.Code, c.Group, jsonText(nonNil(c.Names)), jsonText(nonNil(c.Descriptions)), jsonText(nonNil(c.Notices)), c.Keywords,
		c.ExpectedDays, db.Null(c.UnitID), c.ServiceType, jsonText(c.Attributes), c.Active, c.Position, db.TS(now))
	if err != nil {
		return fmt.Errorf("reports: save category %s: %w", c.Code, db.MapError(err))
	}
	return nil
}

func nonNil(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}
