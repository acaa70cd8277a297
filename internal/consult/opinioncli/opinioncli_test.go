package opinioncli

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/civitas-city/civitas/internal/consult/polisexport"
)

// output is what the external checker reads from `opinion map`.
type output struct {
	InConv []int64 `json:"in_conv"`
	Groups []struct {
		ID      int     `json:"id"`
		Members []int64 `json:"members"`
		Repness []struct {
			TID    int64  `json:"tid"`
			Repful string `json:"repful"`
		} `json:"repness"`
	} `json:"groups"`
	Consensus struct {
		Agree    []int64 `json:"agree"`
		Disagree []int64 `json:"disagree"`
	} `json:"consensus"`
	GAC map[string]float64 `json:"gac"`
	PCA struct {
		Center []float64   `json:"center"`
		Comps  [][]float64 `json:"comps"`
		TIDs   []int64     `json:"tids"`
	} `json:"pca"`
	Projection map[string][2]float64 `json:"projection"`
}

func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestMapFixtureWithExportGroups(t *testing.T) {
	for _, name := range []string{"below-100-ptpts", "25ptpt-3gp-no-strict-with-meta"} {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join("..", "testdata", name)
			code, stdout, stderr := run(t, "map", "--use-export-groups", dir)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			var got output
			if err := json.Unmarshal([]byte(stdout), &got); err != nil {
				t.Fatalf("output is not one JSON object: %v", err)
			}
			want, err := polisexport.ReadMath(filepath.Join(dir, "math-pca2.json"))
			if err != nil {
				t.Fatal(err)
			}
			for tid, w := range want.GroupAwareConsensus {
				if g, ok := got.GAC[tid]; !ok || math.Abs(g-w) > 1e-9 {
					t.Errorf("gac[%s] = %v, want %v", tid, g, w)
				}
			}
			var agree []int64
			for _, c := range want.Consensus.Agree {
				agree = append(agree, c.TID)
			}
			if !slices.Equal(got.Consensus.Agree, agree) {
				t.Errorf("consensus agree %v, want %v", got.Consensus.Agree, agree)
			}
			if len(got.Groups) != len(want.GroupClusters) {
				t.Fatalf("%d groups, want %d", len(got.Groups), len(want.GroupClusters))
			}
			for _, g := range got.Groups {
				wr := want.Repness[strings.TrimSpace(jsonInt(g.ID))]
				if len(wr) != len(g.Repness) {
					t.Errorf("group %d: %d representative statements, want %d", g.ID, len(g.Repness), len(wr))
					continue
				}
				for i := range wr {
					if wr[i].TID != g.Repness[i].TID || wr[i].RepfulFor != g.Repness[i].Repful {
						t.Errorf("group %d statement %d: got %d/%s, want %d/%s", g.ID, i, g.Repness[i].TID, g.Repness[i].Repful, wr[i].TID, wr[i].RepfulFor)
					}
				}
			}
			if len(got.PCA.Comps) != 2 || len(got.PCA.Comps[0]) != len(got.PCA.Center) || len(got.PCA.TIDs) != len(got.PCA.Center) {
				t.Errorf("pca shapes: %d comps, centre %d, tids %d", len(got.PCA.Comps), len(got.PCA.Center), len(got.PCA.TIDs))
			}
			if len(got.Projection) == 0 || len(got.InConv) == 0 {
				t.Error("no projection or in-conv")
			}
		})
	}
}

func jsonInt(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}

func TestMapCold(t *testing.T) {
	code, stdout, stderr := run(t, "map", filepath.Join("..", "testdata", "25ptpt-3gp-no-strict-with-meta"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got output
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Groups) < 2 {
		t.Errorf("%d groups", len(got.Groups))
	}
	members := 0
	for _, g := range got.Groups {
		members += len(g.Members)
	}
	if members != len(got.InConv) {
		t.Errorf("%d group members but %d in-conv", members, len(got.InConv))
	}
}

func TestMapBadInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("comments.csv", "comment-id,moderated\n0,1\n1,1\n")
	write("participants-votes.csv", "participant,group-id,0,1\n0,0,1,1\n1,0,1,x\n")
	code, stdout, stderr := run(t, "map", dir)
	if code != 2 {
		t.Errorf("exit %d, want 2", code)
	}
	if stdout != "" {
		t.Errorf("stdout %q, want nothing", stdout)
	}
	if want := "participants-votes.csv:3:"; !strings.Contains(stderr, want) {
		t.Errorf("stderr %q does not name %s", stderr, want)
	}
}

func TestUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"no command", nil, 2, "usage"},
		{"unknown command", []string{"draw"}, 2, "unknown command"},
		{"no dir", []string{"map"}, 2, "missing DIR"},
		{"unknown flag", []string{"map", "--fast", "x"}, 2, "unknown flag"},
		{"missing dir", []string{"map", "/nonexistent/polis"}, 2, "nonexistent"},
		{"no groups to use", []string{"map", "--use-export-groups", t.TempDir()}, 2, "comments.csv"},
		{"help", []string{"--help"}, 0, "usage"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := run(t, tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.msg) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr, tt.code, tt.msg)
			}
		})
	}
}

// TestMapExportGroupInformedConsensus: with --use-export-groups, the
// group-informed consensus equals comments.csv's column (shared data).
func TestMapExportGroupInformedConsensus(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "..", "shared", "data", "polis", "bg2050-volunteers")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("shared data not available: %v", err)
	}
	code, stdout, stderr := run(t, "map", "--use-export-groups", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got output
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatal(err)
	}
	conv, err := polisexport.Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for tid, want := range conv.GroupInformedConsensus {
		g, ok := got.GAC[strconv.FormatInt(tid, 10)]
		if !ok {
			continue
		}
		n++
		if math.Abs(g-want) > 1e-9 {
			t.Errorf("statement %d: %v, want %v", tid, g, want)
		}
	}
	if n < 300 {
		t.Errorf("compared only %d statements", n)
	}
}
