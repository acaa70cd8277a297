package ballot

import (
	"context"
	"fmt"
	"time"

	"github.com/civitas-city/civitas/internal/db"
)

// The SQL of paper ballots: batches and the keyed sheets of each.

const batchCols = `id, box, pool, booth, label, double_key, status, created_by, created_at, closed_at`

func scanBatch(row db.Scanner) (*Batch, error) {
	var (
		b       Batch
		created db.Time
		closed  db.NullTime
	)
	if err := row.Scan(&b.ID, &b.Box, &b.Pool, &b.Booth, &b.Label, &b.DoubleKey, &b.Status, &b.CreatedBy, &created, &closed); err != nil {
		return nil, db.MapError(err)
	}
	b.CreatedAt, b.ClosedAt = created.Time, closed.Time
	return &b, nil
}

func insertBatch(ctx context.Context, q db.Querier, b *Batch) error {
	if _, err := q.ExecContext(ctx, `INSERT INTO ballot_paper_batches (id, box, pool, booth, label, double_key, status, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, b.ID, b.Box, b.Pool, b.Booth, b.Label, b.DoubleKey, b.Status,
		b.CreatedBy, db.TS(b.CreatedAt)); err != nil {
		return fmt.Errorf("ballot: batch: %w", err)
	}
	return nil
}

func getBatch(ctx context.Context, q db.Querier, id string) (*Batch, error) {
	return scanBatch(q.QueryRowContext(ctx, `SELECT `+batchCols+` FROM ballot_paper_batches WHERE id = $1`, id))
}

func listBatches(ctx context.Context, q db.Querier, box string) ([]*Batch, error) {
	out, err := db.Query(ctx, q, scanBatch, `SELECT `+batchCols+` FROM ballot_paper_batches WHERE box = $1 ORDER BY booth, label, id`, box)
	if err != nil {
		return nil, fmt.Errorf("ballot: batches: %w", err)
	}
	return out, nil
}

func batchStatus(ctx context.Context, q db.Querier, id string) (string, error) {
	var status string
	err := q.QueryRowContext(ctx, `SELECT status FROM ballot_paper_batches WHERE id = $1`, id).Scan(&status)
	return status, err
}

// paperEntry is one keying of a sheet.
type paperEntry struct {
	ID, Officer, Voter, Sum, Outcome string
}

// firstKeying is the first keying of a sheet; none is sql.ErrNoRows.
func firstKeying(ctx context.Context, q db.Querier, batchID string, seq int) (paperEntry, error) {
	var e paperEntry
	err := q.QueryRowContext(ctx, `SELECT id, officer_id, voter_key, choices_mac, outcome FROM ballot_paper_entries
		WHERE batch_id = $1 AND seq = $2 AND keying = 1`, batchID, seq).Scan(&e.ID, &e.Officer, &e.Voter, &e.Sum, &e.Outcome)
	return e, err
}

// insertPaperEntry stores a keying; a sheet number keyed twice at the same
// keying is a Conflict.
func insertPaperEntry(ctx context.Context, q db.Querier, batchID string, seq, keying int, e paperEntry, at time.Time) error {
	if _, err := q.ExecContext(ctx, `INSERT INTO ballot_paper_entries (id, batch_id, seq, keying, officer_id, voter_key, choices_mac, outcome, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, db.NewID(), batchID, seq, keying, e.Officer, e.Voter, e.Sum, e.Outcome, db.TS(at)); err != nil {
		return db.MapError(err)
	}
	return nil
}

func setEntryOutcome(ctx context.Context, q db.Querier, id, outcome string) error {
	_, err := q.ExecContext(ctx, `UPDATE ballot_paper_entries SET outcome = $1 WHERE id = $2`, outcome, id)
	return err
}

// discardSheet deletes the keyings of a sheet that are pending or
// disagree; false when there are none.
func discardSheet(ctx context.Context, q db.Querier, batchID string, seq int) (bool, error) {
	res, err := q.ExecContext(ctx, `DELETE FROM ballot_paper_entries WHERE batch_id = $1 AND seq = $2 AND outcome IN ($3, $4)`,
		batchID, seq, EntryMismatch, EntryPending)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// unfinishedSheets counts a batch's sheets waiting for a keying or whose
// keyings disagree.
func unfinishedSheets(ctx context.Context, q db.Querier, batchID string) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM ballot_paper_entries WHERE batch_id = $1 AND outcome IN ($2, $3)`,
		batchID, EntryPending, EntryMismatch).Scan(&n)
	return n, err
}

func closeBatch(ctx context.Context, q db.Querier, id string, at time.Time) error {
	_, err := q.ExecContext(ctx, `UPDATE ballot_paper_batches SET status = $1, closed_at = $2 WHERE id = $3`, BatchClosed, db.TS(at), id)
	return err
}

// eachKeying calls fn for every keying of a batch, by sheet then keying.
func eachKeying(ctx context.Context, q db.Querier, batchID string, fn func(seq, keying int, outcome string)) error {
	return db.Each(ctx, q, func(row db.Scanner) error {
		var seq, keying int
		var outcome string
		if err := row.Scan(&seq, &keying, &outcome); err != nil {
			return err
		}
		fn(seq, keying, outcome)
		return nil
	}, `SELECT seq, keying, outcome FROM ballot_paper_entries WHERE batch_id = $1 ORDER BY seq, keying`, batchID)
}

// batchBallots counts a batch's ballots that count (not void).
func batchBallots(ctx context.Context, q db.Querier, batchID string) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM ballot_ballots WHERE batch_id = $1 AND void = FALSE`, batchID).Scan(&n)
	return n, err
}
