package reports

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/db"
)

// The SQL of the module. Every function takes a db.Querier, so it runs in
// or out of a transaction; the service decides which.

const caseColumns = `c.id, c.number, c.category_code, COALESCE(c.unit_id, ''), COALESCE(u.name, ''), c.status,
	c.description, c.lat, c.lon, c.address, c.district, c.channel, c.lang, COALESCE(c.reporter_id, ''),
	c.reporter_email, c.reporter_name, c.reporter_phone, c.token, COALESCE(c.api_key_id, ''), c.device_id,
	c.account_id, c.media_url, c.attributes, c.status_notes, COALESCE(c.duplicate_of, 0), c.referred_to,
	c.entered_by, c.supporters, c.reopen_count, c.photos, c.photo_url, c.created_at, c.updated_at, c.expected_at,
	c.resolved_at, c.closed_at
	FROM report_cases c LEFT JOIN report_units u ON u.id = c.unit_id`

type scanner interface{ Scan(dest ...any) error }

func scanCase(s scanner) (*Case, error) {
	var (
		c                           Case
		status, attrs               string
		lat, lon                    sql.NullFloat64
		created, updated            db.Time
		expected, resolved, closedT db.NullTime
	)
	err := s.Scan(&c.ID, &c.Number, &c.Category, &c.UnitID, &c.UnitName, &status,
		&c.Description, &lat, &lon, &c.Address, &c.District, &c.Channel, &c.Lang, &c.ReporterID,
		&c.ReporterEmail, &c.ReporterName, &c.ReporterPhone, &c.Token, &c.APIKeyID, &c.DeviceID,
		&c.AccountID, &c.MediaURL, &attrs, &c.StatusNotes, &c.DuplicateOf, &c.ReferredTo,
		&c.EnteredBy, &c.Supporters, &c.ReopenCount, &c.Photos, &c.PhotoURL, &created, &updated, &expected,
		&resolved, &closedT)
	if err != nil {
		return nil, err
	}
	c.Status = Status(status)
	if lat.Valid && lon.Valid {
		c.HasPoint, c.Lat, c.Lon = true, lat.Float64, lon.Float64
	}
	if attrs != "" && attrs != "{}" {
		if err := json.Unmarshal([]byte(attrs), &c.Attributes); err != nil {
			return nil, fmt.Errorf("reports: case %s attributes: %w", c.ID, err)
		}
	}
	c.CreatedAt, c.UpdatedAt = created.Time, updated.Time
	c.ExpectedAt, c.ResolvedAt, c.ClosedAt = expected.Time, resolved.Time, closedT.Time
	return &c, nil
}

// getCase finds a case by its public number.
func getCase(ctx context.Context, q db.Querier, number int64) (*Case, error) {
	c, err := scanCase(q.QueryRowContext(ctx, `SELECT `+caseColumns+` WHERE c.number = $1`, number))
	if err != nil {
		if err := db.MapError(err); apperr.Is(err, apperr.NotFound) {
			return nil, &apperr.Error{Kind: apperr.NotFound, Message: "reports.error.no_case", Err: err}
		}
		return nil, fmt.Errorf("reports: case %d: %w", number, err)
	}
	return c, nil
}

// getCaseByToken finds a case by its Open311 token.
func getCaseByToken(ctx context.Context, q db.Querier, token string) (*Case, error) {
	c, err := scanCase(q.QueryRowContext(ctx, `SELECT `+caseColumns+` WHERE c.token = $1`, token))
	if err != nil {
		if err := db.MapError(err); apperr.Is(err, apperr.NotFound) {
			return nil, &apperr.Error{Kind: apperr.NotFound, Message: "reports.error.no_token", Err: err}
		}
		return nil, fmt.Errorf("reports: token: %w", err)
	}
	return c, nil
}

// Filter narrows a list of cases. Zero values mean "any".
type Filter struct {
	Numbers    []int64
	Categories []string
	Statuses   []Status
	Districts  []int
	UnitIDs    []string
	ReporterID string
	// From and To bound the submission time: From <= created_at <= To.
	From, To time.Time
	// Box bounds the location; only cases with a point match.
	Box *Box
	// Oldest lists the oldest first (a queue); the default is newest first.
	Oldest bool
	Limit  int
	Offset int
}

// Box is a latitude/longitude rectangle.
type Box struct{ MinLat, MinLon, MaxLat, MaxLon float64 }

