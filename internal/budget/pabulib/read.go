package pabulib

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strings"
	"unicode/utf8"
)

// Read reads a .pb file.
func Read(r io.Reader) (*Election, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("pabulib: %w", err)
	}
	return Parse(data)
}

type section int

const (
	noSection section = iota
	metaSection
	projectSection
	voteSection
)

type record struct {
	line   int
	fields []string
}

// arena hands out string slices from large blocks, to spare the allocator one small
// slice per row.
type arena struct{ block []string }

func (a *arena) take(n int) []string {
	if n > cap(a.block)-len(a.block) {
		a.block = make([]string, 0, max(n, 8192))
	}
	a.block = a.block[:len(a.block)+n]
	return a.block[len(a.block)-n : len(a.block) : len(a.block)]
}

func (a *arena) clone(fs []string) []string {
	out := a.take(len(fs))
	copy(out, fs)
	return out
}

// Parse reads a .pb file from memory.
func Parse(data []byte) (*Election, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	text := string(data)
	e := &Election{}
	metaLine := map[string]int{}
	var projRows, voteRows []record
	projHeader, voteHeader := 0, 0
	sec := noSection
	wantHeader := false
	seen := map[section]bool{}
	var fields []string
	var rows arena
	for lineNo := 1; len(text) > 0; lineNo++ {
		// Lines end at \n, \r\n or a lone \r, as Python's splitlines sees them.
		i := strings.IndexAny(text, "\r\n")
		line := text
		if i < 0 {
			text = ""
		} else {
			line = text[:i]
			if text[i] == '\r' && i+1 < len(text) && text[i+1] == '\n' {
				i++
			}
			text = text[i+1:]
		}
		if !utf8.ValidString(line) {
			return nil, errorf(lineNo, "", "invalid UTF-8")
		}
		var err error
		fields, err = splitRecord(line, fields[:0])
		if err != nil {
			return nil, &Error{Line: lineNo, Err: err}
		}
		if len(fields) == 0 || (len(fields) == 1 && strings.TrimSpace(fields[0]) == "") {
			continue
		}
		if s := sectionOf(fields[0]); s != noSection && !wantHeader {
			if seen[s] {
				return nil, errorf(lineNo, "", "second %s section", strings.ToUpper(strings.TrimSpace(fields[0])))
			}
			seen[s] = true
			sec, wantHeader = s, true
			continue
		}
		switch {
		case sec == noSection:
			return nil, errorf(lineNo, "", "data before the META section")
		case wantHeader:
			// The record after a section name is always its header, whatever it holds.
			wantHeader = false
			switch sec {
			case projectSection:
				e.ProjectColumns = trimAll(fields)
				projHeader = lineNo
			case voteSection:
				e.VoteColumns = trimAll(fields)
				voteHeader = lineNo
			}
		case sec == metaSection:
			key := strings.TrimSpace(fields[0])
			val := ""
			if len(fields) > 1 {
				val = strings.TrimSpace(fields[1])
			}
			if _, ok := metaLine[key]; ok {
				e.SetMeta(key, val)
			} else {
				e.Meta = append(e.Meta, MetaField{key, val})
			}
			metaLine[key] = lineNo
		case sec == projectSection:
			projRows = append(projRows, record{lineNo, rows.clone(fields)})
		default:
			voteRows = append(voteRows, record{lineNo, rows.clone(fields)})
		}
	}

	if err := e.readMeta(metaLine); err != nil {
		return nil, err
	}
	if !seen[projectSection] {
		return nil, errors.New("pabulib: no PROJECTS section")
	}
	if !seen[voteSection] {
		return nil, errors.New("pabulib: no VOTES section")
	}
	ids, err := e.readProjects(projHeader, projRows)
	if err != nil {
		return nil, err
	}
	if err := e.readVotes(voteHeader, voteRows, ids); err != nil {
		return nil, err
	}
	return e, nil
}

func sectionOf(first string) section {
	first = strings.TrimSpace(first)
	switch {
	case strings.EqualFold(first, "meta"):
		return metaSection
	case strings.EqualFold(first, "projects"):
		return projectSection
	case strings.EqualFold(first, "votes"):
		return voteSection
	}
	return noSection
}

func trimAll(fs []string) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = strings.TrimSpace(f)
	}
	return out
}

