package rules

import (
	"cmp"
	"math"
	"math/big"
	"slices"
	"strings"
)

// Satisfaction is the utility a supporter gets from a project under MES.
type Satisfaction int

// Satisfactions.
const (
	CostSat        Satisfaction = iota // u = cost of the project
	CardinalitySat                     // u = 1
)

// tol is the relative gap below which float shadows are not trusted and exact values decide.
const tol = 1e-6

// mesPrep is what every MES run on one instance shares: candidates, identical ballots
// grouped, and supporter lists.
type mesPrep struct {
	in  *Instance
	sat Satisfaction
	n   int64 // voters, empty ballots included

	cand  []int // candidate → project, sorted by id so a lower index wins ties
	pre   []int // cardinality: free projects with supporters, selected before round 1
	cost  []*big.Rat
	costF []float64
	supN  []int64 // supporters (voters) per candidate

	supStart []int32 // groups supporting candidate c: supG[supStart[c]:supStart[c+1]]
	supG     []int32
	gMult    []int64 // voters per group
	gStart   []int32 // candidates on group g: gItems[gStart[g]:gStart[g+1]]
	gItems   []int32

	ignored []Step // projects that can never be selected, for explanations
}

func newMESPrep(in *Instance, sat Satisfaction) *mesPrep {
	p := &mesPrep{in: in, sat: sat, n: int64(len(in.Ballots))}
	_, approvals := in.Tally()
	order := make([]int, len(in.Projects))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return strings.Compare(in.Projects[a].ID, in.Projects[b].ID) })
	candOf := make([]int32, len(in.Projects))
	for _, pr := range order {
		candOf[pr] = -1
		c := in.Projects[pr].Cost
		switch {
		case approvals[pr] == 0:
			p.ignored = append(p.ignored, Step{Phase: PhaseMES, Project: in.Projects[pr].ID, Reason: NoSupporters, Cost: FormatRat(c)})
		case c.Sign() == 0 && sat == CostSat:
			p.ignored = append(p.ignored, Step{Phase: PhaseMES, Project: in.Projects[pr].ID, Reason: ZeroCost, Cost: FormatRat(c)})
		case c.Sign() == 0:
			p.pre = append(p.pre, pr)
		default:
			candOf[pr] = int32(len(p.cand))
			p.cand = append(p.cand, pr)
			p.cost = append(p.cost, c)
			p.costF = append(p.costF, ratFloat(c))
			p.supN = append(p.supN, int64(approvals[pr]))
		}
	}

	// Group ballots by their set of candidates; only that set matters to MES.
	groups := make(map[string]int32)
	var key []byte
	var items []int32
	p.gStart = append(p.gStart, 0)
	for _, b := range in.Ballots {
		items = items[:0]
		for _, pr := range b.Projects {
			if c := candOf[pr]; c >= 0 {
				items = append(items, c)
			}
		}
		if len(items) == 0 {
			continue
		}
		slices.Sort(items)
		key = key[:0]
		for _, c := range items {
			key = append(key, byte(c), byte(c>>8), byte(c>>16), byte(c>>24))
		}
		if g, ok := groups[string(key)]; ok {
			p.gMult[g]++
			continue
		}
		groups[string(key)] = int32(len(p.gMult))
		p.gMult = append(p.gMult, 1)
		p.gItems = append(p.gItems, items...)
		p.gStart = append(p.gStart, int32(len(p.gItems)))
	}

	// Supporter groups per candidate (counting sort).
	p.supStart = make([]int32, len(p.cand)+1)
	for _, c := range p.gItems {
		p.supStart[c+1]++
	}
	for c := range p.cand {
		p.supStart[c+1] += p.supStart[c]
	}
	p.supG = make([]int32, len(p.gItems))
	fill := slices.Clone(p.supStart[:len(p.cand)])
	for g := range p.gMult {
		for _, c := range p.gItems[p.gStart[g]:p.gStart[g+1]] {
			p.supG[fill[c]] = int32(g)
			fill[c]++
		}
	}
	return p
}

