package pabulib

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// Limits on what Read accepts, in both modes: real files are far smaller (the largest
// shared file is 2 MB, its longest field 779 bytes), and without limits a hostile or broken
// input (/dev/zero, a 20 MB title) would exhaust memory or every page that shows it.
const (
	MaxFileBytes  = 128 << 20 // a whole file
	MaxFieldBytes = 64 << 10  // one field (a title, a description, a comment, a ballot)
)

// maxFileBytes is MaxFileBytes, lowered by tests.
var maxFileBytes = MaxFileBytes

// splitRows is the number of ballots from which VOTES is read in two halves at once
// (changed by tests).
var splitRows = 20000

// Options tune reading.
type Options struct {
	// Lenient reads files the way pabutools does, accepting what strict reading (the
	// default) rejects as inconsistent: a row with fewer fields than its header (the
	// missing ones read as empty), a project listed twice on one ballot (it keeps its first
	// position; points take the last value), a voter id used twice, META num_projects or
	// num_votes that do not match the file, and points outside META min_points,
	// max_points or max_sum_points. NUL characters, invalid UTF-8 and the size limits are
	// errors in both modes.
	Lenient bool
}

// Read reads a .pb file strictly (see Options).
func Read(r io.Reader) (*Election, error) { return ReadWith(r, Options{}) }

// ReadWith reads a .pb file.
func ReadWith(r io.Reader, opt Options) (*Election, error) {
	data, err := io.ReadAll(io.LimitReader(r, int64(maxFileBytes)+1))
	if err != nil {
		return nil, fmt.Errorf("pabulib: %w", err)
	}
	return ParseWith(data, opt)
}

// ReadFile reads the .pb file at path, with one read into a buffer of the file's size.
func ReadFile(path string, opt Options) (*Election, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	size := 0
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
		size = int(min(st.Size(), int64(maxFileBytes)+1))
	}
	buf := bytes.NewBuffer(make([]byte, 0, size+1))
	if _, err := buf.ReadFrom(io.LimitReader(f, int64(maxFileBytes)+1)); err != nil {
		return nil, fmt.Errorf("pabulib: %w", err)
	}
	return ParseWith(buf.Bytes(), opt)
}

// Parse reads a .pb file from memory, strictly (see Options).
func Parse(data []byte) (*Election, error) { return ParseWith(data, Options{}) }

type section int

const (
	noSection section = iota
	metaSection
	projectSection
	voteSection
)

