package pabulib

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/civitas-city/civitas/internal/budget/rules"
)

// sharedDir is the shared Pabulib data beside the repository; tests skip it when absent.
// PB_SHARED_DIR overrides it.
var sharedDir = cmp.Or(os.Getenv("PB_SHARED_DIR"), "../../../../shared/data/pabulib")

// pbFiles lists the .pb files of testdata (always) and of the shared data (if present).
func pbFiles(t testing.TB) []string {
	t.Helper()
	var out []string
	for _, pat := range []string{"../testdata/*.pb", "../testdata/tiny/*.pb", filepath.Join(sharedDir, "*.pb")} {
		m, err := filepath.Glob(pat)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, m...)
	}
	if len(out) == 0 {
		t.Fatal("no .pb files in ../testdata")
	}
	return out
}

func mustParse(t testing.TB, s string) *Election {
	t.Helper()
	e, err := Parse([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// mustParseLenient reads as pabutools does (Options.Lenient).
func mustParseLenient(t testing.TB, s string) *Election {
	t.Helper()
	e, err := ParseWith([]byte(s), Options{Lenient: true})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func rat(s string) *big.Rat {
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		panic(s)
	}
	return r
}

func TestParseTiny(t *testing.T) {
	data, err := os.ReadFile("../testdata/tiny/t1_approval_ties.pb")
	if err != nil {
		t.Fatal(err)
	}
	e, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	if e.Budget.Cmp(rat("10")) != 0 || e.VoteType != Approval {
		t.Errorf("budget %v, vote type %q", e.Budget, e.VoteType)
	}
	var ids []string
	for _, p := range e.Projects {
		ids = append(ids, p.ID)
	}
	if want := []string{"10", "9", "2", "3", "4"}; !slices.Equal(ids, want) {
		t.Errorf("ids %v, want %v", ids, want)
	}
	for i, want := range map[int]string{0: "Park; north side", 1: `Bench "Classic"`} {
		if got, _ := e.ProjectValue(i, "name"); got != want {
			t.Errorf("project %d name %q, want %q", i, got, want)
		}
	}
	if got := e.HistoricalSelected(); !slices.Equal(got, []string{"10", "2", "3"}) {
		t.Errorf("historical selected %v", got)
	}
	if len(e.Votes) != 6 || !slices.Equal(e.Votes[5].Projects, []string{"10", "9", "2"}) || e.Votes[5].Voter != "6" {
		t.Errorf("votes %+v", e.Votes)
	}
	if !slices.Equal(e.Votes[0].Extra, []string{"30", "F"}) {
		t.Errorf("extra %q", e.Votes[0].Extra)
	}
}

// TestParseQuirks reads, leniently, the quirks pabutools accepts.
func TestParseQuirks(t *testing.T) {
	const file = "\ufeffMETA\r\nkey; value\r\n budget ; 1910663,83 \r\nvote_type;cumulative\r\nbudget;21/2\r\n\r\n ; \r\n" +
		"PROJECTS\r\nproject_id;cost;name\r\n a ;100000.0;\"x;\"\"y\"\"\"z\n b;1e3;\nc;7,5;none\n" +
		"VOTES\nvoter_id;vote;points;age\n1;a,b,a;1,2,3;20\n2;none;;\n3;b,,c;0,9,1\n4;c;;x\n5;a\r" +
		"6;b,c;1.5,2\n"
	e := mustParseLenient(t, file)
	if e.Budget.Cmp(rat("21/2")) != 0 {
		t.Errorf("budget %v: the later META entry wins", e.Budget)
	}
	if e.Meta[0].Key != "budget" || e.Meta[0].Value != "21/2" {
		t.Errorf("meta %q", e.Meta)
	}
	if got := []string{e.Projects[0].ID, e.Projects[1].ID, e.Projects[2].ID}; !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Errorf("ids %q", got)
	}
	if e.Projects[0].Cost.Cmp(rat("100000")) != 0 || e.Projects[1].Cost.Cmp(rat("1000")) != 0 || e.Projects[2].Cost.Cmp(rat("7.5")) != 0 {
		t.Errorf("costs %v %v %v", e.Projects[0].Cost, e.Projects[1].Cost, e.Projects[2].Cost)
	}
	if got := e.Projects[0].Extra[0]; got != `x;"y"z` {
		t.Errorf("quoted name %q", got)
	}
	if _, ok := e.ProjectValue(2, "name"); ok {
		t.Error(`"none" should read as absent`)
	}
	// a,b,a with 1,2,3: a keeps its first position and takes the last points.
	v := e.Votes[0]
	if !slices.Equal(v.Projects, []string{"a", "b"}) || v.Points[0].Cmp(rat("3")) != 0 || v.Points[1].Cmp(rat("2")) != 0 {
		t.Errorf("vote 1: %v %v", v.Projects, v.Points)
	}
	if len(e.Votes[1].Projects) != 0 || len(e.Votes[3].Projects) != 0 {
		t.Error("a none vote and a vote without points are empty ballots")
	}
	if v := e.Votes[2]; !slices.Equal(v.Projects, []string{"b", "c"}) || v.Points[0].Sign() != 0 || v.Points[1].Cmp(rat("1")) != 0 {
		t.Errorf("vote 3 (empty item skipped with its points, 0 points kept): %v %v", v.Projects, v.Points)
	}
	if len(e.Votes) != 6 || e.Votes[4].Voter != "5" || e.Votes[5].Voter != "6" {
		t.Errorf("a lone CR ends a line: %d votes", len(e.Votes))
	}
}

func TestParseVoteTypes(t *testing.T) {
	head := func(vt, extra string) string {
		return "META\nkey;value\nbudget;10\nvote_type;" + vt + "\n" + extra +
			"PROJECTS\nproject_id;cost\nx;1\ny;2\nz;3\nVOTES\nvoter_id;vote;points\n"
	}
	t.Run("approval dedups (lenient)", func(t *testing.T) {
		e := mustParseLenient(t, head("approval", "")+"1;y,x,y;\n")
		in, err := e.Instance()
		if err != nil {
			t.Fatal(err)
		}
		if in.Points || !slices.Equal(in.Ballots[0].Projects, []int{1, 0}) {
			t.Errorf("%+v", in.Ballots[0])
		}
	})
	t.Run("choose-1", func(t *testing.T) {
		e := mustParse(t, head("Choose-1", "")+"1;z;\n")
		if e.VoteType != Choose1 {
			t.Errorf("vote type %q", e.VoteType)
		}
	})
	t.Run("ordinal max_length", func(t *testing.T) {
		e := mustParse(t, head("ordinal", "max_length;3\n")+"1;z,x;\n2;y;\n")
		in, err := e.Instance()
		if err != nil {
			t.Fatal(err)
		}
		if got := in.Ballots[0].Points; got[0].Cmp(rat("3")) != 0 || got[1].Cmp(rat("2")) != 0 {
			t.Errorf("points %v", got)
		}
		if got := in.Ballots[1].Points; got[0].Cmp(rat("3")) != 0 {
			t.Errorf("a short ballot starts at K: %v", got)
		}
	})
	t.Run("ordinal longest ballot", func(t *testing.T) {
		e := mustParse(t, head("ordinal", "max_length;0\n")+"1;z,x,y;\n2;y;\n")
		in, err := e.Instance()
		if err != nil {
			t.Fatal(err)
		}
		if got := in.Ballots[1].Points; got[0].Cmp(rat("3")) != 0 {
			t.Errorf("K is the longest ballot: %v", got)
		}
	})
	t.Run("scoring", func(t *testing.T) {
		e := mustParse(t, head("scoring", "")+"1;z,x;-1,0.25\n")
		in, err := e.Instance()
		if err != nil {
			t.Fatal(err)
		}
		if !in.Points || in.Ballots[0].Points[0].Cmp(rat("-1")) != 0 || in.Ballots[0].Points[1].Cmp(rat("1/4")) != 0 {
			t.Errorf("%+v", in.Ballots[0])
		}
	})
}

func TestParseErrors(t *testing.T) {
	const ok = "META\nkey;value\nbudget;10\nvote_type;approval\nPROJECTS\nproject_id;cost;name\na;1;A\nb;2;B\nVOTES\nvoter_id;vote\n1;a,b\n"
	tests := []struct {
		name, file string
		line       int
		field      string
	}{
		{"bad cost", strings.Replace(ok, "b;2;B", "b;two;B", 1), 8, "cost"},
		{"negative cost", strings.Replace(ok, "b;2;B", "b;-2;B", 1), 8, "cost"},
		{"huge exponent", strings.Replace(ok, "b;2;B", "b;1e99999;B", 1), 8, "cost"},
		{"hex cost", strings.Replace(ok, "b;2;B", "b;0x10;B", 1), 8, "cost"},
		{"unknown project", strings.Replace(ok, "1;a,b", "1;a,q", 1), 11, "vote"},
		{"spaces in the vote list", strings.Replace(ok, "1;a,b", "1;a, b", 1), 11, "vote"},
		{"duplicate id", strings.Replace(ok, "b;2;B", "a;2;B", 1), 8, "project_id"},
		{"empty id", strings.Replace(ok, "b;2;B", " ;2;B", 1), 8, "project_id"},
		{"bad budget", strings.Replace(ok, "budget;10", "budget;ten", 1), 3, "budget"},
		{"missing budget", strings.Replace(ok, "budget;10\n", "", 1), 0, "budget"},
		{"unknown vote type", strings.Replace(ok, "vote_type;approval", "vote_type;quadratic", 1), 4, "vote_type"},
		{"no cost column", strings.Replace(ok, "project_id;cost;name", "project_id;price;name", 1), 6, "cost"},
		{"no vote column", strings.Replace(ok, "voter_id;vote", "voter_id;ballot", 1), 10, "vote"},
		{"too many fields", strings.Replace(ok, "b;2;B", "b;2;B;extra", 1), 8, ""},
		{"open quote", strings.Replace(ok, "b;2;B", `b;2;"B`, 1), 8, ""},
		{"invalid UTF-8", strings.Replace(ok, "b;2;B", "b;2;\xff", 1), 8, ""},
		{"data before META", "x;y\n" + ok, 1, ""},
		{"second PROJECTS", ok + "PROJECTS\n", 12, ""},
		{"points count", strings.Replace(strings.Replace(ok, "approval", "cumulative", 1), "voter_id;vote\n1;a,b", "voter_id;vote;points\n1;a,b;1", 1), 11, "points"},
		{"bad points", strings.Replace(strings.Replace(ok, "approval", "cumulative", 1), "voter_id;vote\n1;a,b", "voter_id;vote;points\n1;a,b;1,x", 1), 11, "points"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.file))
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("error %v, want a *pabulib.Error", err)
			}
			if pe.Line != tt.line || pe.Field != tt.field {
				t.Errorf("error %q at line %d field %q, want line %d field %q", err, pe.Line, pe.Field, tt.line, tt.field)
			}
			if tt.line > 0 && !strings.Contains(err.Error(), "line ") {
				t.Errorf("message %q does not name the line", err)
			}
		})
	}
	if _, err := Parse([]byte("META\nkey;value\nbudget;1\nvote_type;approval\n")); err == nil {
		t.Error("a file without PROJECTS and VOTES should fail")
	}
}

