// Package pabulib reads and writes participatory-budget elections in the Pabulib .pb format
// (pabulib.org): a META section of key;value pairs, a PROJECTS table and a VOTES table, all
// ';'-separated with '"' quoting. It reads the way pabutools 1.2.3 reads (docs/pb-rules.md
// §1 in the shared material): ids are opaque trimmed strings, costs and budgets exact
// rationals, "none" means absent, and "," is accepted as a decimal separator.
package pabulib

import (
	"errors"
	"fmt"
	"math/big"
	"strings"
)

// VoteType is META vote_type.
type VoteType string

// Vote types. Choose-1 counts as approval; scoring as cumulative.
const (
	Approval   VoteType = "approval"
	Choose1    VoteType = "choose-1"
	Cumulative VoteType = "cumulative"
	Ordinal    VoteType = "ordinal"
	Scoring    VoteType = "scoring"
)

// HasPoints reports whether ballots of this type carry a points column.
func (t VoteType) HasPoints() bool { return t == Cumulative || t == Scoring }

func (t VoteType) valid() bool {
	switch t {
	case Approval, Choose1, Cumulative, Ordinal, Scoring:
		return true
	}
	return false
}

// MetaField is one META entry.
type MetaField struct {
	Key, Value string
}

// Election is a .pb file. Budget and VoteType mirror META "budget" and "vote_type"; Write
// takes them from the typed fields.
type Election struct {
	// Meta holds the META entries in file order, each key once (a repeated key keeps its
	// first position and its last value), keys and values trimmed.
	Meta     []MetaField
	Budget   *big.Rat
	VoteType VoteType

	// ProjectColumns is the PROJECTS header. The first column is the project id whatever
	// its name; "cost" is required.
	ProjectColumns []string
	Projects       []Project
	// VoteColumns is the VOTES header. The first column is the voter id; "vote" is
	// required, "points" holds the points of cumulative and scoring ballots.
	VoteColumns []string
	Votes       []Vote
}

// Project is one PROJECTS row.
type Project struct {
	ID   string
	Cost *big.Rat
	// Extra holds the other columns as written (not trimmed), in ProjectColumns order.
	Extra []string
}

// Vote is one VOTES row: one voter.
type Vote struct {
	Voter string
	// Projects lists the project ids on the ballot, each once, in ballot order (for
	// ordinal ballots: most preferred first).
	Projects []string
	// Points holds the points per listed project for cumulative and scoring ballots,
	// aligned with Projects; nil otherwise. Values may be shared between votes.
	Points []*big.Rat
	// Extra holds the other columns as written, in VoteColumns order.
	Extra []string

	// index holds Projects as indices into Election.Projects when the reader set them,
	// so that Instance need not look the ids up again.
	index []int
}

// Error is a reading or writing error; it names the line (1-based, 0 if none) and the
// field it is about.
type Error struct {
	Line  int
	Field string
	Err   error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("pabulib: ")
	if e.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", e.Line)
	}
	if e.Field != "" {
		fmt.Fprintf(&b, "field %q: ", e.Field)
	}
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

func errorf(line int, field, format string, args ...any) *Error {
	return &Error{Line: line, Field: field, Err: fmt.Errorf(format, args...)}
}

// MetaValue returns the value of a META key.
func (e *Election) MetaValue(key string) (string, bool) {
	for _, m := range e.Meta {
		if m.Key == key {
			return m.Value, true
		}
	}
	return "", false
}

// SetMeta sets a META key, appending it if new.
func (e *Election) SetMeta(key, value string) {
	for i := range e.Meta {
		if e.Meta[i].Key == key {
			e.Meta[i].Value = value
			return
		}
	}
	e.Meta = append(e.Meta, MetaField{key, value})
}

// column returns the index of a column by name (trimmed, case-insensitive), or -1.
func column(cols []string, name string) int {
	for i, c := range cols {
		if strings.EqualFold(strings.TrimSpace(c), name) {
			return i
		}
	}
	return -1
}

