// Package jobs is the database-backed job queue. A job is enqueued in the
// same transaction as the change that needs it (so it exists exactly when
// the change does), claimed by one worker on one node with a lease, retried
// with exponential backoff, and survives restarts because it lives in the
// database.
package jobs

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/civitas-city/civitas/internal/db"
)

// Job states.
const (
	StateReady   = "ready"
	StateRunning = "running"
	StateDone    = "done"
	StateFailed  = "failed" // gave up after MaxAttempts
)

// Job is one unit of background work.
type Job struct {
	ID          string
	Kind        string
	Payload     json.RawMessage
	Attempts    int
	MaxAttempts int
}

// Options tune one enqueue. Zero values mean "now", 10 attempts, no dedupe.
type Options struct {
	RunAt       time.Time
	MaxAttempts int
	// DedupeKey keeps at most one waiting job per key: enqueueing again
	// while one waits is a no-op (debounce).
	DedupeKey string
}

// Enqueue adds a job. Pass the transaction of the change that causes it.
func Enqueue(ctx context.Context, q db.Querier, kind string, payload any, opt Options) error {
	body, err := json.Marshal(payload)
	if err != nil {
		return fmt.Errorf("jobs: enqueue %s: %w", kind, err)
	}
	now := time.Now()
	if opt.RunAt.IsZero() {
		opt.RunAt = now
	}
	if opt.MaxAttempts <= 0 {
		opt.MaxAttempts = 10
	}
	_, err = q.ExecContext(ctx, `INSERT INTO jobs (id, kind, payload, state, dedupe_key, run_at, max_attempts, created_at)
		VALUES ($1, $2, $3, 'ready', $4, $5, $6, $7)
		ON CONFLICT (dedupe_key) WHERE state = 'ready' DO NOTHING`,
		db.NewID(), kind, string(body), db.Null(opt.DedupeKey), db.TS(opt.RunAt), opt.MaxAttempts, db.TS(now))
	if err != nil {
		return fmt.Errorf("jobs: enqueue %s: %w", kind, db.MapError(err))
	}
	return nil
}

// Backoff is the wait before retry number attempt (1-based): 10s, 40s, 90s,
// ... capped at an hour.
func Backoff(attempt int) time.Duration {
	d := time.Duration(attempt*attempt) * 10 * time.Second
	return min(d, time.Hour)
}

// Counts reports how many jobs are in each state, for metrics and the
// admin page.
func Counts(ctx context.Context, q db.Querier) (map[string]int, error) {
	out := map[string]int{}
	err := db.Each(ctx, q, func(row db.Scanner) error {
		var s string
		var n int
		err := row.Scan(&s, &n)
		out[s] = n
		return err
	}, `SELECT state, count(*) FROM jobs GROUP BY state`)
	if err != nil {
		return nil, fmt.Errorf("jobs: counts: %w", err)
	}
	return out, nil
}

// SweepFinished deletes done and failed jobs finished before cutoff; the
// queue keeps a recent history for the admins and metrics, not every job.
func SweepFinished(ctx context.Context, q db.Querier, cutoff time.Time) (int64, error) {
	res, err := q.ExecContext(ctx, `DELETE FROM jobs WHERE state IN ('done', 'failed') AND finished_at < $1`, db.TS(cutoff))
	if err != nil {
		return 0, fmt.Errorf("jobs: sweep: %w", err)
	}
	return res.RowsAffected()
}
