package card

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

// ImportOptions say where an eligibility import comes from.
type ImportOptions struct {
	FileName string
	// Actor names who imports, for the audit log ("civitas card import").
	Actor string
}

// ImportResult is the outcome of an import.
type ImportResult struct {
	ID                      string
	Holders, Added, Removed int
	ImportedAt              time.Time
	// Already is set when this very file was imported before: nothing
	// changed.
	Already bool
}

// errStop rolls an import's transaction back on purpose.
var errStop = errors.New("card: stop")

// Import makes the cards what the eligibility file read from r lists, all
// or nothing in one transaction: when any row is bad it returns a
// *web.FileError listing every bad row (up to 1,000), records the refusal
// for officers, and the cards stay as they were. A holder listed again
// keeps their card (id, number, secret); a card the file no longer lists is
// removed. The same file imported twice changes nothing the second time.
func (s *Service) Import(ctx context.Context, r io.Reader, o ImportOptions) (ImportResult, error) {
	hash := sha256.New()
	r = io.TeeReader(r, hash)
	now := s.now()
	res := ImportResult{ID: db.NewID(), ImportedAt: db.TS(now)}
	var rowErrs []web.RowError
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		n, errs, err := read(r, s.Key, s.isDistrict, func(e eligible) error {
			added, err := upsertHolder(ctx, tx, e, res.ID)
			if added {
				res.Added++
			}
			return err
		})
		if err != nil {
			return err
		}
		if len(errs) > 0 {
			rowErrs = errs
			return errStop
		}
		sum := hex.EncodeToString(hash.Sum(nil))
		var when db.Time
		switch err := tx.QueryRowContext(ctx, `SELECT imported_at FROM card_imports WHERE sha256 = $1`, sum).Scan(&when); {
		case err == nil:
			res.Already, res.ImportedAt = true, when.Time
			return errStop // roll back: the cards are this file's already
		case !errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("card: imports: %w", err)
		}
		gone, err := tx.ExecContext(ctx, `DELETE FROM card_holders WHERE import_id <> $1`, res.ID)
		if err != nil {
			return fmt.Errorf("card: remove cards no longer listed: %w", err)
		}
		removed, _ := gone.RowsAffected()
		res.Holders, res.Removed = n, int(removed)
		if _, err := tx.ExecContext(ctx, `INSERT INTO card_imports (id, sha256, file_name, holders, added, removed, imported_by, imported_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, res.ID, sum, o.FileName, res.Holders, res.Added, res.Removed, o.Actor, db.TS(now)); err != nil {
			return fmt.Errorf("card: record import: %w", err)
		}
		return audit.Record(ctx, tx, audit.Entry{At: now, ActorLabel: o.Actor, Action: "card.import", TargetType: "card_import",
			TargetID: res.ID, Details: map[string]string{"file": o.FileName, "holders": strconv.Itoa(res.Holders),
				"added": strconv.Itoa(res.Added), "removed": strconv.Itoa(res.Removed)}})
	})
	switch {
	case errors.Is(err, errStop) && res.Already:
		res.Added = 0
		return res, nil
	case errors.Is(err, errStop):
		s.recordRefusal(ctx, o, rowErrs, now)
		return ImportResult{}, &web.FileError{What: "card eligibility import", Errors: rowErrs}
	}
	return res, err
}

// recordRefusal keeps a refused attempt for the officers; a failure to
// record it is logged, not returned (the file's problems matter more).
func (s *Service) recordRefusal(ctx context.Context, o ImportOptions, errs []web.RowError, now time.Time) {
	_, err := s.DB.ExecContext(ctx, `INSERT INTO card_import_refusals (id, file_name, problems, first, attempted_by, attempted_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, db.NewID(), o.FileName, len(errs), errs[0].String(), o.Actor, db.TS(now))
	if err != nil && s.Log != nil {
		s.Log.Error("card: record a refused import", "err", err)
	}
}
