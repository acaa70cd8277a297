package weightcli

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/civitas-city/civitas/internal/survey/stats"
	"github.com/civitas-city/civitas/internal/web"
)

// maxErrors is how many bad rows a file lists before it stops reading.
const maxErrors = 100

// Margins are the population margins read from MARGINS.csv, in the order
// their variables first appear.
type Margins struct {
	Vars  []stats.Margin
	level []map[string]int32 // per variable: level -> its index
	index map[string]int     // variable -> its index in Vars
}

// Responses are the responses read from RESPONSES.csv: Codes[m][i] is
// response i's level of margin m.
type Responses struct {
	IDs   []string
	Codes [][]int32
}

// rows reads the data rows after the header, calling fn with each record
// of the right width and its line; CSV and width problems go to errs.
func rows(cr *csv.Reader, width int, errs *[]web.RowError, fn func(rec []string, line int)) error {
	for len(*errs) < maxErrors {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if pe, ok := errors.AsType[*csv.ParseError](err); ok {
			*errs = append(*errs, web.RowError{Line: pe.StartLine, Field: "csv", Reason: pe.Err.Error()})
			continue
		}
		if err != nil {
			return err
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != width {
			*errs = append(*errs, web.RowError{Line: line, Field: "row", Reason: fmt.Sprintf("has %d fields, the header has %d", len(rec), width)})
			continue
		}
		fn(rec, line)
	}
	return nil
}

// header reads the header line into trimmed column names.
func header(cr *csv.Reader, errs *[]web.RowError, want string) ([]string, error) {
	h, err := cr.Read()
	if errors.Is(err, io.EOF) {
		*errs = append(*errs, web.RowError{Line: 1, Field: "file", Reason: "is empty: the first line must name the columns (" + want + ")"})
		return nil, nil
	}
	if pe, ok := errors.AsType[*csv.ParseError](err); ok {
		*errs = append(*errs, web.RowError{Line: pe.StartLine, Field: "header", Reason: pe.Err.Error()})
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	out := make([]string, len(h))
	for i, c := range h {
		out[i] = strings.TrimSpace(c)
	}
	return out, nil
}

// ReadMargins reads MARGINS.csv: a header with the columns variable, level
// and count (in any order), then one row per level of each variable.
// Every bad row is reported (up to 100) in a *web.FileError.
func ReadMargins(r io.Reader) (*Margins, error) {
	var errs []web.RowError
	cr := web.NewCSVReader(r)
	h, err := header(cr, &errs, "variable, level, count")
	if err != nil {
		return nil, fmt.Errorf("margins: read: %w", err)
	}
	col := map[string]int{}
	for i, c := range h {
		switch c = strings.ToLower(c); c {
		case "variable", "level", "count":
			if _, dup := col[c]; dup {
				errs = append(errs, web.RowError{Line: 1, Field: "header", Reason: "column " + c + " appears twice"})
			}
			col[c] = i
		default:
			errs = append(errs, web.RowError{Line: 1, Field: "header", Reason: fmt.Sprintf("unknown column %q: the columns are variable, level, count", c)})
		}
	}
	for _, c := range []string{"variable", "level", "count"} {
		if _, ok := col[c]; !ok && h != nil {
			errs = append(errs, web.RowError{Line: 1, Field: "header", Reason: "missing column " + c})
		}
	}
	if len(errs) > 0 {
		return nil, &web.FileError{What: "margins", Errors: errs}
	}
	m := &Margins{index: map[string]int{}}
	err = rows(cr, len(h), &errs, func(rec []string, line int) {
		bad := func(field, format string, args ...any) {
			errs = append(errs, web.RowError{Line: line, Field: field, Reason: fmt.Sprintf(format, args...)})
		}
		name, level := strings.TrimSpace(rec[col["variable"]]), strings.TrimSpace(rec[col["level"]])
		count, cerr := strconv.ParseFloat(strings.TrimSpace(rec[col["count"]]), 64)
		switch {
		case name == "":
			bad("variable", "is empty")
			return
		case strings.EqualFold(name, "id"):
			bad("variable", "id names the responses, it cannot be a margin variable")
			return
		case level == "":
			bad("level", "is empty")
			return
		case cerr != nil || math.IsNaN(count) || math.IsInf(count, 0):
			bad("count", "must be a number, like 1250")
			return
		case count < 0:
			bad("count", "must not be negative")
			return
		}
		v, ok := m.index[name]
		if !ok {
			v = len(m.Vars)
			m.index[name] = v
			m.Vars = append(m.Vars, stats.Margin{Name: name})
			m.level = append(m.level, map[string]int32{})
		}
		if _, dup := m.level[v][level]; dup {
			bad("level", "%s %q appears twice", name, level)
			return
		}
		m.level[v][level] = int32(len(m.Vars[v].Levels))
		m.Vars[v].Levels = append(m.Vars[v].Levels, level)
		m.Vars[v].Targets = append(m.Vars[v].Targets, count)
	})
	if err != nil {
		return nil, fmt.Errorf("margins: read: %w", err)
	}
	if len(m.Vars) == 0 && len(errs) == 0 {
		errs = append(errs, web.RowError{Line: 2, Field: "file", Reason: "has no rows after the header"})
	}
	if len(errs) > 0 {
		return nil, &web.FileError{What: "margins", Errors: errs}
	}
	return m, nil
}

// ReadResponses reads RESPONSES.csv: a header with id and one column per
// variable of m (any order), then one row per response whose levels are
// levels of m. Every bad row is reported (up to 100) in a *web.FileError.
func ReadResponses(r io.Reader, m *Margins) (*Responses, error) {
	var errs []web.RowError
	cr := web.NewCSVReader(r)
	want := "id, " + strings.Join(m.names(), ", ")
	h, err := header(cr, &errs, want)
	if err != nil {
		return nil, fmt.Errorf("responses: read: %w", err)
	}
	idCol, varCol := -1, make([]int, len(m.Vars))
	for i := range varCol {
		varCol[i] = -1
	}
	for i, c := range h {
		v, isVar := m.index[c]
		switch {
		case strings.EqualFold(c, "id") && idCol < 0:
			idCol = i
		case isVar && varCol[v] < 0:
			varCol[v] = i
		case strings.EqualFold(c, "id") || isVar:
			errs = append(errs, web.RowError{Line: 1, Field: "header", Reason: "column " + c + " appears twice"})
		default:
			errs = append(errs, web.RowError{Line: 1, Field: "header", Reason: fmt.Sprintf("column %q is not a variable of the margins file (expected %s)", c, want)})
		}
	}
	if h != nil {
		if idCol < 0 {
			errs = append(errs, web.RowError{Line: 1, Field: "header", Reason: "missing column id"})
		}
		for v, c := range varCol {
			if c < 0 {
				errs = append(errs, web.RowError{Line: 1, Field: "header", Reason: "missing column " + m.Vars[v].Name + " (a variable of the margins file)"})
			}
		}
	}
	if len(errs) > 0 {
		return nil, &web.FileError{What: "responses", Errors: errs}
	}
	res := &Responses{Codes: make([][]int32, len(m.Vars))}
	seen := map[string]int{}
	err = rows(cr, len(h), &errs, func(rec []string, line int) {
		id := strings.TrimSpace(rec[idCol])
		switch first, dup := seen[id]; {
		case id == "":
			errs = append(errs, web.RowError{Line: line, Field: "id", Reason: "is empty"})
		case dup:
			errs = append(errs, web.RowError{Line: line, Field: "id", Reason: fmt.Sprintf("%q is also on line %d", id, first)})
		default:
			seen[id] = line
		}
		for v, c := range varCol {
			level := strings.TrimSpace(rec[c])
			code, ok := m.level[v][level]
			if !ok {
				errs = append(errs, web.RowError{Line: line, Field: m.Vars[v].Name, Reason: fmt.Sprintf("level %q is not in the margins file (it has %s)", level, strings.Join(m.Vars[v].Levels, ", "))})
			}
			res.Codes[v] = append(res.Codes[v], code)
		}
		res.IDs = append(res.IDs, id)
	})
	if err != nil {
		return nil, fmt.Errorf("responses: read: %w", err)
	}
	if len(res.IDs) == 0 && len(errs) == 0 {
		errs = append(errs, web.RowError{Line: 2, Field: "file", Reason: "has no rows after the header"})
	}
	if len(errs) > 0 {
		return nil, &web.FileError{What: "responses", Errors: errs}
	}
	return res, nil
}

func (m *Margins) names() []string {
	out := make([]string, len(m.Vars))
	for i, v := range m.Vars {
		out[i] = v.Name
	}
	return out
}
