package reports

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/civitas-city/civitas/internal/db"
)

// noPoint stands for "no coordinates" in the twin query (outside any
// latitude), so one comparison covers reports with and without a point.
const noPoint = 1000.0

// findTwin returns the case filed since since that is identical to c (same
// category, text, place, reporter and API key), or nil.
func findTwin(ctx context.Context, q db.Querier, c *Case, since time.Time) (*Case, error) {
	lat, lon := noPoint, noPoint
	if c.HasPoint {
		lat, lon = c.Lat, c.Lon
	}
	twin, err := scanCase(q.QueryRowContext(ctx, `SELECT `+caseColumns+`
		WHERE c.created_at > $1 AND c.category_code = $2 AND c.description = $3 AND c.address = $4
		AND c.reporter_email = $5 AND COALESCE(c.reporter_id, '') = $6 AND COALESCE(c.api_key_id, '') = $7
		AND COALESCE(c.lat, $8) = $9 AND COALESCE(c.lon, $8) = $10
		ORDER BY c.number LIMIT 1`,
		db.TS(since), c.Category, c.Description, c.Address, c.ReporterEmail, c.ReporterID, c.APIKeyID, noPoint, lat, lon))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reports: twin of a new report: %w", err)
	}
	return &twin, nil
}
