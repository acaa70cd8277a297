package polisexport

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/civitas-city/civitas/internal/consult/opinion"
)

func TestReadComments(t *testing.T) {
	in := "timestamp,comment-id,author-id,agrees,disagrees,moderated,is-meta,is-seed,group-informed-consensus,comment-body\n" +
		"1,2,0,5,1,1,false,true,0.5,\"Hello, \"\"world\"\"\nsecond line\"\n" +
		"2,3,0,5,1,-1,false,false,0.25,x\n" +
		"3,4,0,5,1,0,true,false,,y\n"
	got, err := ReadComments(strings.NewReader(in), "comments.csv")
	if err != nil {
		t.Fatal(err)
	}
	want := []Comment{
		{TID: 2, Moderated: 1, GIC: 0.5, HasGIC: true},
		{TID: 3, Moderated: -1, GIC: 0.25, HasGIC: true},
		{TID: 4, Moderated: 0, IsMeta: true},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d comments, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("comment %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestReadParticipantsVotes(t *testing.T) {
	in := "participant,xid,group-id,n-comments,n-votes,n-agree,n-disagree,0,1,3\n" +
		"5,,1,0,2,1,1,1,,-1\n" +
		"2,,,0,1,0,0,,0,\n"
	pv, err := ReadParticipantsVotes(strings.NewReader(in), "participants-votes.csv")
	if err != nil {
		t.Fatal(err)
	}
	wantVotes := []opinion.Vote{{PID: 5, TID: 0, Value: 1}, {PID: 5, TID: 3, Value: -1}, {PID: 2, TID: 1, Value: 0}}
	if len(pv.Votes) != len(wantVotes) {
		t.Fatalf("votes %v", pv.Votes)
	}
	for i := range wantVotes {
		if pv.Votes[i] != wantVotes[i] {
			t.Errorf("vote %d = %+v, want %+v", i, pv.Votes[i], wantVotes[i])
		}
	}
	if len(pv.Order) != 2 || pv.Order[0] != 5 || pv.Order[1] != 2 {
		t.Errorf("order %v, want [5 2]", pv.Order)
	}
	if g, ok := pv.Groups[5]; !ok || g != 1 || len(pv.Groups) != 1 {
		t.Errorf("groups %v, want map[5:1]", pv.Groups)
	}
}

func TestReadErrorsNameFileAndLine(t *testing.T) {
	tests := []struct {
		name, in string
		read     func(string) error
		want     string
	}{
		{"bad vote", "participant,group-id,0,1\n1,0,1,1\n2,0,1,7\n", readPV, "participants-votes.csv:3: vote \"7\""},
		{"bad participant", "participant,group-id,0\nx,0,1\n", readPV, "participants-votes.csv:2: participant"},
		{"short row", "participant,group-id,0\n1,0,1\n2,0\n", readPV, "participants-votes.csv:3:"},
		{"no participant column", "pid,0\n1,1\n", readPV, "participants-votes.csv:1: no \"participant\" column"},
		{"bad moderated", "comment-id,moderated\n1,1\n2,5\n", readComments, "comments.csv:3: moderated \"5\""},
		{"duplicate comment", "comment-id,moderated\n1,1\n1,0\n", readComments, "comments.csv:3: comment-id 1 repeats line 2"},
		{"bad is-meta", "comment-id,moderated,is-meta\n1,1,maybe\n", readComments, "comments.csv:2: is-meta"},
		{"bad timestamp", "timestamp,datetime,comment-id,voter-id,vote\n1,x,1,1,1\nnope,x,1,1,1\n", readVotes, "votes.csv:3: timestamp"},
		{"empty", "", readVotes, "votes.csv:1: empty file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.read(tt.in)
			if err == nil {
				t.Fatal("no error")
			}
			if _, ok := errors.AsType[*Error](err); !ok {
				t.Errorf("error %T is not a *Error", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
		})
	}
}

func readPV(s string) error {
	_, err := ReadParticipantsVotes(strings.NewReader(s), "participants-votes.csv")
	return err
}

func readComments(s string) error {
	_, err := ReadComments(strings.NewReader(s), "comments.csv")
	return err
}

func readVotes(s string) error {
	_, err := ReadVotes(strings.NewReader(s), "votes.csv")
	return err
}

func TestReadFixture(t *testing.T) {
	conv, err := Read("../testdata/below-100-ptpts")
	if err != nil {
		t.Fatal(err)
	}
	if len(conv.Votes) != 504 {
		t.Errorf("%d votes, want 504", len(conv.Votes))
	}
	if len(conv.Groups) != 23 {
		t.Errorf("%d grouped participants, want 23", len(conv.Groups))
	}
	if len(conv.ModOut) != 2 {
		t.Errorf("mod-out %v, want Pol.is's [33 11]", conv.ModOut)
	}
}

func TestReadFixtureErrors(t *testing.T) {
	dir := t.TempDir()
	votes := "[\n  {\"pid\": 1, \"tid\": 2, \"vote\": 1, \"modified\": \"5\"},\n  {\"pid\": 1, \"tid\": 3, \"vote\": 4}\n]\n"
	if err := os.WriteFile(filepath.Join(dir, "votes.json"), []byte(votes), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Read(dir)
	if err == nil || !strings.Contains(err.Error(), "votes.json:3: vote 4") {
		t.Errorf("error %v, want votes.json:3: vote 4 ...", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "votes.json"), []byte("[\n{\"pid\": 1,,}]"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Read(dir); err == nil || !strings.Contains(err.Error(), "votes.json:2:") {
		t.Errorf("syntax error %v, want votes.json:2: ...", err)
	}
}

func TestReadMissing(t *testing.T) {
	dir := t.TempDir()
	_, err := Read(dir)
	if _, ok := errors.AsType[*Error](err); !ok || !strings.Contains(err.Error(), "comments.csv") {
		t.Errorf("error %v, want one naming comments.csv", err)
	}
}

func FuzzReadParticipantsVotes(f *testing.F) {
	f.Add("participant,group-id,0,1\n1,0,1,-1\n2,,0,\n")
	f.Add("participant,xid,group-id,n-comments,n-votes,n-agree,n-disagree,3,5\n7,,1,0,1,1,0,1,\n")
	f.Add("participant\n\"a\"\"\n")
	f.Fuzz(func(t *testing.T, in string) {
		pv, err := ReadParticipantsVotes(strings.NewReader(in), "participants-votes.csv")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "participants-votes.csv:") {
				t.Errorf("error %q does not name the file", err)
			}
			return
		}
		for _, v := range pv.Votes {
			if v.Value < -1 || v.Value > 1 || v.PID < 0 || v.TID < 0 {
				t.Errorf("bad vote %+v", v)
			}
		}
		if _, err := opinion.Compute(opinion.Input{Votes: pv.Votes, Order: pv.Order, Groups: pv.Groups}); err != nil {
			t.Errorf("compute: %v", err)
		}
	})
}

func FuzzReadComments(f *testing.F) {
	f.Add("timestamp,comment-id,moderated,is-meta,group-informed-consensus,comment-body\n1,2,1,false,0.5,\"x\"\n")
	f.Add("comment-id,moderated\n1,-1\n")
	f.Fuzz(func(t *testing.T, in string) {
		cs, err := ReadComments(strings.NewReader(in), "comments.csv")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "comments.csv:") {
				t.Errorf("error %q does not name the file", err)
			}
			return
		}
		seen := map[int64]bool{}
		for _, c := range cs {
			if c.Moderated < -1 || c.Moderated > 1 || c.TID < 0 || seen[c.TID] {
				t.Errorf("bad comment %+v", c)
			}
			seen[c.TID] = true
		}
	})
}

func FuzzReadVotes(f *testing.F) {
	f.Add("timestamp,datetime,comment-id,voter-id,vote\n1435654192085,Tue,0,0,1\n1,x,0,1,-1\n")
	f.Fuzz(func(t *testing.T, in string) {
		vs, err := ReadVotes(strings.NewReader(in), "votes.csv")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "votes.csv:") {
				t.Errorf("error %q does not name the file", err)
			}
			return
		}
		if _, err := opinion.Compute(opinion.Input{Votes: vs}); err != nil {
			t.Errorf("compute: %v", err)
		}
	})
}