// equalElections compares two elections, numbers by value. META budget and vote_type are
// compared through the typed fields, and missing columns as Write's defaults.
func equalElections(a, b *Election) string {
	switch {
	case a.Budget.Cmp(b.Budget) != 0:
		return "budget"
	case a.VoteType != b.VoteType:
		return "vote type"
	case !slices.Equal(projectColumns(a), projectColumns(b)) || !slices.Equal(voteColumns(a), voteColumns(b)):
		return "columns"
	case !slices.Equal(otherMeta(a), otherMeta(b)):
		return "meta"
	case len(a.Projects) != len(b.Projects) || len(a.Votes) != len(b.Votes):
		return "lengths"
	}
	for i, p := range a.Projects {
		q := b.Projects[i]
		if p.ID != q.ID || p.Cost.Cmp(q.Cost) != 0 || !slices.Equal(p.Extra, q.Extra) {
			return "project " + p.ID
		}
	}
	for i, v := range a.Votes {
		w := b.Votes[i]
		if v.Voter != w.Voter || !slices.Equal(v.Projects, w.Projects) || !slices.Equal(v.Extra, w.Extra) || len(v.Points) != len(w.Points) {
			return "vote " + v.Voter
		}
		for j := range v.Points {
			if v.Points[j].Cmp(w.Points[j]) != 0 {
				return "points of vote " + v.Voter
			}
		}
	}
	return ""
}