// span is a line of the file: its number and its text's byte range.
type span struct {
	line       int
	start, end int32
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

// parser holds what reading one file needs.
type parser struct {
	opt      Options
	text     string
	e        *Election
	metaLine map[string]int
	fields   []string // scratch: the fields of the line at hand
}

// ParseWith reads a .pb file from memory. It reads the file in two passes: the first finds
// the sections and keeps every PROJECTS and VOTES line as a span (no allocation per row),
// the second splits each row once, straight into the election.
func ParseWith(data []byte, opt Options) (*Election, error) {
	if len(data) > maxFileBytes {
		return nil, fmt.Errorf("pabulib: the file is larger than the limit of %d MB", MaxFileBytes>>20)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	text := string(data)
	if i := strings.IndexByte(text, 0); i >= 0 {
		return nil, errorf(lineAt(text, i), "", "NUL character at byte %d of the line", i-lineStart(text, i)+1)
	}
	if !utf8.ValidString(text) {
		return nil, errorf(lineAt(text, invalidUTF8(text)), "", "invalid UTF-8")
	}
	p := &parser{opt: opt, text: text, e: &Election{}, metaLine: map[string]int{}}
	// Nearly every line is a ballot: size the row list once.
	voteRows := make([]span, 0, strings.Count(text, "\n")+1)
	var projRows []span
	projHeader, voteHeader := 0, 0
	sec := noSection
	wantHeader := false
	seen := map[section]bool{}
	// Lines end at \n, \r\n or a lone \r, as Python's splitlines sees them. Where every
	// \r is followed by \n (all real files), a line is found by its \n alone.
	crlfOnly := strings.Count(text, "\r") == strings.Count(text, "\r\n")
	for pos, lineNo := 0, 1; pos < len(text); lineNo++ {
		start := pos
		end := len(text)
		if crlfOnly {
			if i := strings.IndexByte(text[pos:], '\n'); i >= 0 {
				end, pos = pos+i, pos+i+1
				if end > start && text[end-1] == '\r' {
					end--
				}
			} else {
				pos = len(text) // a last line without \n (and so without \r)
			}
		} else if i := strings.IndexAny(text[pos:], "\r\n"); i >= 0 {
			end = pos + i
			pos = end + 1
			if text[end] == '\r' && pos < len(text) && text[pos] == '\n' {
				pos++
			}
		} else {
			pos = end
		}
		line := text[start:end]
		// Rows of the tables are only noted here, unless they might be blank or a
		// section name (one field: no separator).
		if (sec == projectSection || sec == voteSection) && !wantHeader && strings.IndexByte(line, ';') >= 0 {
			if !mayBeSection(line) || sectionOf(firstField(line)) == noSection {
				sp := span{lineNo, int32(start), int32(end)}
				if sec == projectSection {
					projRows = append(projRows, sp)
				} else {
					voteRows = append(voteRows, sp)
				}
				continue
			}
		}
		fields, err := p.split(lineNo, line, nil)
		if err != nil {
			return nil, err
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
				p.e.ProjectColumns = trimAll(fields)
				projHeader = lineNo
			case voteSection:
				p.e.VoteColumns = trimAll(fields)
				voteHeader = lineNo
			}
		case sec == metaSection:
			p.metaEntry(lineNo, fields)
		case sec == projectSection:
			projRows = append(projRows, span{lineNo, int32(start), int32(end)})
		default:
			voteRows = append(voteRows, span{lineNo, int32(start), int32(end)})
		}
	}

	if err := p.readMeta(); err != nil {
		return nil, err
	}
	if !seen[projectSection] {
		return nil, errors.New("pabulib: no PROJECTS section")
	}
	if !seen[voteSection] {
		return nil, errors.New("pabulib: no VOTES section")
	}
	ids, err := p.readProjects(projHeader, projRows)
	if err != nil {
		return nil, err
	}
	if err := p.readVotes(voteHeader, voteRows, ids); err != nil {
		return nil, err
	}
	if err := p.checkCounts(); err != nil {
		return nil, err
	}
	return p.e, nil
}

// lineAt returns the 1-based line number of byte offset i, as Parse numbers lines.
func lineAt(text string, i int) int {
	n := 1
	for j := 0; j < i; j++ {
		switch text[j] {
		case '\n':
			n++
		case '\r':
			if j+1 >= len(text) || text[j+1] != '\n' {
				n++
			}
		}
	}
	return n
}

// lineStart returns the offset where the line holding byte offset i starts.
func lineStart(text string, i int) int {
	return strings.LastIndexAny(text[:i], "\r\n") + 1
}

// invalidUTF8 returns the offset of the first invalid UTF-8 sequence in text.
func invalidUTF8(text string) int {
	for i, r := range text {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(text[i:]); size == 1 {
				return i
			}
		}
	}
	return len(text)
}

// split splits a line into p.fields, checking the field size limit (splitChecked).
func (p *parser) split(lineNo int, line string, cols []string) ([]string, error) {
	fields, err := splitChecked(lineNo, line, cols, &p.fields)
	if err != nil {
		return nil, err
	}
	return fields, nil
}

// splitChecked splits a line into *scratch, checking the field size limit. cols names the
// fields in errors (a table's header); without it a too long second field is named by
// the first (a META key).
func splitChecked(lineNo int, line string, cols []string, scratch *[]string) ([]string, *Error) {
	fields, err := splitRecord(line, (*scratch)[:0])
	if err != nil {
		return nil, &Error{Line: lineNo, Err: err}
	}
	*scratch = fields
	for i, f := range fields {
		if len(f) <= MaxFieldBytes {
			continue
		}
		name := fmt.Sprintf("field %d", i+1)
		switch {
		case i < len(cols):
			name = cols[i]
		case cols == nil && i == 1 && len(fields[0]) <= 100:
			name = strings.TrimSpace(fields[0])
		}
		return nil, errorf(lineNo, name, "%d bytes, more than the limit of %d", len(f), MaxFieldBytes)
	}
	return fields, nil
}

