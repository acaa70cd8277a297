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
	// costDen is the lcm of the candidates' cost denominators, so that costs are integers
	// over a run's common denominator.
	costDen *big.Int

	ballotGroups

	ignored []Step // projects that can never be selected, for explanations
}

func newMESPrep(in *Instance, sat Satisfaction) *mesPrep {
	p := &mesPrep{in: in, sat: sat, n: int64(len(in.Ballots)), costDen: big.NewInt(1)}
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
			lcm(p.costDen, c.Denom())
		}
	}

	p.ballotGroups = groupBallots(in, candOf, len(p.cand))
	return p
}

// lcm sets z to lcm(z, x) for positive z and x.
func lcm(z, x *big.Int) {
	var g big.Int
	g.GCD(nil, nil, z, x)
	z.Mul(z, new(big.Int).Quo(x, &g))
}

// mesRun is the state of one MES run.
//
// Voters whose ballots hold the same candidates form a group; groups whose voters have the
// same budget share a budget class, because a voter's budget only depends on which
// selected projects they support. Class 0 is the empty budget.
//
// Exact values are integers over a common denominator D (budgets num[c]/D, costs
// cInt[c]/D), so the exact tests need no gcd: D is multiplied by the new factor a
// payment brings in, and every numerator scaled with it.
type mesRun struct {
	*mesPrep
	explain bool

	den   big.Int
	num   []*big.Int // budget numerator per class
	budF  []float64  // budget per class, approximately
	nCls  int
	cInt  []*big.Int // cost numerator per candidate
	gCls  []int32    // class per group
	alive []bool
	dirty []bool    // a supporter's budget changed since lastF was computed
	lastF []float64 // last ρ seen, a lower bound on the current ρ

	cnt     []int64 // scratch, per class: supporters of the candidate at hand
	remap   []int32 // scratch, per class
	touched []int32
	order   []int32

	t1, t2, t3 big.Int
	sel        []int
	spent      big.Rat
	steps      []Step
}

// price is what a candidate costs its supporters: r/D is shared equally by the k
// supporters who can afford their share, so each pays q = r/(k·D).
type price struct {
	r big.Int
	k int64
}

func (p *mesPrep) newRun() *mesRun {
	r := &mesRun{
		mesPrep: p,
		gCls:    make([]int32, len(p.gMult)),
		alive:   make([]bool, len(p.cand)),
		dirty:   make([]bool, len(p.cand)),
		lastF:   make([]float64, len(p.cand)),
		cInt:    make([]*big.Int, len(p.cand)),
	}
	for c := range r.cInt {
		r.cInt[c] = new(big.Int)
	}
	return r
}

// newClass returns a fresh class, reusing numerators from earlier runs.
func (r *mesRun) newClass() int32 {
	if r.nCls == len(r.num) {
		r.num = append(r.num, new(big.Int))
		r.budF = append(r.budF, 0)
		r.cnt = append(r.cnt, 0)
		r.remap = append(r.remap, -1)
	}
	r.nCls++
	return int32(r.nCls - 1)
}

// ratioF returns n/d as a float64 without building a Rat.
func (r *mesRun) ratioF(n, d *big.Int) float64 {
	const keep = 62
	nb, db := n.BitLen(), d.BitLen()
	if nb == 0 {
		return 0
	}
	x, y := &r.t1, &r.t2
	x.Rsh(n, uint(max(nb-keep, 0)))
	y.Rsh(d, uint(max(db-keep, 0)))
	return math.Ldexp(float64(x.Uint64())/float64(y.Uint64()), max(nb-keep, 0)-max(db-keep, 0))
}

