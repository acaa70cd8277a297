package tax

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/civitas-city/civitas/internal/importrun"

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

// Import replaces the tax data with the file read from r, all or nothing
// in one transaction (importrun): when any row is bad it returns a
// *web.FileError listing every bad row (up to 1,000), records the refusal
// for officers, and the data stay as they were. The same file imported
// twice changes nothing the second time.
func (s *Service) Import(ctx context.Context, r io.Reader, o ImportOptions) (ImportResult, error) {
	if o.AsOf.IsZero() {
		return ImportResult{}, errors.New("tax: the import needs the date of the data (AsOf)")
	}
	now := s.now()
	res := ImportResult{Run: Run{ID: db.NewID(), FileName: o.FileName, ImportedBy: o.Actor, AsOf: o.AsOf, ImportedAt: db.TS(now)}}
	var st readStats
	load := func(tx *sql.Tx, r io.Reader) ([]web.RowError, error) {
		for _, table := range []string{"tax_payments", "tax_instalments", "tax_liabilities", "tax_city_income"} {
			// Without a WHERE, SQLite empties a table in one step.
			if _, err := tx.ExecContext(ctx, "DELETE FROM "+table); err != nil {
				return nil, fmt.Errorf("tax: clear %s: %w", table, err)
			}
		}
		w, err := newWriter(ctx, tx)
		if err != nil {
			return nil, err
		}
		var errs []web.RowError
		if st, errs, err = read(r, s.Key, w.write(ctx)); err != nil {
			return nil, err
		}
		return errs, w.close(ctx)
	}
	record := func(tx *sql.Tx, sum string) error {
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
	}
	run := importrun.Run{DB: s.DB, Imports: "tax_imports", Refusals: "tax_import_refusals", What: "tax import",
		FileName: o.FileName, Actor: o.Actor, At: now, Log: s.Log}
	done, err := run.Do(ctx, r, load, record)
	if done.Already {
		res.Already, res.ImportedAt = true, done.ImportedAt
	}
	return res, err
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
