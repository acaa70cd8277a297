package pabulib

import (
	"bufio"
	"io"
	"strings"
)

// Write writes e as a .pb file (UTF-8, LF line ends) that Read reads back as the same
// election. META "budget" and "vote_type" are written from the typed fields. It fails,
// naming the field, on values the format cannot carry, such as line breaks, or ids that
// would read as a section name, as "none", or (in a ballot) as two ids.
func Write(w io.Writer, e *Election) error {
	if e.Budget == nil || e.Budget.Sign() < 0 {
		return errorf(0, "budget", "missing or negative")
	}
	if !e.VoteType.valid() {
		return errorf(0, "vote_type", "unknown vote type %q", e.VoteType)
	}
	bw := bufio.NewWriter(w)
	ew := &rowWriter{w: bw}

	ew.row("META")
	ew.row("key", "value")
	wrote := map[string]bool{}
	for _, m := range e.Meta {
		v := m.Value
		switch m.Key {
		case "budget":
			v = formatRat(e.Budget)
		case "vote_type":
			v = string(e.VoteType)
		}
		if wrote[m.Key] {
			return errorf(0, m.Key, "META key written twice")
		}
		wrote[m.Key] = true
		ew.first(m.Key, "META key", false)
		ew.row(m.Key, v)
	}
	if !wrote["budget"] {
		ew.row("budget", formatRat(e.Budget))
	}
	if !wrote["vote_type"] {
		ew.row("vote_type", string(e.VoteType))
	}

	pcols := e.ProjectColumns
	if len(pcols) == 0 {
		pcols = []string{"project_id", "cost"}
	}
	costCol := column(pcols, "cost")
	if costCol <= 0 {
		return errorf(0, "cost", "missing from the PROJECTS columns (or first)")
	}
	ew.row("PROJECTS")
	ew.row(pcols...)
	ids := make(map[string]bool, len(e.Projects))
	fields := make([]string, len(pcols))
	for _, p := range e.Projects {
		if len(p.Extra) != len(pcols)-2 {
			return errorf(0, "", "project %q: %d extra values for %d extra columns", p.ID, len(p.Extra), len(pcols)-2)
		}
		if p.ID == "" || p.ID != strings.TrimSpace(p.ID) {
			return errorf(0, pcols[0], "project id %q is empty or has surrounding spaces", p.ID)
		}
		if ids[p.ID] {
			return errorf(0, pcols[0], "project %q written twice", p.ID)
		}
		ids[p.ID] = true
		if p.Cost == nil || p.Cost.Sign() < 0 {
			return errorf(0, pcols[costCol], "project %q: cost missing or negative", p.ID)
		}
		ew.first(p.ID, pcols[0], true)
		x := 0
		for c := range pcols {
			switch c {
			case 0:
				fields[c] = p.ID
			case costCol:
				fields[c] = formatRat(p.Cost)
			default:
				fields[c] = p.Extra[x]
				x++
			}
		}
		ew.row(fields...)
	}

	vcols := e.VoteColumns
	if len(vcols) == 0 {
		vcols = []string{"voter_id", "vote"}
		if e.VoteType.HasPoints() {
			vcols = append(vcols, "points")
		}
	}
	voteCol := column(vcols, "vote")
	if voteCol <= 0 {
		return errorf(0, "vote", "missing from the VOTES columns (or first)")
	}
	pointsCol := -1
	if e.VoteType.HasPoints() {
		pointsCol = column(vcols, "points")
	}
	nExtra := len(vcols) - 2
	if pointsCol > 0 {
		nExtra--
	}
	ew.row("VOTES")
	ew.row(vcols...)
	fields = make([]string, len(vcols))
	var sb strings.Builder
	for i, v := range e.Votes {
		if len(v.Extra) != nExtra {
			return errorf(0, "", "vote %d: %d extra values for %d extra columns", i+1, len(v.Extra), nExtra)
		}
		if v.Voter != strings.TrimSpace(v.Voter) {
			return errorf(0, vcols[0], "voter %q has surrounding spaces", v.Voter)
		}
		if e.VoteType.HasPoints() && len(v.Projects) > 0 {
			if pointsCol <= 0 {
				return errorf(0, "points", "missing from the VOTES columns")
			}
			if len(v.Points) != len(v.Projects) {
				return errorf(0, "points", "voter %q: %d points for %d projects", v.Voter, len(v.Points), len(v.Projects))
			}
		}
		sb.Reset()
		listed := make(map[string]bool, len(v.Projects))
		for j, id := range v.Projects {
			if !ids[id] || strings.Contains(id, ",") {
				return errorf(0, "vote", "voter %q: project %q unknown or not writable in a ballot", v.Voter, id)
			}
			if listed[id] {
				return errorf(0, "vote", "voter %q: project %q listed twice", v.Voter, id)
			}
			listed[id] = true
			if j > 0 {
				sb.WriteByte(',')
			}
			sb.WriteString(id)
		}
		vote := sb.String()
		points := ""
		if pointsCol > 0 {
			sb.Reset()
			for j, pt := range v.Points {
				if pt == nil {
					return errorf(0, "points", "voter %q: nil points", v.Voter)
				}
				if j > 0 {
					sb.WriteByte(',')
				}
				sb.WriteString(formatRat(pt))
			}
			points = sb.String()
		}
		ew.first(v.Voter, vcols[0], false)
		x := 0
		for c := range vcols {
			switch c {
			case 0:
				fields[c] = v.Voter
			case voteCol:
				fields[c] = vote
			case pointsCol:
				fields[c] = points
			default:
				fields[c] = v.Extra[x]
				x++
			}
		}
		ew.row(fields...)
	}
	if ew.err != nil {
		return ew.err
	}
	return bw.Flush()
}

// rowWriter writes ';'-separated rows, keeping the first error.
type rowWriter struct {
	w   *bufio.Writer
	err error
}

// first checks a value that starts a row: it must not read as a section name, nor (for a
// project id) as absent.
func (rw *rowWriter) first(v, field string, id bool) {
	if rw.err == nil && (sectionOf(v) != noSection || id && isNone(strings.TrimSpace(v))) {
		rw.err = errorf(0, field, "%q cannot start a row: it reads as a section name or as absent", v)
	}
}

func (rw *rowWriter) row(fields ...string) {
	if rw.err != nil {
		return
	}
	for i, f := range fields {
		if strings.ContainsAny(f, "\r\n") {
			rw.err = errorf(0, "", "value %q: line breaks cannot be written", f)
			return
		}
		if i > 0 {
			rw.w.WriteByte(';')
		}
		if strings.ContainsAny(f, `;"`) {
			rw.w.WriteByte('"')
			rw.w.WriteString(strings.ReplaceAll(f, `"`, `""`))
			rw.w.WriteByte('"')
		} else {
			rw.w.WriteString(f)
		}
	}
	rw.w.WriteByte('\n')
}
