package census

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/civitas-city/civitas/internal/audit"
	"github.com/civitas-city/civitas/internal/db"
)

// Report is the outcome of an import.
type Report struct {
	ReadResult
	Added   int // entries that were not in the previous register
	Removed int // entries of the previous register not in this file
	Kept    int // entries in both (birth date and district refreshed)
	At      time.Time
}

// Import replaces the register with the file read from r, all or nothing,
// in one transaction: when any row is bad it returns a *FileError listing
// every bad row, and the register stays as it was.
//
// A new import replaces the previous register as a whole: entries missing
// from the file are removed, the others take the file's birth date and
// district. Verifications are kept by hash (they live with the accounts,
// not in the register), so a resident who verified stays verified and
// follows their new district; one who is no longer in the register loses
// register-based residency until they appear in it again.
func Import(ctx context.Context, d *db.DB, r io.Reader, o Options) (Report, error) {
	var rep Report
	now := o.Now
	if now.IsZero() {
		now = time.Now()
	}
	rep.At = db.TS(now)
	err := d.InTx(ctx, func(tx *sql.Tx) error {
		var before int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM census_entries`).Scan(&before); err != nil {
			return fmt.Errorf("census: count: %w", err)
		}
		w := &writer{tx: tx, importID: db.NewID(), at: rep.At}
		res, err := Read(r, o, func(e Entry) error { return w.add(ctx, e) })
		rep.ReadResult = res
		if err != nil {
			return err
		}
		if len(res.Errors) > 0 {
			return &FileError{What: "census", Errors: res.Errors}
		}
		if err := w.flush(ctx); err != nil {
			return err
		}
		out, err := tx.ExecContext(ctx, `DELETE FROM census_entries WHERE import_id <> $1`, w.importID)
		if err != nil {
			return fmt.Errorf("census: remove old entries: %w", err)
		}
		removed, _ := out.RowsAffected()
		rep.Removed = int(removed)
		rep.Kept = before - rep.Removed
		rep.Added = res.Rows - rep.Kept
		return audit.Record(ctx, tx, audit.Entry{At: now, ActorLabel: o.Actor, Action: "census.import", TargetType: "census",
			Details: map[string]string{"rows": strconv.Itoa(res.Rows), "added": strconv.Itoa(rep.Added),
				"removed": strconv.Itoa(rep.Removed), "kept": strconv.Itoa(rep.Kept)}})
	})
	return rep, err
}

// Replace makes entries the whole register, in the caller's transaction,
// for generated data (the demo). Entries must have unique hashes.
func Replace(ctx context.Context, tx *sql.Tx, entries []Entry, now time.Time) error {
	w := &writer{tx: tx, importID: db.NewID(), at: now}
	for _, e := range entries {
		if err := w.add(ctx, e); err != nil {
			return err
		}
	}
	if err := w.flush(ctx); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM census_entries WHERE import_id <> $1`, w.importID); err != nil {
		return fmt.Errorf("census: remove old entries: %w", err)
	}
	return nil
}
