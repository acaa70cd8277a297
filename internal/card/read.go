package card

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/civitas-city/civitas/internal/accounts/census"
	"github.com/civitas-city/civitas/internal/accounts/pesel"
	"github.com/civitas-city/civitas/internal/web"
)

// The eligibility file's columns (docs/card.md): one card per row. An
// optional column "district" gives the holder's district, for the usage
// analytics (empty or absent: not known).
var columns = []string{"pesel", "kind", "family_size", "valid_from", "valid_to"}

// maxRowErrors bounds the problems one import lists.
const maxRowErrors = 1000

// maxFamily bounds a family's size (a sanity check on the city's data).
const maxFamily = 30

// eligible is one good row: a card the city's records grant.
type eligible struct {
	PESELHash  string
	Kind       Kind
	FamilySize int
	ValidFrom  time.Time
	ValidTo    time.Time
	District   int // 0: not known
	BirthYear  int
}

// read checks every row of the eligibility file and hands the good ones to
// emit; it returns the number of good rows and every problem (up to
// maxRowErrors) by line and field.
func read(r io.Reader, key []byte, isDistrict func(int) bool, emit func(eligible) error) (int, []web.RowError, error) {
	var (
		good int
		errs []web.RowError
		seen = map[string]int{} // hash + kind: the line that listed it
	)
	cr := web.NewCSVReader(r)
	header, err := cr.Read()
	if err != nil {
		return 0, []web.RowError{{Line: 1, Field: "header", Reason: "the file is empty or not CSV"}}, nil
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(h))] = i
	}
	var missing []string
	for _, c := range columns {
		if _, ok := col[c]; !ok {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return 0, []web.RowError{{Line: 1, Field: "header", Reason: "missing column(s) " + strings.Join(missing, ", ")}}, nil
	}
	fail := func(line int, field, reason string) {
		if len(errs) < maxRowErrors {
			errs = append(errs, web.RowError{Line: line, Field: field, Reason: reason})
		}
	}
	for line := 2; len(errs) < maxRowErrors; line++ {
		row, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			fail(line, "csv", err.Error())
			continue
		}
		if len(row) != len(header) {
			fail(line, "row", fmt.Sprintf("%d fields, the header has %d", len(row), len(header)))
			continue
		}
		get := func(c string) string { return strings.TrimSpace(row[col[c]]) }
		before := len(errs)
		var e eligible
		if p, err := pesel.Parse(get("pesel")); err != nil {
			fail(line, "pesel", "not a valid PESEL")
		} else {
			e.PESELHash = census.Hash(key, p.Digits())
			e.BirthYear = p.BirthDate().Year()
		}
		e.Kind = Kind(get("kind"))
		if !validKind(e.Kind) {
			fail(line, "kind", "basic or family")
		}
		size := get("family_size")
		switch {
		case e.Kind == Family:
			n, err := strconv.Atoi(size)
			if err != nil || n < 3 || n > maxFamily {
				fail(line, "family_size", fmt.Sprintf("a family card needs the family's size, 3 to %d", maxFamily))
			}
			e.FamilySize = n
		case e.Kind == Basic && size != "" && size != "0":
			fail(line, "family_size", "leave it empty for a basic card")
		}
		from, errFrom := time.Parse(time.DateOnly, get("valid_from"))
		if errFrom != nil {
			fail(line, "valid_from", "a date as YYYY-MM-DD")
		}
		to, errTo := time.Parse(time.DateOnly, get("valid_to"))
		switch {
		case errTo != nil:
			fail(line, "valid_to", "a date as YYYY-MM-DD")
		case errFrom == nil && to.Before(from):
			fail(line, "valid_to", "the card cannot end before it starts (valid_from)")
		}
		e.ValidFrom, e.ValidTo = from, to
		if i, ok := col["district"]; ok {
			if v := strings.TrimSpace(row[i]); v != "" && v != "0" {
				if d, err := strconv.Atoi(v); err != nil || !isDistrict(d) {
					fail(line, "district", "one of the city's district numbers, or empty")
				} else {
					e.District = d
				}
			}
		}
		if len(errs) == before {
			k := e.PESELHash + "|" + string(e.Kind)
			if first, dup := seen[k]; dup {
				fail(line, "pesel", fmt.Sprintf("this person's %s card is listed twice (first on line %d)", e.Kind, first))
				continue
			}
			seen[k] = line
			good++
			if err := emit(e); err != nil {
				return good, errs, err
			}
		}
	}
	return good, errs, nil
}