func (p *parser) metaEntry(lineNo int, fields []string) {
	key := strings.TrimSpace(fields[0])
	val := ""
	if len(fields) > 1 {
		val = strings.TrimSpace(fields[1])
	}
	if _, ok := p.metaLine[key]; ok {
		p.e.SetMeta(key, val)
	} else {
		p.e.Meta = append(p.e.Meta, MetaField{key, val})
	}
	p.metaLine[key] = lineNo
}

// mayBeSection tells quickly whether a line may start with a section name (META,
// PROJECTS, VOTES, in any case, perhaps after spaces or a quote).
func mayBeSection(line string) bool {
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case ' ', '\t', '"':
			continue
		case 'm', 'M', 'p', 'P', 'v', 'V':
			return true
		}
		return false
	}
	return false
}

func sectionOf(first string) section {
	first = strings.TrimSpace(first)
	if len(first) != 4 && len(first) != 5 && len(first) != 8 {
		return noSection
	}
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

// firstField returns a line's first field as splitRecord would.
func firstField(line string) string {
	if strings.HasPrefix(line, `"`) {
		fs, err := splitRecord(line, nil)
		if err != nil || len(fs) == 0 {
			return ""
		}
		return fs[0]
	}
	if i := strings.IndexByte(line, ';'); i >= 0 {
		return line[:i]
	}
	return line
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

func (p *parser) readMeta() error {
	e := p.e
	v, ok := e.MetaValue("budget")
	if !ok || v == "" {
		return &Error{Line: p.metaLine["budget"], Field: "budget", Err: errors.New("missing from META")}
	}
	b, err := parseNumber(v)
	if err != nil {
		return &Error{Line: p.metaLine["budget"], Field: "budget", Err: err}
	}
	if b.Sign() < 0 {
		return errorf(p.metaLine["budget"], "budget", "negative")
	}
	e.Budget = b
	t, ok := e.MetaValue("vote_type")
	if !ok || t == "" {
		return &Error{Line: p.metaLine["vote_type"], Field: "vote_type", Err: errors.New("missing from META")}
	}
	e.VoteType = VoteType(strings.ToLower(t))
	if !e.VoteType.valid() {
		return errorf(p.metaLine["vote_type"], "vote_type", "unknown vote type %q", t)
	}
	return nil
}

// metaNumber returns META key as a number, nil if absent or "none".
func (p *parser) metaNumber(key string) (*big.Rat, error) {
	v, ok := p.e.MetaValue(key)
	if !ok || v == "" || isNone(v) {
		return nil, nil
	}
	r, err := parseNumber(v)
	if err != nil {
		return nil, &Error{Line: p.metaLine[key], Field: key, Err: err}
	}
	return r, nil
}

// fieldCount checks a row's number of fields against its header: never more; in strict
// mode exactly as many.
func (p *parser) fieldCount(line, got int, cols []string, table string) *Error {
	switch {
	case got > len(cols):
		return errorf(line, "", "%d fields, the %s header has %d", got, table, len(cols))
	case got < len(cols) && !p.opt.Lenient:
		return errorf(line, cols[got], "missing: %d fields, the %s header has %d", got, table, len(cols))
	}
	return nil
}

func (p *parser) readProjects(header int, rows []span) (*idTable, error) {
	e := p.e
	cols := e.ProjectColumns
	if len(cols) == 0 {
		return nil, errorf(header, "", "PROJECTS has no header")
	}
	costCol := column(cols, "cost")
	if costCol <= 0 {
		return nil, errorf(header, "cost", "missing from the PROJECTS header")
	}
	ids := newIDTable(len(rows))
	e.Projects = make([]Project, 0, len(rows))
	var extras arena
	for _, r := range rows {
		f, err := p.split(r.line, p.text[r.start:r.end], cols)
		if err != nil {
			return nil, err
		}
		if err := p.fieldCount(r.line, len(f), cols, "PROJECTS"); err != nil {
			return nil, err
		}
		id := strings.TrimSpace(f[0])
		if id == "" || isNone(id) {
			return nil, errorf(r.line, cols[0], "empty project id")
		}
		if prev, isNew := ids.add(id); !isNew {
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
		pr := Project{ID: id, Cost: cost, Extra: extras.take(len(cols) - 2)[:0]}
		for c := 1; c < len(cols); c++ {
			if c == costCol {
				continue
			}
			v := ""
			if c < len(f) {
				v = f[c]
			}
			pr.Extra = append(pr.Extra, v)
		}
		e.Projects = append(e.Projects, pr)
	}
	return ids, nil
}

// pointLimits are META's limits on a cumulative or scoring ballot.
type pointLimits struct {
	min, max, maxSum *big.Rat
}

func (p *parser) pointLimits() (pointLimits, error) {
	var l pointLimits
	var err error
	if l.min, err = p.metaNumber("min_points"); err != nil {
		return l, err
	}
	if l.max, err = p.metaNumber("max_points"); err != nil {
		return l, err
	}
	l.maxSum, err = p.metaNumber("max_sum_points")
	return l, err
}

func (p *parser) readVotes(header int, rows []span, ids *idTable) error {
	e := p.e
	cols := e.VoteColumns
	if len(cols) == 0 {
		return errorf(header, "", "VOTES has no header")
	}
	vr := voteReader{p: p, ids: ids, cols: cols, voteCol: column(cols, "vote"), pointsCol: -1}
	if vr.voteCol <= 0 {
		return errorf(header, "vote", "missing from the VOTES header")
	}
	if e.VoteType.HasPoints() {
		vr.pointsCol = column(cols, "points")
		if vr.pointsCol == 0 {
			return errorf(header, "points", "cannot be the first column")
		}
		var err error
		if vr.limits, err = p.pointLimits(); err != nil {
			return err
		}
	}
	vr.nExtra = len(cols) - 2
	if vr.pointsCol > 0 {
		vr.nExtra--
	}
	e.Votes = make([]Vote, len(rows))
	// A large file is read in two halves at once: the rows are independent but for the
	// voter ids, which are checked across the halves afterwards.
	parts := 1
	if len(rows) >= splitRows {
		parts = 2
	}
	readers := make([]voteReader, parts)
	var wg sync.WaitGroup
	for i := range readers {
		readers[i] = vr
		r := &readers[i]
		r.lo, r.hi = i*len(rows)/parts, (i+1)*len(rows)/parts
		wg.Go(func() { r.err = r.read(rows) })
	}
	wg.Wait()
	// The error of the earliest line, as a reading in one pass would report it.
	var first *Error
	note := func(err *Error) {
		if err != nil && (first == nil || err.Line < first.Line) {
			first = err
		}
	}
	for i := range readers {
		note(readers[i].err)
		if readers[i].err != nil {
			break // later halves start after this error's line
		}
	}
	if !p.opt.Lenient && parts == 2 {
		a, b := &readers[0], &readers[1]
		for j, id := range b.voters.keys {
			if prev := a.voters.find(id); prev >= 0 {
				note(errorf(int(b.voterLine[j]), cols[0], "voter %q already voted on line %d", id, a.voterLine[prev]))
				break
			}
		}
	}
	if first != nil {
		return first
	}
	return nil
}

// voteReader reads the VOTES rows [lo, hi) into Election.Votes; each half of a large file
// has its own, with its own scratch.
type voteReader struct {
	p                  *parser
	ids                *idTable
	cols               []string
	voteCol, pointsCol int
	nExtra             int
	limits             pointLimits
	lo, hi             int

	voters    *idTable // strict: the voter ids seen, and the line of each
	voterLine []int32
	err       *Error
}

func (vr *voteReader) read(rows []span) *Error {
	p, e, cols := vr.p, vr.p.e, vr.cols
	voteCol, pointsCol := vr.voteCol, vr.pointsCol
	if !p.opt.Lenient {
		vr.voters = newIDTable(vr.hi - vr.lo)
		vr.voterLine = make([]int32, 0, vr.hi-vr.lo)
	}
	pointCache := map[string]*big.Rat{}
	stamp := make([]int, len(e.Projects)) // per project: row index + 1 when on the ballot
	pos := make([]int, len(e.Projects))   // its position on the ballot
	var extras, lists arena
	var indices []int // the ballots' project indices, for Instance
	var sum big.Rat
	var scratch []string
	for ri := vr.lo; ri < vr.hi; ri++ {
		r := rows[ri]
		f, err := splitChecked(r.line, p.text[r.start:r.end], cols, &scratch)
		if err != nil {
			return err
		}
		if err := p.fieldCount(r.line, len(f), cols, "VOTES"); err != nil {
			return err
		}
		v := &e.Votes[ri]
		v.Voter = strings.TrimSpace(f[0])
		if vr.voters != nil {
			if prev, isNew := vr.voters.add(v.Voter); !isNew {
				return errorf(r.line, cols[0], "voter %q already voted on line %d", v.Voter, vr.voterLine[prev])
			}
			vr.voterLine = append(vr.voterLine, int32(r.line))
		}
		v.Extra = extras.take(vr.nExtra)[:0]
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
			sum.SetInt64(0)
		}
		v.Projects = lists.take(n)[:0]
		if len(indices)+n > cap(indices) {
			indices = make([]int, 0, max(n, 16384))
		}
		v.index = indices[len(indices) : len(indices) : len(indices)+n]
		// The items, as strings.Split(raw, ",") gives them (empty ones included: points
		// are aligned by position), without an iterator per ballot.
		for rest, more := raw, true; more; {
			it := rest
			if i := strings.IndexByte(rest, ','); i >= 0 {
				it, rest = rest[:i], rest[i+1:]
			} else {
				more = false
			}
			var ps string
			if v.Points != nil {
				ps, points, _ = strings.Cut(points, ",")
			}
			if it == "" {
				continue
			}
			pi := vr.ids.find(it)
			if pi < 0 {
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
				if err := p.checkPoints(r.line, cols[pointsCol], it, pt, &vr.limits); err != nil {
					return err
				}
				sum.Add(&sum, pt)
			}
			if stamp[pi] == ri+1 {
				if !p.opt.Lenient {
					return errorf(r.line, cols[voteCol], "project %q listed twice on the ballot", it)
				}
				// Listed twice: the first position stays; points take the last value.
				if pt != nil {
					v.Points[pos[pi]] = pt
				}
				continue
			}
			stamp[pi], pos[pi] = ri+1, len(v.Projects)
			v.Projects = append(v.Projects, e.Projects[pi].ID)
			v.index = append(v.index, pi)
			if pt != nil {
				v.Points = append(v.Points, pt)
			}
		}
		indices = indices[:len(indices)+len(v.index)]
		if v.Points != nil && !p.opt.Lenient && vr.limits.maxSum != nil && sum.Cmp(vr.limits.maxSum) > 0 {
			return errorf(r.line, cols[pointsCol], "%s points in all, more than META max_sum_points %s", formatRat(&sum), formatRat(vr.limits.maxSum))
		}
	}
	return nil
}

// checkPoints checks one value of a points list against META min_points and max_points
// (strict mode only).
func (p *parser) checkPoints(line int, col, project string, pt *big.Rat, l *pointLimits) *Error {
	if p.opt.Lenient {
		return nil
	}
	if l.min != nil && pt.Cmp(l.min) < 0 {
		return errorf(line, col, "project %q: %s points, fewer than META min_points %s", project, formatRat(pt), formatRat(l.min))
	}
	if l.max != nil && pt.Cmp(l.max) > 0 {
		return errorf(line, col, "project %q: %s points, more than META max_points %s", project, formatRat(pt), formatRat(l.max))
	}
	return nil
}

// checkCounts checks META num_projects and num_votes against the file (strict mode only).
func (p *parser) checkCounts() error {
	if p.opt.Lenient {
		return nil
	}
	for _, c := range []struct {
		key  string
		have int
	}{{"num_projects", len(p.e.Projects)}, {"num_votes", len(p.e.Votes)}} {
		v, ok := p.e.MetaValue(c.key)
		if !ok || v == "" || isNone(v) {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			return errorf(p.metaLine[c.key], c.key, "not a whole number: %q", v)
		}
		if n != c.have {
			return errorf(p.metaLine[c.key], c.key, "says %d, the file has %d", n, c.have)
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
