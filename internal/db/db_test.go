package db_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/db/dbtest"
)

func TestMigrateTwiceIsNoOp(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		n, err := db.Migrate(t.Context(), d)
		if err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("second migration applied %d steps, want 0", n)
		}
		v, err := db.Version(t.Context(), d)
		if err != nil || v < 2 {
			t.Errorf("version = %d, %v; want >= 2", v, err)
		}
	})
}

func TestErrorMapping(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		now := db.TS(time.Now())
		insert := func(id, email string) error {
			_, err := d.ExecContext(ctx, `INSERT INTO users (id, email, display_name, created_at) VALUES ($1, $2, $3, $4)`, id, email, "A", now)
			return db.MapError(err)
		}
		if err := insert("u1", "a@example.org"); err != nil {
			t.Fatal(err)
		}
		if err := insert("u2", "a@example.org"); !apperr.Is(err, apperr.Conflict) {
			t.Errorf("duplicate email: got %v, want a conflict", err)
		}
		if err := insert("u1", "b@example.org"); !apperr.Is(err, apperr.Conflict) {
			t.Errorf("duplicate id: got %v, want a conflict", err)
		}
		_, err := d.ExecContext(ctx, `INSERT INTO user_roles (user_id, role, granted_at) VALUES ($1, $2, $3)`, "nobody", "admin", now)
		if err := db.MapError(err); !apperr.Is(err, apperr.Invalid) {
			t.Errorf("dangling reference: got %v, want invalid", err)
		}
		var name string
		err = d.QueryRowContext(ctx, `SELECT display_name FROM users WHERE id = $1`, "missing").Scan(&name)
		if err := db.MapError(err); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("missing row: got %v, want not found", err)
		}
	})
}

func TestTimeRoundTrip(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		want := db.TS(time.Date(2026, 11, 22, 13, 45, 6, 123456789, time.FixedZone("CET", 3600)))
		if _, err := d.ExecContext(ctx, `INSERT INTO users (id, display_name, created_at) VALUES ('u', 'A', $1)`, want); err != nil {
			t.Fatal(err)
		}
		var got db.Time
		var confirmed db.NullTime
		if err := d.QueryRowContext(ctx, `SELECT created_at, email_confirmed_at FROM users WHERE id = 'u'`).Scan(&got, &confirmed); err != nil {
			t.Fatal(err)
		}
		if !got.Equal(want) || got.Location() != time.UTC {
			t.Errorf("got %v, want %v in UTC", got.Time, want)
		}
		if confirmed.Valid {
			t.Errorf("NULL time scanned as valid: %v", confirmed.Time)
		}
		// Times compare in SQL as times on both engines.
		var n int
		if err := d.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE created_at < $1`, want.Add(time.Microsecond)).Scan(&n); err != nil || n != 1 {
			t.Errorf("comparison: n = %d, %v; want 1", n, err)
		}
	})
}

func TestInTxRollsBackOnError(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		boom := errors.New("boom")
		err := d.InTx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, `INSERT INTO users (id, display_name, created_at) VALUES ('u', 'A', $1)`, db.TS(time.Now())); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("InTx returned %v, want boom", err)
		}
		var n int
		d.QueryRowContext(ctx, `SELECT count(*) FROM users`).Scan(&n)
		if n != 0 {
			t.Errorf("rolled-back insert is visible: %d rows", n)
		}
	})
}

func TestOpenRejectsUnknownScheme(t *testing.T) {
	if _, err := db.Open(context.Background(), "mysql://x"); err == nil {
		t.Fatal("Open accepted a mysql URL")
	}
}

func TestBackupSQLite(t *testing.T) {
	d := dbtest.Open(t, db.SQLite)
	ctx := t.Context()
	if _, err := d.ExecContext(ctx, `INSERT INTO users (id, display_name, created_at) VALUES ('u', 'Ala', $1)`, db.TS(time.Now())); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir() + "/backup.db"
	if err := db.Backup(ctx, d, "", out); err != nil {
		t.Fatal(err)
	}
	copyDB, err := db.Open(ctx, "sqlite:"+out)
	if err != nil {
		t.Fatal(err)
	}
	defer copyDB.Close()
	var name string
	if err := copyDB.QueryRowContext(ctx, `SELECT display_name FROM users WHERE id = 'u'`).Scan(&name); err != nil || name != "Ala" {
		t.Errorf("backup holds %q, %v", name, err)
	}
	if err := db.Backup(ctx, d, "", out); err == nil {
		t.Error("a backup overwrote an existing file")
	}
}

// The database and its backups are readable by their owner only, whatever
// the umask: they hold residents' personal data.
func TestDatabaseFilesArePrivate(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	dir := t.TempDir()
	ctx := t.Context()
	d, err := db.Open(ctx, "sqlite:"+dir+"/civitas.db")
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := db.Migrate(ctx, d); err != nil {
		t.Fatal(err)
	}
	if err := db.Backup(ctx, d, "", dir+"/backup.db"); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"civitas.db", "civitas.db-wal", "civitas.db-shm", "backup.db"} {
		fi, err := os.Stat(dir + "/" + name)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if perm := fi.Mode().Perm(); perm&0o077 != 0 {
			t.Errorf("%s has mode %o: others may read it", name, perm)
		}
	}
}

// A path with '#' or '?' (a subtest's temporary directory, "sqlite#01")
// opens that very file, not a file named by the part before the '#'.
func TestSQLitePathWithHash(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"a#1.db", "a#2.db", "b?c.db", "d%41.db"} {
		path := filepath.Join(dir, name)
		d, err := db.Open(context.Background(), "sqlite:"+path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := d.ExecContext(context.Background(), `CREATE TABLE t (x INTEGER)`); err != nil {
			t.Errorf("%s: %v (another file was opened)", name, err)
		}
		d.Close()
		if _, err := os.Stat(path); err != nil {
			t.Errorf("%s was not created: %v", name, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "a")); err == nil {
		t.Error("the path was cut at '#'")
	}
}
