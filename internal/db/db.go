// Package db opens the database — embedded SQLite or PostgreSQL, chosen by
// one URL — and hides the few places where the two engines differ:
// connection settings, error codes and time scanning. Every other package
// writes one SQL dialect (the common subset) against *db.DB.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	_ "modernc.org/sqlite"             // registers "sqlite"
)

// Dialect names the database engine behind a DB.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB is a database handle that knows its dialect.
type DB struct {
	*sql.DB
	Dialect Dialect

	// writeSlot (SQLite only) queues this process's transactions in Go
	// before they BEGIN, see InTx.
	writeSlot chan struct{}
}

// Querier is what stores need: a *sql.DB or a *sql.Tx, so one store method
// runs inside or outside a transaction.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Open connects to dsn: "sqlite:PATH" or "postgres://...". It checks the
// connection before returning.
func Open(ctx context.Context, dsn string) (*DB, error) {
	var (
		d   *DB
		err error
	)
	switch {
	case strings.HasPrefix(dsn, "sqlite:"):
		d, err = openSQLite(strings.TrimPrefix(dsn, "sqlite:"))
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		d, err = openPostgres(dsn)
	default:
		return nil, fmt.Errorf("db: unsupported database URL %q: want sqlite:PATH or postgres://", dsn)
	}
	if err != nil {
		return nil, err
	}
	if err := d.PingContext(ctx); err != nil {
		d.Close()
		return nil, fmt.Errorf("db: connect: %w", err)
	}
	return d, nil
}

// sqliteParams are set on every SQLite connection: the busy timeout before
// WAL (so the journal switch itself may wait), foreign keys on, immediate
// transactions (a writer takes the lock at BEGIN, so two writers never
// deadlock upgrading read locks), FULL sync so a committed write survives
// power loss, and a time format both engines sort the same way.
const sqliteParams = "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)" +
	"&_pragma=synchronous(FULL)&_txlock=immediate&_time_format=sqlite"

func openSQLite(path string) (*DB, error) {
	if path == "" {
		return nil, errors.New("db: sqlite: empty path")
	}
	if path != ":memory:" {
		if dir := filepath.Dir(path); dir != "." {
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return nil, fmt.Errorf("db: sqlite: %w", err)
			}
		}
		if err := createPrivate(path); err != nil {
			return nil, fmt.Errorf("db: sqlite: %w", err)
		}
	}
	// The path goes into a URI: '#', '?' and '%' in it (a test named
	// "Test/sqlite#01") must be escaped, or the rest is cut off and
	// another database file is opened.
	escaped := strings.NewReplacer("%", "%25", "#", "%23", "?", "%3F").Replace(path)
	u := url.URL{Scheme: "file", Opaque: escaped, RawQuery: sqliteParams}
	sdb, err := sql.Open("sqlite", u.String())
	if err != nil {
		return nil, fmt.Errorf("db: sqlite: %w", err)
	}
	// WAL lets readers run beside the one writer; more connections than
	// that only queue on the write lock.
	sdb.SetMaxOpenConns(8)
	sdb.SetMaxIdleConns(8)
	return &DB{DB: sdb, Dialect: SQLite, writeSlot: make(chan struct{}, 1)}, nil
}

// createPrivate creates an empty file readable by its owner only, unless
// it exists. SQLite gives its -wal and -shm files the database file's mode,
// so the whole database stays private whatever the umask.
func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return nil
	}
	if err != nil {
		return err
	}
	return f.Close()
}

func openPostgres(dsn string) (*DB, error) {
	sdb, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("db: postgres: %w", err)
	}
	sdb.SetMaxOpenConns(20)
	sdb.SetMaxIdleConns(20)
	return &DB{DB: sdb, Dialect: Postgres}, nil
}

// InTx runs fn in a transaction and commits when fn returns nil. A failed
// commit is returned, so callers never report success for a lost write.
func (d *DB) InTx(ctx context.Context, fn func(tx *sql.Tx) error) (err error) {
	release, err := d.awaitWriteSlot(ctx)
	if err != nil {
		return err
	}
	defer release()
	tx, err := d.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("db: begin: %w", MapError(err))
	}
	defer func() {
		if p := recover(); p != nil {
			tx.Rollback()
			panic(p)
		}
		if err != nil {
			tx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("db: commit: %w", MapError(err))
	}
	return nil
}

// writeWait bounds how long InTx waits for the write slot before it goes
// ahead and lets SQLite's busy handler decide, as without the slot.
const writeWait = 10 * time.Second

// awaitWriteSlot waits until no other transaction of this process is open
// on SQLite. Every SQLite transaction here is a writer (BEGIN IMMEDIATE
// takes the database's one write lock), so they run one at a time anyway;
// waiting in Go hands the lock over as soon as it is free and in arrival
// order, where SQLite's busy handler sleeps and polls (1, 2, 5, ... 100 ms)
// and lets a late comer overtake: under concurrent writers that was most of
// the latency tail. Other processes (the CLI beside a server) still meet
// the busy handler.
func (d *DB) awaitWriteSlot(ctx context.Context) (release func(), err error) {
	if d.writeSlot == nil {
		return func() {}, nil
	}
	release = func() { <-d.writeSlot }
	select {
	case d.writeSlot <- struct{}{}:
		return release, nil
	default:
	}
	wait := time.NewTimer(writeWait)
	defer wait.Stop()
	select {
	case d.writeSlot <- struct{}{}:
		return release, nil
	case <-wait.C:
		// A transaction has held the slot for long (or waits for one
		// nested inside it): go ahead, SQLite's busy timeout decides.
		return func() {}, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("db: begin: %w", ctx.Err())
	}
}
