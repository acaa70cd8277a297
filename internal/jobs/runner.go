package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/google/uuid"
)

// Handler runs one job. Returning an error schedules a retry; returning a
// Permanent error fails the job at once.
type Handler func(ctx context.Context, job Job) error

// PermanentError marks a failure that retrying cannot fix (bad payload).
type PermanentError struct{ Err error }

func (e *PermanentError) Error() string { return "permanent: " + e.Err.Error() }
func (e *PermanentError) Unwrap() error { return e.Err }

// Runner claims and runs jobs with a fixed pool of workers.
type Runner struct {
	DB       *db.DB
	Log      *slog.Logger
	Workers  int
	Poll     time.Duration // how often an idle worker looks for work
	Timeout  time.Duration // per job; the lease is a little longer
	handlers map[string]Handler
	node     string
	wake     chan struct{}
}

// NewRunner makes a runner with a random node id.
func NewRunner(d *db.DB, log *slog.Logger, workers int) *Runner {
	return &Runner{
		DB: d, Log: log, Workers: workers,
		Poll: time.Second, Timeout: 5 * time.Minute,
		handlers: map[string]Handler{},
		node:     uuid.NewString(),
		wake:     make(chan struct{}, 1),
	}
}

// Handle registers the handler for a kind. Call before Run.
func (r *Runner) Handle(kind string, h Handler) {
	if _, dup := r.handlers[kind]; dup {
		panic("jobs: two handlers for " + kind)
	}
	r.handlers[kind] = h
}

// Kinds lists the registered kinds.
func (r *Runner) Kinds() []string {
	out := make([]string, 0, len(r.handlers))
	for k := range r.handlers {
		out = append(out, k)
	}
	return out
}

// Wake tells an idle worker to look for work now (after an enqueue in this
// process), instead of at its next poll.
func (r *Runner) Wake() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// Run works until ctx is cancelled, then lets running jobs finish.
func (r *Runner) Run(ctx context.Context) {
	var wg sync.WaitGroup
	for range r.Workers {
		wg.Go(func() { r.work(ctx) })
	}
	wg.Wait()
}

func (r *Runner) work(ctx context.Context) {
	for ctx.Err() == nil {
		did, err := r.RunOne(context.WithoutCancel(ctx))
		if err != nil {
			r.Log.Error("jobs: claim", "error", err)
		}
		if did {
			continue
		}
		select {
		case <-ctx.Done():
		case <-r.wake:
		case <-time.After(r.Poll):
		}
	}
}

// RunOne claims one due job and runs it. It reports whether it found one.
func (r *Runner) RunOne(ctx context.Context) (bool, error) {
	job, err := r.claim(ctx)
	if err != nil || job == nil {
		return false, err
	}
	runErr := r.run(ctx, *job)
	return true, r.finish(ctx, *job, runErr)
}

func (r *Runner) run(ctx context.Context, job Job) (err error) {
	h, ok := r.handlers[job.Kind]
	if !ok {
		return &PermanentError{fmt.Errorf("no handler for job kind %q", job.Kind)}
	}
	ctx, cancel := context.WithTimeout(ctx, r.Timeout)
	defer cancel()
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return h(ctx, job)
}

// claim takes the oldest due ready job, or else a running job whose lease
// expired (its node died). Each UPDATE re-checks the state, so when two
// nodes race for one row exactly one of them gets it. The two cases are
// separate statements so each uses its index instead of scanning the queue.
func (r *Runner) claim(ctx context.Context) (*Job, error) {
	now := db.TS(time.Now())
	lease := now.Add(r.Timeout + time.Minute)
	for _, q := range []string{
		`UPDATE jobs SET state = 'running', locked_by = $1, locked_until = $2, attempts = attempts + 1
		WHERE id = (SELECT id FROM jobs WHERE state = 'ready' AND run_at <= $3 ORDER BY run_at, id LIMIT 1)
		AND state = 'ready' AND run_at <= $3
		RETURNING id, kind, payload, attempts, max_attempts`,
		`UPDATE jobs SET state = 'running', locked_by = $1, locked_until = $2, attempts = attempts + 1
		WHERE id = (SELECT id FROM jobs WHERE state = 'running' AND locked_until < $3 ORDER BY locked_until, id LIMIT 1)
		AND state = 'running' AND locked_until < $3
		RETURNING id, kind, payload, attempts, max_attempts`,
	} {
		var (
			j       Job
			payload string
		)
		err := r.DB.QueryRowContext(ctx, q, r.node, lease, now).Scan(&j.ID, &j.Kind, &payload, &j.Attempts, &j.MaxAttempts)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return nil, err
		}
		j.Payload = []byte(payload)
		return &j, nil
	}
	return nil, nil
}

func (r *Runner) finish(ctx context.Context, job Job, runErr error) error {
	now := db.TS(time.Now())
	if runErr == nil {
		_, err := r.DB.ExecContext(ctx, `UPDATE jobs SET state = 'done', finished_at = $1, locked_until = NULL, last_error = ''
			WHERE id = $2 AND locked_by = $3`, now, job.ID, r.node)
		return err
	}
	_, permanent := errors.AsType[*PermanentError](runErr)
	if permanent || job.Attempts >= job.MaxAttempts {
		r.Log.Error("jobs: gave up", "job_id", job.ID, "kind", job.Kind, "attempts", job.Attempts, "error", runErr)
		_, err := r.DB.ExecContext(ctx, `UPDATE jobs SET state = 'failed', finished_at = $1, locked_until = NULL, last_error = $2
			WHERE id = $3 AND locked_by = $4`, now, runErr.Error(), job.ID, r.node)
		return err
	}
	r.Log.Warn("jobs: will retry", "job_id", job.ID, "kind", job.Kind, "attempt", job.Attempts, "error", runErr)
	_, err := r.DB.ExecContext(ctx, `UPDATE jobs SET state = 'ready', run_at = $1, locked_until = NULL, last_error = $2
		WHERE id = $3 AND locked_by = $4`, now.Add(Backoff(job.Attempts)), runErr.Error(), job.ID, r.node)
	if err != nil && isDedupeConflict(err) {
		// Another job with the same dedupe key is already waiting and will
		// do the same work; this one is no longer needed.
		_, err = r.DB.ExecContext(ctx, `UPDATE jobs SET state = 'done', finished_at = $1, locked_until = NULL, last_error = $2
			WHERE id = $3 AND locked_by = $4`, now, "superseded: "+runErr.Error(), job.ID, r.node)
	}
	return err
}

func isDedupeConflict(err error) bool {
	return apperr.Is(db.MapError(err), apperr.Conflict)
}