func otherMeta(e *Election) []MetaField {
	return slices.DeleteFunc(slices.Clone(e.Meta), func(m MetaField) bool { return m.Key == "budget" || m.Key == "vote_type" })
}

func projectColumns(e *Election) []string {
	if len(e.ProjectColumns) == 0 {
		return []string{"project_id", "cost"}
	}
	return e.ProjectColumns
}

func voteColumns(e *Election) []string {
	switch {
	case len(e.VoteColumns) > 0:
		return e.VoteColumns
	case e.VoteType.HasPoints():
		return []string{"voter_id", "vote", "points"}
	}
	return []string{"voter_id", "vote"}
}

func roundTrip(t testing.TB, e *Election) *Election {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, e); err != nil {
		t.Fatalf("write: %v", err)
	}
	back, err := Parse(buf.Bytes())
	if err != nil {
		t.Fatalf("read back: %v\n%s", err, buf.String())
	}
	if d := equalElections(e, back); d != "" {
		t.Fatalf("read(write(e)) differs from e in %s", d)
	}
	var again bytes.Buffer
	if err := Write(&again, back); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Fatal("writing is not stable")
	}
	return back
}

func TestRoundTripFiles(t *testing.T) {
	for _, path := range pbFiles(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			e, err := Parse(data)
			if err != nil {
				t.Fatal(err)
			}
			roundTrip(t, e)
		})
	}
}

