package rules_test

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/civitas-city/civitas/internal/budget/rules"
)

// randomInstance builds a small election with many ties: small integer costs, ids that
// sort differently as strings and numbers, few voters.
func randomInstance(rng *rand.Rand) *rules.Instance {
	idPool := []string{"1", "10", "2", "9", "c11", "c2", "a", "B", "Ł", "x/1"}
	m := 1 + rng.IntN(8)
	ids := slices.Clone(idPool)
	rng.Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
	in := &rules.Instance{Budget: big.NewRat(int64(1+rng.IntN(30)), int64(1+rng.IntN(2))), Points: rng.IntN(3) == 0}
	for i := range m {
		cost := int64(1 + rng.IntN(10))
		if rng.IntN(15) == 0 {
			cost = 0
		}
		in.Projects = append(in.Projects, rules.Project{ID: ids[i], Cost: big.NewRat(cost, int64(1+rng.IntN(2)))})
	}
	n := rng.IntN(12)
	for range n {
		var b rules.Ballot
		for p := range m {
			if rng.IntN(3) == 0 {
				b.Projects = append(b.Projects, p)
				if in.Points {
					b.Points = append(b.Points, big.NewRat(int64(rng.IntN(4)), 1))
				}
			}
		}
		if in.Points && b.Points == nil {
			b.Points = []*big.Rat{}
		}
		in.Ballots = append(in.Ballots, b)
	}
	return in
}

// naiveMES is MES as docs/pb-rules.md §3.3 describes it, one Rat budget per voter.
func naiveMES(in *rules.Instance, card bool, beta *big.Rat) []int {
	n := len(in.Ballots)
	budget := make([]*big.Rat, n)
	for v := range budget {
		budget[v] = new(big.Rat).Set(beta)
	}
	sup := make([][]int, len(in.Projects))
	for v, b := range in.Ballots {
		for _, p := range b.Projects {
			sup[p] = append(sup[p], v)
		}
	}
	byID := make([]int, len(in.Projects))
	for i := range byID {
		byID[i] = i
	}
	sort.Slice(byID, func(i, j int) bool { return in.Projects[byID[i]].ID < in.Projects[byID[j]].ID })
	var sel, remaining []int
	for _, p := range byID {
		c := in.Projects[p].Cost
		switch {
		case len(sup[p]) == 0:
		case c.Sign() == 0 && card:
			sel = append(sel, p)
		case c.Sign() > 0:
			remaining = append(remaining, p)
		}
	}
	for {
		best, bestRho := -1, new(big.Rat)
		var keep []int
		for _, p := range remaining {
			c := in.Projects[p].Cost
			u := big.NewRat(1, 1)
			if !card {
				u = c
			}
			sum := new(big.Rat)
			for _, v := range sup[p] {
				sum.Add(sum, budget[v])
			}
			if sum.Cmp(c) < 0 {
				continue
			}
			keep = append(keep, p)
			s := slices.Clone(sup[p])
			sort.Slice(s, func(i, j int) bool { return budget[s[i]].Cmp(budget[s[j]]) < 0 })
			paid, k := new(big.Rat), len(s)
			var rho *big.Rat
			for _, v := range s {
				t := new(big.Rat).Sub(c, paid)
				t.Quo(t, new(big.Rat).Mul(big.NewRat(int64(k), 1), u))
				if new(big.Rat).Mul(t, u).Cmp(budget[v]) <= 0 {
					rho = t
					break
				}
				paid.Add(paid, budget[v])
				k--
			}
			if best < 0 || rho.Cmp(bestRho) < 0 {
				best, bestRho = p, rho
			}
		}
		remaining = keep
		if best < 0 {
			return sel
		}
		u := big.NewRat(1, 1)
		if !card {
			u = in.Projects[best].Cost
		}
		q := new(big.Rat).Mul(bestRho, u)
		for _, v := range sup[best] {
			if budget[v].Cmp(q) <= 0 {
				budget[v].SetInt64(0)
			} else {
				budget[v].Sub(budget[v], q)
			}
		}
		sel = append(sel, best)
		remaining = slices.DeleteFunc(remaining, func(p int) bool { return p == best })
	}
}

