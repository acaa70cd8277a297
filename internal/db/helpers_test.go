package db_test

import (
	"database/sql"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/db/dbtest"
)

type user struct {
	ID, Email string
}

func scanUser(s db.Scanner) (user, error) {
	var u user
	var email sql.NullString
	err := s.Scan(&u.ID, &email)
	u.Email = email.String
	return u, err
}

// addUsers inserts users named by their ids; an empty email is NULL.
func addUsers(t *testing.T, q db.Querier, us ...user) {
	t.Helper()
	for _, u := range us {
		_, err := q.ExecContext(t.Context(), `INSERT INTO users (id, email, display_name, created_at) VALUES ($1, $2, $1, $3)`,
			u.ID, db.Null(u.Email), db.TS(time.Now()))
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestNewIDsAreUniqueAndSortByTime(t *testing.T) {
	var ids []string
	for range 100 {
		ids = append(ids, db.NewID())
	}
	if !slices.IsSorted(ids) {
		t.Errorf("ids made one after another do not sort in order: %v", ids)
	}
	if len(slices.Compact(slices.Clone(ids))) != len(ids) {
		t.Error("two ids are equal")
	}
}

func TestNullStoresZeroAsNULL(t *testing.T) {
	if db.Null("") != nil || db.Null(0) != nil || db.Null(int64(0)) != nil {
		t.Error("a zero value is not NULL")
	}
	if db.Null("a") != "a" || db.Null(int64(7)) != int64(7) {
		t.Error("a value is not passed through")
	}
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		addUsers(t, d, user{ID: "a", Email: "a@example.org"}, user{ID: "b"})
		var n int
		if err := d.QueryRowContext(t.Context(), `SELECT count(*) FROM users WHERE email IS NULL`).Scan(&n); err != nil || n != 1 {
			t.Errorf("NULL emails: %d, %v; want 1", n, err)
		}
	})
}

func TestQueryCollectsRowsInOrder(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		addUsers(t, d, user{ID: "b", Email: "b@example.org"}, user{ID: "a"}, user{ID: "c", Email: "c@example.org"})
		got, err := db.Query(ctx, d, scanUser, `SELECT id, email FROM users ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		want := []user{{"a", ""}, {"b", "b@example.org"}, {"c", "c@example.org"}}
		if !slices.Equal(got, want) {
			t.Errorf("got %v, want %v", got, want)
		}
		ids, err := db.Query(ctx, d, db.Value[string], `SELECT id FROM users WHERE email IS NOT NULL ORDER BY id DESC`)
		if err != nil || !slices.Equal(ids, []string{"c", "b"}) {
			t.Errorf("ids = %v, %v; want [c b]", ids, err)
		}
		none, err := db.Query(ctx, d, db.Value[string], `SELECT id FROM users WHERE id = $1`, "nobody")
		if err != nil || none != nil {
			t.Errorf("no rows: %#v, %v; want a nil slice", none, err)
		}
		if _, err := db.Query(ctx, d, db.Value[string], `SELECT no_such_column FROM users`); err == nil {
			t.Error("a bad query returned no error")
		}
		boom := errors.New("boom")
		_, err = db.Query(ctx, d, func(db.Scanner) (int, error) { return 0, boom }, `SELECT id FROM users`)
		if !errors.Is(err, boom) {
			t.Errorf("a failing scan returned %v, want boom", err)
		}
	})
}

func TestEachVisitsEveryRowUntilAnError(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		addUsers(t, d, user{ID: "a"}, user{ID: "b"}, user{ID: "c"})
		var seen []string
		err := db.Each(ctx, d, func(s db.Scanner) error {
			id, err := db.Value[string](s)
			seen = append(seen, id)
			return err
		}, `SELECT id FROM users WHERE id <> $1 ORDER BY id`, "b")
		if err != nil || !slices.Equal(seen, []string{"a", "c"}) {
			t.Errorf("seen %v, %v; want [a c]", seen, err)
		}
		boom := errors.New("boom")
		calls := 0
		err = db.Each(ctx, d, func(db.Scanner) error { calls++; return boom }, `SELECT id FROM users`)
		if !errors.Is(err, boom) || calls != 1 {
			t.Errorf("Each went on after an error: %d calls, %v", calls, err)
		}
	})
}

func TestStmtCacheRunsStatementsInAndOutOfTransactions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		var c db.StmtCache
		const insert = `INSERT INTO users (id, display_name, created_at) VALUES ($1, $1, $2)`
		const count = `SELECT count(*) FROM users`
		if _, err := c.Querier(d, nil).ExecContext(ctx, insert, "a", db.TS(time.Now())); err != nil {
			t.Fatal(err)
		}
		// The same statement inside a transaction that rolls back, and
		// read back through the cache inside it.
		boom := errors.New("boom")
		err := d.InTx(ctx, func(tx *sql.Tx) error {
			q := c.Querier(d, tx)
			if _, err := q.ExecContext(ctx, insert, "b", db.TS(time.Now())); err != nil {
				return err
			}
			var n int
			if err := q.QueryRowContext(ctx, count).Scan(&n); err != nil || n != 2 {
				t.Errorf("inside the transaction: %d users, %v; want 2", n, err)
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("InTx: %v", err)
		}
		ids, err := db.Query(ctx, c.Querier(d, nil), db.Value[string], `SELECT id FROM users ORDER BY id`)
		if err != nil || !slices.Equal(ids, []string{"a"}) {
			t.Errorf("after the rollback: %v, %v; want [a]", ids, err)
		}
		// A statement that cannot be prepared fails as it would unprepared,
		// and is not kept.
		var x int
		if err := c.Querier(d, nil).QueryRowContext(ctx, `SELECT x FROM no_such_table`).Scan(&x); err == nil {
			t.Error("a query of a missing table succeeded")
		}
		if _, err := d.ExecContext(ctx, `CREATE TABLE no_such_table (x INTEGER)`); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Querier(d, nil).ExecContext(ctx, `INSERT INTO no_such_table (x) VALUES (5)`); err != nil {
			t.Fatal(err)
		}
		if err := c.Querier(d, nil).QueryRowContext(ctx, `SELECT x FROM no_such_table`).Scan(&x); err != nil || x != 5 {
			t.Errorf("once the table exists: %d, %v; want 5", x, err)
		}
	})
}
