package rules

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"time"
)

// Analysis explains an outcome: for each project whether it won, how close it came and
// where its supporters' money went, and how the outcome serves the voters.
type Analysis struct {
	Rule         Rule
	Result       *Result
	Projects     []ProjectAnalysis // in Instance.Projects order
	Satisfaction VoterSatisfaction
	// MESBudget is the per-voter budget of the Equal Shares run the effective supports and
	// losses describe (budget/n, or budget/n + k for Add1); nil for the other rules.
	MESBudget *big.Rat
	// NotComputed lists the losing projects whose MaxWinningCost was not found before
	// AnalysisOptions.CostDeadline (their MaxWinningCost is nil for that reason).
	NotComputed []int
}

// ProjectAnalysis is one project's part of an Analysis.
type ProjectAnalysis struct {
	Selected bool
	// Completion is set for a project the Add1 rules added by greedy completion.
	Completion bool
	// EffectiveSupport (Equal Shares only; nil for a project MES does not consider: no
	// supporters, or free under cost satisfaction): pabutools' effective support, the
	// largest share, in whole percent rounded down, of its cost that its supporters could
	// have paid at the price of a round, in the run without it; at least 100 for a winner.
	EffectiveSupport *int
	// Loss (Equal Shares only, nil as above): its supporters' money when the method last
	// considered it and what they had paid for earlier winners (pabutools'
	// calculate_project_loss).
	Loss *ProjectLoss
	// MaxWinningCost (losing projects): the largest cost, in whole grosze (0.01), at which
	// it would have won with the same ballots, everything else unchanged; a recount at that
	// cost selects it and one grosz more does not. Nil if no positive cost wins, and for
	// winners.
	MaxWinningCost *big.Rat
}

// ProjectLoss is where a project's supporters' money went.
type ProjectLoss struct {
	SupportersBudget *big.Rat
	SpentOn          map[string]*big.Rat // winner id → amount
}

// AnalysisOptions add what the ballots do not say.
type AnalysisOptions struct {
	Options // as for Count
	// Categories lists each project's categories (indexed like Instance.Projects), for
	// the proportionality by category; nil if unknown.
	Categories [][]string
	// VoterGroups gives each ballot's district (or other group of voters), for the
	// satisfaction by district; nil if unknown, "" for a ballot without one.
	VoterGroups []string
	// CostDeadline, if set, is when to stop looking for winning costs that need recounts
	// (rules without a closed form, Add1 above all: each recount is a whole Add1 search);
	// the projects left are listed in Analysis.NotComputed.
	CostDeadline time.Time
}

