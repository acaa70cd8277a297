// Package addresses is the city's address gazetteer: the national
// register's address points (street, house number, postal code,
// coordinates), imported with `civitas addresses import`, and a search
// that reads an address as residents type it ("Karmelicka 30",
// "ul. Karmelicka 30/2", "KARMELICKA 30, Kraków", "al. Mickiewicza 30").
//
// It knows no district: callers locate the point in the city profile's
// districts (districts.Set.Locate), so a gazetteer stays valid when
// district boundaries change.
package addresses

import (
	"context"
	"database/sql"
	"io"
	"strconv"
	"time"

	"github.com/civitas-city/civitas/internal/audit"
	"github.com/civitas-city/civitas/internal/db"
)

// Gazetteer finds addresses in the imported address points.
type Gazetteer struct {
	DB *db.DB
}

// Find returns the address point of text, or ok false when text names no
// street and number or the gazetteer has no such point. A street given by
// its last words ("Mickiewicza" for "al. Adama Mickiewicza") is found when
// only one street ends so. "30/2" is building "30/2" when the register has
// one, else building 30.
func (g *Gazetteer) Find(ctx context.Context, text string) (p Point, ok bool, err error) {
	q, ok := ParseQuery(text)
	if !ok || g == nil || g.DB == nil {
		return Point{}, false, nil
	}
	numbers := []string{q.Number}
	if q.Building != q.Number {
		numbers = append(numbers, q.Building)
	}
	for _, n := range numbers {
		found, err := byKeys(ctx, g.DB, q.Street, n, 3)
		if err != nil {
			return Point{}, false, err
		}
		exact := len(found) > 0 && StreetKey(found[0].Street) == q.Street
		switch {
		case exact, len(found) == 1:
			return found[0], true, nil
		case len(found) > 1:
			return Point{}, false, nil // "Mickiewicza 3" on two streets: ambiguous
		}
	}
	return Point{}, false, nil
}

// Count returns how many address points the gazetteer holds.
func (g *Gazetteer) Count(ctx context.Context) (int, error) { return count(ctx, g.DB) }

// Report is the outcome of an import.
type Report struct {
	ReadResult
	Removed int // points of the previous gazetteer
}

// Import replaces the gazetteer with the file read from r, all or nothing,
// in one transaction: when any row is bad it returns a *FileError listing
// every bad row (by line and field) and the gazetteer stays as it was.
func Import(ctx context.Context, d *db.DB, r io.Reader, actor string, now time.Time) (Report, error) {
	var rep Report
	err := d.InTx(ctx, func(tx *sql.Tx) error {
		removed, err := deleteAll(ctx, tx)
		if err != nil {
			return err
		}
		rep.Removed = removed
		w := &writer{tx: tx}
		res, err := Read(r, func(p Point) error { return w.add(ctx, p) })
		rep.ReadResult = res
		if err != nil {
			return err
		}
		if len(res.Errors) > 0 {
			return &FileError{What: "addresses", Errors: res.Errors}
		}
		if err := w.flush(ctx); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{At: now, ActorLabel: actor, Action: "addresses.import", TargetType: "addresses",
			Details: map[string]string{"rows": strconv.Itoa(res.Rows), "removed": strconv.Itoa(removed)}})
	})
	return rep, err
}