// splitRecord splits one line into ';'-separated fields with '"' quoting: a field that
// starts with a quote runs to the next lone quote, "" stands for one quote, and anything
// after the closing quote up to the separator is kept (Python csv's lenient default).
func splitRecord(line string, out []string) ([]string, error) {
	if line == "" {
		return out, nil
	}
	for {
		if !strings.HasPrefix(line, `"`) {
			i := strings.IndexByte(line, ';')
			if i < 0 {
				return append(out, line), nil
			}
			out = append(out, line[:i])
			line = line[i+1:]
			continue
		}
		var b strings.Builder
		j := 1
		for {
			k := strings.IndexByte(line[j:], '"')
			if k < 0 {
				return nil, errors.New("quoted field not closed")
			}
			b.WriteString(line[j : j+k])
			j += k + 1
			if j < len(line) && line[j] == '"' {
				b.WriteByte('"')
				j++
				continue
			}
			break
		}
		rest := line[j:]
		i := strings.IndexByte(rest, ';')
		if i < 0 {
			b.WriteString(rest)
			return append(out, b.String()), nil
		}
		b.WriteString(rest[:i])
		out = append(out, b.String())
		line = rest[i+1:]
	}
}

func (e *Election) readMeta(metaLine map[string]int) error {
	v, ok := e.MetaValue("budget")
	if !ok || v == "" {
		return &Error{Line: metaLine["budget"], Field: "budget", Err: errors.New("missing from META")}
	}
	b, err := parseNumber(v)
	if err != nil {
		return &Error{Line: metaLine["budget"], Field: "budget", Err: err}
	}
	if b.Sign() < 0 {
		return errorf(metaLine["budget"], "budget", "negative")
	}
	e.Budget = b
	t, ok := e.MetaValue("vote_type")
	if !ok || t == "" {
		return &Error{Line: metaLine["vote_type"], Field: "vote_type", Err: errors.New("missing from META")}
	}
	e.VoteType = VoteType(strings.ToLower(t))
	if !e.VoteType.valid() {
		return errorf(metaLine["vote_type"], "vote_type", "unknown vote type %q", t)
	}
	return nil
}

func (e *Election) readProjects(header int, rows []record) (map[string]int, error) {
	cols := e.ProjectColumns
	if len(cols) == 0 {
		return nil, errorf(header, "", "PROJECTS has no header")
	}
	costCol := column(cols, "cost")
	if costCol <= 0 {
		return nil, errorf(header, "cost", "missing from the PROJECTS header")
	}
	ids := make(map[string]int, len(rows))
	e.Projects = make([]Project, 0, len(rows))
	for _, r := range rows {
		f := r.fields
		if len(f) > len(cols) {
			return nil, errorf(r.line, "", "%d fields, the PROJECTS header has %d", len(f), len(cols))
		}
		id := strings.TrimSpace(f[0])
		if id == "" || isNone(id) {
			return nil, errorf(r.line, cols[0], "empty project id")
		}
		if prev, dup := ids[id]; dup {
			return nil, errorf(r.line, cols[0], "project %q already defined on an earlier line (project %d)", id, prev+1)
		}
		if costCol >= len(f) {
			return nil, errorf(r.line, cols[costCol], "missing")
		}
		cost, err := parseNumber(strings.TrimSpace(f[costCol]))
		if err != nil {
			return nil, &Error{Line: r.line, Field: cols[costCol], Err: err}
		}
		if cost.Sign() < 0 {
			return nil, errorf(r.line, cols[costCol], "negative cost")
		}
		p := Project{ID: id, Cost: cost, Extra: make([]string, 0, len(cols)-2)}
		for c := 1; c < len(cols); c++ {
			if c == costCol {
				continue
			}
			v := ""
			if c < len(f) {
				v = f[c]
			}
			p.Extra = append(p.Extra, v)
		}
		ids[id] = len(e.Projects)
		e.Projects = append(e.Projects, p)
	}
	return ids, nil
}

