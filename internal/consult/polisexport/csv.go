package polisexport

import (
	"encoding/csv"
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/civitas-city/civitas/internal/consult/opinion"
)

// Comment is one row of comments.csv.
type Comment struct {
	TID       int64
	Moderated int // -1 rejected, 0 unmoderated, 1 accepted
	IsMeta    bool
	GIC       float64 // group-informed-consensus, when HasGIC
	HasGIC    bool
}

// ParticipantsVotes is participants-votes.csv: the latest vote per cell.
type ParticipantsVotes struct {
	Votes  []opinion.Vote
	Order  []int64
	Groups map[int64]int // nil without a group-id column
}

type table struct {
	r    *csv.Reader
	name string
	head map[string]int
	cols []string
}

func newTable(r io.Reader, name string) (*table, error) {
	cr := csv.NewReader(r)
	cr.LazyQuotes = true // comment bodies carry stray quotes
	cr.ReuseRecord = true
	t := &table{r: cr, name: name, head: make(map[string]int)}
	h, err := cr.Read()
	if err == io.EOF {
		return nil, errorf(name, 1, "empty file, expected a header row")
	}
	if err != nil {
		return nil, t.wrap(err)
	}
	h[0] = strings.TrimPrefix(h[0], "\ufeff")
	for i, c := range h {
		c = strings.TrimSpace(c)
		t.cols = append(t.cols, c)
		if _, dup := t.head[c]; !dup {
			t.head[c] = i
		}
	}
	return t, nil
}

func (t *table) wrap(err error) error {
	if pe, ok := errors.AsType[*csv.ParseError](err); ok {
		return errorf(t.name, pe.Line, "%v", pe.Err)
	}
	return errorf(t.name, 0, "%v", err)
}

func (t *table) need(cols ...string) ([]int, error) {
	idx := make([]int, len(cols))
	for i, c := range cols {
		j, ok := t.head[c]
		if !ok {
			return nil, errorf(t.name, 1, "no %q column in the header", c)
		}
		idx[i] = j
	}
	return idx, nil
}

// next returns the next record and its line, or io.EOF.
func (t *table) next() ([]string, int, error) {
	rec, err := t.r.Read()
	if err == io.EOF {
		return nil, 0, io.EOF
	}
	if err != nil {
		return nil, 0, t.wrap(err)
	}
	line, _ := t.r.FieldPos(0)
	return rec, line, nil
}

func parseID(s string) (int64, bool) {
	v, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	return v, err == nil && v >= 0
}

func parseVote(s string) (int, bool) {
	switch strings.TrimSpace(s) {
	case "1", "1.0", "+1":
		return opinion.Agree, true
	case "0", "0.0", "-0":
		return opinion.Pass, true
	case "-1", "-1.0":
		return opinion.Disagree, true
	}
	return 0, false
}

func parseBool(s string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "t", "1", "yes":
		return true, true
	case "false", "f", "0", "no", "":
		return false, true
	}
	return false, false
}

// ReadComments reads comments.csv; name is used in error messages.
func ReadComments(r io.Reader, name string) ([]Comment, error) {
	t, err := newTable(r, name)
	if err != nil {
		return nil, err
	}
	idx, err := t.need("comment-id", "moderated")
	if err != nil {
		return nil, err
	}
	meta, hasMeta := t.head["is-meta"]
	gic, hasGIC := t.head["group-informed-consensus"]
	var out []Comment
	seen := make(map[int64]int)
	for {
		rec, line, err := t.next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		c := Comment{}
		var ok bool
		if c.TID, ok = parseID(rec[idx[0]]); !ok {
			return nil, errorf(name, line, "comment-id %q is not a non-negative integer", rec[idx[0]])
		}
		if prev, dup := seen[c.TID]; dup {
			return nil, errorf(name, line, "comment-id %d repeats line %d", c.TID, prev)
		}
		seen[c.TID] = line
		mod, err := strconv.Atoi(strings.TrimSpace(rec[idx[1]]))
		if err != nil || mod < -1 || mod > 1 {
			return nil, errorf(name, line, "moderated %q is not -1, 0 or 1", rec[idx[1]])
		}
		c.Moderated = mod
		if hasMeta {
			if c.IsMeta, ok = parseBool(rec[meta]); !ok {
				return nil, errorf(name, line, "is-meta %q is not true or false", rec[meta])
			}
		}
		if hasGIC && strings.TrimSpace(rec[gic]) != "" {
			v, err := strconv.ParseFloat(strings.TrimSpace(rec[gic]), 64)
			if err != nil {
				return nil, errorf(name, line, "group-informed-consensus %q is not a number", rec[gic])
			}
			c.GIC, c.HasGIC = v, true
		}
		out = append(out, c)
	}
}

