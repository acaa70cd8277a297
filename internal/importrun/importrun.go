// Package importrun is the one way an all-or-nothing, idempotent import
// of a file runs (the finance system's tax export, the city-card holders):
// in one transaction the file is read and written row by row; a file with
// bad rows is rolled back whole and its refusal kept for officers; a file
// imported before (by SHA-256) is rolled back too and reported as such.
package importrun

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/web"
)

// Run is one import. Imports names the table of runs (with the columns
// sha256 and imported_at) and Refusals the table of refused attempts
// (id, file_name, problems, first, attempted_by, attempted_at); both are
// the caller's constants, never input.
type Run struct {
	DB                *db.DB
	Imports, Refusals string
	What              string // names the import in errors: "tax import"
	FileName, Actor   string
	At                time.Time
	Log               *slog.Logger
}

// Result says how a run ended when it did not fail.
type Result struct {
	// Already is set when this very file was imported before: nothing
	// changed, and ImportedAt is when it was.
	Already    bool
	ImportedAt time.Time
}

// errStop rolls a run's transaction back on purpose.
var errStop = errors.New("importrun: stop")

// Do reads r through load inside the transaction (load writes the rows as
// it reads them and returns the bad ones), then, for a good file not seen
// before, lets record write the run with the file's checksum. Bad rows
// come back as a *web.FileError, after the refusal is kept.
func (run Run) Do(ctx context.Context, r io.Reader, load func(tx *sql.Tx, r io.Reader) ([]web.RowError, error),
	record func(tx *sql.Tx, sum string) error) (Result, error) {
	hash := sha256.New()
	r = io.TeeReader(r, hash)
	var (
		res     Result
		rowErrs []web.RowError
	)
	err := run.DB.InTx(ctx, func(tx *sql.Tx) error {
		errs, err := load(tx, r)
		if err != nil {
			return err
		}
		if len(errs) > 0 {
			rowErrs = errs
			return errStop
		}
		// The file is read: its checksum is known.
		sum := hex.EncodeToString(hash.Sum(nil))
		var when db.Time
		switch err := tx.QueryRowContext(ctx, `SELECT imported_at FROM `+run.Imports+` WHERE sha256 = $1`, sum).Scan(&when); {
		case err == nil:
			res.Already, res.ImportedAt = true, when.Time
			return errStop // roll back the rewrite: the data are this file's already
		case !errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("%s: earlier imports: %w", run.What, err)
		}
		return record(tx, sum)
	})
	switch {
	case errors.Is(err, errStop) && res.Already:
		return res, nil
	case errors.Is(err, errStop):
		run.refused(ctx, rowErrs)
		return res, &web.FileError{What: run.What, Errors: rowErrs}
	}
	return res, err
}

// refused keeps a refused attempt for the officers' list; a failure to
// keep it is logged, not returned (the file's problems matter more).
func (run Run) refused(ctx context.Context, errs []web.RowError) {
	_, err := run.DB.ExecContext(ctx, `INSERT INTO `+run.Refusals+` (id, file_name, problems, first, attempted_by, attempted_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, db.NewID(), run.FileName, len(errs), errs[0].String(), run.Actor, db.TS(run.At))
	if err != nil && run.Log != nil {
		run.Log.Error("record a refused import", "import", run.What, "err", err)
	}
}