// ProjectValue returns project i's value in the named PROJECTS column, trimmed; false if
// the column does not exist or the value is absent ("none").
func (e *Election) ProjectValue(i int, name string) (string, bool) {
	c := column(e.ProjectColumns, name)
	switch {
	case c < 0:
		return "", false
	case c == 0:
		return e.Projects[i].ID, true
	case c == column(e.ProjectColumns, "cost"):
		return formatRat(e.Projects[i].Cost), true
	}
	x := extraIndex(c, 0, column(e.ProjectColumns, "cost"))
	if x >= len(e.Projects[i].Extra) {
		return "", false
	}
	v := strings.TrimSpace(e.Projects[i].Extra[x])
	if isNone(v) {
		return "", false
	}
	return v, true
}

// VoteValue returns vote i's value in the named VOTES column, trimmed; false if the
// column does not exist, is the ballot itself, or the value is absent ("none").
func (e *Election) VoteValue(i int, name string) (string, bool) {
	c := column(e.VoteColumns, name)
	voteCol := column(e.VoteColumns, "vote")
	pointsCol := -1
	if e.VoteType.HasPoints() {
		pointsCol = column(e.VoteColumns, "points")
	}
	switch {
	case c < 0 || c == voteCol || c == pointsCol:
		return "", false
	case c == 0:
		return e.Votes[i].Voter, true
	}
	x := extraIndex(c, voteCol, pointsCol)
	if x >= len(e.Votes[i].Extra) {
		return "", false
	}
	v := strings.TrimSpace(e.Votes[i].Extra[x])
	if v == "" || isNone(v) {
		return "", false
	}
	return v, true
}

// extraIndex maps a column index to its position among the Extra values, which skip the
// first column and the typed columns a and b (-1 if absent).
func extraIndex(c, a, b int) int {
	x := c - 1 // the first column is never extra
	if a > 0 && a < c {
		x--
	}
	if b > 0 && b < c {
		x--
	}
	return x
}

func isNone(s string) bool { return strings.EqualFold(s, "none") }

// HistoricalSelected returns the ids of the projects whose "selected" column is 1, in
// project order; nil if there is no such column.
func (e *Election) HistoricalSelected() []string {
	if column(e.ProjectColumns, "selected") < 0 {
		return nil
	}
	out := []string{}
	for i := range e.Projects {
		if v, ok := e.ProjectValue(i, "selected"); ok && v == "1" {
			out = append(out, e.Projects[i].ID)
		}
	}
	return out
}

// ErrNoScoreColumn says PROJECTS has neither a score nor a votes column.
var ErrNoScoreColumn = errors.New("pabulib: PROJECTS has no score or votes column")

// ColumnScores returns the PROJECTS "score" column, or "votes" if there is no score
// column, as numbers (the historical recipe uses them instead of recounting).
func (e *Election) ColumnScores() ([]*big.Rat, error) {
	name := "score"
	if column(e.ProjectColumns, name) < 0 {
		name = "votes"
		if column(e.ProjectColumns, name) < 0 {
			return nil, ErrNoScoreColumn
		}
	}
	out := make([]*big.Rat, len(e.Projects))
	for i := range e.Projects {
		v, ok := e.ProjectValue(i, name)
		if !ok {
			return nil, &Error{Field: name, Err: fmt.Errorf("project %q: no value", e.Projects[i].ID)}
		}
		r, err := parseNumber(v)
		if err != nil {
			return nil, &Error{Field: name, Err: fmt.Errorf("project %q: %w", e.Projects[i].ID, err)}
		}
		out[i] = r
	}
	return out, nil
}

// Threshold returns META min_project_score_threshold, or nil if absent.
func (e *Election) Threshold() (*big.Rat, error) {
	v, ok := e.MetaValue("min_project_score_threshold")
	if !ok || v == "" || isNone(v) {
		return nil, nil
	}
	r, err := parseNumber(v)
	if err != nil {
		return nil, &Error{Field: "min_project_score_threshold", Err: err}
	}
	return r, nil
}
