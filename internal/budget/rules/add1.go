package rules

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"sync"
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
// not monotone in k, so every k is considered, but runs of steps with a provably unchanged
// outcome are skipped (add1Search). It fails when ctx ends or k passes MaxK.
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
		var err error
		var r *mesRun
		r, keptK, nextCost, err = p.add1Search(ctx, maxK)
		if err != nil {
			return nil, err
		}
		if keptK >= 0 {
			kept = append(kept[:0], r.sel...)
		}
		if opt.Explain && keptK >= 0 {
			kk := keptK
			beta := p.add1Beta(kk)
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
	byAdd1 := len(kept)
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
	res.add1Count = byAdd1
	res.Steps = steps
	return res, nil
}

// add1Beta returns the per-voter budget of Add1 step k: budget/n + k.
func (p *mesPrep) add1Beta(k int) *big.Rat {
	b := new(big.Rat).SetFrac(p.in.Budget.Num(), new(big.Int).Mul(p.in.Budget.Denom(), big.NewInt(p.n)))
	return b.Add(b, new(big.Rat).SetInt64(int64(k)))
}

// add1Search finds the k Add1 keeps: the first k whose outcome is exhaustive, or the one
// before the first whose outcome overspends (then nextCost is that outcome's cost so far).
// It returns a run holding the kept outcome, or keptK -1 if even k = 0 overspends.
//
// Most steps change nothing, so it does not run every k. After a step that changed
// nothing it tries to jump d steps at once: a run at k+d checked against the rounds of k
// (checkedRun) proves that every step in between has the same outcome, hence the same
// verdict (fits, not exhaustive). A jump that holds doubles d, one that cannot be proven
// halves it, down to single steps, which are run two at a time (k+1 and k+2 on two
// goroutines; the second is wasted only when the first ends the search).
func (p *mesPrep) add1Search(ctx context.Context, maxK int) (kept *mesRun, keptK int, nextCost *big.Rat, err error) {
	if err := ctx.Err(); err != nil {
		return nil, 0, nil, fmt.Errorf("rules: Add1 stopped at k = 0: %w", err)
	}
	cur := p.newRun()
	free := []*mesRun{p.newRun(), p.newRun()}
	if over := cur.run(p.add1Beta(0), p.in.Budget); over {
		return cur, -1, new(big.Rat).Set(&cur.spent), nil
	}
	// wait counts single steps to run before the next jump is tried; it doubles (backoff)
	// each time a jump of 2 fails, so elections where jumps rarely hold waste little.
	k, d, runs, wait, backoff := 0, 0, 0, 0, 1
	for !p.exhaustive(cur.sel, &cur.spent) {
		if runs++; runs&15 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, 0, nil, fmt.Errorf("rules: Add1 stopped at k = %d: %w", k, err)
			}
		}
		d = min(d, maxK-k)
		if d >= 2 {
			next := free[0]
			if _, same := next.checkedRun(p.add1Beta(k+d), nil, cur.rec[:cur.rounds], true); same {
				k += d
				free[0], cur = cur, next
				d *= 2
				backoff = 1
			} else {
				if d == 2 {
					backoff = min(2*backoff, 64)
					wait = backoff
				}
				d /= 2
			}
			continue
		}
		if k+1 > maxK {
			return nil, 0, nil, fmt.Errorf("%w (k ≤ %d)", ErrMaxK, maxK)
		}
		steps := free[:min(2, maxK-k)]
		var over [2]bool
		var wg sync.WaitGroup
		for i, r := range steps[1:] {
			wg.Go(func() { over[i+1] = r.run(p.add1Beta(k+2), p.in.Budget) })
		}
		over[0] = steps[0].run(p.add1Beta(k+1), p.in.Budget)
		wg.Wait()
		for i, r := range steps {
			if over[i] {
				return cur, k, new(big.Rat).Set(&r.spent), nil
			}
			k++
			unchanged := slices.Equal(r.sel, cur.sel)
			free[i], cur = cur, r
			if p.exhaustive(cur.sel, &cur.spent) {
				return cur, k, nil, nil
			}
			if wait--; unchanged && wait <= 0 {
				d = 2
			}
		}
	}
	return cur, k, nil, nil
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