// ReadParticipantsVotes reads participants-votes.csv: one row per
// participant, a column per statement id (any header that is an integer).
func ReadParticipantsVotes(r io.Reader, name string) (*ParticipantsVotes, error) {
	t, err := newTable(r, name)
	if err != nil {
		return nil, err
	}
	idx, err := t.need("participant")
	if err != nil {
		return nil, err
	}
	gcol, hasGroups := t.head["group-id"]
	type tcol struct {
		i   int
		tid int64
	}
	var tcols []tcol
	seenT := make(map[int64]bool)
	for i, c := range t.cols {
		if tid, ok := parseID(c); ok {
			if seenT[tid] {
				return nil, errorf(name, 1, "statement column %d appears twice", tid)
			}
			seenT[tid] = true
			tcols = append(tcols, tcol{i, tid})
		}
	}
	pv := &ParticipantsVotes{}
	if hasGroups {
		pv.Groups = make(map[int64]int)
	}
	seen := make(map[int64]int)
	for {
		rec, line, err := t.next()
		if err == io.EOF {
			return pv, nil
		}
		if err != nil {
			return nil, err
		}
		pid, ok := parseID(rec[idx[0]])
		if !ok {
			return nil, errorf(name, line, "participant %q is not a non-negative integer", rec[idx[0]])
		}
		if prev, dup := seen[pid]; dup {
			return nil, errorf(name, line, "participant %d repeats line %d", pid, prev)
		}
		seen[pid] = line
		pv.Order = append(pv.Order, pid)
		if hasGroups {
			if g := strings.TrimSpace(rec[gcol]); g != "" {
				gid, err := strconv.Atoi(g)
				if err != nil || gid < 0 {
					return nil, errorf(name, line, "group-id %q is not a non-negative integer", g)
				}
				pv.Groups[pid] = gid
			}
		}
		for _, c := range tcols {
			s := rec[c.i]
			if strings.TrimSpace(s) == "" {
				continue
			}
			v, ok := parseVote(s)
			if !ok {
				return nil, errorf(name, line, "vote %q on statement %d is not -1, 0 or 1", s, c.tid)
			}
			pv.Votes = append(pv.Votes, opinion.Vote{PID: pid, TID: c.tid, Value: v})
		}
	}
}

// ReadVotes reads votes.csv: every vote event with its timestamp.
func ReadVotes(r io.Reader, name string) ([]opinion.Vote, error) {
	t, err := newTable(r, name)
	if err != nil {
		return nil, err
	}
	idx, err := t.need("timestamp", "comment-id", "voter-id", "vote")
	if err != nil {
		return nil, err
	}
	var out []opinion.Vote
	for {
		rec, line, err := t.next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		ts, err := strconv.ParseInt(strings.TrimSpace(rec[idx[0]]), 10, 64)
		if err != nil {
			f, ferr := strconv.ParseFloat(strings.TrimSpace(rec[idx[0]]), 64)
			if ferr != nil {
				return nil, errorf(name, line, "timestamp %q is not a number", rec[idx[0]])
			}
			ts = int64(f)
		}
		tid, ok := parseID(rec[idx[1]])
		if !ok {
			return nil, errorf(name, line, "comment-id %q is not a non-negative integer", rec[idx[1]])
		}
		pid, ok := parseID(rec[idx[2]])
		if !ok {
			return nil, errorf(name, line, "voter-id %q is not a non-negative integer", rec[idx[2]])
		}
		v, ok := parseVote(rec[idx[3]])
		if !ok {
			return nil, errorf(name, line, "vote %q is not -1, 0 or 1", rec[idx[3]])
		}
		out = append(out, opinion.Vote{PID: pid, TID: tid, Value: v, Time: ts})
	}
}
