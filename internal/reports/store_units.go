package reports

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"github.com/civitas-city/civitas/internal/i18n"
	"strings"
	"time"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/db"
)

// The SQL of the units that work cases, their members, and the routing
// of a category (and district) to a unit.

func listUnits(ctx context.Context, q db.Querier) ([]Unit, error) {
	out, err := db.Query(ctx, q, func(row db.Scanner) (Unit, error) {
		var (
			u        Unit
			versions string
		)
		if err := row.Scan(&u.ID, &u.Name, &u.Kind, &u.Email, &versions); err != nil {
			return u, err
		}
		var err error
		u.Versions, err = i18n.ParseVersions(versions)
		return u, err
	}, `SELECT id, name, kind, email, versions FROM report_units ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("reports: units: %w", err)
	}
	byID := map[string]int{}
	for i, u := range out {
		byID[u.ID] = i
	}
	err = db.Each(ctx, q, func(row db.Scanner) error {
		var unitID, email string
		if err := row.Scan(&unitID, &email); err != nil {
			return err
		}
		if i, ok := byID[unitID]; ok {
			out[i].Members = append(out[i].Members, email)
		}
		return nil
	}, `SELECT unit_id, email FROM report_unit_members ORDER BY email`)
	if err != nil {
		return nil, fmt.Errorf("reports: unit members: %w", err)
	}
	return out, nil
}

func insertUnit(ctx context.Context, q db.Querier, u Unit, now time.Time) error {
	_, err := q.ExecContext(ctx, `INSERT INTO report_units (id, name, kind, email, created_at, versions) VALUES ($1, $2, $3, $4, $5, $6)`,
		u.ID, u.Name, u.Kind, u.Email, db.TS(now), u.Versions.JSON())
	if err != nil {
		err = db.MapError(err)
		if apperr.Is(err, apperr.Conflict) {
			return &apperr.Error{Kind: apperr.Conflict, Field: "name", Message: "reports.error.unit_exists", Err: err}
		}
		return fmt.Errorf("reports: insert unit: %w", err)
	}
	return nil
}

func updateUnitVersions(ctx context.Context, q db.Querier, id string, v i18n.Versions) error {
	res, err := q.ExecContext(ctx, `UPDATE report_units SET versions = $1 WHERE id = $2`, v.JSON(), id)
	if err != nil {
		return fmt.Errorf("reports: unit versions: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return apperr.E(apperr.NotFound, "reports.error.unit_unknown")
	}
	return nil
}

// unitsOfMember lists the ids of the units whose queue email works.
func unitsOfMember(ctx context.Context, q db.Querier, email string) ([]string, error) {
	out, err := db.Query(ctx, q, db.Value[string], `SELECT unit_id FROM report_unit_members WHERE email = $1 ORDER BY unit_id`, strings.ToLower(email))
	if err != nil {
		return nil, fmt.Errorf("reports: units of member: %w", err)
	}
	return out, nil
}

// Route is one routing rule: reports of Category in District (0 = any)
// go to UnitID.
type Route struct {
	Category string
	District int
	UnitID   string
}

func listRoutes(ctx context.Context, q db.Querier) ([]Route, error) {
	out, err := db.Query(ctx, q, func(row db.Scanner) (Route, error) {
		var r Route
		err := row.Scan(&r.Category, &r.District, &r.UnitID)
		return r, err
	}, `SELECT category_code, district, unit_id FROM report_routes ORDER BY category_code, district`)
	if err != nil {
		return nil, fmt.Errorf("reports: routes: %w", err)
	}
	return out, nil
}

// routeUnit is the unit for a category in a district: the district's
// route, else the category's "any district" route, else the category's unit.
func routeUnit(ctx context.Context, q db.Querier, c *Category, district int) (string, error) {
	var unit string
	err := q.QueryRowContext(ctx, `SELECT unit_id FROM report_routes WHERE category_code = $1 AND district IN ($2, 0)
		ORDER BY district DESC LIMIT 1`, c.Code, district).Scan(&unit)
	if errors.Is(err, sql.ErrNoRows) {
		return c.UnitID, nil
	}
	if err != nil {
		return "", fmt.Errorf("reports: route %s/%d: %w", c.Code, district, err)
	}
	return unit, nil
}

// unit is a unit's name and queue email.
func unit(ctx context.Context, q db.Querier, id string) (name, email string, err error) {
	err = q.QueryRowContext(ctx, `SELECT name, email FROM report_units WHERE id = $1`, id).Scan(&name, &email)
	return name, email, err
}

// addMember adds an email to a unit's members (again is no change).
func addMember(ctx context.Context, q db.Querier, unitID, email string, at time.Time) error {
	_, err := q.ExecContext(ctx, `INSERT INTO report_unit_members (unit_id, email, added_at) VALUES ($1, $2, $3)
		ON CONFLICT (unit_id, email) DO NOTHING`, unitID, email, db.TS(at))
	return err
}

// removeMember takes an email off a unit; false when it was not a member.
func removeMember(ctx context.Context, q db.Querier, unitID, email string) (bool, error) {
	res, err := q.ExecContext(ctx, `DELETE FROM report_unit_members WHERE unit_id = $1 AND email = $2`, unitID, email)
	if err != nil {
		return false, err
	}
	return changed(res), nil
}

// saveRoute stores a routing rule; one without a unit is deleted.
func saveRoute(ctx context.Context, q db.Querier, r Route) error {
	var err error
	if r.UnitID == "" {
		_, err = q.ExecContext(ctx, `DELETE FROM report_routes WHERE category_code = $1 AND district = $2`, r.Category, r.District)
	} else {
		_, err = q.ExecContext(ctx, `INSERT INTO report_routes (category_code, district, unit_id) VALUES ($1, $2, $3)
			ON CONFLICT (category_code, district) DO UPDATE SET unit_id = excluded.unit_id`, r.Category, r.District, r.UnitID)
	}
	return err
}
