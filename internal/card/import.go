package card

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/civitas-city/civitas/internal/importrun"

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

// Import makes the cards what the eligibility file read from r lists, all
// or nothing in one transaction (importrun): when any row is bad it returns a
// *web.FileError listing every bad row (up to 1,000), records the refusal
// for officers, and the cards stay as they were. A holder listed again
// keeps their card (id, number, secret); a card the file no longer lists is
// removed. The same file imported twice changes nothing the second time.
func (s *Service) Import(ctx context.Context, r io.Reader, o ImportOptions) (ImportResult, error) {
	now := s.now()
	res := ImportResult{ID: db.NewID(), ImportedAt: db.TS(now)}
	var n int
	load := func(tx *sql.Tx, r io.Reader) ([]web.RowError, error) {
		var (
			errs []web.RowError
			err  error
		)
		n, errs, err = read(r, s.Key, s.isDistrict, func(e eligible) error {
			added, err := upsertHolder(ctx, tx, e, res.ID)
			if added {
				res.Added++
			}
			return err
		})
		return errs, err
	}
	record := func(tx *sql.Tx, sum string) error {
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
	}
	run := importrun.Run{DB: s.DB, Imports: "card_imports", Refusals: "card_import_refusals", What: "card eligibility import",
		FileName: o.FileName, Actor: o.Actor, At: now, Log: s.Log}
	done, err := run.Do(ctx, r, load, record)
	switch {
	case err != nil:
		return ImportResult{}, err
	case done.Already:
		return ImportResult{ID: res.ID, Already: true, ImportedAt: done.ImportedAt}, nil
	}
	return res, nil
}
