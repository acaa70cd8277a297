package db

import (
	"context"
	"database/sql"
	"sync"
)

// StmtCache keeps prepared statements for a hot path (a ballot, a new
// report), so the database parses each statement once per connection
// instead of once per request: parsing was a fifth of the CPU of a ballot
// on SQLite. Only constant SQL should go through it: every distinct query
// stays prepared for the life of the process. The zero value is ready.
type StmtCache struct {
	mu sync.Mutex
	m  map[string]*sql.Stmt
}

// Querier returns a Querier that runs each query as a statement of the
// cache: inside tx when it is not nil, else on d. A statement that cannot
// be prepared (the schema may not exist yet when a node starts) runs
// unprepared this time and is prepared again on the next use.
func (c *StmtCache) Querier(d *DB, tx *sql.Tx) Querier {
	var q Querier = d
	if tx != nil {
		q = tx
	}
	return prepared{c: c, db: d.DB, tx: tx, plain: q}
}

func (c *StmtCache) get(ctx context.Context, d *sql.DB, query string) (*sql.Stmt, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if st, ok := c.m[query]; ok {
		return st, nil
	}
	st, err := d.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if c.m == nil {
		c.m = map[string]*sql.Stmt{}
	}
	c.m[query] = st
	return st, nil
}

// prepared is the Querier of a StmtCache.
type prepared struct {
	c     *StmtCache
	db    *sql.DB
	tx    *sql.Tx
	plain Querier // where a statement that cannot be prepared runs
}

// stmt is query's statement for this Querier, or nil when it cannot be
// prepared.
func (p prepared) stmt(ctx context.Context, query string) *sql.Stmt {
	st, err := p.c.get(ctx, p.db, query)
	if err != nil {
		return nil
	}
	if p.tx != nil {
		// Bound to the transaction's connection, where database/sql
		// reuses the statement if that connection has prepared it before.
		return p.tx.StmtContext(ctx, st)
	}
	return st
}

func (p prepared) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := p.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return p.plain.ExecContext(ctx, query, args...)
}

func (p prepared) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := p.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return p.plain.QueryContext(ctx, query, args...)
}

func (p prepared) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := p.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return p.plain.QueryRowContext(ctx, query, args...)
}