// mesRun is the state of one MES run. Voters whose ballots hold the same candidates form a
// group; groups whose voters have the same budget share a budget class, because a voter's
// budget only depends on which selected projects they support. Class 0 is the empty budget.
type mesRun struct {
	*mesPrep
	explain bool

	bud   []*big.Rat // per class
	budF  []float64
	nCls  int
	gCls  []int32 // class per group
	alive []bool
	dirty []bool    // a supporter's budget changed since lastF was computed
	lastF []float64 // last ρ seen, a lower bound on the current ρ

	cnt     []int64 // scratch, per class: supporters of the candidate at hand
	remap   []int32 // scratch, per class
	touched []int32
	order   []int32

	paid, rem, kb, tmp big.Rat
	sel               []int
	spent             big.Rat
	steps             []Step
}

func (p *mesPrep) newRun() *mesRun {
	r := &mesRun{
		mesPrep: p,
		gCls:    make([]int32, len(p.gMult)),
		alive:   make([]bool, len(p.cand)),
		dirty:   make([]bool, len(p.cand)),
		lastF:   make([]float64, len(p.cand)),
	}
	return r
}

// newClass returns a fresh class, reusing Rats from earlier runs.
func (r *mesRun) newClass() int32 {
	if r.nCls == len(r.bud) {
		r.bud = append(r.bud, new(big.Rat))
		r.budF = append(r.budF, 0)
		r.cnt = append(r.cnt, 0)
		r.remap = append(r.remap, -1)
	}
	r.nCls++
	return int32(r.nCls - 1)
}

// run counts MES with every voter starting at beta. It gives up as soon as the outcome
// costs more than limit (nil: never) and then reports over.
func (r *mesRun) run(beta *big.Rat, limit *big.Rat) (over bool) {
	r.nCls = 0
	r.newClass()
	r.bud[0].SetInt64(0)
	r.budF[0] = 0
	root := r.newClass()
	r.bud[root].Set(beta)
	r.budF[root] = ratFloat(beta)
	for g := range r.gCls {
		r.gCls[g] = root
	}
	for c := range r.cand {
		r.alive[c], r.dirty[c], r.lastF[c] = true, true, 0
	}
	r.sel = append(r.sel[:0], r.pre...)
	r.spent.SetInt64(0)
	for _, pr := range r.pre {
		r.spent.Add(&r.spent, r.in.Projects[pr].Cost)
	}
	r.steps = r.steps[:0]

	var rho, q, bestRho, bestQ big.Rat
	for round := 1; ; round++ {
		r.order = r.order[:0]
		for c := range r.cand {
			if r.alive[c] {
				r.order = append(r.order, int32(c))
			}
		}
		slices.SortFunc(r.order, func(a, b int32) int {
			if x := cmp.Compare(r.lastF[a], r.lastF[b]); x != 0 {
				return x
			}
			return cmp.Compare(a, b)
		})
		best := math.Inf(1)
		for _, c := range r.order {
			if !r.explain && r.lastF[c] > best*(1+tol) {
				break // lastF only grows: nobody further can beat or tie best
			}
			if r.dirty[c] {
				r.dirty[c] = false
				f, ok := r.rhoFloat(c)
				if !ok {
					r.alive[c] = false
					if r.explain {
						r.steps = append(r.steps, Step{Phase: PhaseMES, Round: round, Project: r.in.Projects[r.cand[c]].ID,
							Reason: NotAffordableBySupporters, Cost: FormatRat(r.cost[c]), SupportersMoney: FormatRat(r.money(c)),
							Supporters: int(r.supN[c])})
					}
					continue
				}
				r.lastF[c] = f
			}
			best = min(best, r.lastF[c])
		}
		if math.IsInf(best, 1) {
			break
		}
		win := int32(-1)
		for _, c := range r.order {
			if !r.alive[c] || r.lastF[c] > best*(1+tol) {
				continue
			}
			// Exact prices for every candidate close to the best; c ascends on equal lastF
			// only, so compare ids through the candidate index explicitly.
			if !r.rhoExact(c, &rho, &q) {
				panic("rules: MES: affordable candidate has no exact price") // float and exact disagree beyond tol
			}
			if win < 0 || rho.Cmp(&bestRho) < 0 || (rho.Cmp(&bestRho) == 0 && c < win) {
				win = c
				bestRho.Set(&rho)
				bestQ.Set(&q)
			}
		}
		payers := r.pay(win, &bestQ)
		pr := r.cand[win]
		r.sel = append(r.sel, pr)
		r.spent.Add(&r.spent, r.cost[win])
		if r.explain {
			r.steps = append(r.steps, Step{Phase: PhaseMES, Round: round, Project: r.in.Projects[pr].ID, Reason: Selected,
				Cost: FormatRat(r.cost[win]), Rho: FormatRat(&bestRho), RhoApprox: ratFloat(&bestRho),
				MaxPayment: FormatRat(&bestQ), Supporters: int(r.supN[win]), Payers: int(payers)})
		}
		if limit != nil && r.spent.Cmp(limit) > 0 {
			return true
		}
	}
	if r.explain {
		r.steps = append(r.steps, r.ignored...)
	}
	return false
}