func (f Filter) where() (string, []any) {
	var (
		conds []string
		args  []any
	)
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	in := func(col string, n int, get func(i int) any) {
		if n == 0 {
			return
		}
		ps := make([]string, n)
		for i := range n {
			ps[i] = arg(get(i))
		}
		conds = append(conds, col+" IN ("+strings.Join(ps, ", ")+")")
	}
	in("c.number", len(f.Numbers), func(i int) any { return f.Numbers[i] })
	in("c.category_code", len(f.Categories), func(i int) any { return f.Categories[i] })
	in("c.status", len(f.Statuses), func(i int) any { return string(f.Statuses[i]) })
	in("c.district", len(f.Districts), func(i int) any { return f.Districts[i] })
	in("c.unit_id", len(f.UnitIDs), func(i int) any { return f.UnitIDs[i] })
	if f.ReporterID != "" {
		conds = append(conds, "c.reporter_id = "+arg(f.ReporterID))
	}
	if !f.From.IsZero() {
		conds = append(conds, "c.created_at >= "+arg(db.TS(f.From)))
	}
	if !f.To.IsZero() {
		conds = append(conds, "c.created_at <= "+arg(db.TS(f.To)))
	}
	if f.Box != nil {
		conds = append(conds, "c.lat BETWEEN "+arg(f.Box.MinLat)+" AND "+arg(f.Box.MaxLat),
			"c.lon BETWEEN "+arg(f.Box.MinLon)+" AND "+arg(f.Box.MaxLon))
	}
	if len(conds) == 0 {
		return "", args
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// listCases returns the cases that match f.
func listCases(ctx context.Context, q db.Querier, f Filter) ([]Case, error) {
	where, args := f.where()
	query := `SELECT ` + caseColumns + where
	if f.Oldest {
		query += ` ORDER BY c.created_at, c.number`
	} else {
		query += ` ORDER BY c.created_at DESC, c.number DESC`
	}
	if f.Limit > 0 {
		args = append(args, f.Limit, f.Offset)
		query += fmt.Sprintf(" LIMIT $%d OFFSET $%d", len(args)-1, len(args))
	}
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("reports: list: %w", err)
	}
	defer rows.Close()
	var out []Case
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			return nil, fmt.Errorf("reports: list: %w", err)
		}
		out = append(out, *c)
	}
	return out, rows.Err()
}

// countCases counts the cases that match f (its Limit aside).
func countCases(ctx context.Context, q db.Querier, f Filter) (int, error) {
	where, args := f.where()
	var n int
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM report_cases c`+where, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("reports: count: %w", err)
	}
	return n, nil
}

// nextNumber takes the next case number.
func nextNumber(ctx context.Context, tx db.Querier) (int64, error) {
	var n int64
	err := tx.QueryRowContext(ctx, `UPDATE report_counters SET value = value + 1 WHERE name = 'case' RETURNING value`).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("reports: next number: %w", db.MapError(err))
	}
	return n, nil
}

func insertCase(ctx context.Context, tx db.Querier, c *Case) error {
	attrs := "{}"
	if len(c.Attributes) > 0 {
		b, err := json.Marshal(c.Attributes)
		if err != nil {
			return err
		}
		attrs = string(b)
	}
	var lat, lon any
	if c.HasPoint {
		lat, lon = c.Lat, c.Lon
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO report_cases (id, number, category_code, unit_id, status, description,
		lat, lon, address, district, channel, lang, reporter_id, reporter_email, reporter_name, reporter_phone, token,
		api_key_id, device_id, account_id, media_url, attributes, entered_by, photos, photo_url, created_at, updated_at, expected_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28)`,
		c.ID, c.Number, c.Category, db.Null(c.UnitID), string(c.Status), c.Description,
		lat, lon, c.Address, c.District, c.Channel, c.Lang, db.Null(c.ReporterID), c.ReporterEmail, c.ReporterName, c.ReporterPhone, c.Token,
		db.Null(c.APIKeyID), c.DeviceID, c.AccountID, c.MediaURL, attrs, c.EnteredBy, c.Photos, c.PhotoURL, db.TS(c.CreatedAt), db.TS(c.UpdatedAt), db.NullTimeOf(c.ExpectedAt))
	if err != nil {
		return fmt.Errorf("reports: insert case: %w", db.MapError(err))
	}
	return nil
}

