package db

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// Backup writes a consistent copy of the database to out while it is in
// use: SQLite's VACUUM INTO (a snapshot inside one read transaction), or
// pg_dump's custom format for PostgreSQL.
func Backup(ctx context.Context, d *DB, dsn, out string) error {
	if _, err := os.Stat(out); err == nil {
		return fmt.Errorf("db: backup: %s already exists; choose a new file name", out)
	}
	if dir := filepath.Dir(out); dir != "." {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return fmt.Errorf("db: backup: %w", err)
		}
	}
	// The copy holds everything the database does: readable by its owner
	// only. VACUUM INTO and pg_dump both write into an empty file.
	if err := createPrivate(out); err != nil {
		return fmt.Errorf("db: backup: %w", err)
	}
	switch d.Dialect {
	case SQLite:
		if _, err := d.ExecContext(ctx, `VACUUM INTO $1`, out); err != nil {
			os.Remove(out)
			return fmt.Errorf("db: backup: %w", err)
		}
		return nil
	case Postgres:
		pgDump, err := exec.LookPath("pg_dump")
		if err != nil {
			return fmt.Errorf("db: backup: pg_dump is needed for PostgreSQL backups (Debian package postgresql-client): %w", err)
		}
		cmd := exec.CommandContext(ctx, pgDump, "--format=custom", "--file="+out, "--dbname="+dsn)
		cmd.Stderr = os.Stderr
		if err := cmd.Run(); err != nil {
			os.Remove(out)
			return fmt.Errorf("db: backup: pg_dump: %w", err)
		}
		return nil
	}
	return fmt.Errorf("db: backup: unknown dialect %q", d.Dialect)
}
