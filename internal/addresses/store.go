package addresses

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/civitas-city/civitas/internal/db"
)

// batchRows is how many points one INSERT carries (7 parameters each, far
// below both engines' parameter limits).
const batchRows = 500

// writer inserts points in batches inside an import's transaction.
type writer struct {
	tx   *sql.Tx
	rows []Point
}

func (w *writer) add(ctx context.Context, p Point) error {
	w.rows = append(w.rows, p)
	if len(w.rows) >= batchRows {
		return w.flush(ctx)
	}
	return nil
}

func (w *writer) flush(ctx context.Context) error {
	if len(w.rows) == 0 {
		return nil
	}
	var b strings.Builder
	args := make([]any, 0, 7*len(w.rows))
	b.WriteString(`INSERT INTO address_points (street_key, number_key, street, number, postal_code, lat, lon) VALUES `)
	for i, p := range w.rows {
		if i > 0 {
			b.WriteString(", ")
		}
		n := len(args)
		fmt.Fprintf(&b, "($%d, $%d, $%d, $%d, $%d, $%d, $%d)", n+1, n+2, n+3, n+4, n+5, n+6, n+7)
		args = append(args, StreetKey(p.Street), NumberKey(p.Number), p.Street, p.Number, p.PostalCode, p.Lat, p.Lon)
	}
	if _, err := w.tx.ExecContext(ctx, b.String(), args...); err != nil {
		return fmt.Errorf("addresses: write points: %w", db.MapError(err))
	}
	w.rows = w.rows[:0]
	return nil
}

// deleteAll empties the gazetteer, before an import writes the new one.
func deleteAll(ctx context.Context, tx *sql.Tx) (int, error) {
	res, err := tx.ExecContext(ctx, `DELETE FROM address_points`)
	if err != nil {
		return 0, fmt.Errorf("addresses: remove old points: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// count returns how many points the gazetteer holds.
func count(ctx context.Context, q db.Querier) (int, error) {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM address_points`).Scan(&n); err != nil {
		return 0, fmt.Errorf("addresses: count: %w", err)
	}
	return n, nil
}

// byKeys finds the points with this house number on streets whose key is
// street, or ends with " "+street ("mickiewicza" finds "adama
// mickiewicza"); the exact street first. At most limit rows.
func byKeys(ctx context.Context, q db.Querier, street, number string, limit int) ([]Point, error) {
	out, err := db.Query(ctx, q, func(row db.Scanner) (Point, error) {
		var p Point
		err := row.Scan(&p.Street, &p.Number, &p.PostalCode, &p.Lat, &p.Lon)
		return p, err
	}, `SELECT street, number, postal_code, lat, lon FROM address_points
		WHERE number_key = $1 AND (street_key = $2 OR street_key LIKE $3)
		ORDER BY CASE WHEN street_key = $2 THEN 0 ELSE 1 END, street_key LIMIT $4`,
		number, street, "% "+escapeLike(street), limit)
	if err != nil {
		return nil, fmt.Errorf("addresses: find: %w", err)
	}
	return out, nil
}

// escapeLike keeps LIKE's wildcards literal. Keys hold only letters,
// digits, spaces and "/", so this is a guard, not a path that is used.
func escapeLike(s string) string {
	return strings.NewReplacer("%", "", "_", "").Replace(s)
}
