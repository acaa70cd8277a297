package db_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"testing"

	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/db/dbtest"
)

// TestGroupCommitSharesTransactions: requests that queue while a batch is
// being written go into one later transaction together, each gets its own
// result, and a request that fails fails alone.
func TestGroupCommitSharesTransactions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		if _, err := d.ExecContext(ctx, `CREATE TABLE gc_items (k TEXT PRIMARY KEY)`); err != nil {
			t.Fatal(err)
		}
		if _, err := d.ExecContext(ctx, `INSERT INTO gc_items (k) VALUES ('taken')`); err != nil {
			t.Fatal(err)
		}
		release := make(chan struct{})
		var (
			mu      sync.Mutex
			batches []int
		)
		g := &db.GroupCommit[string, string]{
			DB: d,
			Write: func(ctx context.Context, tx *sql.Tx, batch []string) ([]string, error) {
				mu.Lock()
				first := len(batches) == 0
				batches = append(batches, len(batch))
				mu.Unlock()
				if first {
					<-release // hold the first batch so the others queue up
				}
				out := make([]string, len(batch))
				for i, k := range batch {
					if _, err := tx.ExecContext(ctx, `INSERT INTO gc_items (k) VALUES ($1)`, k); err != nil {
						return nil, err
					}
					out[i] = "ok:" + k
				}
				return out, nil
			},
		}
		const n = 40
		results := make([]string, n+1)
		errs := make([]error, n+1)
		var wg sync.WaitGroup
		do := func(i int, k string) {
			defer wg.Done()
			results[i], errs[i] = g.Do(k)
		}
		wg.Add(1)
		go do(0, "k0")
		for { // wait until the first request is being written
			mu.Lock()
			started := len(batches) == 1
			mu.Unlock()
			if started {
				break
			}
			runtime.Gosched()
		}
		for i := 1; i < n; i++ {
			wg.Add(1)
			go do(i, fmt.Sprintf("k%d", i))
		}
		wg.Add(1)
		go do(n, "taken") // violates the primary key
		for g.Queued() < n {
			runtime.Gosched()
		}
		close(release)
		wg.Wait()

		for i := 0; i < n; i++ {
			if errs[i] != nil || results[i] != fmt.Sprintf("ok:k%d", i) {
				t.Errorf("request %d = %q, %v; want ok:k%d", i, results[i], errs[i], i)
			}
		}
		if errs[n] == nil {
			t.Errorf("duplicate key committed without error")
		}
		var count int
		if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM gc_items`).Scan(&count); err != nil {
			t.Fatal(err)
		}
		if count != n+1 {
			t.Errorf("%d rows, want %d (the taken one and each good request once)", count, n+1)
		}
		// First batch: k0 alone. Second: the n queued together, which fails
		// on "taken" and is retried one by one.
		if len(batches) < 2 || batches[0] != 1 || batches[1] != n {
			t.Errorf("batch sizes %v, want [1 %d ...]", batches, n)
		}
	})
}

// Transactions of one process on SQLite wait for each other (in Go, see
// awaitWriteSlot): one whose context ends while another holds the lock
// gives up and changes nothing, and the next one commits once the holder
// has, with nothing lost or stuck. (That the wait happens in Go rather
// than in SQLite's busy handler is a matter of latency, measured in
// docs/benchmarks-budget.md, not asserted here.)
func TestSQLiteTransactionsQueue(t *testing.T) {
	d := dbtest.Open(t, db.SQLite)
	ctx := t.Context()
	if _, err := d.ExecContext(ctx, `CREATE TABLE q_items (k TEXT PRIMARY KEY)`); err != nil {
		t.Fatal(err)
	}
	insert := func(k string) func(tx *sql.Tx) error {
		return func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO q_items (k) VALUES ($1)`, k)
			return err
		}
	}
	holding, release := make(chan struct{}), make(chan struct{})
	held := make(chan error, 1)
	go func() {
		held <- d.InTx(ctx, func(tx *sql.Tx) error {
			close(holding)
			<-release
			return insert("first")(tx)
		})
	}()
	<-holding

	waiting, cancel := context.WithCancel(ctx)
	gaveUp := make(chan error, 1)
	go func() { gaveUp <- d.InTx(waiting, insert("cancelled")) }()
	cancel()
	if err := <-gaveUp; !errors.Is(err, context.Canceled) {
		t.Errorf("a waiting transaction whose context ended: %v, want context.Canceled", err)
	}

	next := make(chan error, 1)
	go func() { next <- d.InTx(ctx, insert("next")) }()
	close(release)
	if err := <-held; err != nil {
		t.Fatal(err)
	}
	if err := <-next; err != nil {
		t.Fatal(err)
	}
	var keys []string
	rows, err := d.QueryContext(ctx, `SELECT k FROM q_items ORDER BY k`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		rows.Scan(&k)
		keys = append(keys, k)
	}
	if fmt.Sprint(keys) != "[first next]" {
		t.Errorf("rows %v, want [first next]", keys)
	}
}
