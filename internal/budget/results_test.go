package budget_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/civitas-city/civitas/internal/budget"
	"github.com/civitas-city/civitas/internal/budget/pabulib"
	"github.com/civitas-city/civitas/internal/budget/pbcli"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/db/dbtest"
)

// pbCount runs `civitas pb count --rule RULE FILE` on el written to a file.
func pbCount(t *testing.T, el *pabulib.Election, rule string) pbcli.CountOutput {
	t.Helper()
	path := filepath.Join(t.TempDir(), "pool.pb")
	var buf bytes.Buffer
	if err := pabulib.Write(&buf, el); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errs bytes.Buffer
	if code := pbcli.Main([]string{"count", "--rule", rule, path}, &out, &errs); code != 0 {
		t.Fatalf("civitas pb count: exit %d: %s", code, errs.String())
	}
	var got pbcli.CountOutput
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	return got
}

// TestCountMatchesCLI: counting a stored pool gives the same outcome as
// `civitas pb count` on its exported Pabulib file, for each ballot kind
// and the city's rules.
func TestCountMatchesCLI(t *testing.T) {
	kinds := map[string]func(*budget.Config){
		"ranking-greedy": func(c *budget.Config) {},
		"approval-mes-add1": func(c *budget.Config) {
			for i := range c.Pools {
				c.Pools[i].Ballot, c.Pools[i].Points, c.Pools[i].Rule = budget.Approval, nil, "mes-cost-add1"
			}
		},
		"cumulative-threshold": func(c *budget.Config) {
			for i := range c.Pools {
				p := &c.Pools[i]
				p.Ballot, p.Points, p.MaxPoints, p.MaxPerProject = budget.Cumulative, nil, 5, 3
				p.Rule, p.Threshold = "greedy-threshold", "20"
			}
		},
		"ranking-52-mes": func(c *budget.Config) {
			for i := range c.Pools {
				c.Pools[i].MaxChoices, c.Pools[i].Points, c.Pools[i].Rule = 2, []int{5, 2}, "mes-cost-add1"
			}
		},
	}
	for name, edit := range kinds {
		t.Run(name, func(t *testing.T) {
			dbtest.Each(t, func(t *testing.T, d *db.DB) {
				ctx := t.Context()
				s, res, _ := newService(t, d)
				e, ps := votingEdition(t, s, res, "bo-2027", edit)
				pool := &e.Pools[0]
				city := ps["city"]
				for i := range 60 {
					user := fmt.Sprintf("v%02d", i)
					res.add(user, fmt.Sprintf("8%010d", i), 1, adult)
					in := budget.BallotInput{Projects: ids(city[i%4], city[(i*7+1)%4])}
					if in.Projects[0] == in.Projects[1] {
						in.Projects = in.Projects[:1]
					}
					if i%5 == 0 {
						in.Projects = append(in.Projects[:1], city[3].ID)
						if in.Projects[0] == city[3].ID {
							in.Projects = in.Projects[:1]
						}
					}
					if pool.Ballot == budget.Cumulative {
						in.Points = []int{3, 2}[:len(in.Projects)]
					}
					if _, err := s.Cast(ctx, budget.Actor{}, user, e.Slug, "city", in); err != nil {
						t.Fatalf("%s: %v", user, err)
					}
				}
				if err := s.SetPhase(ctx, officer, e.ID, budget.PhaseResults); err != nil {
					t.Fatal(err)
				}
				if err := s.CountEdition(ctx, e.ID); err != nil {
					t.Fatal(err)
				}
				r, err := s.Result(ctx, pool)
				if err != nil {
					t.Fatal(err)
				}
				el, projects, err := s.Election(ctx, e, pool)
				if err != nil {
					t.Fatal(err)
				}
				cli := pbCount(t, el, pool.Rule)
				code := map[string]string{}
				for _, p := range projects {
					code[p.ID] = p.Code
				}
				var stored []string
				for _, id := range r.Selected {
					stored = append(stored, code[id])
				}
				if !slices.Equal(stored, cli.Selected) {
					t.Errorf("stored outcome %v, civitas pb count %v", stored, cli.Selected)
				}
				if budget.MoneyDecimal(r.TotalCost) != cli.TotalCost {
					t.Errorf("total cost %s, CLI %s", budget.MoneyDecimal(r.TotalCost), cli.TotalCost)
				}
				if r.Voters != 60 || len(r.Projects) != 4 || len(r.Steps) == 0 {
					t.Errorf("result: %d voters, %d projects, %d steps", r.Voters, len(r.Projects), len(r.Steps))
				}
				if r.ByAge["35-44"]+r.ByAge["45-54"] != 60 || r.ByDistrict[1] != 60 {
					t.Errorf("turnout by age %v, by district %v", r.ByAge, r.ByDistrict)
				}
			})
		})
	}
}

// TestImportKrakow imports the Kraków file the demo uses and checks that
// the stored count and the export agree with `civitas pb count` on the
// original file.
func TestImportKrakow(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		s, _, _ := newService(t, d)
		el, imp := importKrakowDemo(t, s)
		if imp.Projects != 22 || imp.Ballots != 1882 || imp.Pool.Rule != "greedy" || imp.Pool.Ballot != budget.Ranking {
			t.Fatalf("imported %+v pool %+v", imp, imp.Pool)
		}
		orig := pbCount(t, el, "greedy")
		if !slices.Equal(imp.Result.Selected, orig.Selected) {
			t.Errorf("imported count %v, the original file counts %v", imp.Result.Selected, orig.Selected)
		}
		exported, _, err := s.Election(ctx, imp.Edition, imp.Pool)
		if err != nil {
			t.Fatal(err)
		}
		if again := pbCount(t, exported, "greedy"); !slices.Equal(again.Selected, orig.Selected) || again.Budget != "1716138.17" {
			t.Errorf("export counts %+v, want %v", again, orig.Selected)
		}
		r, err := s.Result(ctx, imp.Pool)
		if err != nil {
			t.Fatal(err)
		}
		total := 0
		for _, n := range r.ByAge {
			total += n
		}
		if total == 0 || total > 1882 {
			t.Errorf("turnout by age from the file: %v", r.ByAge)
		}
		if r.Projects[0].Project.Code != "BO.D1.2/25" || r.Projects[0].Score != "1617" || r.Projects[0].Votes != 729 {
			t.Errorf("top project %+v", r.Projects[0])
		}
	})
}
