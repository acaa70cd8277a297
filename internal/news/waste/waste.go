// Package waste is the waste collection calendar: collection areas given
// by street and house-number ranges, each area's schedule (area × waste
// kind × day), both imported from CSV files, all or nothing; an address →
// area lookup; and residents' reminders the evening before.
package waste

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/civitas-city/civitas/internal/web"
)

// Kinds are the waste kinds collected, in the order pages list them
// (named in every language by news.waste.kind.<kind>).
var Kinds = []string{"mixed", "paper", "plastic", "glass", "bio", "bulky"}

// Parity says which house numbers of a range an area takes.
type Parity string

const (
	All  Parity = "all"
	Odd  Parity = "odd"
	Even Parity = "even"
)

// Range is a run of house numbers of one street in an area.
type Range struct {
	Area, AreaName string
	Street         string // as the file writes it
	StreetKey      string // the matching key
	From, To       int    // To 0: no upper end
	Parity         Parity
}

// Covers tells whether the range holds house number n.
func (r Range) Covers(n int) bool {
	if n < r.From || r.To != 0 && n > r.To {
		return false
	}
	switch r.Parity {
	case Odd:
		return n%2 == 1
	case Even:
		return n%2 == 0
	}
	return true
}

// Collection is one collection day of a waste kind in an area.
type Collection struct {
	Area string
	Kind string
	Day  time.Time // midnight UTC of the city's date
}

// houseNumber is the number a house number starts with: 12 for "12a" or
// "12/14"; ok false when it does not start with digits.
func houseNumber(s string) (int, bool) {
	end := 0
	for end < len(s) && s[end] >= '0' && s[end] <= '9' {
		end++
	}
	if end == 0 || end > 6 {
		return 0, false
	}
	n, err := strconv.Atoi(s[:end])
	return n, err == nil && n > 0
}

// header maps a file's column names to their places; every name of want
// must be there.
func header(rec []string, want ...string) (map[string]int, []web.RowError) {
	cols := map[string]int{}
	for i, h := range rec {
		cols[strings.ToLower(strings.TrimSpace(h))] = i
	}
	var errs []web.RowError
	for _, w := range want {
		if _, ok := cols[w]; !ok {
			errs = append(errs, web.RowError{Line: 1, Field: "header", Reason: "missing column " + strconv.Quote(w)})
		}
	}
	return cols, errs
}

// maxRows bounds a file: a city's schedule for a year is well below.
const maxRows = 500_000