func insertUpdate(ctx context.Context, tx db.Querier, caseID string, u Update) error {
	if u.ID == "" {
		u.ID = db.NewID()
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO report_updates (id, case_id, at, kind, status, body, internal, author_id, author)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		u.ID, caseID, db.TS(u.At), u.Kind, string(u.Status), u.Body, u.Internal, u.AuthorID, u.Author)
	if err != nil {
		return fmt.Errorf("reports: insert update: %w", db.MapError(err))
	}
	return nil
}

// listUpdates returns a case's history, oldest first.
func listUpdates(ctx context.Context, q db.Querier, caseID string, internal bool) ([]Update, error) {
	query := `SELECT id, at, kind, status, body, internal, author_id, author FROM report_updates WHERE case_id = $1`
	if !internal {
		query += ` AND internal = FALSE`
	}
	rows, err := q.QueryContext(ctx, query+` ORDER BY at, id`, caseID)
	if err != nil {
		return nil, fmt.Errorf("reports: updates: %w", err)
	}
	defer rows.Close()
	var out []Update
	for rows.Next() {
		var (
			u      Update
			at     db.Time
			status string
		)
		if err := rows.Scan(&u.ID, &at, &u.Kind, &status, &u.Body, &u.Internal, &u.AuthorID, &u.Author); err != nil {
			return nil, fmt.Errorf("reports: updates: %w", err)
		}
		u.At, u.Status = at.Time, Status(status)
		out = append(out, u)
	}
	return out, rows.Err()
}

// Categories.

const categoryColumns = `code, group_code, names, descriptions, notices, keywords, expected_days, COALESCE(unit_id, ''),
	service_type, attributes, active, position FROM report_categories`

func scanCategory(s scanner) (*Category, error) {
	var (
		c                             Category
		names, descs, notices, attrsJ string
	)
	if err := s.Scan(&c.Code, &c.Group, &names, &descs, &notices, &c.Keywords, &c.ExpectedDays, &c.UnitID,
		&c.ServiceType, &attrsJ, &c.Active, &c.Position); err != nil {
		return nil, err
	}
	for _, f := range []struct {
		s string
		v any
	}{{names, &c.Names}, {descs, &c.Descriptions}, {notices, &c.Notices}, {attrsJ, &c.Attributes}} {
		if err := json.Unmarshal([]byte(f.s), f.v); err != nil {
			return nil, fmt.Errorf("reports: category %s: %w", c.Code, err)
		}
	}
	return &c, nil
}

func getCategory(ctx context.Context, q db.Querier, code string) (*Category, error) {
	c, err := scanCategory(q.QueryRowContext(ctx, `SELECT `+categoryColumns+` WHERE code = $1`, code))
	if err != nil {
		if err := db.MapError(err); apperr.Is(err, apperr.NotFound) {
			return nil, &apperr.Error{Kind: apperr.NotFound, Field: "category", Message: "reports.error.no_category", Err: err}
		}
		return nil, fmt.Errorf("reports: category %q: %w", code, err)
	}
	return c, nil
}

func listCategories(ctx context.Context, q db.Querier, activeOnly bool) ([]Category, error) {
	query := `SELECT ` + categoryColumns
	if activeOnly {
		query += ` WHERE active = TRUE`
	}
	rows, err := q.QueryContext(ctx, query+` ORDER BY position, code`)
	if err != nil {
		return nil, fmt.Errorf("reports: categories: %w", err)
	}
	defer rows.Close()
	var out []Category
	for rows.Next() {
		c, err := scanCategory(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *c)
	}
	return out, rows.Err()
}

func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // maps of strings and plain structs always marshal
	}
	return string(b)
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

// Units and routing.

func listUnits(ctx context.Context, q db.Querier) ([]Unit, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, name, kind, email FROM report_units ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("reports: units: %w", err)
	}
	var out []Unit
	for rows.Next() {
		var u Unit
		if err := rows.Scan(&u.ID, &u.Name, &u.Kind, &u.Email); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, u)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	members, err := q.QueryContext(ctx, `SELECT unit_id, email FROM report_unit_members ORDER BY email`)
	if err != nil {
		return nil, fmt.Errorf("reports: unit members: %w", err)
	}
	defer members.Close()
	byID := map[string]int{}
	for i, u := range out {
		byID[u.ID] = i
	}
	for members.Next() {
		var unitID, email string
		if err := members.Scan(&unitID, &email); err != nil {
			return nil, err
		}
		if i, ok := byID[unitID]; ok {
			out[i].Members = append(out[i].Members, email)
		}
	}
	return out, members.Err()
}