// gather fills cnt with the supporters of candidate c per class and lists the classes in
// touched. The caller clears cnt through release.
func (r *mesRun) gather(c int32) {
	r.touched = r.touched[:0]
	for _, g := range r.supG[r.supStart[c]:r.supStart[c+1]] {
		k := r.gCls[g]
		if r.cnt[k] == 0 {
			r.touched = append(r.touched, k)
		}
		r.cnt[k] += r.gMult[g]
	}
}

func (r *mesRun) release() {
	for _, k := range r.touched {
		r.cnt[k] = 0
	}
}

// money returns the exact money the supporters of c have left.
func (r *mesRun) money(c int32) *big.Rat {
	r.gather(c)
	defer r.release()
	m := new(big.Rat)
	for _, k := range r.touched {
		m.Add(m, r.tmp.Mul(r.tmp.SetInt64(r.cnt[k]), r.bud[k]))
	}
	return m
}

// rhoFloat approximates ρ of candidate c; ok is false when c is unaffordable (decided
// exactly when the float sum is close to the cost).
func (r *mesRun) rhoFloat(c int32) (rho float64, ok bool) {
	r.gather(c)
	defer r.release()
	sum := 0.0
	for _, k := range r.touched {
		sum += float64(r.cnt[k]) * r.budF[k]
	}
	cf := r.costF[c]
	if sum < cf*(1-tol) {
		return 0, false
	}
	if sum <= cf*(1+tol) {
		r.paid.SetInt64(0)
		for _, k := range r.touched {
			r.paid.Add(&r.paid, r.tmp.Mul(r.tmp.SetInt64(r.cnt[k]), r.bud[k]))
		}
		if r.paid.Cmp(r.cost[c]) < 0 {
			return 0, false
		}
	}
	slices.SortFunc(r.touched, func(a, b int32) int { return cmp.Compare(r.budF[a], r.budF[b]) })
	k := float64(r.supN[c])
	paid := 0.0
	q := r.budF[r.touched[len(r.touched)-1]]
	for _, cl := range r.touched {
		if t := (cf - paid) / k; t <= r.budF[cl] {
			q = t
			break
		}
		paid += float64(r.cnt[cl]) * r.budF[cl]
		k -= float64(r.cnt[cl])
	}
	if r.sat == CostSat {
		return q / cf, true
	}
	return q, true
}