func (e *Election) readVotes(header int, rows []record, ids map[string]int) error {
	cols := e.VoteColumns
	if len(cols) == 0 {
		return errorf(header, "", "VOTES has no header")
	}
	voteCol := column(cols, "vote")
	if voteCol <= 0 {
		return errorf(header, "vote", "missing from the VOTES header")
	}
	pointsCol := -1
	if e.VoteType.HasPoints() {
		pointsCol = column(cols, "points")
		if pointsCol == 0 {
			return errorf(header, "points", "cannot be the first column")
		}
	}
	nExtra := len(cols) - 2
	if pointsCol > 0 {
		nExtra--
	}
	e.Votes = make([]Vote, len(rows))
	pointCache := map[string]*big.Rat{}
	stamp := make([]int, len(e.Projects)) // per project: row index + 1 when on the ballot
	pos := make([]int, len(e.Projects))   // its position on the ballot
	var extras, lists arena
	for ri, r := range rows {
		f := r.fields
		if len(f) > len(cols) {
			return errorf(r.line, "", "%d fields, the VOTES header has %d", len(f), len(cols))
		}
		v := &e.Votes[ri]
		v.Voter = strings.TrimSpace(f[0])
		v.Extra = extras.take(nExtra)[:0]
		for c := 1; c < len(cols); c++ {
			if c == voteCol || c == pointsCol {
				continue
			}
			x := ""
			if c < len(f) {
				x = f[c]
			}
			v.Extra = append(v.Extra, x)
		}
		raw := ""
		if voteCol < len(f) {
			raw = strings.TrimSpace(f[voteCol])
		}
		if raw == "" || isNone(raw) {
			continue
		}
		n := strings.Count(raw, ",") + 1
		points := ""
		if e.VoteType.HasPoints() {
			if pointsCol > 0 && pointsCol < len(f) {
				points = strings.TrimSpace(f[pointsCol])
			}
			if points == "" || isNone(points) {
				continue // no points: the ballot is empty
			}
			if m := strings.Count(points, ",") + 1; m != n {
				return errorf(r.line, cols[pointsCol], "%d points for %d projects", m, n)
			}
			v.Points = make([]*big.Rat, 0, n)
		}
		v.Projects = lists.take(n)[:0]
		for it := range strings.SplitSeq(raw, ",") {
			var ps string
			if v.Points != nil {
				ps, points, _ = strings.Cut(points, ",")
			}
			if it == "" {
				continue
			}
			p, ok := ids[it]
			if !ok {
				return errorf(r.line, cols[voteCol], "unknown project %q", it)
			}
			var pt *big.Rat
			if v.Points != nil {
				ps = strings.TrimSpace(ps)
				pt = pointCache[ps]
				if pt == nil {
					x, err := parseNumber(ps)
					if err != nil {
						return &Error{Line: r.line, Field: cols[pointsCol], Err: err}
					}
					if len(pointCache) < 1024 {
						pointCache[ps] = x
					}
					pt = x
				}
			}
			if stamp[p] == ri+1 {
				// Listed twice: the first position stays; points take the last value.
				if pt != nil {
					v.Points[pos[p]] = pt
				}
				continue
			}
			stamp[p], pos[p] = ri+1, len(v.Projects)
			v.Projects = append(v.Projects, e.Projects[p].ID)
			if pt != nil {
				v.Points = append(v.Points, pt)
			}
		}
	}
	return nil
}

// parseNumber reads a decimal ("12", "-0.5", "1910663,83", "1e3") or a fraction ("7/4")
// exactly. Exponents are limited so that a hostile file cannot ask for a huge number.
func parseNumber(s string) (*big.Rat, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, errors.New("empty number")
	}
	s = strings.ReplaceAll(s, ",", ".")
	if !numberSyntax(s) {
		return nil, fmt.Errorf("not a number: %q", s)
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return nil, fmt.Errorf("not a number: %q", s)
	}
	return r, nil
}

func numberSyntax(s string) bool {
	if num, den, ok := strings.Cut(s, "/"); ok {
		return digitsOnly(strings.TrimPrefix(strings.TrimPrefix(num, "-"), "+")) && digitsOnly(den) && strings.Trim(den, "0") != ""
	}
	s = strings.TrimPrefix(strings.TrimPrefix(s, "-"), "+")
	mant, exp, hasExp := strings.Cut(strings.ToLower(s), "e")
	ip, fp, _ := strings.Cut(mant, ".")
	if ip == "" && fp == "" || (ip != "" && !digitsOnly(ip)) || (fp != "" && !digitsOnly(fp)) {
		return false
	}
	if hasExp {
		exp = strings.TrimPrefix(strings.TrimPrefix(exp, "-"), "+")
		if !digitsOnly(exp) || len(exp) > 3 {
			return false
		}
	}
	return true
}

func digitsOnly(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