// readRows reads a CSV file with the columns want, calling row for each
// data line with its cells by column name; every problem (of the file or
// from row) is collected, by line.
func readRows(r io.Reader, want []string, row func(line int, cell func(string) string) []web.RowError) []web.RowError {
	cr := web.NewCSVReader(r)
	rec, err := cr.Read()
	if err != nil {
		return []web.RowError{{Line: 1, Field: "file", Reason: "no header line: " + err.Error()}}
	}
	cols, errs := header(rec, want...)
	if len(errs) > 0 {
		return errs
	}
	for n := 0; ; n++ {
		rec, err := cr.Read()
		if err == io.EOF {
			if n == 0 {
				errs = append(errs, web.RowError{Line: 2, Field: "file", Reason: "no rows after the header"})
			}
			return errs
		}
		if err != nil {
			line := 0
			if pe, ok := errors.AsType[*csv.ParseError](err); ok {
				line = pe.StartLine
			}
			return append(errs, web.RowError{Line: max(line, 2), Field: "csv", Reason: err.Error()})
		}
		line, _ := cr.FieldPos(0)
		if n >= maxRows {
			return append(errs, web.RowError{Line: line, Field: "file", Reason: fmt.Sprintf("more than %d rows", maxRows)})
		}
		cell := func(name string) string {
			if i := cols[name]; i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		errs = append(errs, row(line, cell)...)
		if len(errs) > 100 {
			return errs // enough to show what is wrong
		}
	}
}

// ReadSchedule reads a schedule file: columns area, kind, date
// (YYYY-MM-DD), one collection a line. Areas must be among known (nil:
// any); a repeated line is kept once.
func ReadSchedule(r io.Reader, known func(area string) bool) ([]Collection, []web.RowError) {
	var out []Collection
	seen := map[Collection]bool{}
	errs := readRows(r, []string{"area", "kind", "date"}, func(line int, cell func(string) string) []web.RowError {
		var errs []web.RowError
		c := Collection{Area: cell("area"), Kind: strings.ToLower(cell("kind"))}
		switch {
		case c.Area == "":
			errs = append(errs, web.RowError{Line: line, Field: "area", Reason: "empty"})
		case known != nil && !known(c.Area):
			errs = append(errs, web.RowError{Line: line, Field: "area", Reason: "unknown area " + strconv.Quote(c.Area) + " (import the areas first)"})
		}
		if !slices.Contains(Kinds, c.Kind) {
			errs = append(errs, web.RowError{Line: line, Field: "kind", Reason: fmt.Sprintf("%q is not one of %s", c.Kind, strings.Join(Kinds, ", "))})
		}
		day, err := time.Parse(time.DateOnly, cell("date"))
		if err != nil {
			errs = append(errs, web.RowError{Line: line, Field: "date", Reason: fmt.Sprintf("%q is not a date YYYY-MM-DD", cell("date"))})
		}
		c.Day = day
		if len(errs) == 0 && !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
		return errs
	})
	return out, errs
}

// ReadAreas reads an areas file: columns area, name, street, from, to,
// parity (all, odd or even; empty: all). key makes a street's matching
// key. Two ranges of one street may not share a number.
func ReadAreas(r io.Reader, key func(street string) string) ([]Range, []web.RowError) {
	var out []Range
	errs := readRows(r, []string{"area", "name", "street", "from", "to", "parity"}, func(line int, cell func(string) string) []web.RowError {
		var errs []web.RowError
		rg := Range{Area: cell("area"), AreaName: cell("name"), Street: cell("street"), Parity: Parity(strings.ToLower(cell("parity")))}
		rg.StreetKey = key(rg.Street)
		if rg.Area == "" {
			errs = append(errs, web.RowError{Line: line, Field: "area", Reason: "empty"})
		}
		if rg.AreaName == "" {
			rg.AreaName = rg.Area
		}
		if rg.StreetKey == "" {
			errs = append(errs, web.RowError{Line: line, Field: "street", Reason: "empty"})
		}
		for _, f := range []struct {
			name string
			to   *int
		}{{"from", &rg.From}, {"to", &rg.To}} {
			v := cell(f.name)
			if v == "" {
				continue
			}
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 || n > 999_999 {
				errs = append(errs, web.RowError{Line: line, Field: f.name, Reason: fmt.Sprintf("%q is not a house number", v)})
			}
			*f.to = n
		}
		if rg.From == 0 {
			rg.From = 1
		}
		if rg.To != 0 && rg.To < rg.From {
			errs = append(errs, web.RowError{Line: line, Field: "to", Reason: "smaller than from"})
		}
		switch rg.Parity {
		case "":
			rg.Parity = All
		case All, Odd, Even:
		default:
			errs = append(errs, web.RowError{Line: line, Field: "parity", Reason: fmt.Sprintf("%q is not all, odd or even", rg.Parity)})
		}
		if len(errs) > 0 {
			return errs
		}
		for _, o := range out {
			if o.StreetKey == rg.StreetKey && overlap(o, rg) {
				return []web.RowError{{Line: line, Field: "from", Reason: fmt.Sprintf("numbers of %s already in area %s", rg.Street, o.Area)}}
			}
		}
		out = append(out, rg)
		return nil
	})
	return out, errs
}

// overlap tells whether two ranges of a street share a house number.
func overlap(a, b Range) bool {
	if a.Parity != All && b.Parity != All && a.Parity != b.Parity {
		return false
	}
	hiA, hiB := a.To, b.To
	if hiA == 0 {
		hiA = 1 << 30
	}
	if hiB == 0 {
		hiB = 1 << 30
	}
	lo, hi := max(a.From, b.From), min(hiA, hiB)
	if lo > hi {
		return false
	}
	// Same or any parity: one shared number is enough unless the only
	// numbers in [lo, hi] have the wrong parity.
	for n := lo; n <= hi && n < lo+2; n++ {
		if a.Covers(n) && b.Covers(n) {
			return true
		}
	}
	return false
}