func TestRoundTripVoteTypes(t *testing.T) {
	for _, vt := range []VoteType{Approval, Choose1, Cumulative, Ordinal, Scoring} {
		t.Run(string(vt), func(t *testing.T) {
			e := &Election{
				Meta:           []MetaField{{"description", `a "quoted"; description`}, {"budget", "x"}, {"unit", "Łódź"}},
				Budget:         rat("1910663.83"),
				VoteType:       vt,
				ProjectColumns: []string{"project_id", "name", "cost", "votes"},
				Projects: []Project{
					{ID: "2023/OGM/0007", Cost: rat("1000.5"), Extra: []string{"Park; north side", "2"}},
					{ID: "c11", Cost: rat("1/3"), Extra: []string{`Bench "Classic"`, " 1 "}},
					{ID: "c2", Cost: rat("0"), Extra: []string{"", "0"}},
				},
				VoteColumns: []string{"voter_id", "vote", "age"},
				Votes: []Vote{
					{Voter: "v1", Projects: []string{"c2", "2023/OGM/0007"}, Extra: []string{"41"}},
					{Voter: "", Projects: nil, Extra: []string{""}},
					{Voter: "v3", Projects: []string{"c11"}, Extra: []string{"none"}},
				},
			}
			if vt.HasPoints() {
				e.VoteColumns = []string{"voter_id", "vote", "points", "age"}
				e.Votes[0].Points = []*big.Rat{rat("2.5"), rat("0")}
				e.Votes[2].Points = []*big.Rat{rat("-1/3")}
			}
			back := roundTrip(t, e)
			if v, _ := back.MetaValue("budget"); v != "1910663.83" {
				t.Errorf("META budget %q", v)
			}
		})
	}
}

