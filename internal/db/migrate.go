package db

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrate applies every pending migration. Applying twice is a no-op.
// Several nodes may start at once: on PostgreSQL goose takes an advisory
// lock, on SQLite the immediate transactions serialise the runs.
func Migrate(ctx context.Context, d *DB) (applied int, err error) {
	p, err := provider(d)
	if err != nil {
		return 0, err
	}
	res, err := p.Up(ctx)
	if err != nil {
		return len(res), fmt.Errorf("db: migrate: %w", err)
	}
	return len(res), nil
}

// MigrateTo moves the schema up or down to version, for tests of a
// migration that moves data.
func MigrateTo(ctx context.Context, d *DB, version int64) error {
	p, err := provider(d)
	if err != nil {
		return err
	}
	cur, err := p.GetDBVersion(ctx)
	if err != nil {
		return fmt.Errorf("db: migrate: %w", err)
	}
	if version < cur {
		_, err = p.DownTo(ctx, version)
	} else {
		_, err = p.UpTo(ctx, version)
	}
	if err != nil {
		return fmt.Errorf("db: migrate to %d: %w", version, err)
	}
	return nil
}

// Version is the schema version the database is at.
func Version(ctx context.Context, d *DB) (int64, error) {
	p, err := provider(d)
	if err != nil {
		return 0, err
	}
	return p.GetDBVersion(ctx)
}

func provider(d *DB) (*goose.Provider, error) {
	sub, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	dialect := goose.DialectSQLite3
	// Modules are built in parallel and their migrations are numbered by
	// module, so a database may have run a later number before an earlier
	// one lands (a demo kept with --data): it is applied then, not refused.
	// Each migration touches its own module's tables only.
	opts := []goose.ProviderOption{goose.WithGoMigrations(goMigrations(d.Dialect)...), goose.WithAllowOutofOrder(true)}
	if d.Dialect == Postgres {
		dialect = goose.DialectPostgres
		locker, err := postgresLocker()
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(dialect, d.DB, sub, opts...)
	if err != nil {
		return nil, fmt.Errorf("db: migrations: %w", err)
	}
	return p, nil
}

// goMigrations are the few steps whose SQL differs between the engines.
func goMigrations(dialect Dialect) []*goose.Migration {
	return []*goose.Migration{
		goose.NewGoMigration(2, &goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error {
			return execAll(ctx, tx, auditAppendOnly[dialect])
		}}, nil),
		goose.NewGoMigration(3, &goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error {
			return execAll(ctx, tx, filesTable(dialect))
		}}, nil),
		goose.NewGoMigration(21, &goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error {
			return execAll(ctx, tx, SearchTable(dialect, "news_search"))
		}}, nil),
	}
}

func execAll(ctx context.Context, tx *sql.Tx, stmts []string) error {
	for _, s := range stmts {
		if _, err := tx.ExecContext(ctx, s); err != nil {
			return err
		}
	}
	return nil
}

// auditAppendOnly makes the database itself refuse to change or remove an
// audit row, whatever code runs against it.
var auditAppendOnly = map[Dialect][]string{
	SQLite: {
		`CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
		 BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END`,
		`CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
		 BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END`,
	},
	Postgres: {
		`CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
		 BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$`,
		`CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
		 FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`,
		`CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
		 FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()`,
	},
}

// postgresLocker holds an advisory lock while migrating, so nodes starting
// together apply each migration once.
func postgresLocker() (lock.SessionLocker, error) {
	return lock.NewPostgresSessionLocker(lock.WithLockTimeout(1, 300))
}

// filesTable keeps uploads in the database; only the binary column's type
// differs between the engines.
func filesTable(dialect Dialect) []string {
	blob := "BLOB"
	if dialect == Postgres {
		blob = "BYTEA"
	}
	return []string{
		`CREATE TABLE files (
			id           TEXT PRIMARY KEY,
			owner        TEXT NOT NULL,
			name         TEXT NOT NULL,
			content_type TEXT NOT NULL,
			size         BIGINT NOT NULL,
			sha256       TEXT NOT NULL,
			created_at   TIMESTAMPTZ NOT NULL,
			data         ` + blob + ` NOT NULL
		)`,
		`CREATE INDEX files_owner ON files (owner)`,
	}
}
