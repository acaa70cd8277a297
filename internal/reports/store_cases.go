package reports

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"github.com/civitas-city/civitas/internal/i18n"
	"strconv"
	"strings"
	"time"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/db"
)

// The SQL of cases and their history.

const caseColumns = `c.id, c.number, c.category_code, COALESCE(c.unit_id, ''), COALESCE(u.name, ''), COALESCE(u.versions, '{}'), c.status,
	c.description, c.lat, c.lon, c.address, c.district, c.channel, c.lang, COALESCE(c.reporter_id, ''),
	c.reporter_email, c.reporter_name, c.reporter_phone, c.token, COALESCE(c.api_key_id, ''), c.device_id,
	c.account_id, c.media_url, c.attributes, c.status_notes, COALESCE(c.duplicate_of, 0), c.referred_to,
	c.entered_by, c.supporters, c.reopen_count, c.photos, c.photo_url, c.created_at, c.updated_at, c.expected_at,
	c.resolved_at, c.closed_at
	FROM report_cases c LEFT JOIN report_units u ON u.id = c.unit_id`

func scanCase(s db.Scanner) (Case, error) {
	var (
		c                           Case
		status, attrs               string
		lat, lon                    sql.NullFloat64
		created, updated            db.Time
		expected, resolved, closedT db.NullTime
		unitVersions                string
	)
	err := s.Scan(&c.ID, &c.Number, &c.Category, &c.UnitID, &c.UnitName, &unitVersions, &status,
		&c.Description, &lat, &lon, &c.Address, &c.District, &c.Channel, &c.Lang, &c.ReporterID,
		&c.ReporterEmail, &c.ReporterName, &c.ReporterPhone, &c.Token, &c.APIKeyID, &c.DeviceID,
		&c.AccountID, &c.MediaURL, &attrs, &c.StatusNotes, &c.DuplicateOf, &c.ReferredTo,
		&c.EnteredBy, &c.Supporters, &c.ReopenCount, &c.Photos, &c.PhotoURL, &created, &updated, &expected,
		&resolved, &closedT)
	if err != nil {
		return c, err
	}
	c.Status = Status(status)
	if c.UnitVersions, err = i18n.ParseVersions(unitVersions); err != nil {
		return c, fmt.Errorf("reports: case %s unit versions: %w", c.ID, err)
	}
	if lat.Valid && lon.Valid {
		c.HasPoint, c.Lat, c.Lon = true, lat.Float64, lon.Float64
	}
	if attrs != "" && attrs != "{}" {
		if err := json.Unmarshal([]byte(attrs), &c.Attributes); err != nil {
			return c, fmt.Errorf("reports: case %s attributes: %w", c.ID, err)
		}
	}
	c.CreatedAt, c.UpdatedAt = created.Time, updated.Time
	c.ExpectedAt, c.ResolvedAt, c.ClosedAt = expected.Time, resolved.Time, closedT.Time
	return c, nil
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
	return &c, nil
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
	return &c, nil
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
	out, err := db.Query(ctx, q, scanCase, query, args...)
	if err != nil {
		return nil, fmt.Errorf("reports: list: %w", err)
	}
	return out, nil
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
		api_key_id, device_id, account_id, media_url, attributes, entered_by, photos, photo_url, created_at, updated_at, expected_at, twin_key)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29)`,
		c.ID, c.Number, c.Category, db.Null(c.UnitID), string(c.Status), c.Description,
		lat, lon, c.Address, c.District, c.Channel, c.Lang, db.Null(c.ReporterID), c.ReporterEmail, c.ReporterName, c.ReporterPhone, c.Token,
		db.Null(c.APIKeyID), c.DeviceID, c.AccountID, c.MediaURL, attrs, c.EnteredBy, c.Photos, c.PhotoURL, db.TS(c.CreatedAt), db.TS(c.UpdatedAt), db.NullTimeOf(c.ExpectedAt), twinKey(c))
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
	out, err := db.Query(ctx, q, func(row db.Scanner) (Update, error) {
		var (
			u      Update
			at     db.Time
			status string
		)
		err := row.Scan(&u.ID, &at, &u.Kind, &status, &u.Body, &u.Internal, &u.AuthorID, &u.Author)
		u.At, u.Status = at.Time, Status(status)
		return u, err
	}, query+` ORDER BY at, id`, caseID)
	if err != nil {
		return nil, fmt.Errorf("reports: updates: %w", err)
	}
	return out, nil
}

// getCaseByID finds a case by its id; a missing case is sql.ErrNoRows.
func getCaseByID(ctx context.Context, q db.Querier, id string) (*Case, error) {
	c, err := scanCase(q.QueryRowContext(ctx, `SELECT `+caseColumns+` WHERE c.id = $1`, id))
	if err != nil {
		return nil, fmt.Errorf("reports: case %s: %w", id, err)
	}
	return &c, nil
}

func setPhotoURL(ctx context.Context, q db.Querier, caseID, url string) error {
	_, err := q.ExecContext(ctx, `UPDATE report_cases SET photo_url = $1 WHERE id = $2`, url, caseID)
	return err
}

// changed is whether an UPDATE guarded by the row's status (WHERE ... AND
// status = the status read) found it unchanged.
func changed(res sql.Result) bool {
	n, _ := res.RowsAffected()
	return n > 0
}

// reopenCase puts the case back to Reopened if its status is still from;
// false when it changed meanwhile.
func reopenCase(ctx context.Context, q db.Querier, id string, from Status, now time.Time) (bool, error) {
	res, err := q.ExecContext(ctx, `UPDATE report_cases SET status = $1, reopen_count = reopen_count + 1,
		resolved_at = NULL, closed_at = NULL, updated_at = $2, status_notes = '' WHERE id = $3 AND status = $4`,
		string(Reopened), db.TS(now), id, string(from))
	if err != nil {
		return false, fmt.Errorf("reports: reopen: %w", err)
	}
	return changed(res), nil
}

// updateStatus writes c's status and what goes with it if the stored
// status is still from; false when it changed meanwhile.
func updateStatus(ctx context.Context, q db.Querier, c *Case, from Status) (bool, error) {
	res, err := q.ExecContext(ctx, `UPDATE report_cases SET status = $1, status_notes = $2, updated_at = $3,
		resolved_at = $4, closed_at = $5, duplicate_of = $6, referred_to = $7 WHERE id = $8 AND status = $9`,
		string(c.Status), c.StatusNotes, db.TS(c.UpdatedAt), db.NullTimeOf(c.ResolvedAt), db.NullTimeOf(c.ClosedAt),
		db.Null(c.DuplicateOf), c.ReferredTo, c.ID, string(from))
	if err != nil {
		return false, fmt.Errorf("reports: status: %w", db.MapError(err))
	}
	return changed(res), nil
}

// touchCase marks a case as updated at now.
func touchCase(ctx context.Context, q db.Querier, id string, now time.Time) error {
	_, err := q.ExecContext(ctx, `UPDATE report_cases SET updated_at = $1 WHERE id = $2`, db.TS(now), id)
	return err
}

// moveCase hands a case to another unit if its status is still from;
// false when it changed meanwhile.
func moveCase(ctx context.Context, q db.Querier, id, unitID string, from Status, now time.Time) (bool, error) {
	res, err := q.ExecContext(ctx, `UPDATE report_cases SET unit_id = $1, updated_at = $2 WHERE id = $3 AND status = $4`,
		unitID, db.TS(now), id, string(from))
	if err != nil {
		return false, err
	}
	return changed(res), nil
}

// setDistrict puts a case without a district into district n; false when
// it has one by now.
func setDistrict(ctx context.Context, q db.Querier, id string, n int, now time.Time) (bool, error) {
	res, err := q.ExecContext(ctx, `UPDATE report_cases SET district = $1, updated_at = $2 WHERE id = $3 AND district = 0`, n, db.TS(now), id)
	if err != nil {
		return false, err
	}
	return changed(res), nil
}

// addSupport records a resident's support of a case and counts it; false
// when they supported it before.
func addSupport(ctx context.Context, q db.Querier, caseID, userID string, at time.Time) (bool, error) {
	res, err := q.ExecContext(ctx, `INSERT INTO report_supports (case_id, user_id, created_at) VALUES ($1, $2, $3)
		ON CONFLICT (case_id, user_id) DO NOTHING`, caseID, userID, db.TS(at))
	if err != nil {
		return false, fmt.Errorf("reports: support: %w", db.MapError(err))
	}
	if !changed(res) {
		return false, nil
	}
	_, err = q.ExecContext(ctx, `UPDATE report_cases SET supporters = supporters + 1 WHERE id = $1`, caseID)
	return true, err
}

// supports reports whether a resident supports a case.
func supports(ctx context.Context, q db.Querier, caseID, userID string) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM report_supports WHERE case_id = $1 AND user_id = $2`, caseID, userID).Scan(&n)
	return n > 0, err
}

// caseTimes calls fn with the category, district, status and times of each
// case reported since, one row at a time.
func caseTimes(ctx context.Context, q db.Querier, since time.Time, fn func(cat string, district int, st Status, created time.Time, resolved db.NullTime)) error {
	return db.Each(ctx, q, func(row db.Scanner) error {
		var (
			cat, status string
			district    int
			created     db.Time
			resolved    db.NullTime
		)
		if err := row.Scan(&cat, &district, &status, &created, &resolved); err != nil {
			return err
		}
		fn(cat, district, Status(status), created.Time, resolved)
		return nil
	}, `SELECT category_code, district, status, created_at, resolved_at FROM report_cases WHERE created_at >= $1`, db.TS(since))
}
