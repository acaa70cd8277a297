package rules

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"slices"
)

// Add1Options tune MESAdd1.
type Add1Options struct {
	// Completion runs greedy by votes/points on what is left after Add1 (pabutools'
	// completion_by_rule_combination); without it the Add1 outcome is returned as is.
	Completion bool
	// MaxK bounds the steps; 0 means DefaultMaxK.
	MaxK    int
	Explain bool
}

// ErrMaxK says Add1 found no outcome within Options.MaxK steps.
var ErrMaxK = errors.New("rules: Add1: step limit reached")

// MESAdd1 counts MES with the Add1 heuristic: for k = 0, 1, 2, … it reruns MES with every
// voter starting at budget/n + k, and keeps the last outcome that fits the budget, stopping
// as soon as an outcome is exhaustive (no other candidate fits in what is left). The test is
// not monotone in k, so k is scanned linearly. It fails when ctx ends or k passes MaxK.
func MESAdd1(ctx context.Context, in *Instance, sat Satisfaction, opt Add1Options) (*Result, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	p := newMESPrep(in, sat)
	maxK := opt.MaxK
	if maxK <= 0 {
		maxK = DefaultMaxK
	}
	kept := slices.Clone(p.pre)
	keptK := -1
	var nextCost *big.Rat
	var steps []Step
	if p.n > 0 {
		r := p.newRun()
		base := new(big.Rat).SetFrac(in.Budget.Num(), new(big.Int).Mul(in.Budget.Denom(), big.NewInt(p.n)))
		beta := new(big.Rat)
		one := big.NewRat(1, 1)
		beta.Set(base)
		for k := 0; ; k++ {
			if k > maxK {
				return nil, fmt.Errorf("%w (k ≤ %d)", ErrMaxK, maxK)
			}
			if k&15 == 0 {
				if err := ctx.Err(); err != nil {
					return nil, fmt.Errorf("rules: Add1 stopped at k = %d: %w", k, err)
				}
			}
			if over := r.run(beta, in.Budget); over {
				nextCost = new(big.Rat).Set(&r.spent) // partial: it already exceeds the budget
				break
			}
			kept = append(kept[:0], r.sel...)
			keptK = k
			if p.exhaustive(r.sel, &r.spent) {
				break
			}
			beta.Add(beta, one)
		}
		if opt.Explain && keptK >= 0 {
			kk := keptK
			beta.Add(base, new(big.Rat).SetInt64(int64(kk)))
			reason := Add1Exhaustive
			if nextCost != nil {
				reason = Add1NextInfeasible
			}
			st := Step{Phase: PhaseAdd1, Reason: reason, K: &kk, VoterBudget: FormatRat(beta),
				OutcomeCost: FormatRat(in.sumCost(kept)), SelectedByAdd1: in.ids(kept)}
			if nextCost != nil {
				st.NextCost = FormatRat(nextCost)
			}
			r.explain = true
			r.run(beta, nil)
			steps = append(steps, st)
			steps = append(steps, r.steps...)
		}
	}
	if opt.Completion {
		exclude := make([]bool, len(in.Projects))
		for _, pr := range kept {
			exclude[pr] = true
		}
		remaining := new(big.Rat).Sub(in.Budget, in.sumCost(kept))
		scores, _ := in.Tally()
		more, cs := greedyWalk(in, GreedyOptions{Explain: opt.Explain}, scores, exclude, remaining, PhaseCompletion)
		kept = append(kept, more...)
		steps = append(steps, cs...)
	}
	res := newResult(in, kept)
	res.Add1K = keptK
	res.Steps = steps
	return res, nil
}

// exhaustive reports whether no candidate outside sel fits in what spent leaves.
func (p *mesPrep) exhaustive(sel []int, spent *big.Rat) bool {
	in := p.in
	left := new(big.Rat).Sub(in.Budget, spent)
	chosen := make(map[int]bool, len(sel))
	for _, pr := range sel {
		chosen[pr] = true
	}
	for c, pr := range p.cand {
		if !chosen[pr] && p.cost[c].Cmp(left) <= 0 {
			return false
		}
	}
	return true
}
