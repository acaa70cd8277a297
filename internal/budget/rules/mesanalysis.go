package rules

import (
	"math/big"
	"slices"
)

// mesLoss is, for one MES candidate, its supporters' money when the method last looked
// at it, and how much of their money had gone to each earlier winner on a ballot with it.
type mesLoss struct {
	supporters *big.Rat
	spentOn    map[int]*big.Rat // winner (project index) → amount
}

// mesProjectLoss runs MES at per-voter budget beta the way pabutools' analytics record
// it (calculate_project_loss over the iterations of method_of_equal_shares): each round
// visits the candidates in ascending order of the last price found for them (at first
// cost / total satisfaction), drops those its supporters can no longer afford, and stops
// at the first affordable one whose last price is above the best of the round. A winner
// is recorded with the money its supporters had at the start of its round; a candidate
// dropped in a round, with the money after that round's payment (and the spending on
// that round's winner); in the last round, which selects nothing, with the money then.
// Which round drops a candidate depends on that order, so it is reproduced exactly here;
// the winners are those of MES (the scan is exact).
func (p *mesPrep) mesProjectLoss(beta *big.Rat) map[int]*mesLoss {
	r := p.newRun()
	r.explain = true // every candidate starts in the race: the scan drops the unaffordable itself
	r.start(beta)
	nc := len(p.cand)
	stale := make([]big.Rat, nc)
	for c := range nc {
		// pabutools' initial affordability: cost over total satisfaction.
		if p.sat == CostSat {
			stale[c].SetFrac64(1, p.supN[c])
		} else {
			stale[c].Quo(p.cost[c], new(big.Rat).SetInt64(p.supN[c]))
		}
	}
	spent := make([]map[int]*big.Rat, nc) // candidate → winner project → amount
	for c := range spent {
		spent[c] = map[int]*big.Rat{}
	}
	out := map[int]*mesLoss{}
	record := func(c int32, money *big.Rat) {
		l := &mesLoss{supporters: money, spentOn: map[int]*big.Rat{}}
		for w, a := range spent[c] {
			l.spentOn[w] = new(big.Rat).Set(a)
		}
		out[p.cand[c]] = l
	}
	var cur, best price
	var rho, bestRho big.Rat
	order := make([]int32, 0, nc)
	for {
		order = order[:0]
		for c := range nc {
			if r.alive[c] {
				order = append(order, int32(c))
			}
		}
		// Stable by id among equal prices (candidates are in id order).
		slices.SortStableFunc(order, func(a, b int32) int { return stale[a].Cmp(&stale[b]) })
		var dropped []int32
		win := int32(-1)
		for _, c := range order {
			if r.moneyNum(c).Cmp(r.cInt[c]) < 0 {
				r.alive[c] = false
				dropped = append(dropped, c)
				continue
			}
			if win >= 0 && stale[c].Cmp(&bestRho) > 0 {
				break
			}
			if !r.priceExact(c, &cur) {
				panic("rules: MES analysis: affordable candidate without a price")
			}
			r.rhoOf(c, &cur, &rho)
			stale[c].Set(&rho)
			if win < 0 || rho.Cmp(&bestRho) < 0 || rho.Cmp(&bestRho) == 0 && c < win {
				win = c
				bestRho.Set(&rho)
				best.r.Set(&cur.r)
				best.k = cur.k
			}
		}
		if win < 0 {
			for _, c := range dropped {
				record(c, r.money(c))
			}
			return out
		}
		record(win, r.money(win))
		co := p.coListed[win]
		before := make([]*big.Rat, len(co))
		for i, o := range co {
			before[i] = r.money(o)
		}
		r.pay(win, &best)
		for i, o := range co {
			if o != win {
				spent[o][p.cand[win]] = before[i].Sub(before[i], r.money(o))
			}
		}
		for _, c := range dropped {
			record(c, r.money(c))
		}
	}
}

// mesWithout runs MES at beta without candidate c (as if it were not on the ballots'
// list of candidates) and reports, for c:
//   - its effective support as pabutools' calculate_effective_support computes it: after
//     each round, the share (in whole percent, rounded down) of its cost that its
//     supporters could have paid at the round's price with what they had left, and at the
//     end all they had left; the largest of these;
//   - the largest cost at which it would have won: in each round it wins if its price
//     beats that round's winner's at the budgets before the payment (equal prices go to
//     the lower id), and after the last round if its supporters can afford it; with the
//     same ballots the rounds before are those of this run, so the winning costs are the
//     union of these bounds (each from 0 up), and the largest is their maximum. It is the
//     bound itself (wins) when inclusive, else strict; nil if no positive cost wins.
func (p *mesPrep) mesWithout(beta *big.Rat, c int32) (effective int, maxCost *big.Rat, maxInclusive bool) {
	r := p.newRun()
	r.start(beta)
	r.alive[c] = false
	cost := p.cost[c]
	better := func(bound *big.Rat, inclusive bool) {
		if bound == nil || bound.Sign() <= 0 {
			return
		}
		if maxCost == nil {
			maxCost, maxInclusive = bound, inclusive
		} else if x := bound.Cmp(maxCost); x > 0 || x == 0 && inclusive {
			maxCost, maxInclusive = bound, inclusive
		}
	}
	effectiveAt := func(covered *big.Rat) {
		pct := new(big.Rat).Quo(covered, cost)
		pct.Mul(pct, big.NewRat(100, 1))
		effective = max(effective, int(new(big.Int).Quo(pct.Num(), pct.Denom()).Int64()))
	}
	var cur, best price
	for round := 1; ; round++ {
		r.sortAlive()
		win := r.selectWinner(round, &cur, &best)
		if win < 0 {
			break
		}
		rho := r.rhoOf(win, &best, new(big.Rat))
		bound, beats, strictAt := r.winningCost(c, rho)
		if beats || c < win {
			better(bound, c < win || strictAt)
		}
		r.pay(win, &best)
		r.sel = append(r.sel, r.cand[win])
		// Effective support: what the supporters could give at this price, after paying.
		x := new(big.Rat).Set(rho)
		if p.sat == CostSat {
			x.Mul(x, cost)
		}
		effectiveAt(r.sumMin(c, x))
	}
	left := r.money(c)
	effectiveAt(left)
	better(left, true)
	return effective, maxCost, maxInclusive
}

