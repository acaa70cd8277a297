package rules_test

import (
	"context"
	"errors"
	"math/big"
	"slices"
	"testing"

	"github.com/civitas-city/civitas/internal/budget/rules"
)

func r(s string) *big.Rat {
	x, ok := new(big.Rat).SetString(s)
	if !ok {
		panic(s)
	}
	return x
}

// approval builds an approval instance: costs by id (in order), ballots as id lists.
func approval(budget string, projects [][2]string, ballots ...[]string) *rules.Instance {
	in := &rules.Instance{Budget: r(budget)}
	idx := map[string]int{}
	for i, p := range projects {
		in.Projects = append(in.Projects, rules.Project{ID: p[0], Cost: r(p[1])})
		idx[p[0]] = i
	}
	for _, b := range ballots {
		var bl rules.Ballot
		for _, id := range b {
			bl.Projects = append(bl.Projects, idx[id])
		}
		in.Ballots = append(in.Ballots, bl)
	}
	return in
}

func TestFormatRat(t *testing.T) {
	tests := map[string]string{
		"0": "0", "10": "10", "-3": "-3", "191066383/100": "1910663.83", "21/2": "10.5",
		"1/3": "1/3", "-1/8": "-0.125", "1/20": "0.05", "7/6": "7/6", "100000.0": "100000",
	}
	for in, want := range tests {
		if got := rules.FormatRat(r(in)); got != want {
			t.Errorf("FormatRat(%s) = %q, want %q", in, got, want)
		}
	}
}

func TestValidate(t *testing.T) {
	ok := approval("10", [][2]string{{"a", "1"}, {"b", "2"}}, []string{"a"})
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	tests := map[string]func(in *rules.Instance){
		"negative budget": func(in *rules.Instance) { in.Budget = r("-1") },
		"duplicate id":    func(in *rules.Instance) { in.Projects[1].ID = "a" },
		"empty id":        func(in *rules.Instance) { in.Projects[1].ID = "" },
		"negative cost":   func(in *rules.Instance) { in.Projects[1].Cost = r("-1") },
		"index":           func(in *rules.Instance) { in.Ballots[0].Projects = []int{2} },
		"listed twice":    func(in *rules.Instance) { in.Ballots[0].Projects = []int{0, 0} },
		"missing points":  func(in *rules.Instance) { in.Points = true },
		"points on approval": func(in *rules.Instance) {
			in.Ballots[0].Points = []*big.Rat{r("1")}
		},
	}
	for name, mutate := range tests {
		t.Run(name, func(t *testing.T) {
			in := approval("10", [][2]string{{"a", "1"}, {"b", "2"}}, []string{"a"})
			mutate(in)
			if in.Validate() == nil {
				t.Error("no error")
			}
			if _, err := rules.Count(t.Context(), in, rules.Greedy, rules.Options{}); err == nil {
				t.Error("Count accepted an invalid instance")
			}
		})
	}
	if _, err := rules.Count(t.Context(), ok, "borda", rules.Options{}); err == nil {
		t.Error("unknown rule accepted")
	}
}

func TestGreedyVariants(t *testing.T) {
	// votes: a 4, b 3, c 3, d 1; b and c tie.
	in := approval("11", [][2]string{{"d", "1"}, {"c", "5"}, {"b", "6"}, {"a", "4"}},
		[]string{"a", "b", "c"}, []string{"a", "b", "c"}, []string{"a", "b", "c", "d"}, []string{"a"})
	tests := []struct {
		name string
		rule rules.Rule
		opt  rules.Options
		want []string
	}{
		{"skip, ties by id", rules.Greedy, rules.Options{}, []string{"a", "b", "d"}},
		{"ties in project order", rules.Greedy, rules.Options{FileOrder: true}, []string{"a", "c", "d"}},
		{"no skip", rules.GreedyNoSkip, rules.Options{}, []string{"a", "b"}},
		{"threshold", rules.GreedyThreshold, rules.Options{Threshold: r("2")}, []string{"a", "b"}},
		{"threshold no skip", rules.GreedyNoSkip, rules.Options{Threshold: r("4")}, []string{"a"}},
		{"given scores", rules.Greedy, rules.Options{Scores: []*big.Rat{r("9"), r("0"), r("0"), r("0")}}, []string{"d", "a", "b"}},
		{"ratio", rules.GreedyRatio, rules.Options{}, []string{"a", "d", "c"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := count(t, in, tt.rule, tt.opt); !slices.Equal(got.Selected, tt.want) {
				t.Errorf("got %v, want %v", got.Selected, tt.want)
			}
		})
	}
	t.Run("no skip skips the withdrawn sentinel", func(t *testing.T) {
		in := approval("10", [][2]string{{"a", "999999999"}, {"b", "3"}}, []string{"a", "b"}, []string{"a"})
		got := count(t, in, rules.GreedyNoSkip, rules.Options{Explain: true})
		if !slices.Equal(got.Selected, []string{"b"}) || got.Steps[0].Reason != rules.Withdrawn {
			t.Errorf("got %v %+v", got.Selected, got.Steps)
		}
	})
	if _, err := rules.Count(t.Context(), in, rules.Greedy, rules.Options{Scores: []*big.Rat{r("1")}}); err == nil {
		t.Error("wrong number of scores accepted")
	}
}

