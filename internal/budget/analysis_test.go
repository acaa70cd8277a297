package budget_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/civitas-city/civitas/internal/budget"
	"github.com/civitas-city/civitas/internal/budget/pabulib"
	"github.com/civitas-city/civitas/internal/budget/pbcli"
	"github.com/civitas-city/civitas/internal/budget/rules"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/db/dbtest"
)

// TestPoolAnalysisMatchesCLI imports the Kraków file the demo uses and checks that the
// pool's analysis and comparison (what the pages and the JSON show) are those `civitas
// pb analyze` and `civitas pb compare` print for the pool's exported Pabulib file.
func TestPoolAnalysisMatchesCLI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		s, _, _ := newService(t, d)
		_, imp := importKrakowDemo(t, s)
		exported, _, err := s.Election(ctx, imp.Edition, imp.Pool)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := pabulib.Write(&buf, exported); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "pool.pb")
		if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}

		pa, err := s.AnalyzePool(ctx, imp.Edition, imp.Pool)
		if err != nil {
			t.Fatal(err)
		}
		var cli rules.AnalysisReport
		runCLI(t, &cli, "analyze", "--rule", imp.Pool.Rule, path)
		page, _ := json.Marshal(pa.Analysis.Report(pa.Instance))
		want, _ := json.Marshal(cli)
		if !bytes.Equal(page, want) {
			t.Errorf("the pool's analysis differs from civitas pb analyze:\n%s\n%s", page, want)
		}

		pc, err := s.ComparePool(ctx, imp.Edition, imp.Pool)
		if err != nil {
			t.Fatal(err)
		}
		a, b := budget.ComparisonRules(imp.Pool.Rule)
		var cmp rules.ComparisonReport
		runCLI(t, &cmp, "compare", "--rules", string(a)+","+string(b), path)
		got := pc.Comparison.Report(pc.Instance)
		differ := 0
		for i, p := range got.Projects {
			c := cmp.Projects[i]
			if p.ID != c.ID || p.Difference != c.Difference || p.Why != c.Why {
				t.Errorf("project %s: %s/%s, civitas pb compare %s: %s/%s", p.ID, p.Difference, p.Why, c.ID, c.Difference, c.Why)
			}
			if p.Why != "" {
				differ++
			}
		}
		if differ == 0 {
			t.Error("greedy and Equal Shares agree on every project: nothing to compare")
		}
	})
}

// importKrakowDemo imports the Kraków file the demo uses, as district I's pool.
func importKrakowDemo(t *testing.T, s *budget.Service) (*pabulib.Election, *budget.Imported) {
	t.Helper()
	raw, err := os.ReadFile("demo/Poland_Krakow_2025_Stare_Miasto.pb")
	if err != nil {
		t.Fatal(err)
	}
	el, err := pabulib.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	imp, err := s.Import(t.Context(), el, budget.ImportOptions{Slug: "bo-krakow-2025", Title: "Budżet Obywatelski Krakowa 2025", District: 1,
		Source: "Poland_Krakow_2025_Stare_Miasto.pb", Actor: officer})
	if err != nil {
		t.Fatal(err)
	}
	return el, imp
}

func runCLI(t *testing.T, v any, args ...string) {
	t.Helper()
	var out, errs bytes.Buffer
	if code := pbcli.Main(args, &out, &errs); code != 0 {
		t.Fatalf("civitas pb %v: exit %d: %s", args, code, errs.String())
	}
	if err := json.Unmarshal(out.Bytes(), v); err != nil {
		t.Fatal(err)
	}
}
