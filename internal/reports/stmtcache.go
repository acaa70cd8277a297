package reports

import (
	"context"
	"database/sql"
	"sync"

	"github.com/civitas-city/civitas/internal/db"
)

// stmtCache keeps prepared statements for the hot path of a new report
// (key lookup, category, routing and the writes), so SQLite parses each
// statement once per connection instead of once per report: parsing was a
// sixth of the CPU time of a POST. Only constant SQL goes through it.
type stmtCache struct {
	mu sync.Mutex
	m  map[string]*sql.Stmt
}

func (c *stmtCache) get(ctx context.Context, d *sql.DB, query string) (*sql.Stmt, error) {
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

// prepared is a db.Querier that runs statements prepared once, on the
// database or inside tx.
type prepared struct {
	c  *stmtCache
	db *sql.DB
	tx *sql.Tx
}

// cached returns a Querier over the statement cache: in tx when it is not
// nil, else on the database.
func (s *Service) cached(tx *sql.Tx) db.Querier {
	return prepared{c: &s.stmts, db: s.DB.DB, tx: tx}
}

func (p prepared) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	st, err := p.c.get(ctx, p.db, query)
	if err != nil || p.tx == nil {
		return st, err
	}
	// Bound to the transaction's connection, where database/sql reuses
	// the statement if that connection has prepared it before.
	return p.tx.StmtContext(ctx, st), nil
}

func (p prepared) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := p.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

func (p prepared) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := p.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

func (p prepared) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := p.stmt(ctx, query)
	if err != nil {
		// Unprepared, the statement fails the same way, inside the Row.
		if p.tx != nil {
			return p.tx.QueryRowContext(ctx, query, args...)
		}
		return p.db.QueryRowContext(ctx, query, args...)
	}
	return st.QueryRowContext(ctx, args...)
}