func TestWriteErrors(t *testing.T) {
	base := func() *Election {
		return &Election{Budget: rat("5"), VoteType: Approval,
			Projects: []Project{{ID: "a", Cost: rat("1")}},
			Votes:    []Vote{{Voter: "1", Projects: []string{"a"}}}}
	}
	roundTrip(t, base())
	tests := map[string]func(e *Election){
		"section-like id":   func(e *Election) { e.Projects[0].ID = "Votes"; e.Votes[0].Projects[0] = "Votes" },
		"none id":           func(e *Election) { e.Projects[0].ID = "none"; e.Votes = nil },
		"line break":        func(e *Election) { e.Votes[0].Voter = "a\nb" },
		"comma in a ballot": func(e *Election) { e.Projects[0].ID = "a,b"; e.Votes[0].Projects[0] = "a,b" },
		"unknown project":   func(e *Election) { e.Votes[0].Projects[0] = "z" },
		"extra count":       func(e *Election) { e.Projects[0].Extra = []string{"x"} },
		"missing points":    func(e *Election) { e.VoteType = Cumulative },
		"negative cost":     func(e *Election) { e.Projects[0].Cost = rat("-1") },
		"bad vote type":     func(e *Election) { e.VoteType = "quadratic" },
	}
	for name, mutate := range tests {
		t.Run(name, func(t *testing.T) {
			e := base()
			mutate(e)
			if err := Write(&bytes.Buffer{}, e); err == nil {
				t.Error("Write succeeded")
			}
		})
	}
}

func FuzzRead(f *testing.F) {
	for _, path := range pbFiles(f) {
		if data, err := os.ReadFile(path); err == nil && len(data) < 40_000 {
			f.Add(data)
		}
	}
	f.Add([]byte("META\nkey;value\nbudget;1\nvote_type;approval\nPROJECTS\nid;cost\n\"a\"\"\";1\nVOTES\nv;vote\n1;\"a\"\"\"\n"))
	f.Add([]byte("META\r\nbudget;1e3\r\nvote_type;ordinal\r\nPROJECTS\r\nid;cost\r\nx;1/2\r\nVOTES\r\nv;vote\r\n;x,x\r"))
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := Parse(data)
		if err != nil {
			return
		}
		in, err := e.Instance()
		if err != nil {
			return
		}
		// What was read can be written and reads back the same.
		roundTrip(t, e)
		// The rules take whatever the reader accepts without panicking.
		if len(in.Projects) > 30 || len(in.Ballots) > 300 {
			return
		}
		for _, r := range rules.AllRules {
			rules.Count(t.Context(), in, r, rules.Options{MaxK: 50, Threshold: big.NewRat(1, 1)})
		}
	})
}