func TestZeroCostProjects(t *testing.T) {
	in := approval("5", [][2]string{{"free", "0"}, {"a", "5"}, {"nobody", "0"}},
		[]string{"free", "a"}, []string{"free", "a"}, []string{"a"})
	tests := []struct {
		rule rules.Rule
		want []string
	}{
		{rules.Greedy, []string{"a", "free", "nobody"}},      // density 0, yet added: it always fits
		{rules.GreedyRatio, []string{"free", "a", "nobody"}}, // infinite density comes first
		{rules.MESCard, []string{"free", "a"}},               // selected before round 1
		{rules.MESCost, []string{"a"}},                       // no utility under cost satisfaction
		{rules.MESCostAdd1, []string{"a", "free", "nobody"}}, // completion adds them
		{rules.Phragmen, []string{"a", "free", "nobody"}},    // sorted by id
	}
	for _, tt := range tests {
		if got := count(t, in, tt.rule, rules.Options{}); !slices.Equal(got.Selected, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.rule, got.Selected, tt.want)
		}
	}
	res := count(t, in, rules.MESCost, rules.Options{Explain: true})
	reasons := map[string]rules.Reason{}
	for _, s := range res.Steps {
		reasons[s.Project] = s.Reason
	}
	if reasons["free"] != rules.ZeroCost || reasons["nobody"] != rules.NoSupporters || reasons["a"] != rules.Selected {
		t.Errorf("reasons %v", reasons)
	}
}

func TestEmptyBallotsCountAsVoters(t *testing.T) {
	// β = 9/3 = 3: supporters of a hold 6 < 7. Without the empty ballot β would be 4.5.
	in := approval("9", [][2]string{{"a", "7"}}, []string{"a"}, []string{"a"}, nil)
	if got := count(t, in, rules.MESCost, rules.Options{}); len(got.Selected) != 0 {
		t.Errorf("got %v, want nothing", got.Selected)
	}
	in.Ballots = in.Ballots[:2]
	if got := count(t, in, rules.MESCost, rules.Options{}); !slices.Equal(got.Selected, []string{"a"}) {
		t.Errorf("got %v, want [a]", got.Selected)
	}
}

// t1 and t4 of docs/pb-rules.md §7, built by hand.
func tinyT1() *rules.Instance {
	return approval("10", [][2]string{{"10", "4"}, {"9", "4"}, {"2", "4"}, {"3", "2"}, {"4", "6"}},
		[]string{"9", "2"}, []string{"10", "9"}, []string{"2", "10"}, []string{"3", "4"}, []string{"4"}, []string{"10", "9", "2"})
}

func tinyT4() *rules.Instance {
	return approval("15", [][2]string{{"A", "3"}, {"B", "5"}, {"C", "8"}, {"D", "7"}},
		[]string{"B", "D"}, []string{"B", "C"}, []string{"A", "B", "D"}, []string{"B", "C"}, []string{"C", "D"})
}