// rhoExact sets rho to the exact price per unit of utility of candidate c and q to the
// most a supporter pays (ρ·u). It reports false if c is unaffordable.
func (r *mesRun) rhoExact(c int32, rho, q *big.Rat) bool {
	r.gather(c)
	defer r.release()
	r.sortClassesExact()
	cost := r.cost[c]
	cf := r.costF[c]
	k := r.supN[c]
	kf, paidF := float64(k), 0.0
	r.paid.SetInt64(0)
	found := false
	for _, cl := range r.touched {
		// The walk stops at the first class with (cost − paid)/k ≤ budget; floats skip the
		// exact test where it clearly fails.
		if (cf-paidF)/kf <= r.budF[cl]*(1+tol) {
			r.rem.Sub(cost, &r.paid)
			r.kb.Mul(r.tmp.SetInt64(k), r.bud[cl])
			if r.rem.Cmp(&r.kb) <= 0 {
				q.Quo(&r.rem, r.tmp.SetInt64(k))
				found = true
				break
			}
		}
		n := r.cnt[cl]
		r.paid.Add(&r.paid, r.tmp.Mul(r.tmp.SetInt64(n), r.bud[cl]))
		paidF += float64(n) * r.budF[cl]
		k -= n
		kf -= float64(n)
	}
	if !found {
		return false
	}
	if r.sat == CostSat {
		rho.Quo(q, cost)
	} else {
		rho.Set(q)
	}
	return true
}

// sortClassesExact sorts touched by exact budget: by float, then exactly within runs of
// floats too close to trust.
func (r *mesRun) sortClassesExact() {
	t := r.touched
	slices.SortFunc(t, func(a, b int32) int { return cmp.Compare(r.budF[a], r.budF[b]) })
	for i := 0; i < len(t); {
		j := i + 1
		for j < len(t) && r.budF[t[j]]-r.budF[t[j-1]] <= tol*math.Abs(r.budF[t[j]]) {
			j++
		}
		if j-i > 1 {
			slices.SortFunc(t[i:j], func(a, b int32) int { return r.bud[a].Cmp(r.bud[b]) })
		}
		i = j
	}
}

// pay charges the supporters of c: each pays q, or all it has if that is less. It returns
// how many supporters paid something.
func (r *mesRun) pay(c int32, q *big.Rat) (payers int64) {
	r.gather(c)
	qf := ratFloat(q)
	for _, k := range r.touched {
		if k == 0 {
			r.remap[0] = 0
			continue
		}
		payers += r.cnt[k]
		bf := r.budF[k]
		var empty bool
		switch {
		case bf < qf*(1-tol):
			empty = true
		case bf > qf*(1+tol):
			empty = false
		default:
			empty = r.bud[k].Cmp(q) <= 0
		}
		if empty {
			r.remap[k] = 0
			continue
		}
		nk := r.newClass()
		r.bud[nk].Sub(r.bud[k], q)
		r.budF[nk] = ratFloat(r.bud[nk])
		r.remap[k] = nk
	}
	for _, g := range r.supG[r.supStart[c]:r.supStart[c+1]] {
		r.gCls[g] = r.remap[r.gCls[g]]
		for _, o := range r.gItems[r.gStart[g]:r.gStart[g+1]] {
			r.dirty[o] = true
		}
	}
	for _, k := range r.touched {
		r.remap[k] = -1
	}
	r.release()
	r.alive[c] = false
	return payers
}

// MES counts the Method of Equal Shares (pabutools' method_of_equal_shares with binary
// satisfaction, no completion): every voter starts with budget/n; each round selects the
// affordable project with the lowest price per unit of satisfaction ρ, ties by id.
func MES(in *Instance, sat Satisfaction, explain bool) *Result {
	p := newMESPrep(in, sat)
	if p.n == 0 {
		return newResult(in, slices.Clone(p.pre))
	}
	r := p.newRun()
	r.explain = explain
	beta := new(big.Rat).SetFrac(in.Budget.Num(), new(big.Int).Mul(in.Budget.Denom(), big.NewInt(p.n)))
	r.run(beta, nil)
	res := newResult(in, slices.Clone(r.sel))
	if explain {
		res.Steps = slices.Clone(r.steps)
	}
	return res
}