// TestParseStrict checks that strict reading (the default) rejects inconsistent files,
// naming the line and field, and which of them lenient reading accepts.
func TestParseStrict(t *testing.T) {
	const ok = "META\nkey;value\nnum_projects;3\nnum_votes;2\nbudget;10\nvote_type;approval\n" +
		"PROJECTS\nproject_id;cost;name\na;1;A\nb;2;B\nc;3;C\nVOTES\nvoter_id;vote;age\n1;a,b;30\n2;c;40\n"
	cumulative := strings.NewReplacer("vote_type;approval", "vote_type;cumulative\nmax_points;5\nmax_sum_points;7\nmin_points;0",
		"voter_id;vote;age\n1;a,b;30\n2;c;40", "voter_id;vote;points\n1;a,b;3,4\n2;c;5").Replace(ok)
	if _, err := Parse([]byte(ok)); err != nil {
		t.Fatal(err)
	}
	if _, err := Parse([]byte(cumulative)); err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("x", MaxFieldBytes+1)
	tests := []struct {
		name, file string
		line       int
		field      string
		lenientOK  bool
	}{
		{"repeated voter id", strings.Replace(ok, "2;c;40", "1;c;40", 1), 15, "voter_id", true},
		{"num_projects", strings.Replace(ok, "num_projects;3", "num_projects;4", 1), 3, "num_projects", true},
		{"num_votes", strings.Replace(ok, "num_votes;2", "num_votes;20000", 1), 4, "num_votes", true},
		{"num_votes not a number", strings.Replace(ok, "num_votes;2", "num_votes;two", 1), 4, "num_votes", true},
		{"vote row with one field", strings.Replace(ok, "2;c;40", "2", 1), 15, "vote", true},
		{"project row short", strings.Replace(ok, "c;3;C", "c;3", 1), 11, "name", true},
		{"project twice on a ballot", strings.Replace(ok, "1;a,b;30", "1;a,b,a;30", 1), 14, "vote", true},
		{"points above max_sum_points", strings.Replace(cumulative, "1;a,b;3,4", "1;a,b;4,5", 1), 17, "points", true},
		{"points above max_points", strings.Replace(cumulative, "2;c;5", "2;c;6", 1), 18, "points", true},
		{"points below min_points", strings.Replace(cumulative, "2;c;5", "2;c;-1", 1), 18, "points", true},
		{"NUL in a name", strings.Replace(ok, "b;2;B", "b;2;B\x00", 1), 10, "", false},
		{"NUL in META", strings.Replace(ok, "budget;10", "budget;1\x000", 1), 5, "", false},
		{"huge project name", strings.Replace(ok, "b;2;B", "b;2;"+long, 1), 10, "name", false},
		{"huge META value", strings.Replace(ok, "budget;10", "budget;10\ncomment;"+long, 1), 6, "comment", false},
		{"huge ballot", strings.Replace(ok, "2;c;40", "2;"+long+";40", 1), 15, "vote", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.file))
			pe, isPE := errors.AsType[*Error](err)
			if !isPE {
				t.Fatalf("strict: error %v, want a *pabulib.Error", err)
			}
			if pe.Line != tt.line || pe.Field != tt.field {
				t.Errorf("strict: %q at line %d field %q, want line %d field %q", err, pe.Line, pe.Field, tt.line, tt.field)
			}
			if !strings.Contains(err.Error(), fmt.Sprintf("line %d: ", tt.line)) {
				t.Errorf("message %q does not name the line", err)
			}
			_, err = ParseWith([]byte(tt.file), Options{Lenient: true})
			if (err == nil) != tt.lenientOK {
				t.Errorf("lenient: error %v, want accepted %v", err, tt.lenientOK)
			}
		})
	}
}

func TestReadSizeLimit(t *testing.T) {
	defer func(n int) { maxFileBytes = n }(maxFileBytes)
	maxFileBytes = 1000
	big := strings.Repeat("x", 1001)
	for _, opt := range []Options{{}, {Lenient: true}} {
		if _, err := ReadWith(strings.NewReader(big), opt); err == nil || !strings.Contains(err.Error(), "larger than the limit") {
			t.Errorf("%+v: error %v, want the size limit", opt, err)
		}
	}
	// An endless input stops at the limit instead of filling memory.
	if _, err := ReadWith(zeros{}, Options{}); err == nil || !strings.Contains(err.Error(), "larger than the limit") {
		t.Errorf("endless input: %v", err)
	}
}

// zeros reads like /dev/zero.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// TestSharedFilesStrict records that every shared election reads strictly: none needs
// Options.Lenient.
func TestSharedFilesStrict(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(sharedDir, "*.pb"))
	if len(files) == 0 {
		t.Skip("no shared Pabulib data")
	}
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Parse(data); err != nil {
			t.Errorf("%s: %v", filepath.Base(path), err)
		}
	}
}