func costOf(in *rules.Instance, sel []int) *big.Rat {
	t := new(big.Rat)
	for _, p := range sel {
		t.Add(t, in.Projects[p].Cost)
	}
	return t
}

// naiveAdd1 is §3.4: Add1 then greedy-by-votes completion.
func naiveAdd1(in *rules.Instance, card bool) []int {
	if len(in.Ballots) == 0 {
		return naiveGreedyFrom(in, naiveMES(in, card, new(big.Rat)))
	}
	base := new(big.Rat).Quo(in.Budget, big.NewRat(int64(len(in.Ballots)), 1))
	var prev []int
	for k := 0; ; k++ {
		o := naiveMES(in, card, new(big.Rat).Add(base, big.NewRat(int64(k), 1)))
		cost := costOf(in, o)
		if cost.Cmp(in.Budget) > 0 {
			return naiveGreedyFrom(in, prev)
		}
		exhaustive := true
		_, approvals := in.Tally()
		for p, pr := range in.Projects {
			if approvals[p] > 0 && pr.Cost.Sign() > 0 && !slices.Contains(o, p) && new(big.Rat).Add(cost, pr.Cost).Cmp(in.Budget) <= 0 {
				exhaustive = false
			}
		}
		if exhaustive {
			return naiveGreedyFrom(in, o)
		}
		prev = o
	}
}

// naiveGreedyFrom completes sel with greedy by votes/points (§3.1).
func naiveGreedyFrom(in *rules.Instance, sel []int) []int {
	scores, _ := in.Tally()
	var rest []int
	for p := range in.Projects {
		if !slices.Contains(sel, p) {
			rest = append(rest, p)
		}
	}
	density := func(p int) *big.Rat {
		if scores[p].Sign() <= 0 || in.Projects[p].Cost.Sign() == 0 {
			return new(big.Rat)
		}
		return scores[p]
	}
	sort.SliceStable(rest, func(i, j int) bool {
		if c := density(rest[i]).Cmp(density(rest[j])); c != 0 {
			return c > 0
		}
		return in.Projects[rest[i]].ID < in.Projects[rest[j]].ID
	})
	left := new(big.Rat).Sub(in.Budget, costOf(in, sel))
	out := slices.Clone(sel)
	for _, p := range rest {
		if in.Projects[p].Cost.Cmp(left) <= 0 {
			out = append(out, p)
			left.Sub(left, in.Projects[p].Cost)
		}
	}
	return out
}

// naivePhragmen is §3.5 with one load per voter.
func naivePhragmen(in *rules.Instance) []int {
	load := make([]*big.Rat, len(in.Ballots))
	for v := range load {
		load[v] = new(big.Rat)
	}
	sup := make([][]int, len(in.Projects))
	for v, b := range in.Ballots {
		for _, p := range b.Projects {
			sup[p] = append(sup[p], v)
		}
	}
	var cand, sel []int
	for p, pr := range in.Projects {
		if pr.Cost.Cmp(in.Budget) <= 0 {
			cand = append(cand, p)
		}
	}
	sort.Slice(cand, func(i, j int) bool { return in.Projects[cand[i]].ID < in.Projects[cand[j]].ID })
	spent := new(big.Rat)
	for len(cand) > 0 {
		var best *big.Rat
		var tie []int
		for _, p := range cand {
			if len(sup[p]) == 0 {
				continue
			}
			l := new(big.Rat).Set(in.Projects[p].Cost)
			for _, v := range sup[p] {
				l.Add(l, load[v])
			}
			l.Quo(l, big.NewRat(int64(len(sup[p])), 1))
			if best == nil || l.Cmp(best) < 0 {
				best, tie = l, []int{p}
			} else if l.Cmp(best) == 0 {
				tie = append(tie, p)
			}
		}
		if best == nil {
			tie = cand
		}
		for _, p := range tie {
			if new(big.Rat).Add(spent, in.Projects[p].Cost).Cmp(in.Budget) > 0 {
				cand = nil
			}
		}
		if cand == nil {
			break
		}
		w := tie[0]
		sel = append(sel, w)
		spent.Add(spent, in.Projects[w].Cost)
		for _, v := range sup[w] {
			load[v] = best
		}
		cand = slices.DeleteFunc(cand, func(p int) bool { return p == w })
	}
	sort.Slice(sel, func(i, j int) bool { return in.Projects[sel[i]].ID < in.Projects[sel[j]].ID })
	return sel
}

