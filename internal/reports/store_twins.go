package reports

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/civitas-city/civitas/internal/db"
)

// twinKey is a hash of what makes two reports the same one sent again:
// category, text, place, reporter and API key. It is stored with each case
// (report_cases.twin_key, indexed), so finding a twin reads one index
// entry, not every report of the last ten minutes.
func twinKey(c *Case) string {
	point := ""
	if c.HasPoint {
		point = strconv.FormatFloat(c.Lat, 'g', -1, 64) + "," + strconv.FormatFloat(c.Lon, 'g', -1, 64)
	}
	sum := sha256.Sum256([]byte(strings.Join([]string{c.Category, c.Description, c.Address, point,
		c.ReporterEmail, c.ReporterID, c.APIKeyID}, "\x00")))
	return hex.EncodeToString(sum[:16])
}

// findTwin returns the case filed since since that is identical to c, or
// nil.
func findTwin(ctx context.Context, q db.Querier, c *Case, since time.Time) (*Case, error) {
	twin, err := scanCase(q.QueryRowContext(ctx, `SELECT `+caseColumns+`
		WHERE c.twin_key = $1 AND c.created_at > $2 ORDER BY c.number LIMIT 1`, twinKey(c), db.TS(since)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reports: twin of a new report: %w", err)
	}
	return &twin, nil
}