// FuzzParseStrict checks what strict reading promises: it never panics, its errors say
// "pabulib:", and whatever it accepts is consistent (unique voters, each project once per
// ballot, META counts right, points within META limits, no field over the limit), is
// also what lenient reading gives, and counts.
func FuzzParseStrict(f *testing.F) {
	for _, path := range pbFiles(f) {
		if data, err := os.ReadFile(path); err == nil && len(data) < 40_000 {
			f.Add(data)
		}
	}
	f.Add([]byte("META\nkey;value\nnum_votes;2\nbudget;10\nvote_type;cumulative\nmax_sum_points;7\n" +
		"PROJECTS\nproject_id;cost;name\na;1;\"A;\"\"x\"\"\"\nb;2;B\nVOTES\nvoter_id;vote;points\n1;a,b;3,4\n2;b,a;7,0\n"))
	f.Add([]byte("META\nbudget;1\nvote_type;approval\nPROJECTS\nid;cost\nx;1\nVOTES\nv;vote\n1;x\n1;x,x\n2\n"))
	f.Add([]byte("META\r\nbudget;1e3\r\nvote_type;ordinal\r\nPROJECTS\r\nid;cost\r\nx;1/2\r\nVOTES\r\nv;vote\r\n;x\r\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := Parse(data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "pabulib: ") {
				t.Errorf("error %q does not say pabulib", err)
			}
			return
		}
		if bytes.IndexByte(data, 0) >= 0 {
			t.Error("accepted a NUL character")
		}
		voters := map[string]bool{}
		for _, v := range e.Votes {
			if voters[v.Voter] {
				t.Errorf("voter %q twice", v.Voter)
			}
			voters[v.Voter] = true
			if len(slices.Compact(slices.Sorted(slices.Values(v.Projects)))) != len(v.Projects) {
				t.Errorf("voter %q lists a project twice: %v", v.Voter, v.Projects)
			}
			for _, x := range v.Extra {
				if len(x) > MaxFieldBytes {
					t.Errorf("field of %d bytes", len(x))
				}
			}
		}
		for key, n := range map[string]int{"num_projects": len(e.Projects), "num_votes": len(e.Votes)} {
			if v, ok := e.MetaValue(key); ok && v != "" && !isNone(v) && v != strconv.Itoa(n) {
				t.Errorf("%s %q, the file has %d", key, v, n)
			}
		}
		lenient, err := ParseWith(data, Options{Lenient: true})
		if err != nil {
			t.Fatalf("lenient rejects what strict accepts: %v", err)
		}
		if d := equalElections(e, lenient); d != "" {
			t.Errorf("strict and lenient differ in %s", d)
		}
		in, err := e.Instance()
		if err != nil {
			return
		}
		if len(in.Projects) <= 30 && len(in.Ballots) <= 300 {
			for _, r := range rules.AllRules {
				rules.Count(t.Context(), in, r, rules.Options{MaxK: 50, Threshold: big.NewRat(1, 1)})
			}
		}
	})
}

// TestReadInHalves checks that reading VOTES in two halves at once gives what one pass
// gives, and reports the error of the earliest line, a voter id used in both halves too.
func TestReadInHalves(t *testing.T) {
	defer func(n int) { splitRows = n }(splitRows)
	var b strings.Builder
	b.WriteString("META\nkey;value\nbudget;10\nvote_type;cumulative\nmax_sum_points;5\nPROJECTS\nproject_id;cost\na;4\nb;6\nVOTES\nvoter_id;vote;points;district\n")
	for i := range 1000 {
		fmt.Fprintf(&b, "%d;a,b;%d,%d;d%d\n", i, i%3, 2, i%7)
	}
	file := b.String() // votes on lines 12..1011
	parse := func(rows int, data string) (*Election, error) {
		splitRows = rows
		return Parse([]byte(data))
	}
	one, err := parse(1<<30, file)
	if err != nil {
		t.Fatal(err)
	}
	two, err := parse(10, file)
	if err != nil {
		t.Fatal(err)
	}
	if d := equalElections(one, two); d != "" {
		t.Errorf("two halves differ from one pass in %s", d)
	}
	for _, tt := range []struct {
		name, from, to string
		line           int
		field          string
	}{
		{"a voter of the first half again in the second", "\n900;a,b;0,2;d4\n", "\n3;a,b;0,2;d4\n", 912, "voter_id"},
		{"an error in each half", "\n100;a,b;1,2;d2\n", "\n100;a,b,a;1,2,1;d2\n", 112, "vote"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			data := strings.Replace(file, tt.from, tt.to, 1)
			if tt.name == "an error in each half" {
				data = strings.Replace(data, "\n800;a,b;2,2;d2\n", "\n800;a,b;9,2;d2\n", 1)
			}
			for _, rows := range []int{1 << 30, 10} {
				_, err := parse(rows, data)
				pe, ok := errors.AsType[*Error](err)
				if !ok || pe.Line != tt.line || pe.Field != tt.field {
					t.Errorf("split at %d rows: %v, want line %d field %q", rows, err, tt.line, tt.field)
				}
			}
		})
	}
}
