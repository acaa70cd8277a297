package census

import (
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/civitas-city/civitas/internal/accounts/pesel"
	"github.com/civitas-city/civitas/internal/web"
)

// The register's CSV file: a header row naming the columns, in any order,
// then one row per resident.
//
//	pesel       11 digits (required)
//	birth_date  YYYY-MM-DD (required); must be the date the PESEL encodes
//	district    the district number, 1..18 in Kraków (required)
//	address     optional; read past, never stored
//
// Polish headers are accepted too (data_urodzenia, dzielnica, adres).
// Other columns are ignored and named in the report. The delimiter is a
// comma, or a semicolon or tab when the header uses one (spreadsheet
// exports). A UTF-8 byte-order mark is skipped.
const (
	ColPESEL     = "pesel"
	ColBirthDate = "birth_date"
	ColDistrict  = "district"
	ColAddress   = "address"
)

var aliases = map[string]string{
	"pesel":          ColPESEL,
	"birth_date":     ColBirthDate,
	"birthdate":      ColBirthDate,
	"data_urodzenia": ColBirthDate,
	"district":       ColDistrict,
	"dzielnica":      ColDistrict,
	"address":        ColAddress,
	"adres":          ColAddress,
}

// RowError is one problem in the file, by line and field (web.RowError).
type RowError = web.RowError

// FileError lists every bad row of a file that was not imported
// (web.FileError).
type FileError = web.FileError

// Options configures reading a register.
type Options struct {
	// Key keys the PESEL hashes (CIVITAS_SECRET_KEY); at least MinKeyLen bytes.
	Key []byte
	// IsDistrict tells the city's district numbers from others; nil accepts
	// any positive number.
	IsDistrict func(int) bool
	// Now is "today" for refusing birth dates in the future; zero means
	// the current time.
	Now time.Time
	// Actor names who imported, for the audit log (e.g. "cli").
	Actor string
}

// ReadResult is what reading a file found.
type ReadResult struct {
	Rows           int // data rows read, good and bad
	Errors         []RowError
	IgnoredColumns []string
}

// Read reads a register file, validating every row. It calls fn with each
// good entry in file order until the first bad row; after that it only
// validates, so that the caller (an all-or-nothing import) stops writing
// but the result still lists every bad row. An error from fn, or a read
// error, ends it.
func Read(r io.Reader, o Options, fn func(Entry) error) (ReadResult, error) {
	var res ReadResult
	if len(o.Key) < MinKeyLen {
		return res, ErrShortKey
	}
	rc := rowChecker{key: o.Key, now: o.Now, isDistrict: o.IsDistrict, seen: map[[sha256.Size]byte]int{}}
	if rc.now.IsZero() {
		rc.now = time.Now()
	}
	if rc.isDistrict == nil {
		rc.isDistrict = func(n int) bool { return n > 0 }
	}
	cr := web.NewCSVReader(r)
	cols, width, err := readHeader(cr, &res)
	if err != nil || len(res.Errors) > 0 {
		return res, err
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if pe, ok := errors.AsType[*csv.ParseError](err); ok {
			res.Rows++
			res.Errors = append(res.Errors, RowError{Line: pe.StartLine, Field: "csv", Reason: pe.Err.Error()})
			continue
		}
		if err != nil {
			return res, fmt.Errorf("census: read: %w", err)
		}
		res.Rows++
		line, _ := cr.FieldPos(0)
		if len(rec) != width {
			res.Errors = append(res.Errors, RowError{Line: line, Field: "row", Reason: fmt.Sprintf("has %d fields, the header has %d", len(rec), width)})
			continue
		}
		e := rc.entry(rec, cols, line, &res)
		if len(res.Errors) > 0 || fn == nil {
			continue
		}
		if err := fn(e); err != nil {
			return res, err
		}
	}
	if res.Rows == 0 && len(res.Errors) == 0 {
		res.Errors = append(res.Errors, RowError{Line: 2, Field: "file", Reason: "has no rows after the header: an empty register would remove every resident"})
	}
	slices.SortStableFunc(res.Errors, func(a, b RowError) int { return a.Line - b.Line })
	return res, nil
}

// readHeader reads the header line: the index of each known column, and
// the number of fields every row must have. Problems with it go to res.
func readHeader(cr *csv.Reader, res *ReadResult) (map[string]int, int, error) {
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		res.Errors = append(res.Errors, RowError{Line: 1, Field: "file", Reason: "is empty: the first line must name the columns (pesel, birth_date, district)"})
		return nil, 0, nil
	}
	if pe, ok := errors.AsType[*csv.ParseError](err); ok {
		res.Errors = append(res.Errors, RowError{Line: pe.StartLine, Field: "header", Reason: pe.Err.Error()})
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, fmt.Errorf("census: read: %w", err)
	}
	cols := map[string]int{}
	for i, h := range header {
		name, known := aliases[strings.ToLower(strings.TrimSpace(h))]
		if !known {
			res.IgnoredColumns = append(res.IgnoredColumns, strings.TrimSpace(h))
			continue
		}
		if _, dup := cols[name]; dup {
			res.Errors = append(res.Errors, RowError{Line: 1, Field: "header", Reason: fmt.Sprintf("column %s appears twice", name)})
		}
		cols[name] = i
	}
	for _, c := range []string{ColPESEL, ColBirthDate, ColDistrict} {
		if _, ok := cols[c]; !ok {
			res.Errors = append(res.Errors, RowError{Line: 1, Field: "header", Reason: "missing column " + c})
		}
	}
	return cols, len(header), nil
}

// rowChecker checks the data rows of one file.
type rowChecker struct {
	key        []byte
	now        time.Time
	isDistrict func(int) bool
	seen       map[[sha256.Size]byte]int // PESEL hash -> its first line
}

// entry reads the row at line into an entry; its problems go to res.
func (c *rowChecker) entry(rec []string, cols map[string]int, line int, res *ReadResult) Entry {
	bad := func(field, format string, args ...any) {
		res.Errors = append(res.Errors, RowError{Line: line, Field: field, Reason: fmt.Sprintf(format, args...)})
	}
	var e Entry
	p, perr := pesel.ParseAt(strings.TrimSpace(rec[cols[ColPESEL]]), c.now)
	if perr != nil {
		bad(ColPESEL, "%s", pesel.CodeOf(perr))
	}
	birth, berr := time.Parse(time.DateOnly, strings.TrimSpace(rec[cols[ColBirthDate]]))
	switch {
	case berr != nil:
		bad(ColBirthDate, "must be a date written YYYY-MM-DD")
	case perr == nil && !birth.Equal(p.BirthDate()):
		bad(ColBirthDate, "does not match the birth date in the PESEL")
	}
	ds := strings.TrimSpace(rec[cols[ColDistrict]])
	// The value is not quoted back: a column shifted by one would put
	// a PESEL here.
	switch n, err := strconv.Atoi(ds); {
	case err != nil:
		bad(ColDistrict, "must be a district number (a whole number)")
	case !c.isDistrict(n) && n >= 0 && n < 1000:
		bad(ColDistrict, "there is no district number %d", n)
	case !c.isDistrict(n):
		bad(ColDistrict, "is not a district number")
	default:
		e.District = n
	}
	if perr == nil {
		h := sum(c.key, p.Digits())
		if first, dup := c.seen[h]; dup {
			bad(ColPESEL, "the same PESEL as line %d", first)
		} else {
			c.seen[h] = line
		}
		e.Hash = hex.EncodeToString(h[:])
	}
	e.BirthDate = birth
	return e
}