func insertUnit(ctx context.Context, q db.Querier, u Unit, now time.Time) error {
	_, err := q.ExecContext(ctx, `INSERT INTO report_units (id, name, kind, email, created_at) VALUES ($1, $2, $3, $4, $5)`,
		u.ID, u.Name, u.Kind, u.Email, db.TS(now))
	if err != nil {
		err = db.MapError(err)
		if apperr.Is(err, apperr.Conflict) {
			return &apperr.Error{Kind: apperr.Conflict, Field: "name", Message: "reports.error.unit_exists", Err: err}
		}
		return fmt.Errorf("reports: insert unit: %w", err)
	}
	return nil
}

// unitsOfMember lists the ids of the units whose queue email works.
func unitsOfMember(ctx context.Context, q db.Querier, email string) ([]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT unit_id FROM report_unit_members WHERE email = $1 ORDER BY unit_id`, strings.ToLower(email))
	if err != nil {
		return nil, fmt.Errorf("reports: units of member: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// Route is one routing rule: reports of Category in District (0 = any)
// go to UnitID.
type Route struct {
	Category string
	District int
	UnitID   string
}

func listRoutes(ctx context.Context, q db.Querier) ([]Route, error) {
	rows, err := q.QueryContext(ctx, `SELECT category_code, district, unit_id FROM report_routes ORDER BY category_code, district`)
	if err != nil {
		return nil, fmt.Errorf("reports: routes: %w", err)
	}
	defer rows.Close()
	var out []Route
	for rows.Next() {
		var r Route
		if err := rows.Scan(&r.Category, &r.District, &r.UnitID); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
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

// Settings.

func loadSettings(ctx context.Context, q db.Querier) (Settings, error) {
	s := DefaultSettings
	rows, err := q.QueryContext(ctx, `SELECT name, value FROM report_settings`)
	if err != nil {
		return s, fmt.Errorf("reports: settings: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var name, value string
		if err := rows.Scan(&name, &value); err != nil {
			return s, err
		}
		switch name {
		case "anonymous_allowed":
			s.AnonymousAllowed = value == "true"
		case "reopen_days":
			if n, err := strconv.Atoi(value); err == nil {
				s.ReopenDays = n
			}
		}
	}
	return s, rows.Err()
}

func saveSettings(ctx context.Context, q db.Querier, s Settings) error {
	for name, value := range map[string]string{
		"anonymous_allowed": strconv.FormatBool(s.AnonymousAllowed),
		"reopen_days":       strconv.Itoa(s.ReopenDays),
	} {
		if _, err := q.ExecContext(ctx, `INSERT INTO report_settings (name, value) VALUES ($1, $2)
			ON CONFLICT (name) DO UPDATE SET value = excluded.value`, name, value); err != nil {
			return fmt.Errorf("reports: save setting %s: %w", name, err)
		}
	}
	return nil
}

// API keys.

const keyColumns = `id, app_name, contact, key_prefix, created_at, created_by, revoked_at FROM open311_keys`

func scanKey(s scanner) (*APIKey, error) {
	var (
		k       APIKey
		created db.Time
		revoked db.NullTime
	)
	if err := s.Scan(&k.ID, &k.AppName, &k.Contact, &k.Prefix, &created, &k.CreatedBy, &revoked); err != nil {
		return nil, err
	}
	k.CreatedAt, k.RevokedAt = created.Time, revoked.Time
	return &k, nil
}

func keyByHash(ctx context.Context, q db.Querier, hash string) (*APIKey, error) {
	k, err := scanKey(q.QueryRowContext(ctx, `SELECT `+keyColumns+` WHERE key_hash = $1`, hash))
	if err != nil {
		return nil, db.MapError(err)
	}
	return k, nil
}

func listKeys(ctx context.Context, q db.Querier) ([]APIKey, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+keyColumns+` ORDER BY created_at DESC`)
	if err != nil {
		return nil, fmt.Errorf("reports: keys: %w", err)
	}
	defer rows.Close()
	var out []APIKey
	for rows.Next() {
		k, err := scanKey(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *k)
	}
	return out, rows.Err()
}

// changeset is when the categories last changed: the Open311 discovery
// changeset.
func changeset(ctx context.Context, q db.Querier) (time.Time, error) {
	var t db.NullTime
	if err := q.QueryRowContext(ctx, `SELECT max(updated_at) FROM report_categories`).Scan(&t); err != nil {
		return time.Time{}, fmt.Errorf("reports: changeset: %w", err)
	}
	return t.Time, nil
}
