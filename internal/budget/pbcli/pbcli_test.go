package pbcli

import (
	"bytes"
	"cmp"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/civitas-city/civitas/internal/budget/rules"
)

// sharedDir is the shared Pabulib data beside the repository; tests skip it when absent.
// PB_SHARED_DIR overrides it.
var sharedDir = cmp.Or(os.Getenv("PB_SHARED_DIR"), "../../../../shared/data/pabulib")

const tiny = "../testdata/tiny/"

func run(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = Main(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestCountJSONContract(t *testing.T) {
	code, out, errs := run("count", "--rule", "greedy", tiny+"t3_ordinal_fractional_budget.pb")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatal(err)
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if !slices.Equal(keys, []string{"budget", "rule", "selected", "total_cost"}) {
		t.Errorf("keys %v", keys)
	}
	var got CountOutput
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	want := CountOutput{Rule: "greedy", Selected: []string{"A", "C", "D"}, TotalCost: "10", Budget: "10.5"}
	if got.Rule != want.Rule || !slices.Equal(got.Selected, want.Selected) || got.TotalCost != want.TotalCost || got.Budget != want.Budget {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestCountExplainAndFlagOrder(t *testing.T) {
	// Flags after the file, too.
	code, out, errs := run("count", tiny+"t4_approval_add1_completion.pb", "--explain", "--rule=mes-card-add1")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var got struct {
		Selected    []string         `json:"selected"`
		Explanation []map[string]any `json:"explanation"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Selected, []string{"B", "D", "A"}) || len(got.Explanation) == 0 {
		t.Fatalf("got %s", out)
	}
	first := got.Explanation[0]
	if first["phase"] != "add1" || first["k"] != 1.0 || first["reason"] != "add1_next_infeasible" {
		t.Errorf("first step %v", first)
	}
	for _, s := range got.Explanation {
		if s["reason"] == nil || s["reason"] == "" {
			t.Errorf("step without reason: %v", s)
		}
	}
}

func TestCountFraction(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "thirds.pb")
	file := "META\nkey;value\nbudget;1\nvote_type;approval\nPROJECTS\nproject_id;cost\na;1/3\nb;1/3\nVOTES\nvoter_id;vote\n1;a,b\n"
	if err := os.WriteFile(path, []byte(file), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errs := run("count", "--rule", "greedy", path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(out, `"total_cost": "2/3"`) {
		t.Errorf("output %s", out)
	}
}

func TestCountErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.pb")
	if err := os.WriteFile(bad, []byte("META\nkey;value\nbudget;10\nvote_type;approval\nPROJECTS\nproject_id;cost\na;ten\nVOTES\nvoter_id;vote\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	file := tiny + "t1_approval_ties.pb"
	tests := []struct {
		name string
		args []string
		want string // in stderr
	}{
		{"unknown rule", []string{"count", "--rule", "borda", file}, `unknown rule "borda"`},
		{"no rule", []string{"count", file}, "--rule is required"},
		{"no file", []string{"count", "--rule", "greedy"}, "want one FILE.pb"},
		{"two files", []string{"count", "--rule", "greedy", file, file}, "want one FILE.pb"},
		{"missing file", []string{"count", "--rule", "greedy", filepath.Join(dir, "nope.pb")}, "no such file"},
		{"bad file", []string{"count", "--rule", "greedy", bad}, `line 7: field "cost"`},
		{"bad flag", []string{"count", "--rule", "greedy", "--frobnicate", file}, "frobnicate"},
		{"bad threshold", []string{"count", "--rule", "greedy-threshold", "--threshold", "x", file}, "not a number"},
		{"no threshold", []string{"count", "--rule", "greedy-threshold", file}, "needs --threshold"},
		{"phragmen on points", []string{"count", "--rule", "phragmen", tiny + "t2_cumulative_zero_points.pb"}, "approval"},
		{"unsupported meta rule", []string{"count", "--rule", "meta", "../testdata/Switzerland_Zurich_S5D10.pb"}, `META rule "unknown"`},
		{"unknown command", []string{"tally", file}, `unknown command "tally"`},
		{"nothing", nil, "usage"},
		{"stats without file", []string{"stats"}, "want one FILE.pb"},
		{"stats bad file", []string{"stats", bad}, "line 7"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := run(tt.args...)
			if code != ExitUsage {
				t.Errorf("exit %d, want %d", code, ExitUsage)
			}
			if out != "" {
				t.Errorf("stdout %q, want nothing", out)
			}
			if !strings.Contains(errs, tt.want) {
				t.Errorf("stderr %q does not contain %q", errs, tt.want)
			}
		})
	}
	t.Run("timeout", func(t *testing.T) {
		code, _, errs := run("count", "--rule", "mes-cost-add1", "--timeout", "1ns", "../testdata/Netherlands_Assen_2024.pb")
		if code != ExitFailed || !strings.Contains(errs, "deadline") {
			t.Errorf("exit %d, stderr %q", code, errs)
		}
	})
}

func TestHelpAndStats(t *testing.T) {
	code, out, _ := run("help")
	if code != 0 || !strings.Contains(out, "mes-cost-add1") {
		t.Errorf("help: exit %d\n%s", code, out)
	}
	code, out, errs := run("stats", tiny+"t2_cumulative_zero_points.pb")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var s Stats
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatal(err)
	}
	if s.Voters != 5 || s.Ballots != 5 || s.Projects != 4 || s.Budget != "10" || s.VoteType != "cumulative" || s.BallotLength.Max != 3 {
		t.Errorf("stats %+v", s)
	}
	// Scores 1:7 2:4 3:8 4:6; project 1 is listed by v4 with 0 points.
	if v := s.Votes[0]; v.Project != "1" || v.Votes != 3 || v.Score != "7" {
		t.Errorf("project 1: %+v", v)
	}
}

type refInstance struct {
	Instance           string   `json:"instance"`
	RuleInMeta         string   `json:"rule_in_meta"`
	HistoricalSelected []string `json:"historical_selected"`
}

// historicalCases lists the files whose META rule `--rule meta` reproduces.
func historicalCases(t *testing.T, dir string) []refInstance {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, map[bool]string{true: "reference-outcomes.json", false: "expected.json"}[dir == sharedDir]))
	if err != nil {
		t.Skipf("no reference outcomes in %s", dir)
	}
	var ref struct {
		Instances []refInstance `json:"instances"`
	}
	if err := json.Unmarshal(data, &ref); err != nil {
		t.Fatal(err)
	}
	var out []refInstance
	for _, in := range ref.Instances {
		switch in.RuleInMeta {
		case "greedy", "greedy-threshold", "greedy-no-skip", "equalshares/add1":
			if in.HistoricalSelected != nil {
				out = append(out, in)
			}
		}
	}
	return out
}

func testMetaHistorical(t *testing.T, dir string) {
	cases := historicalCases(t, dir)
	if len(cases) == 0 {
		t.Fatal("no historical cases")
	}
	for _, c := range cases {
		t.Run(c.Instance, func(t *testing.T) {
			e, err := readFile(filepath.Join(dir, c.Instance), false)
			if err != nil {
				t.Fatal(err)
			}
			res, err := Count(t.Context(), e, RuleMeta, rules.Options{})
			if err != nil {
				t.Fatal(err)
			}
			got, want := slices.Sorted(slices.Values(res.Selected)), slices.Sorted(slices.Values(c.HistoricalSelected))
			if !slices.Equal(got, want) {
				t.Errorf("META rule %s: got %v, want %v", c.RuleInMeta, got, want)
			}
			if hist := e.HistoricalSelected(); !slices.Equal(slices.Sorted(slices.Values(hist)), want) {
				t.Errorf("the file's selected column %v differs from the reference's %v", hist, want)
			}
		})
	}
}

func TestMetaHistoricalTestdata(t *testing.T) { testMetaHistorical(t, "../testdata") }

func TestMetaHistoricalShared(t *testing.T) {
	if _, err := os.Stat(sharedDir); err != nil {
		t.Skipf("shared Pabulib data not found at %s", sharedDir)
	}
	testMetaHistorical(t, sharedDir)
}

// TestCountStrictAndLenient checks that count and stats refuse an inconsistent file by
// default, naming the line and field, and read it with --lenient.
func TestCountStrictAndLenient(t *testing.T) {
	dup := filepath.Join(t.TempDir(), "dup.pb")
	const file = "META\nkey;value\nnum_votes;2\nbudget;10\nvote_type;approval\nPROJECTS\nproject_id;cost\na;4\nb;6\nVOTES\nvoter_id;vote\n1;a\n1;a,b,a\n"
	if err := os.WriteFile(dup, []byte(file), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range [][]string{{"count", "--rule", "mes-cost"}, {"stats"}} {
		code, out, errs := run(append(slices.Clone(cmd), dup)...)
		if code != ExitUsage || out != "" || !strings.Contains(errs, `line 13: field "voter_id": voter "1" already voted on line 12`) {
			t.Errorf("%v strict: exit %d, stdout %q, stderr %q", cmd, code, out, errs)
		}
		code, out, errs = run(append(slices.Clone(cmd), "--lenient", dup)...)
		if code != ExitOK || errs != "" {
			t.Errorf("%v --lenient: exit %d, stderr %q", cmd, code, errs)
		}
		if cmd[0] == "count" && !strings.Contains(out, `"selected": [`) {
			t.Errorf("--lenient output %q", out)
		}
	}
}

// TestAnalyzeJSONContract checks `pb analyze`'s JSON: exactly the keys of the contract,
// amounts as exact strings, and the reference's values on Gdańsk Rudniki.
func TestAnalyzeJSONContract(t *testing.T) {
	code, out, errs := run("analyze", "--rule", "mes-cost", "../testdata/Poland_Gdansk_2020_Rudniki.pb")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var got map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if keys := slices.Sorted(maps.Keys(got)); !slices.Equal(keys, []string{"projects", "rule", "satisfaction"}) {
		t.Errorf("top-level keys %v", keys)
	}
	var projects []map[string]json.RawMessage
	if err := json.Unmarshal(got["projects"], &projects); err != nil {
		t.Fatal(err)
	}
	for _, p := range projects {
		if keys := slices.Sorted(maps.Keys(p)); !slices.Equal(keys, []string{"effective_support", "id", "max_winning_cost", "project_loss", "selected"}) {
			t.Errorf("project keys %v", keys)
		}
	}
	var typed struct {
		Projects []struct {
			ID               string `json:"id"`
			Selected         bool   `json:"selected"`
			EffectiveSupport *int   `json:"effective_support"`
			ProjectLoss      *struct {
				SupportersBudget string            `json:"supporters_budget"`
				SpentOn          map[string]string `json:"spent_on"`
			} `json:"project_loss"`
			MaxWinningCost *string `json:"max_winning_cost"`
		} `json:"projects"`
		Satisfaction struct {
			Voters        int `json:"voters"`
			NothingFunded int `json:"nothing_funded"`
		} `json:"satisfaction"`
	}
	if err := json.Unmarshal([]byte(out), &typed); err != nil {
		t.Fatal(err)
	}
	p1, p2 := typed.Projects[0], typed.Projects[1]
	if p1.ID != "1" || p1.Selected || p1.EffectiveSupport == nil || *p1.EffectiveSupport != 74 ||
		p1.ProjectLoss == nil || p1.ProjectLoss.SupportersBudget != "198713600/1793" || p1.ProjectLoss.SpentOn["2"] != "37800/11" ||
		p1.MaxWinningCost == nil {
		t.Errorf("project 1: %+v", p1)
	}
	if p2.ID != "2" || !p2.Selected || *p2.EffectiveSupport != 159 || p2.MaxWinningCost != nil {
		t.Errorf("project 2: %+v", p2)
	}
	if typed.Satisfaction.Voters != 163 || typed.Satisfaction.NothingFunded == 0 {
		t.Errorf("satisfaction %+v", typed.Satisfaction)
	}
	// Greedy: no Equal Shares quantities, still a winning cost for the loser.
	code, out, errs = run("analyze", "--rule", "greedy", "../testdata/Poland_Gdansk_2020_Rudniki.pb")
	if code != ExitOK || !strings.Contains(out, `"effective_support": null`) || !strings.Contains(out, `"project_loss": null`) {
		t.Errorf("greedy: exit %d, %s %s", code, out, errs)
	}
	if code, _, errs := run("analyze", "--rule", "meta", "../testdata/Poland_Gdansk_2020_Rudniki.pb"); code != ExitUsage || !strings.Contains(errs, "--rule") {
		t.Errorf("meta: exit %d, %s", code, errs)
	}
}

// TestCompare checks `pb compare` on Assen 2024, where greedy and Equal Shares differ.
func TestCompare(t *testing.T) {
	code, out, errs := run("compare", "../testdata/Netherlands_Assen_2024.pb")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var got struct {
		Rules    []string `json:"rules"`
		Outcomes map[string]struct {
			Selected []string `json:"selected"`
		} `json:"outcomes"`
		Projects []struct {
			ID         string          `json:"id"`
			Selected   map[string]bool `json:"selected"`
			Difference string          `json:"difference"`
			Why        string          `json:"why"`
		} `json:"projects"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Rules, []string{"greedy", "mes-cost-add1"}) || len(got.Outcomes) != 2 {
		t.Fatalf("rules %v, outcomes %v", got.Rules, got.Outcomes)
	}
	differ := map[string]string{}
	for _, p := range got.Projects {
		inG, inM := p.Selected["greedy"], p.Selected["mes-cost-add1"]
		if inG != slices.Contains(got.Outcomes["greedy"].Selected, p.ID) || inM != slices.Contains(got.Outcomes["mes-cost-add1"].Selected, p.ID) {
			t.Errorf("project %s: selected %v disagrees with the outcomes", p.ID, p.Selected)
		}
		if inG != inM {
			differ[p.ID] = p.Why
		} else if p.Why != "" {
			t.Errorf("project %s: why %q without a difference", p.ID, p.Why)
		}
	}
	// Project 8: greedy funds it; under Equal Shares its supporters had paid for others.
	// Project 5: Equal Shares funds it; greedy had 800 left at its turn.
	if differ["8"] != "supporters_spent_elsewhere" || differ["5"] != "no_money_left_at_its_turn" {
		t.Errorf("differences %v", differ)
	}
	if code, _, errs := run("compare", "--rules", "greedy", "../testdata/Netherlands_Assen_2024.pb"); code != ExitUsage || !strings.Contains(errs, "--rules") {
		t.Errorf("one rule: exit %d %s", code, errs)
	}
}
