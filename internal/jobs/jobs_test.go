package jobs_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/db/dbtest"
	"github.com/civitas-city/civitas/internal/jobs"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func state(t *testing.T, d *db.DB) (st string, attempts int, lastErr string) {
	t.Helper()
	if err := d.QueryRowContext(t.Context(), `SELECT state, attempts, last_error FROM jobs`).Scan(&st, &attempts, &lastErr); err != nil {
		t.Fatal(err)
	}
	return
}

func TestRunsOnceAndMarksDone(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		r := jobs.NewRunner(d, quiet, 1)
		var got []string
		r.Handle("greet", func(ctx context.Context, j jobs.Job) error {
			got = append(got, string(j.Payload))
			return nil
		})
		if err := jobs.Enqueue(ctx, d, "greet", map[string]string{"name": "Ala"}, jobs.Options{}); err != nil {
			t.Fatal(err)
		}
		if did, err := r.RunOne(ctx); !did || err != nil {
			t.Fatalf("RunOne = %v, %v", did, err)
		}
		if did, _ := r.RunOne(ctx); did {
			t.Error("a done job ran again")
		}
		if len(got) != 1 || got[0] != `{"name":"Ala"}` {
			t.Errorf("payloads = %q", got)
		}
		if st, n, _ := state(t, d); st != jobs.StateDone || n != 1 {
			t.Errorf("state %s after %d attempts", st, n)
		}
	})
}

func TestRetryWithBackoffThenGiveUp(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		r := jobs.NewRunner(d, quiet, 1)
		r.Handle("flaky", func(ctx context.Context, j jobs.Job) error { return errors.New("smtp down") })
		jobs.Enqueue(ctx, d, "flaky", nil, jobs.Options{MaxAttempts: 2})
		r.RunOne(ctx)
		st, n, lastErr := state(t, d)
		if st != jobs.StateReady || n != 1 || lastErr != "smtp down" {
			t.Fatalf("after one failure: %s/%d/%q", st, n, lastErr)
		}
		// Not due yet: the backoff holds it back.
		if did, _ := r.RunOne(ctx); did {
			t.Fatal("retried before its backoff")
		}
		d.ExecContext(ctx, `UPDATE jobs SET run_at = $1`, db.TS(time.Now().Add(-time.Second)))
		r.RunOne(ctx)
		if st, n, _ := state(t, d); st != jobs.StateFailed || n != 2 {
			t.Errorf("after max attempts: %s/%d, want failed/2", st, n)
		}
	})
}

func TestPermanentErrorFailsAtOnce(t *testing.T) {
	d := dbtest.Open(t, db.SQLite)
	r := jobs.NewRunner(d, quiet, 1)
	jobs.Enqueue(t.Context(), d, "unknown-kind", nil, jobs.Options{})
	r.RunOne(t.Context())
	if st, n, _ := state(t, d); st != jobs.StateFailed || n != 1 {
		t.Errorf("job without handler: %s/%d, want failed/1", st, n)
	}
}

func TestDedupeKeepsOneWaitingJob(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		for range 5 {
			if err := jobs.Enqueue(ctx, d, "recompute", nil, jobs.Options{DedupeKey: "conv-1"}); err != nil {
				t.Fatal(err)
			}
		}
		jobs.Enqueue(ctx, d, "recompute", nil, jobs.Options{DedupeKey: "conv-2"})
		counts, err := jobs.Counts(ctx, d)
		if err != nil || counts[jobs.StateReady] != 2 {
			t.Errorf("ready jobs = %v, %v; want 2", counts, err)
		}
	})
}

// A job whose node died mid-run (lease expired) is taken over by another.
func TestExpiredLeaseIsReclaimed(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		jobs.Enqueue(ctx, d, "work", nil, jobs.Options{})
		d.ExecContext(ctx, `UPDATE jobs SET state = 'running', locked_by = 'dead-node', locked_until = $1, attempts = 1`, db.TS(time.Now().Add(-time.Minute)))
		r := jobs.NewRunner(d, quiet, 1)
		ran := 0
		r.Handle("work", func(context.Context, jobs.Job) error { ran++; return nil })
		r.RunOne(ctx)
		if st, n, _ := state(t, d); ran != 1 || st != jobs.StateDone || n != 2 {
			t.Errorf("ran %d, state %s, attempts %d", ran, st, n)
		}
	})
}

// Many workers on one database: every job runs exactly once.
func TestConcurrentWorkersRunEachJobOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		const n = 60
		for range n {
			jobs.Enqueue(ctx, d, "count", nil, jobs.Options{})
		}
		var mu sync.Mutex
		seen := map[string]int{}
		handler := func(_ context.Context, j jobs.Job) error {
			mu.Lock()
			seen[j.ID]++
			mu.Unlock()
			return nil
		}
		runCtx, cancel := context.WithCancel(ctx)
		var wg sync.WaitGroup
		for range 3 { // three "nodes"
			r := jobs.NewRunner(d, quiet, 3)
			r.Poll = 10 * time.Millisecond
			r.Handle("count", handler)
			wg.Go(func() { r.Run(runCtx) })
		}
		deadline := time.Now().Add(30 * time.Second)
		for time.Now().Before(deadline) {
			if c, _ := jobs.Counts(ctx, d); c[jobs.StateDone] == n {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		cancel()
		wg.Wait()
		if len(seen) != n {
			t.Errorf("%d distinct jobs ran, want %d", len(seen), n)
		}
		for id, c := range seen {
			if c != 1 {
				t.Errorf("job %s ran %d times", id, c)
			}
		}
	})
}

func TestSweepFinished(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		r := jobs.NewRunner(d, quiet, 1)
		r.Handle("x", func(context.Context, jobs.Job) error { return nil })
		jobs.Enqueue(ctx, d, "x", nil, jobs.Options{})
		jobs.Enqueue(ctx, d, "x", nil, jobs.Options{RunAt: time.Now().Add(time.Hour)})
		r.RunOne(ctx)
		if n, err := jobs.SweepFinished(ctx, d, time.Now().Add(-time.Hour)); n != 0 || err != nil {
			t.Errorf("swept a recent job: %d, %v", n, err)
		}
		if n, err := jobs.SweepFinished(ctx, d, time.Now().Add(time.Minute)); n != 1 || err != nil {
			t.Errorf("sweep = %d, %v; want the one done job", n, err)
		}
		if c, _ := jobs.Counts(ctx, d); c[jobs.StateReady] != 1 {
			t.Errorf("the waiting job was swept: %v", c)
		}
	})
}
