// Package census is the city's residents register as Civitas keeps it: for
// each resident a keyed hash of the PESEL, the birth date and the district
// number. It reads the register from CSV ("civitas census import") and
// answers lookups by hash for residency verification.
//
// The PESEL itself is never stored, logged or echoed in a report: only
// Hash(key, pesel), an HMAC-SHA256 under the configured secret key, so the
// table alone does not reveal whose entries it holds, and a guessed PESEL
// cannot be tested against it without the key. Addresses, when the file has
// them, are not kept: verification does not need them.
package census

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/civitas-city/civitas/internal/db"
)

// Entry is one resident in the register.
type Entry struct {
	// Hash is Hash(key, PESEL).
	Hash      string
	BirthDate time.Time // midnight UTC
	District  int
}

// Hash is the keyed hash under which a PESEL (its eleven digits) is stored
// and looked up everywhere in Civitas: hex HMAC-SHA256 with key. Changing
// the key orphans every stored hash, so the key must stay the same across
// nodes and restarts.
func Hash(key []byte, pesel string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(pesel))
	return hex.EncodeToString(m.Sum(nil))
}

// sum is Hash as bytes, for the duplicate check.
func sum(key []byte, pesel string) [sha256.Size]byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(pesel))
	var out [sha256.Size]byte
	m.Sum(out[:0])
	return out
}

// MinKeyLen is the shortest secret key accepted for hashing identifiers.
const MinKeyLen = 32

// ErrShortKey means the secret key is missing or too short to protect the
// hashes against guessing.
var ErrShortKey = errors.New("census: the secret key (CIVITAS_SECRET_KEY) must have at least 32 characters")

// Lookup finds the register entry with hash. It returns an apperr NotFound
// error when there is none.
func Lookup(ctx context.Context, q db.Querier, hash string) (Entry, error) {
	var (
		e     Entry
		birth string
	)
	err := q.QueryRowContext(ctx, `SELECT pesel_hash, birth_date, district FROM census_entries WHERE pesel_hash = $1`, hash).
		Scan(&e.Hash, &birth, &e.District)
	if err != nil {
		return Entry{}, db.MapError(err)
	}
	if e.BirthDate, err = time.Parse(time.DateOnly, birth); err != nil {
		return Entry{}, fmt.Errorf("census: entry birth date: %w", err)
	}
	return e, nil
}

// Summary describes the register in the database.
type Summary struct {
	Entries    int
	ImportedAt time.Time // zero when the register is empty
}

// Describe counts the register's entries and tells when it was imported.
func Describe(ctx context.Context, q db.Querier) (Summary, error) {
	var (
		s  Summary
		at db.NullTime
	)
	// MAX over TIMESTAMPTZ comes back as text on SQLite; db.NullTime reads both.
	err := q.QueryRowContext(ctx, `SELECT COUNT(*), MAX(imported_at) FROM census_entries`).Scan(&s.Entries, &at)
	if err != nil {
		return Summary{}, fmt.Errorf("census: describe: %w", err)
	}
	s.ImportedAt = at.Time
	return s, nil
}

// BirthYearCount is how many entries of a district were born in a year.
type BirthYearCount struct {
	District, BirthYear, N int
}

// CountByBirthYear counts the register's entries by district and year of
// birth: counts only, no identifier, for weighting surveys.
func CountByBirthYear(ctx context.Context, q db.Querier) ([]BirthYearCount, error) {
	out, err := db.Query(ctx, q, func(row db.Scanner) (BirthYearCount, error) {
		var (
			c    BirthYearCount
			year string
		)
		if err := row.Scan(&c.District, &year, &c.N); err != nil {
			return c, err
		}
		_, err := fmt.Sscan(year, &c.BirthYear)
		return c, err
	}, `SELECT district, substr(birth_date, 1, 4) AS y, COUNT(*) FROM census_entries GROUP BY district, y ORDER BY district, y`)
	if err != nil {
		return nil, fmt.Errorf("census: count by birth year: %w", err)
	}
	return out, nil
}

// batchRows is how many entries one INSERT carries (4 parameters each, far
// below both engines' parameter limits).
const batchRows = 500

// writer upserts entries in batches inside an import's transaction.
type writer struct {
	tx       *sql.Tx
	importID string
	at       time.Time
	rows     []Entry
}

func (w *writer) add(ctx context.Context, e Entry) error {
	w.rows = append(w.rows, e)
	if len(w.rows) >= batchRows {
		return w.flush(ctx)
	}
	return nil
}

func (w *writer) flush(ctx context.Context) error {
	if len(w.rows) == 0 {
		return nil
	}
	var (
		b    strings.Builder
		args = make([]any, 0, 4*len(w.rows)+2)
	)
	args = append(args, w.importID, db.TS(w.at))
	b.WriteString(`INSERT INTO census_entries (pesel_hash, birth_date, district, import_id, imported_at) VALUES `)
	for i, e := range w.rows {
		if i > 0 {
			b.WriteString(", ")
		}
		n := len(args)
		fmt.Fprintf(&b, "($%d, $%d, $%d, $1, $2)", n+1, n+2, n+3)
		args = append(args, e.Hash, e.BirthDate.Format(time.DateOnly), e.District)
	}
	b.WriteString(` ON CONFLICT (pesel_hash) DO UPDATE SET birth_date = excluded.birth_date, district = excluded.district,
		import_id = excluded.import_id, imported_at = excluded.imported_at`)
	if _, err := w.tx.ExecContext(ctx, b.String(), args...); err != nil {
		return fmt.Errorf("census: write entries: %w", db.MapError(err))
	}
	w.rows = w.rows[:0]
	return nil
}

// KeyFromEnv reads the secret key the way the server does, for the
// command-line importers: CIVITAS_SECRET_KEY, or the file
// CIVITAS_SECRET_KEY_FILE names; ErrShortKey when it is missing or short.
func KeyFromEnv(getenv func(string) string) ([]byte, error) {
	k := getenv("CIVITAS_SECRET_KEY")
	if k == "" {
		if path := getenv("CIVITAS_SECRET_KEY_FILE"); path != "" {
			b, err := os.ReadFile(path)
			if err != nil {
				return nil, fmt.Errorf("CIVITAS_SECRET_KEY_FILE cannot be read: %w", err)
			}
			k = strings.TrimSpace(string(b))
		}
	}
	if len(k) < MinKeyLen {
		return nil, ErrShortKey
	}
	return []byte(k), nil
}
