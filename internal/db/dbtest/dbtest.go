// Package dbtest gives each test a fresh, migrated database: SQLite always,
// and PostgreSQL as well when CIVITAS_TEST_POSTGRES names a database.
package dbtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/civitas-city/civitas/internal/db"
)

// EnvPostgres names the PostgreSQL database tests may use. Each test gets a
// schema of its own there, dropped when the test ends. EnvPostgresAlias,
// the name the shared engineering guide (go-style.md) uses, works too.
const (
	EnvPostgres      = "CIVITAS_TEST_POSTGRES"
	EnvPostgresAlias = "TEST_POSTGRES_URL"
)

// postgresURL is the PostgreSQL database tests may use, or "".
func postgresURL() string {
	if u := os.Getenv(EnvPostgres); u != "" {
		return u
	}
	return os.Getenv(EnvPostgresAlias)
}

// Engines lists the engines a store test should run on.
func Engines() []db.Dialect {
	if postgresURL() != "" {
		return []db.Dialect{db.SQLite, db.Postgres}
	}
	return []db.Dialect{db.SQLite}
}

// Each runs fn once per engine as a subtest named after the engine, each
// with its own fresh database.
func Each(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	t.Helper()
	for _, e := range Engines() {
		t.Run(string(e), func(t *testing.T) { fn(t, Open(t, e)) })
	}
}

// Open returns a fresh migrated database of the given engine, closed and
// removed when the test ends.
func Open(t testing.TB, engine db.Dialect) *db.DB {
	t.Helper()
	dsn := DSN(t, engine)
	d, err := db.Open(context.Background(), dsn)
	if err != nil {
		t.Fatalf("dbtest: open %s: %v", engine, err)
	}
	t.Cleanup(func() { d.Close() })
	if _, err := db.Migrate(context.Background(), d); err != nil {
		t.Fatalf("dbtest: migrate %s: %v", engine, err)
	}
	return d
}

// DSN makes an empty database of the given engine and returns its URL, for
// tests that start whole servers (several nodes may share it).
func DSN(t testing.TB, engine db.Dialect) string {
	t.Helper()
	switch engine {
	case db.SQLite:
		return "sqlite:" + filepath.Join(t.TempDir(), "test.db")
	case db.Postgres:
		base := postgresURL()
		if base == "" {
			t.Skipf("dbtest: %s is not set", EnvPostgres)
		}
		return postgresSchema(t, base)
	}
	t.Fatalf("dbtest: unknown engine %q", engine)
	return ""
}

// postgresSchema creates a schema with a random name and returns base with
// search_path pointing at it, so every connection lands there.
func postgresSchema(t testing.TB, base string) string {
	t.Helper()
	var b [6]byte
	rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	admin, err := db.Open(context.Background(), base)
	if err != nil {
		t.Fatalf("dbtest: postgres: %v", err)
	}
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		admin.Close()
		t.Fatalf("dbtest: create schema: %v", err)
	}
	t.Cleanup(func() {
		admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("dbtest: %s: %v", EnvPostgres, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
