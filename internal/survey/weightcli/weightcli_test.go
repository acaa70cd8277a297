package weightcli

import (
	"bytes"
	"encoding/csv"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// readWeights reads an id,weight CSV.
func readWeights(t *testing.T, data []byte) map[string]float64 {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) == 0 || strings.Join(recs[0], ",") != "id,weight" {
		t.Fatalf("header %v, want id,weight", recs)
	}
	out := map[string]float64{}
	for _, r := range recs[1:] {
		w, err := strconv.ParseFloat(r[1], 64)
		if err != nil {
			t.Fatal(err)
		}
		out[r[0]] = w
	}
	return out
}

func run(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var o, e bytes.Buffer
	code = Main(args, &o, &e)
	return o.String(), e.String(), code
}

// TestWeightsEqualR rakes the worked example (40 responses; the margins are
// counts in thousands, so weights are near 1 and 1e-9 is about a relative
// 1e-9 too) and compares each weight with R's survey::rake: with the
// weights stored in testdata always, and with Rscript itself when it and
// the survey package are installed.
func TestWeightsEqualR(t *testing.T) {
	dir := filepath.Join("testdata", "rake")
	out, errOut, code := run(t, "weight", "--margins", filepath.Join(dir, "margins.csv"), filepath.Join(dir, "responses.csv"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	got := readWeights(t, []byte(out))
	if !strings.Contains(errOut, "design effect ") || !strings.Contains(errOut, "effective n ") {
		t.Errorf("stderr %q lacks the design effect and effective n", errOut)
	}
	stored, err := os.ReadFile(filepath.Join(dir, "expected_weights.csv"))
	if err != nil {
		t.Fatal(err)
	}
	compare := func(t *testing.T, want map[string]float64) {
		if len(got) != len(want) || len(want) != 40 {
			t.Fatalf("%d weights, R has %d (want 40)", len(got), len(want))
		}
		for id, w := range want {
			if d := math.Abs(got[id] - w); !(d <= 1e-9) {
				t.Errorf("%s: weight %.17g, R %.17g (off by %.3g)", id, got[id], w, d)
			}
		}
	}
	t.Run("stored", func(t *testing.T) { compare(t, readWeights(t, stored)) })
	t.Run("Rscript", func(t *testing.T) {
		rscript, err := exec.LookPath("Rscript")
		if err != nil {
			t.Skip("Rscript not installed")
		}
		if err := exec.Command(rscript, "-e", "library(survey)").Run(); err != nil {
			t.Skip("R's survey package not installed")
		}
		cmd := exec.CommandContext(t.Context(), rscript, filepath.Join(dir, "rake.R"), dir)
		cmd.Stderr = os.Stderr
		rOut, err := cmd.Output()
		if err != nil {
			t.Fatalf("Rscript: %v", err)
		}
		compare(t, readWeights(t, rOut))
	})
}

func write(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

const margins2 = "variable,level,count\nsex,K,60\nsex,M,40\nage,young,50\nage,old,50\n"

// TestTrim: without --trim the example's weights reach 1.45 times the
// mean; with --trim 0.55,1.4 every weight stays inside those bounds while
// the margins still hold.
func TestTrim(t *testing.T) {
	m := write(t, "m.csv", margins2)
	r := write(t, "r.csv", "id,sex,age\n1,K,young\n2,K,young\n3,K,young\n4,K,old\n5,M,young\n6,M,old\n7,M,old\n8,M,old\n")
	mean := 100.0 / 8
	for _, tc := range []struct {
		args   []string
		lo, hi float64
		within bool
	}{
		{nil, 0.55, 1.4, false},
		{[]string{"--trim", "0.55,1.4"}, 0.55, 1.4, true},
	} {
		out, errOut, code := run(t, append(append([]string{"weight"}, tc.args...), "--margins", m, r)...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", tc.args, code, errOut)
		}
		w := readWeights(t, []byte(out))
		inside := true
		var k, young float64
		for id, x := range w {
			inside = inside && x >= tc.lo*mean-1e-9 && x <= tc.hi*mean+1e-9
			if id <= "4" {
				k += x
			}
			if id == "1" || id == "2" || id == "3" || id == "5" {
				young += x
			}
		}
		if inside != tc.within {
			t.Errorf("%v: weights %v inside [%g, %g]×mean: %v, want %v", tc.args, w, tc.lo, tc.hi, inside, tc.within)
		}
		if math.Abs(k-60) > 1e-9 || math.Abs(young-50) > 1e-9 {
			t.Errorf("%v: margins K %g (want 60), young %g (want 50)", tc.args, k, young)
		}
	}
}

// TestBadInput: each problem is refused with exit status 2 and a message
// naming the file, line and field; nothing is printed on stdout.
func TestBadInput(t *testing.T) {
	good := write(t, "m.csv", margins2)
	resp := "id,sex,age\n1,K,young\n2,M,old\n"
	for _, tc := range []struct {
		name, margins, responses string
		args                     []string
		want                     string
	}{
		{"level not in margins", margins2, "id,sex,age\n1,K,young\n2,X,old\n", nil, "line 3: sex: level \"X\" is not in the margins file"},
		{"duplicate id", margins2, "id,sex,age\n1,K,young\n1,M,old\n", nil, "line 3: id: \"1\" is also on line 2"},
		{"missing column", margins2, "id,sex\n1,K\n", nil, "line 1: header: missing column age"},
		{"extra column", margins2, "id,sex,age,town\n1,K,young,A\n", nil, "line 1: header: column \"town\" is not a variable"},
		{"short row", margins2, "id,sex,age\n1,K\n", nil, "line 2: row: has 2 fields, the header has 3"},
		{"bad count", "variable,level,count\nsex,K,sixty\n", resp, nil, "line 2: count: must be a number"},
		{"negative count", "variable,level,count\nsex,K,-1\n", resp, nil, "line 2: count: must not be negative"},
		{"duplicate level", "variable,level,count\nsex,K,1\nsex,K,2\n", resp, nil, "line 3: level: sex \"K\" appears twice"},
		{"margins disagree", "variable,level,count\nsex,K,60\nsex,M,40\nage,young,50\nage,old,60\n", resp, nil, "margin age: the population counts add up to 110"},
		{"empty level in sample", "variable,level,count\nsex,K,60\nsex,M,40\nsex,N,5\nage,young,55\nage,old,50\n", resp, nil, "margin sex, level N: no response has this level"},
		{"empty margins", "", resp, nil, "line 1: file: is empty"},
		{"bad trim", margins2, resp, []string{"--trim", "2,3"}, "--trim 2,3: want LO,HI"},
		{"infeasible trim", margins2, "id,sex,age\n1,K,young\n2,K,young\n3,K,young\n4,M,old\n", []string{"--trim", "0.9,1.1"}, "raking did not converge"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, r := good, write(t, "r.csv", tc.responses)
			if tc.margins != margins2 {
				m = write(t, "m2.csv", tc.margins)
			}
			out, errOut, code := run(t, append(append([]string{"weight"}, tc.args...), "--margins", m, r)...)
			if code != 2 || out != "" || !strings.Contains(errOut, tc.want) {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit 2, no output, %q", code, out, errOut, tc.want)
			}
		})
	}
}

func TestUsage(t *testing.T) {
	for _, args := range [][]string{{}, {"weigh"}, {"weight"}, {"weight", "--margins", "m.csv"}, {"weight", "a.csv", "b.csv", "--margins", "m.csv"}} {
		if _, errOut, code := run(t, args...); code != 2 || !strings.Contains(errOut, "usage: civitas survey weight") {
			t.Errorf("%q: exit %d, stderr %q; want 2 and the usage", args, code, errOut)
		}
	}
	if _, _, code := run(t, "weight", "--margins", "no-such.csv", "r.csv"); code != 2 {
		t.Errorf("missing file: exit %d, want 2", code)
	}
}
