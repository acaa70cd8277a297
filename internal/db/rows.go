package db

import "context"

// Scanner is a *sql.Row or *sql.Rows: what a scan function reads one row
// from, so the same function serves a single row and a list.
type Scanner interface{ Scan(dest ...any) error }

// Query runs query on q and reads every row with scan, in order. No rows
// is a nil slice. A scan function reads one row into a value; the same one
// serves QueryRowContext (a *sql.Row is a Scanner too).
func Query[T any](ctx context.Context, q Querier, scan func(Scanner) (T, error), query string, args ...any) ([]T, error) {
	var out []T
	err := Each(ctx, q, func(row Scanner) error {
		v, err := scan(row)
		if err != nil {
			return err
		}
		out = append(out, v)
		return nil
	}, query, args...)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Each runs query on q and calls fn for every row, in order, until fn
// fails; for loops that fill a map or several results at once.
func Each(ctx context.Context, q Querier, fn func(Scanner) error, query string, args ...any) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Value scans a row of one column: db.Query(ctx, q, db.Value[string], ...)
// lists the values of a column.
func Value[T any](s Scanner) (T, error) {
	var v T
	err := s.Scan(&v)
	return v, err
}