// sumMin returns Σ cnt·min(budget, x) over the supporters of candidate c.
func (r *mesRun) sumMin(c int32, x *big.Rat) *big.Rat {
	r.gather(c)
	defer r.release()
	poor := r.poor[:0]
	var rich int64
	xn := new(big.Rat).Mul(x, new(big.Rat).SetInt(&r.den)) // x over the common denominator
	for _, k := range r.touched {
		if new(big.Rat).SetInt(r.classNum(k, &r.clsA)).Cmp(xn) < 0 {
			poor = append(poor, k)
		} else {
			rich += r.cnt[k]
		}
	}
	r.poor = poor[:0]
	sum := new(big.Rat).SetFrac(r.moneyOf(poor, &r.t3), &r.den)
	return sum.Add(sum, new(big.Rat).Mul(x, new(big.Rat).SetInt64(rich)))
}

// winningCost returns the largest cost at which candidate c's price would be at most rho
// with its supporters' present budgets (nil if no positive cost would do), whether below
// it the price is strictly less than rho (beats: else it only ties), and whether it is
// strictly less at the bound too (strictAt: when every supporter pays all they have).
//
// Cardinality: the price is the water level q with Σ min(b, q) = cost, so q ≤ ρ iff the
// cost is at most Σ min(b, ρ), and q < ρ below that. Cost satisfaction: the price is
// q/cost, so it is at most ρ iff g(cost) = Σ min(b, ρ·cost) − cost ≥ 0; g is concave with
// g(0) = 0, so that holds from 0 up to its positive root if g rises at first (and then
// strictly below it), only on a flat start if g starts flat, and nowhere past 0 if it falls.
// At the bound the price equals ρ, unless every supporter has less than ρ (cardinality)
// or ρ·bound (cost): then they all pay all they have, which is less.
func (r *mesRun) winningCost(c int32, rho *big.Rat) (bound *big.Rat, beats, strictAt bool) {
	maxB := r.maxBudget(c)
	if r.sat == CardinalitySat {
		return r.sumMin(c, rho), true, maxB.Cmp(rho) < 0
	}
	bound, beats = r.costSatWinningCost(c, rho)
	if bound != nil {
		strictAt = maxB.Cmp(new(big.Rat).Mul(rho, bound)) < 0
	}
	return bound, beats, strictAt
}

// maxBudget returns the largest budget among the supporters of candidate c (0 if none
// has money).
func (r *mesRun) maxBudget(c int32) *big.Rat {
	r.gather(c)
	defer r.release()
	top := int32(-1)
	for _, k := range r.touched {
		if top < 0 || r.budF[k] > r.budF[top]*(1-tol) && r.classNum(k, &r.clsA).Cmp(r.classNum(top, &r.clsB)) > 0 {
			top = k
		}
	}
	if top < 0 {
		return new(big.Rat)
	}
	return new(big.Rat).SetFrac(r.classNum(top, &r.clsA), &r.den)
}

// costSatWinningCost is winningCost's bound and beats under cost satisfaction.
func (r *mesRun) costSatWinningCost(c int32, rho *big.Rat) (bound *big.Rat, beats bool) {
	r.gather(c)
	defer r.release()
	// Budgets in ascending order; between the breakpoints b_i/ρ, g(x) = P + (ρR − 1)x with
	// P the money of the classes below and R the voters above.
	classes := slices.Clone(r.touched)
	r.sortClassesExact(classes)
	budgets := make([]*big.Rat, len(classes))
	var rich int64
	for i, k := range classes {
		budgets[i] = new(big.Rat).SetFrac(r.classNum(k, &r.clsA), &r.den)
		rich += r.cnt[k]
	}
	poor := new(big.Rat)
	start := new(big.Rat) // the segment's first cost
	for i := 0; ; i++ {
		slope := new(big.Rat).Mul(rho, new(big.Rat).SetInt64(rich))
		slope.Sub(slope, big.NewRat(1, 1))
		if i == 0 {
			beats = slope.Sign() > 0
			if slope.Sign() < 0 {
				return nil, false // g falls from the start
			}
		}
		var end *big.Rat // the segment's last cost; nil: unbounded (then the slope is −1)
		if i < len(classes) {
			end = new(big.Rat).Quo(budgets[i], rho)
		}
		if slope.Sign() < 0 {
			// The root in this segment, if g falls to 0 within it: P / (1 − ρR).
			root := new(big.Rat).Quo(poor, new(big.Rat).Neg(slope))
			if root.Cmp(start) >= 0 && (end == nil || root.Cmp(end) <= 0) {
				return root, beats
			}
		}
		poor.Add(poor, new(big.Rat).Mul(budgets[i], new(big.Rat).SetInt64(r.cnt[classes[i]])))
		rich -= r.cnt[classes[i]]
		start = end
	}
}
