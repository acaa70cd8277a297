package tax

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/civitas-city/civitas/internal/db"
)

// The module's SQL.

// bulkRows is how many rows one INSERT carries: a prepared statement of 32
// rows was the fastest on SQLite for ballots (bigger statements spend more
// in parameter lookup than they save), and PostgreSQL does not mind.
const bulkRows = 32

// bulk inserts rows into one table inside a transaction, bulkRows at a
// time through one prepared statement.
type bulk struct {
	tx    *sql.Tx
	table string
	cols  []string
	full  *sql.Stmt
	args  []any
	n     int // rows in args
}

func newBulk(ctx context.Context, tx *sql.Tx, table string, cols ...string) (*bulk, error) {
	b := &bulk{tx: tx, table: table, cols: cols}
	stmt, err := tx.PrepareContext(ctx, b.insertSQL(bulkRows))
	if err != nil {
		return nil, fmt.Errorf("tax: prepare %s: %w", table, err)
	}
	b.full = stmt
	return b, nil
}

func (b *bulk) insertSQL(rows int) string {
	var s strings.Builder
	s.WriteString("INSERT INTO " + b.table + " (" + strings.Join(b.cols, ", ") + ") VALUES ")
	p := 1
	for r := range rows {
		if r > 0 {
			s.WriteString(", ")
		}
		s.WriteByte('(')
		for c := range b.cols {
			if c > 0 {
				s.WriteString(", ")
			}
			fmt.Fprintf(&s, "$%d", p)
			p++
		}
		s.WriteByte(')')
	}
	return s.String()
}

func (b *bulk) add(ctx context.Context, vals ...any) error {
	b.args = append(b.args, vals...)
	b.n++
	if b.n == bulkRows {
		if _, err := b.full.ExecContext(ctx, b.args...); err != nil {
			return fmt.Errorf("tax: insert into %s: %w", b.table, db.MapError(err))
		}
		b.args, b.n = b.args[:0], 0
	}
	return nil
}

// close writes what is left and releases the statement.
func (b *bulk) close(ctx context.Context) error {
	defer b.full.Close()
	if b.n == 0 {
		return nil
	}
	if _, err := b.tx.ExecContext(ctx, b.insertSQL(b.n), b.args...); err != nil {
		return fmt.Errorf("tax: insert into %s: %w", b.table, db.MapError(err))
	}
	b.args, b.n = b.args[:0], 0
	return nil
}

const day = time.DateOnly

// liabilitiesOf reads a payer's liabilities with their instalments and
// payments, newest year first. where is "payer_hash" or "payer_nip".
func liabilitiesOf(ctx context.Context, q db.Querier, where, payer string) ([]*Liability, error) {
	if where != "payer_hash" && where != "payer_nip" {
		return nil, fmt.Errorf("tax: liabilities by %q", where)
	}
	if payer == "" {
		return nil, nil
	}
	ls, err := db.Query(ctx, q, func(row db.Scanner) (*Liability, error) {
		l := &Liability{}
		var kind string
		err := row.Scan(&l.ID, &l.PayerHash, &l.PayerNIP, &kind, &l.Year, &l.Decision, &l.Account, &l.Amount, &l.Arrears, &l.Interest)
		l.Kind = Kind(kind)
		return l, err
	}, `SELECT id, payer_hash, payer_nip, kind, year, decision, account, amount, arrears, interest
		FROM tax_liabilities WHERE `+where+` = $1 ORDER BY year DESC, kind, id`, payer)
	if err != nil || len(ls) == 0 {
		return ls, err
	}
	byID := map[string]*Liability{}
	for _, l := range ls {
		byID[l.ID] = l
	}
	err = db.Each(ctx, q, func(row db.Scanner) error {
		var (
			id, due string
			i       Instalment
		)
		if err := row.Scan(&id, &i.N, &due, &i.Amount); err != nil {
			return err
		}
		i.Due, _ = time.Parse(day, due)
		byID[id].Instalments = append(byID[id].Instalments, i)
		return nil
	}, `SELECT i.liability_id, i.n, i.due, i.amount FROM tax_instalments i
		JOIN tax_liabilities l ON l.id = i.liability_id WHERE l.`+where+` = $1 ORDER BY i.liability_id, i.n`, payer)
	if err != nil {
		return nil, fmt.Errorf("tax: instalments: %w", err)
	}
	err = db.Each(ctx, q, func(row db.Scanner) error {
		var (
			id, on string
			p      Payment
		)
		if err := row.Scan(&id, &on, &p.Amount, &p.Instalment); err != nil {
			return err
		}
		p.PaidOn, _ = time.Parse(day, on)
		byID[id].Payments = append(byID[id].Payments, p)
		return nil
	}, `SELECT p.liability_id, p.paid_on, p.amount, p.instalment FROM tax_payments p
		JOIN tax_liabilities l ON l.id = p.liability_id WHERE l.`+where+` = $1 ORDER BY p.liability_id, p.seq`, payer)
	if err != nil {
		return nil, fmt.Errorf("tax: payments: %w", err)
	}
	for _, l := range ls {
		l.settle()
	}
	return ls, nil
}

// Run is one import of the finance system's export.
type Run struct {
	ID, FileName, ImportedBy           string
	AsOf                               time.Time
	Liabilities, Instalments, Payments int
	ImportedAt                         time.Time
}

// Refusal is an import attempt refused for its problems.
type Refusal struct {
	ID, FileName, First, AttemptedBy string
	Problems                         int
	AttemptedAt                      time.Time
}

func latestRun(ctx context.Context, q db.Querier) (Run, bool, error) {
	runs, err := listRuns(ctx, q, 1)
	if err != nil || len(runs) == 0 {
		return Run{}, false, err
	}
	return runs[0], true, nil
}

func listRuns(ctx context.Context, q db.Querier, limit int) ([]Run, error) {
	return db.Query(ctx, q, func(row db.Scanner) (Run, error) {
		var (
			r    Run
			asOf string
			at   db.Time
		)
		err := row.Scan(&r.ID, &r.FileName, &asOf, &r.Liabilities, &r.Instalments, &r.Payments, &r.ImportedBy, &at)
		r.AsOf, _ = time.Parse(day, asOf)
		r.ImportedAt = at.Time
		return r, err
	}, `SELECT id, file_name, as_of, liabilities, instalments, payments, imported_by, imported_at
		FROM tax_imports ORDER BY imported_at DESC, id DESC LIMIT $1`, limit)
}

func listRefusals(ctx context.Context, q db.Querier, limit int) ([]Refusal, error) {
	return db.Query(ctx, q, func(row db.Scanner) (Refusal, error) {
		var (
			r  Refusal
			at db.Time
		)
		err := row.Scan(&r.ID, &r.FileName, &r.Problems, &r.First, &r.AttemptedBy, &at)
		r.AttemptedAt = at.Time
		return r, err
	}, `SELECT id, file_name, problems, first, attempted_by, attempted_at
		FROM tax_import_refusals ORDER BY attempted_at DESC, id DESC LIMIT $1`, limit)
}