// run counts MES with every voter starting at beta. It gives up as soon as the outcome
// costs more than limit (nil: never) and then reports over.
func (r *mesRun) run(beta *big.Rat, limit *big.Rat) (over bool) {
	r.den.Set(beta.Denom())
	lcm(&r.den, r.costDen)
	r.nCls = 0
	r.newClass()
	r.num[0].SetInt64(0)
	r.budF[0] = 0
	root := r.newClass()
	r.num[root].Mul(beta.Num(), r.t1.Quo(&r.den, beta.Denom()))
	r.budF[root] = ratFloat(beta)
	for c := range r.cand {
		r.cInt[c].Mul(r.cost[c].Num(), r.t1.Quo(&r.den, r.cost[c].Denom()))
		r.alive[c], r.dirty[c], r.lastF[c] = true, true, 0
	}
	for g := range r.gCls {
		r.gCls[g] = root
	}
	r.sel = append(r.sel[:0], r.pre...)
	r.spent.SetInt64(0)
	for _, pr := range r.pre {
		r.spent.Add(&r.spent, r.in.Projects[pr].Cost)
	}
	r.steps = r.steps[:0]

	var cur, best price
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
		bestF := math.Inf(1)
		for _, c := range r.order {
			if !r.explain && r.lastF[c] > bestF*(1+tol) {
				break // lastF only grows: nobody further can beat or tie the best
			}
			if r.dirty[c] {
				r.dirty[c] = false
				f, ok := r.rhoFloat(c)
				if !ok {
					r.alive[c] = false
					if r.explain {
						m := r.money(c)
						r.steps = append(r.steps, Step{Phase: PhaseMES, Round: round, Project: r.in.Projects[r.cand[c]].ID,
							Reason: NotAffordableBySupporters, Cost: FormatRat(r.cost[c]), SupportersMoney: FormatRat(m),
							SupportersMoneyApprox: ratFloat(m), Supporters: int(r.supN[c])})
					}
					continue
				}
				r.lastF[c] = f
			}
			bestF = min(bestF, r.lastF[c])
		}
		if math.IsInf(bestF, 1) {
			break
		}
		// Exact prices for every candidate close to the best; the lowest wins, then the
		// lowest index (= id).
		win := int32(-1)
		for _, c := range r.order {
			if !r.alive[c] || r.lastF[c] > bestF*(1+tol) {
				continue
			}
			if !r.priceExact(c, &cur) {
				panic("rules: MES: float and exact affordability disagree")
			}
			if win < 0 {
				win = c
				best.r.Set(&cur.r)
				best.k = cur.k
				continue
			}
			if x := r.cmpPrice(c, &cur, win, &best); x < 0 || x == 0 && c < win {
				win = c
				best.r.Set(&cur.r)
				best.k = cur.k
			}
		}
		var step Step
		if r.explain {
			q := new(big.Rat).SetFrac(&best.r, r.t1.Mul(r.t1.SetInt64(best.k), &r.den))
			rho := new(big.Rat).Set(q)
			if r.sat == CostSat {
				rho.Quo(rho, r.cost[win])
			}
			step = Step{Phase: PhaseMES, Round: round, Project: r.in.Projects[r.cand[win]].ID, Reason: Selected,
				Cost: FormatRat(r.cost[win]), Rho: FormatRat(rho), RhoApprox: ratFloat(rho),
				MaxPayment: FormatRat(q), Supporters: int(r.supN[win])}
		}
		payers := r.pay(win, &best)
		pr := r.cand[win]
		r.sel = append(r.sel, pr)
		r.spent.Add(&r.spent, r.cost[win])
		if r.explain {
			step.Payers = int(payers)
			r.steps = append(r.steps, step)
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

// cmpPrice compares the prices per unit of utility of candidates a and b.
func (r *mesRun) cmpPrice(a int32, pa *price, b int32, pb *price) int {
	// card: ρ = r/(k·D); cost: ρ = q/cost = r/(k·cInt). D cancels either way.
	x, y := &r.t1, &r.t2
	x.Mul(&pa.r, y.SetInt64(pb.k))
	z := &r.t3
	z.Mul(&pb.r, y.SetInt64(pa.k))
	if r.sat == CostSat {
		x.Mul(x, r.cInt[b])
		z.Mul(z, r.cInt[a])
	}
	return x.Cmp(z)
}

// gather fills cnt with the supporters of candidate c per class and lists the classes in
// touched. The caller clears cnt through release.
func (r *mesRun) gather(c int32) {
	r.touched = r.touched[:0]
	for _, g := range r.supporters(c) {
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

// moneyNum sets r.t3 to the numerator of the money the supporters of c have left.
func (r *mesRun) moneyNum(c int32) *big.Int {
	r.gather(c)
	defer r.release()
	m := &r.t3
	m.SetInt64(0)
	for _, k := range r.touched {
		m.Add(m, r.t2.Mul(r.t1.SetInt64(r.cnt[k]), r.num[k]))
	}
	return m
}

func (r *mesRun) money(c int32) *big.Rat { return new(big.Rat).SetFrac(r.moneyNum(c), &r.den) }

// rhoFloat approximates ρ of candidate c; ok is false when c is unaffordable (decided
// exactly when the float sum is close to the cost).
func (r *mesRun) rhoFloat(c int32) (rho float64, ok bool) {
	r.gather(c)
	sum := 0.0
	for _, k := range r.touched {
		sum += float64(r.cnt[k]) * r.budF[k]
	}
	cf := r.costF[c]
	if sum < cf*(1-tol) {
		r.release()
		return 0, false
	}
	if sum <= cf*(1+tol) {
		r.release()
		if r.moneyNum(c).Cmp(r.cInt[c]) < 0 {
			return 0, false
		}
		r.gather(c)
	}
	defer r.release()
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

// priceExact sets p to candidate c's exact price. It walks the supporters from the
// poorest: while the remaining cost split over the remaining supporters is more than the
// poorest can give, that one pays all it has. It reports false if c is unaffordable.
func (r *mesRun) priceExact(c int32, p *price) bool {
	r.gather(c)
	defer r.release()
	r.sortClassesExact()
	cf := r.costF[c]
	k := r.supN[c]
	kf, paidF := float64(k), 0.0
	rem, kb := &p.r, &r.t1
	rem.Set(r.cInt[c])
	for _, cl := range r.touched {
		// Stop at the first class with rem/k ≤ budget; floats skip the exact test where
		// it clearly fails.
		if (cf-paidF)/kf <= r.budF[cl]*(1+tol) {
			kb.Mul(r.t2.SetInt64(k), r.num[cl])
			if rem.Cmp(kb) <= 0 {
				p.k = k
				return true
			}
		}
		n := r.cnt[cl]
		rem.Sub(rem, r.t2.Mul(r.t2.SetInt64(n), r.num[cl]))
		paidF += float64(n) * r.budF[cl]
		k -= n
		kf -= float64(n)
	}
	return false
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
			slices.SortFunc(t[i:j], func(a, b int32) int { return r.num[a].Cmp(r.num[b]) })
		}
		i = j
	}
}

// pay charges the supporters of c the price p: each pays q = p.r/(p.k·D), or all it has if
// that is less. It returns how many supporters paid something.
func (r *mesRun) pay(c int32, p *price) (payers int64) {
	// Bring q over the common denominator: with g = gcd(r, k), q = (r/g) / ((k/g)·D),
	// so D grows by k/g and every numerator with it.
	g := new(big.Int).GCD(nil, nil, &p.r, big.NewInt(p.k))
	f := new(big.Int).Quo(big.NewInt(p.k), g)
	qn := new(big.Int).Quo(&p.r, g)
	if f.Cmp(big.NewInt(1)) != 0 {
		r.den.Mul(&r.den, f)
		for k := 1; k < r.nCls; k++ {
			r.num[k].Mul(r.num[k], f)
		}
		for _, x := range r.cInt {
			x.Mul(x, f)
		}
	}
	qf := r.ratioF(qn, &r.den)

	r.gather(c)
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
			empty = r.num[k].Cmp(qn) <= 0
		}
		if empty {
			r.remap[k] = 0
			continue
		}
		nk := r.newClass()
		r.num[nk].Sub(r.num[k], qn)
		r.budF[nk] = r.ratioF(r.num[nk], &r.den)
		r.remap[k] = nk
	}
	for _, g := range r.supporters(c) {
		r.gCls[g] = r.remap[r.gCls[g]]
		for _, o := range r.items(g) {
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
func MES(in *Instance, sat Satisfaction, explain bool) (*Result, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	p := newMESPrep(in, sat)
	if p.n == 0 {
		return newResult(in, slices.Clone(p.pre)), nil
	}
	r := p.newRun()
	r.explain = explain
	beta := new(big.Rat).SetFrac(in.Budget.Num(), new(big.Int).Mul(in.Budget.Denom(), big.NewInt(p.n)))
	r.run(beta, nil)
	res := newResult(in, slices.Clone(r.sel))
	if explain {
		res.Steps = slices.Clone(r.steps)
	}
	return res, nil
}