func ids(in *rules.Instance, sel []int) []string {
	out := []string{}
	for _, p := range sel {
		out = append(out, in.Projects[p].ID)
	}
	return out
}

func describe(in *rules.Instance) string {
	var b strings.Builder
	fmt.Fprintf(&b, "budget %s points %v\n", in.Budget.RatString(), in.Points)
	for _, p := range in.Projects {
		fmt.Fprintf(&b, "  %q cost %s\n", p.ID, p.Cost.RatString())
	}
	for _, bl := range in.Ballots {
		fmt.Fprintf(&b, "  ballot %v %v\n", ids(in, bl.Projects), bl.Points)
	}
	return b.String()
}

func count(t *testing.T, in *rules.Instance, r rules.Rule, opt rules.Options) *rules.Result {
	t.Helper()
	res, err := rules.Count(t.Context(), in, r, opt)
	if err != nil {
		t.Fatalf("%s: %v\n%s", r, err, describe(in))
	}
	return res
}

func emptyIfNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// TestRulesMatchNaive compares MES, Add1 and Phragmén with the plain implementations above
// on random small instances full of ties.
func TestRulesMatchNaive(t *testing.T) {
	for seed := range uint64(3000) {
		rng := rand.New(rand.NewPCG(seed, 42))
		in := randomInstance(rng)
		check := func(r rules.Rule, want []int) {
			t.Helper()
			got := count(t, in, r, rules.Options{})
			if !slices.Equal(emptyIfNil(got.Selected), ids(in, want)) {
				t.Fatalf("seed %d %s: got %v, want %v\n%s", seed, r, got.Selected, ids(in, want), describe(in))
			}
		}
		var beta *big.Rat
		if len(in.Ballots) > 0 {
			beta = new(big.Rat).Quo(in.Budget, big.NewRat(int64(len(in.Ballots)), 1))
		} else {
			beta = new(big.Rat)
		}
		check(rules.MESCost, naiveMES(in, false, beta))
		check(rules.MESCard, naiveMES(in, true, beta))
		check(rules.MESCostAdd1, naiveAdd1(in, false))
		check(rules.MESCardAdd1, naiveAdd1(in, true))
		if !in.Points {
			check(rules.Phragmen, naivePhragmen(in))
		}
	}
}