// TestReadSizeLimit checks that every file Read opens is read only up to the limit, and
// that the error says so: a comments.csv that is /dev/zero, or simply too long.
func TestReadSizeLimit(t *testing.T) {
	defer func(n int64) { maxFileBytes = n }(maxFileBytes)
	maxFileBytes = 4096
	var long strings.Builder
	long.WriteString("comment-id,moderated\n")
	for i := range 1000 {
		fmt.Fprintf(&long, "%d,1\n", i)
	}
	cases := map[string]map[string]string{
		"export comments.csv": {"comments.csv": long.String(), "votes.csv": "timestamp,datetime,comment-id,voter-id,vote\n1,x,1,1,1\n"},
		"export votes.csv":    {"comments.csv": "comment-id,moderated\n1,1\n", "votes.csv": "timestamp,datetime,comment-id,voter-id,vote\n" + strings.Repeat("1,x,1,1,1\n", 1000)},
		"fixture votes.json":  {"votes.json": "[" + strings.Repeat(`{"pid":1,"tid":1,"vote":1},`, 500) + `{"pid":1,"tid":1,"vote":1}]`},
	}
	for name, files := range cases {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			for f, data := range files {
				if err := os.WriteFile(filepath.Join(dir, f), []byte(data), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			_, err := Read(dir)
			if _, ok := errors.AsType[*Error](err); !ok || !strings.Contains(err.Error(), "larger than the limit of 128 MB per file") {
				t.Errorf("error %v, want the size limit named", err)
			}
		})
	}
	if _, err := os.Stat("/dev/zero"); err == nil {
		t.Run("comments.csv is /dev/zero", func(t *testing.T) {
			maxFileBytes = MaxFileBytes // the line limit stops it first, after 1 MB
			dir := t.TempDir()
			if err := os.Symlink("/dev/zero", filepath.Join(dir, "comments.csv")); err != nil {
				t.Skip(err)
			}
			if _, err := Read(dir); err == nil || !strings.Contains(err.Error(), "line 1 is longer than the limit of 1 MB") {
				t.Errorf("error %v, want the line limit", err)
			}
		})
	}
}
