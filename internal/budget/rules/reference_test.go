package rules_test

import (
	"cmp"
	"encoding/json"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/civitas-city/civitas/internal/budget/pabulib"
	"github.com/civitas-city/civitas/internal/budget/rules"
)

// sharedDir is the shared Pabulib data beside the repository (/work/shared next to
// /work/main); tests that need it skip when it is absent. PB_SHARED_DIR overrides it.
var sharedDir = cmp.Or(os.Getenv("PB_SHARED_DIR"), "../../../../shared/data/pabulib")

// testdataDir holds copies of the tiny worked examples and a few small real elections, so
// the essential tests always run.
const testdataDir = "../testdata"

type refFile struct {
	Instances []refInstance `json:"instances"`
}

type refInstance struct {
	Instance           string      `json:"instance"`
	RuleInMeta         string      `json:"rule_in_meta"`
	HistoricalSelected []string    `json:"historical_selected"`
	Results            []refResult `json:"results"`
}

type refResult struct {
	Rule     string `json:"rule"`
	SatClass string `json:"sat_class"` // tiny/expected.json
	Params   struct {
		SatClass string `json:"sat_class"`
	} `json:"params"`
	Status    string   `json:"status"`
	Selected  []string `json:"selected"`
	TotalCost string   `json:"total_cost"`
	Add1K     *int     `json:"add1_k"`
	Seconds   float64  `json:"seconds"`
}

func (r refResult) sat() string {
	if r.SatClass != "" {
		return r.SatClass
	}
	return r.Params.SatClass
}

// refRuleMap maps the reference's rule and satisfaction class to our rule. A sat_class
// prefix stands for the class named with its parameters, e.g.
// "PointsTimesCost_Sat(ordinal points = 3 - rank_index, x cost)".
var refRuleMap = []struct {
	refRule, satPrefix string
	rule               rules.Rule
}{
	{"greedy_utilitarian_welfare", "Cost_Sat", rules.Greedy},
	{"greedy_utilitarian_welfare", "PointsTimesCost_Sat", rules.Greedy},
	{"greedy_utilitarian_welfare", "Cardinality_Sat", rules.GreedyRatio},
	{"greedy_utilitarian_welfare", "Additive_Cardinal_Sat", rules.GreedyRatio},
	{"greedy_utilitarian_welfare", "Points_Sat", rules.GreedyRatio},
	{"method_of_equal_shares", "Cost_Sat", rules.MESCost},
	{"method_of_equal_shares", "Cardinality_Sat", rules.MESCard},
	{"method_of_equal_shares+add1+greedy_completion", "Cost_Sat", rules.MESCostAdd1},
	{"method_of_equal_shares+add1+greedy_completion", "Cardinality_Sat", rules.MESCardAdd1},
	{"sequential_phragmen", "", rules.Phragmen},
}

func ourRule(t *testing.T, r refResult) rules.Rule {
	t.Helper()
	for _, m := range refRuleMap {
		if m.refRule == r.Rule && (m.satPrefix == "" && r.sat() == "" || m.satPrefix != "" && strings.HasPrefix(r.sat(), m.satPrefix)) {
			return m.rule
		}
	}
	t.Fatalf("no rule for reference %s / %q", r.Rule, r.sat())
	return ""
}

func loadRef(t testing.TB, path string) refFile {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var f refFile
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	return f
}

func readInstance(t testing.TB, path string) (*pabulib.Election, *rules.Instance) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	e, err := pabulib.Read(f)
	if err != nil {
		t.Fatal(err)
	}
	in, err := e.Instance()
	if err != nil {
		t.Fatal(err)
	}
	return e, in
}

func needShared(t testing.TB) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(sharedDir, "reference-outcomes.json")); err != nil {
		t.Skipf("shared Pabulib data not found at %s", sharedDir)
	}
}

// checkReference counts every "ok" entry of a reference file and compares the selected
// lists, order included, and the total cost.
func checkReference(t *testing.T, dir, refPath string) {
	ref := loadRef(t, refPath)
	for _, inst := range ref.Instances {
		path := filepath.Join(dir, inst.Instance)
		if _, err := os.Stat(path); err != nil {
			continue
		}
		_, in := readInstance(t, path)
		for _, r := range inst.Results {
			if r.Status != "" && r.Status != "ok" {
				continue
			}
			rule := ourRule(t, r)
			t.Run(inst.Instance+"/"+string(rule), func(t *testing.T) {
				start := time.Now()
				got, err := rules.Count(t.Context(), in, rule, rules.Options{})
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(got.Selected, r.Selected) {
					t.Errorf("selected\n got %v\nwant %v", got.Selected, r.Selected)
				}
				if tc := rules.FormatRat(got.TotalCost); tc != strings.ReplaceAll(r.TotalCost, " ", "") && r.TotalCost != "" && !sameRat(tc, r.TotalCost) {
					t.Errorf("total cost %s, want %s", tc, r.TotalCost)
				}
				if r.Add1K != nil && got.Add1K != *r.Add1K {
					t.Errorf("add1 k = %d, want %d", got.Add1K, *r.Add1K)
				}
				t.Logf("%v (reference %.3fs)", time.Since(start), r.Seconds)
			})
		}
	}
}

func TestReferenceOutcomes(t *testing.T) {
	needShared(t)
	checkReference(t, sharedDir, filepath.Join(sharedDir, "reference-outcomes.json"))
}

func TestTinyExamples(t *testing.T) {
	checkReference(t, filepath.Join(testdataDir), filepath.Join(testdataDir, "tiny", "expected.json"))
}

func TestTestdataOutcomes(t *testing.T) {
	checkReference(t, testdataDir, filepath.Join(testdataDir, "expected.json"))
}

func sameRat(a, b string) bool {
	x, ok1 := new(big.Rat).SetString(a)
	y, ok2 := new(big.Rat).SetString(b)
	return ok1 && ok2 && x.Cmp(y) == 0
}
