package addresses

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/civitas-city/civitas/internal/web"
)

// The address points file: CSV with a header row naming the columns, in
// any order, one address point per row. The names are those of the
// national register's address-point export (PRG, the EMUiA data as
// published by GUGiK and converted to CSV, e.g. by prg_convert), with
// short English names accepted too; docs/addresses.md lists them.
//
//	ulica                   street, with its type: "ul. Karmelicka" (required)
//	numer_porzadkowy        house number: "30", "12a", "12/14" (required)
//	kod_pocztowy            postal code "31-128" (optional)
//	szerokosc_geograficzna  latitude, WGS84 degrees (required)
//	dlugosc_geograficzna    longitude, WGS84 degrees (required)
//
// Other columns (teryt codes, miejscowosc, status, x/y in EPSG:2180) are
// read past and named in the report. The delimiter is a comma, or a
// semicolon or tab when the header uses one; a UTF-8 byte-order mark is
// skipped; a decimal comma in coordinates is accepted.
const (
	ColStreet     = "ulica"
	ColNumber     = "numer_porzadkowy"
	ColPostalCode = "kod_pocztowy"
	ColLat        = "szerokosc_geograficzna"
	ColLon        = "dlugosc_geograficzna"
)

var aliases = map[string]string{
	"ulica": ColStreet, "street": ColStreet,
	"numer_porzadkowy": ColNumber, "numer": ColNumber, "number": ColNumber, "house_number": ColNumber,
	"kod_pocztowy": ColPostalCode, "kod": ColPostalCode, "pna": ColPostalCode, "postal_code": ColPostalCode, "postcode": ColPostalCode,
	"szerokosc_geograficzna": ColLat, "szerokosc": ColLat, "lat": ColLat, "latitude": ColLat,
	"dlugosc_geograficzna": ColLon, "dlugosc": ColLon, "lon": ColLon, "longitude": ColLon,
}

// A Point is one address point of the register.
type Point struct {
	Street     string // as the register writes it: "ul. Karmelicka"
	Number     string // "30", "12a"
	PostalCode string // "31-128", or empty
	Lat, Lon   float64
}

// Label is the address as a person writes it: "ul. Karmelicka 30".
func (p Point) Label() string { return p.Street + " " + p.Number }

// RowError is one problem in the file, by line and field (web.RowError).
type RowError = web.RowError

// FileError lists every bad row of a file that was not imported
// (web.FileError).
type FileError = web.FileError

// ReadResult is what reading a file found.
type ReadResult struct {
	Rows           int // data rows read, good and bad
	Errors         []RowError
	IgnoredColumns []string
}

// maxErrors bounds the list of problems kept for a very bad file.
const maxErrors = 1000

// Read reads an address points file, checking every row, and calls fn
// with each good point until the first problem; after that it only checks,
// so an all-or-nothing import stops writing but the result lists every
// bad row (up to maxErrors). An error from fn, or a read error, ends it.
func Read(r io.Reader, fn func(Point) error) (ReadResult, error) {
	var res ReadResult
	cr := web.NewCSVReader(r)
	cols, width, err := readHeader(cr, &res)
	if err != nil || len(res.Errors) > 0 {
		return res, err
	}
	seen := map[[2]string]int{}
	for len(res.Errors) < maxErrors {
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
			return res, fmt.Errorf("addresses: read: %w", err)
		}
		res.Rows++
		line, _ := cr.FieldPos(0)
		if len(rec) != width {
			res.Errors = append(res.Errors, RowError{Line: line, Field: "row", Reason: fmt.Sprintf("has %d fields, the header has %d", len(rec), width)})
			continue
		}
		p, ok := point(rec, cols, line, &res)
		if !ok {
			continue
		}
		key := [2]string{StreetKey(p.Street), NumberKey(p.Number)}
		if first, dup := seen[key]; dup {
			res.Errors = append(res.Errors, RowError{Line: line, Field: ColNumber, Reason: fmt.Sprintf("%s is already on line %d", p.Label(), first)})
			continue
		}
		seen[key] = line
		if len(res.Errors) > 0 || fn == nil {
			continue
		}
		if err := fn(p); err != nil {
			return res, err
		}
	}
	if res.Rows == 0 && len(res.Errors) == 0 {
		res.Errors = append(res.Errors, RowError{Line: 2, Field: "file", Reason: "has no rows after the header: an empty file would remove every address"})
	}
	slices.SortStableFunc(res.Errors, func(a, b RowError) int { return a.Line - b.Line })
	return res, nil
}

