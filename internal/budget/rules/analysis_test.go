package rules_test

import (
	"encoding/json"
	"maps"
	"math/big"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"testing"

	"github.com/civitas-city/civitas/internal/budget/rules"
)

// analysisRef is testdata/analysis-reference.json: pabutools' mesanalytics on seven
// shared elections (see the shared data's PROVENANCE.md), MES with cost satisfaction.
type analysisRef map[string]struct {
	Selected         []string           `json:"selected"`
	EffectiveSupport map[string]float64 `json:"effective_support_percent"`
	ProjectLoss      map[string]struct {
		BudgetLost       map[string]string `json:"budget_lost"`
		SupportersBudget string            `json:"supporters_budget"`
	} `json:"project_loss"`
}

// TestAnalysisReference checks effective supports and project losses against the
// reference values, on copies of the seven files in testdata.
func TestAnalysisReference(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(testdataDir, "analysis-reference.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ref analysisRef
	if err := json.Unmarshal(data, &ref); err != nil {
		t.Fatal(err)
	}
	if len(ref) != 7 {
		t.Fatalf("%d files in the reference, want 7", len(ref))
	}
	for _, name := range slices.Sorted(maps.Keys(ref)) {
		want := ref[name]
		t.Run(name, func(t *testing.T) {
			_, in := readInstance(t, filepath.Join(testdataDir, name))
			a, err := rules.Analyze(t.Context(), in, rules.MESCost, rules.AnalysisOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(slices.Sorted(slices.Values(a.Result.Selected)), want.Selected) {
				t.Errorf("selected %v, want %v", a.Result.Selected, want.Selected)
			}
			index := map[string]int{}
			for i, p := range in.Projects {
				index[p.ID] = i
			}
			var considered []string
			for i, p := range a.Projects {
				if p.Loss != nil {
					considered = append(considered, in.Projects[i].ID)
				}
			}
			sort.Strings(considered)
			if wantIDs := slices.Sorted(maps.Keys(want.ProjectLoss)); !slices.Equal(considered, wantIDs) {
				t.Errorf("projects with a loss %v, want %v", considered, wantIDs)
			}
			for id, wantEff := range want.EffectiveSupport {
				got := a.Projects[index[id]].EffectiveSupport
				if got == nil || float64(*got) != wantEff {
					t.Errorf("project %s: effective support %v, want %v", id, deref(got), wantEff)
				}
			}
			for id, wl := range want.ProjectLoss {
				got := a.Projects[index[id]].Loss
				if got == nil {
					continue
				}
				if !ratEqual(got.SupportersBudget, wl.SupportersBudget) {
					t.Errorf("project %s: supporters' budget %s, want %s", id, rules.FormatRat(got.SupportersBudget), wl.SupportersBudget)
				}
				if !slices.Equal(slices.Sorted(maps.Keys(got.SpentOn)), slices.Sorted(maps.Keys(wl.BudgetLost))) {
					t.Errorf("project %s: spent on %v, want %v", id, slices.Sorted(maps.Keys(got.SpentOn)), slices.Sorted(maps.Keys(wl.BudgetLost)))
					continue
				}
				for w, x := range wl.BudgetLost {
					if !ratEqual(got.SpentOn[w], x) {
						t.Errorf("project %s: spent on %s %s, want %s", id, w, rules.FormatRat(got.SpentOn[w]), x)
					}
				}
			}
		})
	}
}

func deref(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}

func ratEqual(got *big.Rat, want string) bool {
	w, ok := new(big.Rat).SetString(want)
	return ok && got != nil && got.Cmp(w) == 0
}

// TestMaxWinningCost checks the largest winning cost of every losing project, for every
// rule, on random small elections: recounting with the project at that cost selects it,
// one grosz more does not; and a project without one does not win at one grosz.
func TestMaxWinningCost(t *testing.T) {
	grosz := big.NewRat(1, 100)
	opt := rules.Options{Threshold: big.NewRat(1, 1), MaxK: 2000}
	checked := 0
	for seed := range uint64(300) {
		rng := rand.New(rand.NewPCG(seed, 5))
		in := randomInstance(rng)
		for _, rule := range rules.AllRules {
			if rule == rules.Phragmen && in.Points {
				continue
			}
			a, err := rules.Analyze(t.Context(), in, rule, rules.AnalysisOptions{Options: opt})
			if err != nil {
				t.Fatalf("seed %d %s: %v", seed, rule, err)
			}
			for p, pa := range a.Projects {
				if pa.Selected {
					if pa.MaxWinningCost != nil {
						t.Errorf("seed %d %s: winner %s has a winning cost", seed, rule, in.Projects[p].ID)
					}
					continue
				}
				at := func(c *big.Rat) bool {
					alt := *in
					alt.Projects = slices.Clone(in.Projects)
					alt.Projects[p].Cost = c
					res, err := rules.Count(t.Context(), &alt, rule, opt)
					if err != nil {
						t.Fatal(err)
					}
					return slices.Contains(res.Indices, p)
				}
				c := pa.MaxWinningCost
				if c == nil {
					if at(grosz) {
						t.Errorf("seed %d %s: %s has no winning cost but wins at one grosz\n%s", seed, rule, in.Projects[p].ID, describe(in))
					}
					continue
				}
				checked++
				if !at(c) {
					t.Errorf("seed %d %s: %s loses at its winning cost %s\n%s", seed, rule, in.Projects[p].ID, rules.FormatRat(c), describe(in))
				}
				if above := new(big.Rat).Add(c, grosz); at(above) {
					t.Errorf("seed %d %s: %s still wins at %s, above its winning cost\n%s", seed, rule, in.Projects[p].ID, rules.FormatRat(above), describe(in))
				}
			}
		}
	}
	if checked < 500 {
		t.Errorf("only %d winning costs checked", checked)
	}
}