// Analyze counts in with rule and explains the outcome.
func Analyze(ctx context.Context, in *Instance, rule Rule, opt AnalysisOptions) (*Analysis, error) {
	if opt.Categories != nil && len(opt.Categories) != len(in.Projects) {
		return nil, fmt.Errorf("rules: %d category lists for %d projects", len(opt.Categories), len(in.Projects))
	}
	if opt.VoterGroups != nil && len(opt.VoterGroups) != len(in.Ballots) {
		return nil, fmt.Errorf("rules: %d voter groups for %d ballots", len(opt.VoterGroups), len(in.Ballots))
	}
	res, err := Count(ctx, in, rule, opt.Options)
	if err != nil {
		return nil, err
	}
	a := &Analysis{Rule: rule, Result: res, Projects: make([]ProjectAnalysis, len(in.Projects))}
	for _, p := range res.Indices {
		a.Projects[p].Selected = true
	}
	if res.add1Count >= 0 {
		for _, p := range res.Indices[res.add1Count:] {
			a.Projects[p].Completion = true
		}
	}
	known := make([]bool, len(in.Projects))     // MaxWinningCost found in closed form
	guess := make([]*big.Rat, len(in.Projects)) // a likely MaxWinningCost, to check first
	if sat, ok := mesSatisfaction(rule); ok && len(in.Ballots) > 0 {
		prep := newMESPrep(in, sat)
		k := 0
		if res.Add1K > 0 {
			k = res.Add1K
		}
		beta := prep.add1Beta(k)
		a.MESBudget = beta
		losses := prep.mesProjectLoss(beta)
		for p, l := range losses {
			pl := &ProjectLoss{SupportersBudget: l.supporters, SpentOn: map[string]*big.Rat{}}
			for w, x := range l.spentOn {
				pl.SpentOn[in.Projects[w].ID] = x
			}
			a.Projects[p].Loss = pl
		}
		for c, pr := range prep.cand {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("rules: analysis: %w", err)
			}
			eff, bound, inclusive := prep.mesWithout(beta, int32(c))
			if a.Projects[pr].Selected && !a.Projects[pr].Completion {
				// As the reference reports winners. Its measure takes the budgets after
				// each round's payment, so a winner can come out just under 100.
				eff = max(eff, 100)
			}
			a.Projects[pr].EffectiveSupport = &eff
			switch {
			case a.Projects[pr].Selected:
			case rule == MESCost || rule == MESCard:
				a.Projects[pr].MaxWinningCost = groszBelow(bound, inclusive)
				known[pr] = true
			default:
				// Add1: the winning cost of the Equal Shares run at the budget kept is
				// usually that of the rule too; bisection starts by checking it.
				guess[pr] = groszBelow(bound, inclusive)
			}
		}
	}
	if err := a.maxWinningCosts(ctx, in, rule, opt, known, guess); err != nil {
		return nil, err
	}
	a.Satisfaction = satisfaction(in, res.Indices, opt.Categories, opt.VoterGroups)
	return a, nil
}

// mesSatisfaction returns the satisfaction of an Equal Shares rule.
func mesSatisfaction(rule Rule) (Satisfaction, bool) {
	switch rule {
	case MESCost, MESCostAdd1:
		return CostSat, true
	case MESCard, MESCardAdd1:
		return CardinalitySat, true
	}
	return 0, false
}

// groszBelow returns the largest multiple of a grosz that is at most bound (inclusive) or
// below it; nil if that is not positive.
func groszBelow(bound *big.Rat, inclusive bool) *big.Rat {
	if bound == nil {
		return nil
	}
	x := new(big.Rat).Mul(bound, big.NewRat(100, 1))
	n := new(big.Int).Quo(x.Num(), x.Denom()) // floor, x ≥ 0
	if !inclusive && x.IsInt() {
		n.Sub(n, big.NewInt(1))
	}
	if n.Sign() <= 0 {
		return nil
	}
	return new(big.Rat).SetFrac(n, big.NewInt(100))
}

// maxWinningCosts fills MaxWinningCost for the losing projects not known: greedy by votes
// or points directly (a project keeps its place in the order whatever it costs, so it
// wins iff it fits in what is left when its turn comes), the others (projects of plain
// MES only when it does not consider them, e.g. free ones) by bisection on whole grosze
// between one grosz and its cost, recounting at each step; the bisection ends on a cost
// that wins next to one that loses.
func (a *Analysis) maxWinningCosts(ctx context.Context, in *Instance, rule Rule, opt AnalysisOptions, known []bool, guess []*big.Rat) error {
	if rule == Greedy && opt.Scores == nil && !opt.FileOrder {
		a.greedyWinningCosts(in)
		return nil
	}
	for p := range in.Projects {
		if a.Projects[p].Selected || known[p] {
			continue
		}
		if !opt.CostDeadline.IsZero() && time.Now().After(opt.CostDeadline) {
			a.NotComputed = append(a.NotComputed, p)
			continue
		}
		c, err := bisectWinningCost(ctx, in, rule, opt.Options, p, guess[p])
		if err != nil {
			return err
		}
		a.Projects[p].MaxWinningCost = c
	}
	return nil
}