// point reads one row; its problems go to res.
func point(rec []string, cols map[string]int, line int, res *ReadResult) (Point, bool) {
	n := len(res.Errors)
	bad := func(field, format string, args ...any) {
		res.Errors = append(res.Errors, RowError{Line: line, Field: field, Reason: fmt.Sprintf(format, args...)})
	}
	get := func(col string) string {
		i, ok := cols[col]
		if !ok {
			return ""
		}
		return strings.TrimSpace(rec[i])
	}
	p := Point{Street: strings.Join(strings.Fields(get(ColStreet)), " "), Number: get(ColNumber), PostalCode: get(ColPostalCode)}
	switch {
	case p.Street == "":
		bad(ColStreet, "is empty")
	case StreetKey(p.Street) == "":
		bad(ColStreet, "has no letters or digits")
	case len(p.Street) > 200:
		bad(ColStreet, "is longer than 200 characters")
	}
	if p.Number == "" {
		bad(ColNumber, "is empty")
	} else if !houseNumberRE.MatchString(NumberKey(p.Number)) {
		bad(ColNumber, "%q is not a house number (digits, an optional letter, an optional /number)", truncate(p.Number))
	}
	if p.PostalCode != "" && !postalCodeOnlyRE.MatchString(p.PostalCode) {
		bad(ColPostalCode, "%q is not a postal code written NN-NNN", truncate(p.PostalCode))
	}
	p.Lat = coordinate(get(ColLat), 90, ColLat, bad)
	p.Lon = coordinate(get(ColLon), 180, ColLon, bad)
	return p, len(res.Errors) == n
}

func coordinate(s string, limit float64, field string, bad func(string, string, ...any)) float64 {
	v, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
	switch {
	case s == "":
		bad(field, "is empty")
	case err != nil || math.IsNaN(v) || math.IsInf(v, 0):
		bad(field, "%q is not a number of degrees", truncate(s))
	case v < -limit || v > limit:
		bad(field, "%v is outside -%v..%v degrees", v, limit, limit)
	default:
		return v
	}
	return 0
}

func truncate(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}

// readHeader reads the header line: the index of each known column and
// the number of fields every row must have.
func readHeader(cr *csv.Reader, res *ReadResult) (map[string]int, int, error) {
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		res.Errors = append(res.Errors, RowError{Line: 1, Field: "file", Reason: "is empty: the first line must name the columns (ulica, numer_porzadkowy, szerokosc_geograficzna, dlugosc_geograficzna)"})
		return nil, 0, nil
	}
	if pe, ok := errors.AsType[*csv.ParseError](err); ok {
		res.Errors = append(res.Errors, RowError{Line: pe.StartLine, Field: "header", Reason: pe.Err.Error()})
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, fmt.Errorf("addresses: read: %w", err)
	}
	cols := map[string]int{}
	for i, h := range header {
		name, known := aliases[strings.ToLower(strings.TrimSpace(h))]
		if !known {
			res.IgnoredColumns = append(res.IgnoredColumns, truncate(strings.TrimSpace(h)))
			continue
		}
		if _, dup := cols[name]; dup {
			res.Errors = append(res.Errors, RowError{Line: 1, Field: "header", Reason: fmt.Sprintf("column %s appears twice", name)})
		}
		cols[name] = i
	}
	for _, c := range []string{ColStreet, ColNumber, ColLat, ColLon} {
		if _, ok := cols[c]; !ok {
			res.Errors = append(res.Errors, RowError{Line: 1, Field: "header", Reason: "missing column " + c})
		}
	}
	return cols, len(header), nil
}