func TestRuleProperties(t *testing.T) {
	for seed := range uint64(1000) {
		rng := rand.New(rand.NewPCG(seed, 7))
		in := randomInstance(rng)
		shuffled := *in
		shuffled.Ballots = slices.Clone(in.Ballots)
		rng.Shuffle(len(shuffled.Ballots), func(i, j int) {
			shuffled.Ballots[i], shuffled.Ballots[j] = shuffled.Ballots[j], shuffled.Ballots[i]
		})
		for _, r := range rules.AllRules {
			if r == rules.Phragmen && in.Points {
				continue
			}
			opt := rules.Options{Threshold: big.NewRat(int64(rng.IntN(4)), 1)}
			res := count(t, in, r, opt)
			if res.TotalCost.Cmp(in.Budget) > 0 {
				t.Fatalf("seed %d %s: total %s over the budget %s", seed, r, res.TotalCost.RatString(), in.Budget.RatString())
			}
			if res.TotalCost.Cmp(costOf(in, res.Indices)) != 0 || !slices.Equal(res.Selected, ids(in, res.Indices)) {
				t.Fatalf("seed %d %s: Selected, Indices and TotalCost disagree", seed, r)
			}
			if r == rules.Greedy || r == rules.GreedyRatio || r == rules.MESCostAdd1 || r == rules.MESCardAdd1 {
				left := new(big.Rat).Sub(in.Budget, res.TotalCost)
				for p, pr := range in.Projects {
					if !slices.Contains(res.Indices, p) && pr.Cost.Cmp(left) <= 0 {
						t.Fatalf("seed %d %s: %q (cost %s) fits in the %s left\n%s", seed, r, pr.ID, pr.Cost.RatString(), left.RatString(), describe(in))
					}
				}
			}
			if got := count(t, &shuffled, r, opt); !slices.Equal(got.Selected, res.Selected) {
				t.Fatalf("seed %d %s: shuffling ballots changed %v into %v", seed, r, res.Selected, got.Selected)
			}
			opt.Explain = true
			if got := count(t, in, r, opt); !slices.Equal(got.Selected, res.Selected) {
				t.Fatalf("seed %d %s: explaining changed %v into %v", seed, r, res.Selected, got.Selected)
			}
		}
	}
}

// TestProjectOrderIrrelevant: pabutools breaks ties by id, so the order of the projects in
// the instance must not matter.
func TestProjectOrderIrrelevant(t *testing.T) {
	for seed := range uint64(500) {
		rng := rand.New(rand.NewPCG(seed, 9))
		in := randomInstance(rng)
		perm := rng.Perm(len(in.Projects))
		moved := &rules.Instance{Budget: in.Budget, Points: in.Points, Projects: make([]rules.Project, len(in.Projects))}
		for old, nw := range perm {
			moved.Projects[nw] = in.Projects[old]
		}
		for _, b := range in.Ballots {
			nb := rules.Ballot{Points: b.Points}
			for _, p := range b.Projects {
				nb.Projects = append(nb.Projects, perm[p])
			}
			moved.Ballots = append(moved.Ballots, nb)
		}
		for _, r := range rules.AllRules {
			if r == rules.Phragmen && in.Points {
				continue
			}
			a, b := count(t, in, r, rules.Options{}), count(t, moved, r, rules.Options{})
			if !slices.Equal(a.Selected, b.Selected) {
				t.Fatalf("seed %d %s: %v, after moving projects %v", seed, r, a.Selected, b.Selected)
			}
		}
	}
}

// TestAdd1SkipsMatchNaive checks Add1 where it takes many steps: costs and budget in
// hundreds of units per voter, so that add1Search's jumps over unchanged steps are
// exercised against the plain scan of naiveAdd1.
func TestAdd1SkipsMatchNaive(t *testing.T) {
	for seed := range uint64(400) {
		rng := rand.New(rand.NewPCG(seed, 99))
		in := randomInstance(rng)
		scale := big.NewRat(int64(50+rng.IntN(300)), 1)
		in.Budget = new(big.Rat).Mul(in.Budget, scale)
		for i := range in.Projects {
			in.Projects[i].Cost = new(big.Rat).Mul(in.Projects[i].Cost, scale)
		}
		for _, tc := range []struct {
			rule rules.Rule
			card bool
		}{{rules.MESCostAdd1, false}, {rules.MESCardAdd1, true}} {
			got := count(t, in, tc.rule, rules.Options{})
			if want := ids(in, naiveAdd1(in, tc.card)); !slices.Equal(emptyIfNil(got.Selected), want) {
				t.Fatalf("seed %d %s: got %v, want %v\n%s", seed, tc.rule, got.Selected, want, describe(in))
			}
		}
	}
}
