package tax

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/civitas-city/civitas/internal/audit"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/web"
)

// ImportOptions say where an import comes from.
type ImportOptions struct {
	FileName string
	// AsOf is the finance system's date of the data (the export's day).
	AsOf time.Time
	// Actor names who imports, for the audit log ("civitas tax import").
	Actor string
}

// ImportResult is the outcome of an import.
type ImportResult struct {
	Run
	// Already is set when this very file was imported before: nothing
	// changed.
	Already bool
}

// errStop rolls an import's transaction back on purpose.
var errStop = errors.New("tax: stop")

// Import replaces the tax data with the file read from r, all or nothing
// in one transaction: when any row is bad it returns a *web.FileError
// listing every bad row (up to 1,000), records the refusal for officers,
// and the data stay as they were. The same file imported twice changes
// nothing the second time.
func (s *Service) Import(ctx context.Context, r io.Reader, o ImportOptions) (ImportResult, error) {
	if o.AsOf.IsZero() {
		return ImportResult{}, errors.New("tax: the import needs the date of the data (AsOf)")
	}
	hash := sha256.New()
	r = io.TeeReader(r, hash)
	now := s.now()
	res := ImportResult{Run: Run{ID: db.NewID(), FileName: o.FileName, ImportedBy: o.Actor, AsOf: o.AsOf, ImportedAt: db.TS(now)}}
	var rowErrs []web.RowError
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		for _, table := range []string{"tax_payments", "tax_instalments", "tax_liabilities", "tax_city_income"} {
			// Without a WHERE, SQLite empties a table in one step.
			if _, err := tx.ExecContext(ctx, "DELETE FROM "+table); err != nil {
				return fmt.Errorf("tax: clear %s: %w", table, err)
			}
		}
		w, err := newWriter(ctx, tx)
		if err != nil {
			return err
		}
		st, errs, err := read(r, s.Key, w.write(ctx))
		if err != nil {
			return err
		}
		if err := w.close(ctx); err != nil {
			return err
		}
		if len(errs) > 0 {
			rowErrs = errs
			return errStop
		}
		// The file is read: its checksum is known.
		sum := hex.EncodeToString(hash.Sum(nil))
		var when db.Time
		switch err := tx.QueryRowContext(ctx, `SELECT imported_at FROM tax_imports WHERE sha256 = $1`, sum).Scan(&when); {
		case err == nil:
			res.Already, res.ImportedAt = true, when.Time
			return errStop // roll back the rewrite: the data are this file's already
		case !errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("tax: imports: %w", err)
		}
		res.Liabilities, res.Instalments, res.Payments = st.Liabilities, st.Instalments, st.Payments
		if _, err := tx.ExecContext(ctx, `INSERT INTO tax_imports (id, sha256, file_name, as_of, liabilities, instalments, payments,
			imported_by, imported_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, res.ID, sum, o.FileName, o.AsOf.Format(day),
			st.Liabilities, st.Instalments, st.Payments, o.Actor, db.TS(now)); err != nil {
			return fmt.Errorf("tax: record import: %w", err)
		}
		// Reminders look at the new data tonight.
		if err := s.scheduleReminders(ctx, tx); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{At: now, ActorLabel: o.Actor, Action: "tax.import", TargetType: "tax_import",
			TargetID: res.ID, Details: map[string]string{"file": o.FileName, "as_of": o.AsOf.Format(day),
				"liabilities": strconv.Itoa(st.Liabilities), "instalments": strconv.Itoa(st.Instalments), "payments": strconv.Itoa(st.Payments)}})
	})
	switch {
	case errors.Is(err, errStop) && res.Already:
		return res, nil
	case errors.Is(err, errStop):
		s.recordRefusal(ctx, o, rowErrs, now)
		return res, &web.FileError{What: "tax import", Errors: rowErrs}
	}
	return res, err
}

// recordRefusal keeps a refused attempt for the officers' list; a failure
// to record it is logged, not returned (the file's problems matter more).
func (s *Service) recordRefusal(ctx context.Context, o ImportOptions, errs []web.RowError, now time.Time) {
	_, err := s.DB.ExecContext(ctx, `INSERT INTO tax_import_refusals (id, file_name, problems, first, attempted_by, attempted_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, db.NewID(), o.FileName, len(errs), errs[0].String(), o.Actor, db.TS(now))
	if err != nil && s.Log != nil {
		s.Log.Error("tax: record a refused import", "err", err)
	}
}

// writer streams good records into the tables.
type writer struct {
	liabilities, instalments, payments, income *bulk
	seq                                        map[string]int // payments per liability so far
}

func newWriter(ctx context.Context, tx *sql.Tx) (*writer, error) {
	var (
		w   = &writer{seq: map[string]int{}}
		err error
	)
	if w.liabilities, err = newBulk(ctx, tx, "tax_liabilities", "id", "payer_hash", "payer_nip", "kind", "year", "decision",
		"account", "amount", "arrears", "interest"); err != nil {
		return nil, err
	}
	if w.instalments, err = newBulk(ctx, tx, "tax_instalments", "liability_id", "n", "due", "amount"); err != nil {
		return nil, err
	}
	if w.payments, err = newBulk(ctx, tx, "tax_payments", "liability_id", "seq", "paid_on", "amount", "instalment"); err != nil {
		return nil, err
	}
	if w.income, err = newBulk(ctx, tx, "tax_city_income", "payer_hash", "year"); err != nil {
		return nil, err
	}
	return w, nil
}

func (w *writer) write(ctx context.Context) func(record) error {
	return func(r record) error {
		switch r.Kind {
		case 'L':
			l := r.Liability
			return w.liabilities.add(ctx, l.ID, l.PayerHash, l.PayerNIP, string(l.Kind), l.Year, l.Decision, l.Account, l.Amount, l.Arrears, l.Interest)
		case 'I':
			i := r.Instalment
			return w.instalments.add(ctx, r.LiabilityID, i.N, i.Due.Format(day), i.Amount)
		case 'P':
			w.seq[r.LiabilityID]++
			p := r.Payment
			return w.payments.add(ctx, r.LiabilityID, w.seq[r.LiabilityID], p.PaidOn.Format(day), p.Amount, p.Instalment)
		case 'C':
			return w.income.add(ctx, r.PayerHash, r.Year)
		}
		return nil
	}
}

func (w *writer) close(ctx context.Context) error {
	for _, b := range []*bulk{w.liabilities, w.instalments, w.payments, w.income} {
		if err := b.close(ctx); err != nil {
			return err
		}
	}
	return nil
}
