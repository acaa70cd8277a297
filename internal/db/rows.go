package db

import (
	"context"
	"database/sql"
)

// Scanner is a *sql.Row or *sql.Rows: what a scan function reads one row
// from, so the same function serves a single row and a list.
type Scanner interface{ Scan(dest ...any) error }

// Collect reads every row of rows with scan, in order, and closes rows.
// No rows is a nil slice.
func Collect[T any](rows *sql.Rows, scan func(Scanner) (T, error)) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// Query runs query on q and reads its rows with scan (see Collect).
func Query[T any](ctx context.Context, q Querier, scan func(Scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return Collect(rows, scan)
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