// greedyWinningCosts: the walk up to a losing project's turn does not depend on its cost.
func (a *Analysis) greedyWinningCosts(in *Instance) {
	scores, _ := in.Tally()
	keys := greedyKeys(in, GreedyOptions{}, scores)
	order := make([]int, len(in.Projects))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(x, y int) int {
		if c := keys[y].cmp(keys[x]); c != 0 {
			return c
		}
		return compareIDs(in, x, y)
	})
	remaining := new(big.Rat).Set(in.Budget)
	for _, p := range order {
		c := in.Projects[p].Cost
		if c.Cmp(remaining) <= 0 {
			remaining.Sub(remaining, c)
			continue
		}
		a.Projects[p].MaxWinningCost = groszBelow(remaining, true)
	}
}

func compareIDs(in *Instance, x, y int) int {
	switch a, b := in.Projects[x].ID, in.Projects[y].ID; {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// bisectWinningCost finds, for losing project p, a cost in whole grosze at which it wins
// with one grosz more losing, searching between one grosz and its present cost (where it
// loses; for a free project, one grosz above the budget, where nothing can win); nil if
// it does not win at one grosz. A guess (nil: none) is tried first, and narrows the
// search if it is not the answer.
func bisectWinningCost(ctx context.Context, in *Instance, rule Rule, opt Options, p int, guess *big.Rat) (*big.Rat, error) {
	hiCost := new(big.Rat).Mul(in.Projects[p].Cost, big.NewRat(100, 1))
	lo := big.NewInt(1)
	if hiCost.Cmp(new(big.Rat).SetInt(lo)) <= 0 {
		hiCost.Mul(in.Budget, big.NewRat(100, 1))
		hiCost.Add(hiCost, big.NewRat(1, 1))
	}
	hi := new(big.Int).Quo(hiCost.Num(), hiCost.Denom()) // in grosze, rounded up below
	if !hiCost.IsInt() {
		hi.Add(hi, big.NewInt(1))
	}
	wins := func(grosze *big.Int) (bool, error) {
		return winsAt(ctx, in, rule, opt, p, new(big.Rat).SetFrac(grosze, big.NewInt(100)))
	}
	if g := toGrosze(guess); g != nil && g.Cmp(lo) > 0 && g.Cmp(hi) < 0 {
		w, err := wins(g)
		if err != nil {
			return nil, err
		}
		if w {
			next := new(big.Int).Add(g, big.NewInt(1))
			if w, err = wins(next); err != nil {
				return nil, err
			} else if !w {
				return guess, nil
			}
			lo = next // wins there too: the answer is above
		} else {
			hi = g
		}
	}
	ok, err := wins(lo)
	if err != nil || !ok {
		return nil, err
	}
	// wins(lo), and hi loses (it is the project's cost, rounded up to a grosz: recount it
	// when rounded, to keep the invariant true).
	if !hiCost.IsInt() {
		if w, err := wins(hi); err != nil {
			return nil, err
		} else if w {
			return nil, errors.New("rules: winning cost: wins above its cost")
		}
	}
	mid := new(big.Int)
	for new(big.Int).Sub(hi, lo).Cmp(big.NewInt(1)) > 0 {
		mid.Add(lo, hi).Rsh(mid, 1)
		w, err := wins(mid)
		if err != nil {
			return nil, err
		}
		if w {
			lo.Set(mid)
		} else {
			hi.Set(mid)
		}
	}
	return new(big.Rat).SetFrac(lo, big.NewInt(100)), nil
}

// toGrosze returns c (a multiple of a grosz) in grosze; nil for nil.
func toGrosze(c *big.Rat) *big.Int {
	if c == nil {
		return nil
	}
	x := new(big.Rat).Mul(c, big.NewRat(100, 1))
	return new(big.Int).Quo(x.Num(), x.Denom())
}

// winsAt recounts with project p at cost c and reports whether it is selected.
func winsAt(ctx context.Context, in *Instance, rule Rule, opt Options, p int, c *big.Rat) (bool, error) {
	alt := *in
	alt.Projects = slices.Clone(in.Projects)
	alt.Projects[p].Cost = c
	res, err := Count(ctx, &alt, rule, opt)
	if err != nil {
		return false, err
	}
	return slices.Contains(res.Indices, p), nil
}