func TestExplanations(t *testing.T) {
	t.Run("greedy t1", func(t *testing.T) {
		res := count(t, tinyT1(), rules.Greedy, rules.Options{Explain: true})
		type row struct {
			project, score, remaining string
			reason                    rules.Reason
		}
		var got []row
		for _, s := range res.Steps {
			got = append(got, row{s.Project, s.Score, s.Remaining, s.Reason})
		}
		want := []row{
			{"10", "3", "6", rules.Selected}, {"2", "3", "2", rules.Selected}, {"9", "3", "2", rules.DoesNotFit},
			{"4", "2", "2", rules.DoesNotFit}, {"3", "1", "0", rules.Selected},
		}
		if !slices.Equal(got, want) {
			t.Errorf("steps\n got %v\nwant %v", got, want)
		}
	})
	t.Run("mes t1", func(t *testing.T) {
		selected := func(res *rules.Result) rules.Step {
			for _, s := range res.Steps {
				if s.Reason == rules.Selected {
					return s
				}
			}
			return rules.Step{}
		}
		res := count(t, tinyT1(), rules.MESCard, rules.Options{Explain: true})
		s := selected(res)
		if s.Project != "10" || s.Reason != rules.Selected || s.Rho != "4/3" || s.MaxPayment != "4/3" || s.Supporters != 3 || s.Payers != 3 {
			t.Errorf("first step %+v", s)
		}
		res = count(t, tinyT1(), rules.MESCost, rules.Options{Explain: true})
		if s := selected(res); s.Rho != "1/3" || s.MaxPayment != "4/3" {
			t.Errorf("cost satisfaction: ρ = q/cost; step %+v", s)
		}
		for _, s := range res.Steps {
			if s.Project == "9" && (s.Reason != rules.NotAffordableBySupporters || s.SupportersMoney != "7/3") {
				t.Errorf("9: %+v", s)
			}
		}
	})
	t.Run("add1 t4", func(t *testing.T) {
		res := count(t, tinyT4(), rules.MESCardAdd1, rules.Options{Explain: true})
		if !slices.Equal(res.Selected, []string{"B", "D", "A"}) || res.Add1K != 1 {
			t.Fatalf("got %v k=%d", res.Selected, res.Add1K)
		}
		a := res.Steps[0]
		if a.Phase != rules.PhaseAdd1 || a.K == nil || *a.K != 1 || a.Reason != rules.Add1NextInfeasible ||
			a.VoterBudget != "4" || a.OutcomeCost != "12" || a.NextCost != "20" || !slices.Equal(a.SelectedByAdd1, []string{"B", "D"}) {
			t.Errorf("add1 step %+v", a)
		}
		last := res.Steps[len(res.Steps)-1]
		if last.Phase != rules.PhaseCompletion || last.Project != "A" || last.Reason != rules.Selected {
			t.Errorf("last step %+v", last)
		}
	})
	t.Run("phragmen t4", func(t *testing.T) {
		res := count(t, tinyT4(), rules.Phragmen, rules.Options{Explain: true})
		if !slices.Equal(res.Selected, []string{"B", "D"}) {
			t.Fatalf("got %v", res.Selected)
		}
		byProject := map[string]rules.Step{}
		for _, s := range res.Steps {
			byProject[s.Project] = s
		}
		if s := byProject["C"]; s.Reason != rules.BudgetStop || s.Load != "41/9" {
			t.Errorf("C: %+v", s)
		}
		if s := byProject["A"]; s.Reason != rules.NotReached {
			t.Errorf("A: %+v", s)
		}
		if s := byProject["D"]; s.Load != "19/6" || s.Round != 2 {
			t.Errorf("D: %+v", s)
		}
	})
}

func TestAdd1Limits(t *testing.T) {
	in := tinyT4() // Cardinality Add1 needs k = 2
	_, err := rules.Count(t.Context(), in, rules.MESCardAdd1, rules.Options{MaxK: 1})
	if !errors.Is(err, rules.ErrMaxK) {
		t.Errorf("MaxK 1: %v, want ErrMaxK", err)
	}
	if _, err := rules.Count(t.Context(), in, rules.MESCardAdd1, rules.Options{MaxK: 2}); err != nil {
		t.Errorf("MaxK 2: %v", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := rules.Count(ctx, in, rules.MESCardAdd1, rules.Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	res := count(t, in, rules.MESCardAdd1, rules.Options{NoCompletion: true})
	if !slices.Equal(res.Selected, []string{"B", "D"}) {
		t.Errorf("without completion: %v", res.Selected)
	}
}

func TestPhragmenNeedsApproval(t *testing.T) {
	in := tinyT4()
	in.Points = true
	for i := range in.Ballots {
		for range in.Ballots[i].Projects {
			in.Ballots[i].Points = append(in.Ballots[i].Points, r("1"))
		}
	}
	if _, err := rules.Count(t.Context(), in, rules.Phragmen, rules.Options{}); !errors.Is(err, rules.ErrNotApproval) {
		t.Errorf("got %v", err)
	}
}
