package rules

import (
	"cmp"
	"math"
	"math/big"
	"math/bits"
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
	// coListed lists, per candidate, the candidates on a ballot with it: those whose
	// supporters' money changes when it is paid for.
	coListed [][]int32

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
	nc := len(p.cand)
	seen := make([]bool, nc*nc)
	p.coListed = make([][]int32, nc)
	for g := range p.gMult {
		items := p.items(int32(g))
		for _, a := range items {
			for _, b := range items {
				if !seen[int(a)*nc+int(b)] {
					seen[int(a)*nc+int(b)] = true
					p.coListed[a] = append(p.coListed[a], b)
				}
			}
		}
	}
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
// A class's exact budget is not stored: it is β minus the shares q_t of the payments t
// in which its voters paid a full share (the others left them at 0, class 0), kept as a
// bit set per class. So a payment costs no exact arithmetic per class, and the money of
// many classes is Σ cnt·β − Σ_t C_t·q_t with integer counts C_t. Exact values are
// integers over a common denominator D (β as betaNum/D, q_t as qNum(t)/D, costs
// cInt[c]/D), so exact tests need no gcd: D is multiplied by the new factor a payment
// brings in; cost and β numerators are scaled with it at once, the shares when next used.
type mesRun struct {
	*mesPrep
	explain bool

	den     big.Int
	factors []uint64 // D = D₀ · factors[0] · factors[1] ⋯
	betaNum big.Int
	betaF   float64
	qRaw    []*big.Int // share numerator per payment, over D as it was after qEp factors
	qEp     []int32
	nPay    int
	payCnt  []int64   // scratch, per payment: the C_t of moneyOf
	words   int       // bit-set words per class
	paid    []uint64  // per class, words bits: the payments in which it paid a full share
	budF    []float64 // budget per class, approximately
	ref     []int32   // groups per class (class 0 not kept up to date)
	freeCls []int32   // classes without groups, for reuse
	nCls    int
	cInt    []*big.Int // cost numerator per candidate
	gCls    []int32    // class per group
	alive   []bool
	dirty   []bool    // a supporter's budget changed since lastF was computed
	lastF   []float64 // last ρ seen, a lower bound on the current ρ

	// sup is supG with the groups at 0 dropped as met: candidate c's are
	// sup[supStart[c]:supEnd[c]].
	sup    []int32
	supEnd []int32

	cnt []int64 // scratch, per class: supporters of the candidate at hand
	gk  int64   // voters with money among those gathered

	// A candidate priced in a round is usually priced exactly and paid for next, with
	// the same classes: its gathered classes and float water level are kept until the
	// next payment (epoch) changes them.
	epoch int
	kept  []gathered
	// budG is each group's budget, approximately (budF of its class), beside its voters:
	// the float pass over a candidate's supporters reads it straight, without gathering
	// classes.
	budG []groupBudget

	remap   []int32 // scratch, per class
	touched []int32
	order   []int32 // candidates taken from heap this round
	heap    []int32
	work    []int32 // scratch for waterLevel
	near    []int32 // scratch for priceNear
	poor    []int32 // scratch for priceNear

	t1, t2, t3, t4, t5, t6 big.Int
	clsA, clsB             big.Int // class budget numerators (classNum)
	sel                    []int
	spent                  big.Rat
	steps                  []Step
	rec                    []roundRec // the rounds of the last run: rec[:rounds]
	rounds                 int
}

// gathered is what was found of one candidate, kept for reuse: the float water level
// (while its supporters' money is unchanged: qOK) and its supporters per class (within
// one epoch: until the next payment renumbers classes).
type gathered struct {
	qOK     bool
	q       float64
	epoch   int
	classes []int32
	counts  []int64
	gk      int64
}

// groupBudget is a group's approximate budget per voter and its number of voters.
type groupBudget struct{ b, n float64 }

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
		kept:    make([]gathered, len(p.cand)),
		budG:    make([]groupBudget, len(p.gMult)),
	}
	for c := range r.cInt {
		r.cInt[c] = new(big.Int)
	}
	r.supEnd = make([]int32, len(p.cand))
	r.words = (len(p.cand) + 63) / 64
	r.qRaw = make([]*big.Int, len(p.cand))
	for t := range r.qRaw {
		r.qRaw[t] = new(big.Int)
	}
	r.qEp = make([]int32, len(p.cand))
	r.payCnt = make([]int64, len(p.cand))
	return r
}

// newClass returns a fresh class with no payments and no groups, reusing one that lost
// all its groups (keeping class numbers, and the per-class arrays, small).
func (r *mesRun) newClass() int32 {
	var k int32
	if n := len(r.freeCls); n > 0 {
		k = r.freeCls[n-1]
		r.freeCls = r.freeCls[:n-1]
	} else {
		if r.nCls == len(r.budF) {
			r.budF = append(r.budF, 0)
			r.cnt = append(r.cnt, 0)
			r.remap = append(r.remap, -1)
			r.ref = append(r.ref, 0)
			r.paid = append(r.paid, make([]uint64, r.words)...)
		}
		k = int32(r.nCls)
		r.nCls++
	}
	clear(r.paidOf(k))
	r.ref[k] = 0
	return k
}

// paidOf returns class k's bit set of payments.
func (r *mesRun) paidOf(k int32) []uint64 {
	return r.paid[int(k)*r.words : int(k+1)*r.words]
}

// qNum returns payment t's share numerator over the current D, bringing it up to date.
func (r *mesRun) qNum(t int) *big.Int {
	x := r.qRaw[t]
	e := int(r.qEp[t])
	if e == len(r.factors) {
		return x
	}
	r.qEp[t] = int32(len(r.factors))
	// Multiply by the missed factors, several at a time while their product fits a word.
	acc := uint64(1)
	for _, f := range r.factors[e:] {
		if hi, lo := bits.Mul64(acc, f); hi == 0 {
			acc = lo
			continue
		}
		x.Mul(x, r.t4.SetUint64(acc))
		acc = f
	}
	if acc != 1 {
		x.Mul(x, r.t4.SetUint64(acc))
	}
	return x
}

// classNum sets z to class k's budget numerator over the current D and returns it.
func (r *mesRun) classNum(k int32, z *big.Int) *big.Int {
	if k == 0 {
		return z.SetInt64(0)
	}
	z.Set(&r.betaNum)
	for w, word := range r.paidOf(k) {
		for word != 0 {
			z.Sub(z, r.qNum(w*64+bits.TrailingZeros64(word)))
			word &= word - 1
		}
	}
	return z
}

// moneyOf sets z to the numerator of Σ cnt[k]·budget[k] over classes and returns it.
func (r *mesRun) moneyOf(classes []int32, z *big.Int) *big.Int {
	pc := r.payCnt[:r.nPay]
	clear(pc)
	var voters int64
	for _, k := range classes {
		if k == 0 {
			continue
		}
		n := r.cnt[k]
		voters += n
		for w, word := range r.paidOf(k) {
			for word != 0 {
				pc[w*64+bits.TrailingZeros64(word)] += n
				word &= word - 1
			}
		}
	}
	z.Mul(&r.betaNum, r.t5.SetInt64(voters))
	for t, n := range pc {
		if n != 0 {
			z.Sub(z, r.t5.Mul(r.qNum(t), r.t6.SetInt64(n)))
		}
	}
	return z
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

// roundRec is what a run records of one round: the winner and its exact price per unit of
// satisfaction ρ, so that a run at a higher budget can be checked against it (checkedRun).
type roundRec struct {
	win  int32
	rho  big.Rat
	rhoF float64
}

// run counts MES with every voter starting at beta. It gives up as soon as the outcome
// costs more than limit (nil: never) and then reports over.
func (r *mesRun) run(beta *big.Rat, limit *big.Rat) (over bool) {
	over, _ = r.checkedRun(beta, limit, nil, false)
	return over
}

// checkedRun counts MES at beta like run and, given the rounds of a run at a lower
// per-voter budget, also reports whether every per-voter budget between the two gives
// the same outcome (same): round by round it checks that the earlier winner w is the
// winner for every budget in between. That holds if no other candidate c, at this (the
// higher) budget, is both affordable and priced at most ρ_w of the lower budget (less,
// or equal with a lower id), because with the same winners so far a higher starting budget
// leaves every voter at least as much money (payments are min(budget, q) with q falling
// as budgets rise), so ρ_c only falls and affordability only grows as the budget rises.
// With stop, it returns as soon as the check fails (same false, the run unfinished);
// otherwise it goes on as a plain run.
func (r *mesRun) checkedRun(beta, limit *big.Rat, guide []roundRec, stop bool) (over, same bool) {
	r.start(beta)
	same = guide != nil
	var cur, best price
	for round := 1; ; round++ {
		r.sortAlive()
		win := int32(-1)
		if same {
			if round <= len(guide) {
				same = r.verifyWinner(&guide[round-1])
				if same {
					win = guide[round-1].win
					if !r.priceExact(win, &best) {
						same = false
					}
				}
			} else {
				same = r.noneAffordable()
			}
			if !same && stop {
				return false, false
			}
		}
		if win < 0 {
			if guide != nil {
				r.sortAlive() // the check refreshed prices: restore the order
			}
			win = r.selectWinner(round, &cur, &best)
		}
		if win < 0 {
			break
		}
		r.record(round, win, &best)
		var step Step
		if r.explain {
			q := new(big.Rat).SetFrac(&best.r, r.t1.Mul(r.t1.SetInt64(best.k), &r.den))
			rho := &r.rec[round-1].rho
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
			return true, same
		}
	}
	if r.explain {
		r.steps = append(r.steps, r.ignored...)
	}
	return false, same
}

// start resets the run: every voter at beta, every candidate back.
func (r *mesRun) start(beta *big.Rat) {
	r.epoch++
	r.den.Set(beta.Denom())
	lcm(&r.den, r.costDen)
	r.factors = r.factors[:0]
	r.nPay = 0
	r.nCls = 0
	r.freeCls = r.freeCls[:0]
	r.newClass()
	r.budF[0] = 0
	root := r.newClass()
	r.betaNum.Mul(beta.Num(), r.t1.Quo(&r.den, beta.Denom()))
	r.betaF = ratFloat(beta)
	r.budF[root] = r.betaF
	for c := range r.cand {
		r.cInt[c].Mul(r.cost[c].Num(), r.t1.Quo(&r.den, r.cost[c].Denom()))
		r.alive[c], r.dirty[c], r.lastF[c] = true, true, 0
		r.kept[c].qOK = false
		if r.explain {
			continue // explanations list the unaffordable in the order round 1 meets them
		}
		// In round 1 every supporter has beta: a candidate is affordable iff its
		// supporters' shares cover it, and then its supporters pay equal parts, so its
		// price is known without looking at them.
		r.dirty[c] = false
		if r.t1.Mul(r.t2.SetInt64(r.supN[c]), &r.betaNum).Cmp(r.cInt[c]) < 0 {
			r.alive[c] = false
		} else if r.sat == CostSat {
			r.lastF[c] = 1 / float64(r.supN[c])
		} else {
			r.lastF[c] = r.costF[c] / float64(r.supN[c])
		}
	}
	for g := range r.gCls {
		r.gCls[g] = root
		r.budG[g] = groupBudget{r.betaF, r.gMultF[g]}
	}
	r.ref[root] = int32(len(r.gCls))
	r.sup = append(r.sup[:0], r.supG...)
	copy(r.supEnd, r.supStart[1:])
	r.sel = append(r.sel[:0], r.pre...)
	r.spent.SetInt64(0)
	for _, pr := range r.pre {
		r.spent.Add(&r.spent, r.in.Projects[pr].Cost)
	}
	r.steps = r.steps[:0]
	r.rounds = 0
}

// sortAlive queues the candidates still in the race by the lowest last price seen (a
// lower bound on the current one: prices only rise during a run), to be taken in that
// order with peek and take; order lists those taken this round. A heap, since a round
// usually takes only the few cheapest.
func (r *mesRun) sortAlive() {
	r.order = r.order[:0]
	r.heap = r.heap[:0]
	for c := range r.cand {
		if r.alive[c] {
			r.heap = append(r.heap, int32(c))
		}
	}
	for i := len(r.heap)/2 - 1; i >= 0; i-- {
		r.siftDown(i)
	}
}

// before orders the queue: by last price, then by index (= id).
func (r *mesRun) before(a, b int32) bool {
	return r.lastF[a] < r.lastF[b] || r.lastF[a] == r.lastF[b] && a < b
}

func (r *mesRun) siftDown(i int) {
	h := r.heap
	for {
		m, left := i, 2*i+1
		if left < len(h) && r.before(h[left], h[m]) {
			m = left
		}
		if right := left + 1; right < len(h) && r.before(h[right], h[m]) {
			m = right
		}
		if m == i {
			return
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
}

// peek returns the next candidate in the queue, or -1.
func (r *mesRun) peek() int32 {
	if len(r.heap) == 0 {
		return -1
	}
	return r.heap[0]
}

// take moves the next candidate from the queue to order.
func (r *mesRun) take() int32 {
	c := r.heap[0]
	last := len(r.heap) - 1
	r.heap[0] = r.heap[last]
	r.heap = r.heap[:last]
	r.siftDown(0)
	r.order = append(r.order, c)
	return c
}

// refresh recomputes candidate c's approximate price if its supporters' money changed,
// and drops it if they can no longer afford it. It reports whether c is still in. When
// the price is above cut, it may only find that out: then lastF is cut, a lower bound,
// and c stays dirty.
func (r *mesRun) refresh(c int32, round int, cut float64) bool {
	if !r.alive[c] || !r.dirty[c] {
		return r.alive[c]
	}
	f, ok, bound := r.rhoFloat(c, cut)
	if bound {
		r.lastF[c] = f
		return true
	}
	r.dirty[c] = false
	if !ok {
		r.alive[c] = false
		if r.explain {
			m := r.money(c)
			r.steps = append(r.steps, Step{Phase: PhaseMES, Round: round, Project: r.in.Projects[r.cand[c]].ID,
				Reason: NotAffordableBySupporters, Cost: FormatRat(r.cost[c]), SupportersMoney: FormatRat(m),
				SupportersMoneyApprox: ratFloat(m), Supporters: int(r.supN[c])})
		}
		return false
	}
	r.lastF[c] = f
	return true
}

// selectWinner finds the affordable candidate with the lowest ρ (ties: lowest index = id)
// and sets best to its price; -1 when none is affordable.
func (r *mesRun) selectWinner(round int, cur, best *price) int32 {
	bestF := math.Inf(1)
	for c := r.peek(); c >= 0; c = r.peek() {
		if !r.explain && r.lastF[c] > bestF*(1+tol) {
			break // lastF only grows: nobody further can beat or tie the best
		}
		cut := bestF * (1 + tol)
		if r.explain {
			cut = math.Inf(1)
		}
		if r.refresh(r.take(), round, cut) {
			bestF = min(bestF, r.lastF[c])
		}
	}
	if math.IsInf(bestF, 1) {
		return -1
	}
	// Exact prices for every candidate close to the best; the lowest wins, then the
	// lowest index (= id).
	win := int32(-1)
	for _, c := range r.order {
		if !r.alive[c] || r.dirty[c] || r.lastF[c] > bestF*(1+tol) {
			continue // out, known only to cost more than a cut, or clearly more
		}
		if !r.priceExact(c, cur) {
			panic("rules: MES: float and exact affordability disagree")
		}
		if win < 0 {
			win = c
			best.r.Set(&cur.r)
			best.k = cur.k
			continue
		}
		if x := r.cmpPrice(c, cur, win, best); x < 0 || x == 0 && c < win {
			win = c
			best.r.Set(&cur.r)
			best.k = cur.k
		}
	}
	return win
}

// verifyWinner reports whether g.win is this round's winner here and at every lower
// budget down to the run g comes from: every other candidate is unaffordable here or
// priced above g's ρ (equal only with a higher id).
func (r *mesRun) verifyWinner(g *roundRec) bool {
	if !r.alive[g.win] {
		return false
	}
	var cur price
	var rho big.Rat
	for c := r.peek(); c >= 0; c = r.peek() {
		if r.lastF[c] > g.rhoF*(1+tol) {
			break // lower bounds, in ascending order
		}
		r.take()
		if c == g.win || !r.refresh(c, 0, g.rhoF*(1+tol)) || r.lastF[c] > g.rhoF*(1+tol) {
			continue
		}
		if r.lastF[c] < g.rhoF*(1-tol) {
			return false
		}
		if !r.priceExact(c, &cur) {
			panic("rules: MES: float and exact affordability disagree")
		}
		if x := r.rhoOf(c, &cur, &rho).Cmp(&g.rho); x < 0 || x == 0 && c < g.win {
			return false
		}
	}
	return true
}

// noneAffordable reports whether no candidate is left that its supporters can afford.
func (r *mesRun) noneAffordable() bool {
	for c := range r.cand {
		if r.refresh(int32(c), 0, math.Inf(1)) {
			return false
		}
	}
	return true
}

// rhoOf sets z to the ρ of price p for candidate c: q = r/(k·D), ρ = q (cardinality)
// or q/cost = r/(k·cInt) (cost).
func (r *mesRun) rhoOf(c int32, p *price, z *big.Rat) *big.Rat {
	d := new(big.Int).SetInt64(p.k)
	if r.sat == CostSat {
		d.Mul(d, r.cInt[c])
	} else {
		d.Mul(d, &r.den)
	}
	return z.SetFrac(&p.r, d)
}

// record keeps the winner of a round and its ρ for checkedRun.
func (r *mesRun) record(round int, win int32, best *price) {
	if round > len(r.rec) {
		r.rec = append(r.rec, roundRec{})
	}
	g := &r.rec[round-1]
	g.win = win
	r.rhoOf(win, best, &g.rho)
	g.rhoF = ratFloat(&g.rho)
	r.rounds = round
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
// Groups that have spent everything stay at 0 for the rest of the run and take no part
// in prices or payments, so gather drops them from the candidate's list as it meets
// them (late rounds would otherwise mostly visit empty groups). gk is the number of
// voters in the classes gathered: the supporters with money.
func (r *mesRun) gather(c int32) {
	if kp := &r.kept[c]; kp.epoch == r.epoch {
		r.touched = append(r.touched[:0], kp.classes...)
		for i, k := range kp.classes {
			r.cnt[k] = kp.counts[i]
		}
		r.gk = kp.gk
		return
	}
	r.touched = r.touched[:0]
	r.gk = 0
	list := r.sup[r.supStart[c]:r.supEnd[c]]
	kept := 0 // the list keeps its (ascending) order, for locality
	for _, g := range list {
		k := r.gCls[g]
		if k == 0 {
			continue
		}
		list[kept] = g
		kept++
		if r.cnt[k] == 0 {
			r.touched = append(r.touched, k)
		}
		r.cnt[k] += r.gMult[g]
		r.gk += r.gMult[g]
	}
	r.supEnd[c] = r.supStart[c] + int32(kept)
}

// keep stores what was last gathered for candidate c for reuse until the next payment.
func (r *mesRun) keep(c int32) {
	kp := &r.kept[c]
	if kp.epoch == r.epoch {
		return
	}
	kp.epoch = r.epoch
	kp.classes = append(kp.classes[:0], r.touched...)
	kp.counts = kp.counts[:0]
	for _, k := range r.touched {
		kp.counts = append(kp.counts, r.cnt[k])
	}
	kp.gk = r.gk
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
	return r.moneyOf(r.touched, &r.t3)
}

func (r *mesRun) money(c int32) *big.Rat { return new(big.Rat).SetFrac(r.moneyNum(c), &r.den) }

// rhoFloat approximates ρ of candidate c; ok is false when c is unaffordable (decided
// exactly when the float sum is close to the cost). If ρ is above cut (+Inf: none), it
// may return only a lower bound, with bound set: finding the price itself would take a
// selection, deciding that it is above cut takes one pass (the water level is above q at
// cut if F(q) = Σ cnt·min(budget, q) falls short of the cost), and since F grows no
// faster than the number of voters above q, q + (cost − F(q))/that is a lower bound.
//
// It reads the supporters' groups and their float budgets straight (budG), without
// gathering classes, dropping the groups at 0 from c's list as gather does.
func (r *mesRun) rhoFloat(c int32, cut float64) (rho float64, ok, bound bool) {
	cf := r.costF[c]
	qCut := cut
	if r.sat == CostSat {
		qCut *= cf
	}
	// The last price seen is a lower bound: whoever has less than its q pays all.
	qLow := r.lastF[c] * (1 - 1e-9)
	if r.sat == CostSat {
		qLow *= cf
	}
	sum, atCut, above, minB, lowSum, gk := 0.0, 0.0, 0.0, math.Inf(1), 0.0, 0.0
	band := r.work[:0] // groups between qLow and qCut, where q may lie
	list := r.sup[r.supStart[c]:r.supEnd[c]]
	kept := 0 // the list keeps its (ascending) order, for locality
	for _, g := range list {
		gb := r.budG[g]
		b, n := gb.b, gb.n
		if b == 0 && r.gCls[g] == 0 {
			continue
		}
		list[kept] = g
		kept++
		gk += n
		sum += n * b
		minB = min(minB, b)
		switch {
		case b > qCut:
			atCut += n * qCut
			above += n
		case b <= qLow:
			atCut += n * b
			lowSum += n * b
		default:
			atCut += n * b
			band = append(band, g)
		}
	}
	r.supEnd[c] = r.supStart[c] + int32(kept)
	r.work = band
	if sum < cf*(1-tol) {
		return 0, false, false
	}
	if sum <= cf*(1+tol) && r.moneyNum(c).Cmp(r.cInt[c]) < 0 {
		return 0, false, false
	}
	if atCut < cf*(1-1e-9) {
		lb := (qCut + (cf-atCut)/above) * (1 - 1e-9)
		if r.sat == CostSat {
			lb /= cf
		}
		return max(lb, cut), true, true
	}
	q := cf / gk
	if minB < q {
		// Some cannot pay an equal share.
		if q = waterLevel(cf, lowSum, above, band, groupBudgets(r.budG)); q < 0 {
			for _, g := range list[:kept] {
				q = max(q, r.budG[g].b)
			}
		}
	}
	r.kept[c].qOK, r.kept[c].q = true, q
	if r.sat == CostSat {
		return q / cf, true, false
	}
	return q, true, false
}

// budgets give the approximate budget per voter and the voters of an item: a class
// (classBudgets) or a group (groupBudgets).
type budgets interface {
	at(i int32) (b, n float64)
}

// classBudgets are the budgets of the classes gathered.
type classBudgets struct{ r *mesRun }

func (c classBudgets) at(k int32) (b, n float64) { return c.r.budF[k], float64(c.r.cnt[k]) }

// groupBudgets are the groups' budgets.
type groupBudgets []groupBudget

func (g groupBudgets) at(i int32) (b, n float64) { return g[i].b, g[i].n }

// waterLevel approximates the payment q at which Σ cnt·min(bud, q) over the items (classes
// or groups) in w reaches cost cf: the poor pay all they have, the others q each. Items
// known to be poor (their money: poorSum) or rich (their voters: richCnt) may be left out
// of w, the items to decide; w is reordered. It selects rather than sorts (a quickselect
// on budgets), in time linear in the items. It returns -1 when nobody is left to pay q
// (affordable only exactly: the richest pays all too, and q is the largest budget).
func waterLevel[B budgets](cf, poorSum, richCnt float64, w []int32, bud B) float64 {
	for len(w) > 0 {
		x, _ := bud.at(w[len(w)/2])
		// Three-way partition: w[:lt] below x, w[lt:gt] equal, w[gt:] above.
		lt, i, gt := 0, 0, len(w)
		sumL, cntL, cntE := 0.0, 0.0, 0.0
		for i < gt {
			b, n := bud.at(w[i])
			switch {
			case b < x:
				sumL += n * b
				cntL += n
				w[lt], w[i] = w[i], w[lt]
				lt++
				i++
			case b > x:
				gt--
				w[gt], w[i] = w[i], w[gt]
			default:
				cntE += n
				i++
			}
		}
		cntG := 0.0
		for _, it := range w[gt:] {
			_, n := bud.at(it)
			cntG += n
		}
		if poorSum+sumL+x*(richCnt+cntE+cntG) >= cf {
			// q ≤ x: everyone at x or above pays q.
			richCnt += cntE + cntG
			w = w[:lt]
		} else {
			// q > x: everyone at x or below pays all.
			poorSum += sumL + x*cntE
			w = w[gt:]
		}
	}
	if richCnt == 0 {
		return -1
	}
	return (cf - poorSum) / richCnt
}

// priceExact sets p to candidate c's exact price. It walks the supporters from the
// poorest: while the remaining cost split over the remaining supporters is more than the
// poorest can give, that one pays all it has. It reports false if c is unaffordable.
func (r *mesRun) priceExact(c int32, p *price) bool {
	r.gather(c)
	r.keep(c) // for pay, if c wins
	defer r.release()
	if r.priceNear(c, p) {
		return true
	}
	r.sortClassesExact(r.touched)
	return r.walkExact(r.touched, r.cInt[c], r.gk, p)
}

// priceNear computes the exact price the quick way: the float water level splits the
// classes into clearly poor (pay all), clearly rich (pay q) and a few near it, and only
// those are sorted and walked exactly. It reports false if the floats were not good
// enough to trust the split, and the caller walks all classes.
func (r *mesRun) priceNear(c int32, p *price) bool {
	cf := r.costF[c]
	qf := r.kept[c].q
	if !r.kept[c].qOK {
		r.work = append(r.work[:0], r.touched...)
		if qf = waterLevel(cf, 0, 0, r.work, classBudgets{r}); qf < 0 {
			for _, k := range r.touched {
				qf = max(qf, r.budF[k])
			}
		}
	}
	near, poor := r.near[:0], r.poor[:0]
	defer func() { r.near, r.poor = near[:0], poor[:0] }()
	k := r.gk
	poorMax, richMin := int32(-1), int32(-1)
	for _, cl := range r.touched {
		b := r.budF[cl]
		switch {
		case b < qf*(1-tol):
			poor = append(poor, cl)
			k -= r.cnt[cl]
			if poorMax < 0 || b > r.budF[poorMax] {
				poorMax = cl
			}
		case b > qf*(1+tol):
			if richMin < 0 || b < r.budF[richMin] {
				richMin = cl
			}
		default:
			near = append(near, cl)
		}
	}
	if richMin >= 0 {
		near = append(near, richMin) // the walk must stop at the latest there
	}
	rem := r.moneyOf(poor, &r.t3)
	rem.Sub(r.cInt[c], rem)
	r.sortClassesExact(near)
	if !r.walkExact(near, rem, k, p) {
		return false
	}
	// The split was right if the richest of the poor had less than q = p.r/(p.k·D).
	return poorMax < 0 || r.t1.Mul(r.classNum(poorMax, &r.clsA), r.t2.SetInt64(p.k)).Cmp(&p.r) < 0
}

// walkExact walks classes in ascending order of budget, starting with the remaining cost
// numerator rem0 shared by k supporters, and stops at the first class that can pay an
// equal share; it sets p to (the remaining cost, the sharers) there.
func (r *mesRun) walkExact(classes []int32, rem0 *big.Int, k int64, p *price) bool {
	kf, remF := float64(k), 0.0
	if rem0.Sign() > 0 {
		remF = r.ratioF(rem0, &r.den)
	}
	rem, kb := &p.r, &r.t1
	rem.Set(rem0)
	for _, cl := range classes {
		// Stop at the first class with rem/k ≤ budget; floats skip the exact test where
		// it clearly fails.
		b := r.classNum(cl, &r.clsA)
		if remF/kf <= r.budF[cl]*(1+tol) {
			kb.Mul(r.t2.SetInt64(k), b)
			if rem.Cmp(kb) <= 0 {
				p.k = k
				return true
			}
		}
		n := r.cnt[cl]
		rem.Sub(rem, r.t2.Mul(r.t2.SetInt64(n), b))
		remF -= float64(n) * r.budF[cl]
		k -= n
		kf -= float64(n)
	}
	return false
}

// sortClassesExact sorts classes by exact budget: by float, then exactly within runs of
// floats too close to trust.
func (r *mesRun) sortClassesExact(t []int32) {
	slices.SortFunc(t, func(a, b int32) int { return cmp.Compare(r.budF[a], r.budF[b]) })
	for i := 0; i < len(t); {
		j := i + 1
		for j < len(t) && r.budF[t[j]]-r.budF[t[j-1]] <= tol*math.Abs(r.budF[t[j]]) {
			j++
		}
		if j-i > 1 {
			slices.SortFunc(t[i:j], func(a, b int32) int { return r.classNum(a, &r.clsA).Cmp(r.classNum(b, &r.clsB)) })
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
	t := r.nPay
	r.nPay++
	qn := r.qRaw[t].Quo(&p.r, g)
	if f.Cmp(big.NewInt(1)) != 0 {
		r.den.Mul(&r.den, f)
		r.factors = append(r.factors, f.Uint64()) // f ≤ p.k, a count of voters
		for _, x := range r.cInt {
			x.Mul(x, f)
		}
		r.betaNum.Mul(&r.betaNum, f)
	}
	r.qEp[t] = int32(len(r.factors))
	qf := r.ratioF(qn, &r.den)

	r.gather(c)
	r.epoch++ // the classes change
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
			empty = r.classNum(k, &r.clsA).Cmp(qn) <= 0
		}
		if empty {
			r.remap[k] = 0
			continue
		}
		nk := r.newClass()
		copy(r.paidOf(nk), r.paidOf(k))
		r.paidOf(nk)[t/64] |= 1 << (t % 64)
		// Floats lose at most ~rounds·2⁻⁵² of β per class; where that could matter
		// relative to the budget itself, take the exact value.
		if b := bf - qf; b > 1e-3*r.betaF {
			r.budF[nk] = b
		} else {
			r.budF[nk] = r.ratioF(r.classNum(nk, &r.clsA), &r.den)
		}
		r.remap[k] = nk
	}
	r.remap[0] = 0
	for _, g := range r.sup[r.supStart[c]:r.supEnd[c]] {
		old := r.gCls[g]
		nk := r.remap[old]
		r.gCls[g] = nk
		r.budG[g].b = r.budF[nk]
		r.ref[nk]++
		if r.ref[old]--; r.ref[old] == 0 {
			r.freeCls = append(r.freeCls, old)
		}
	}
	for _, o := range r.coListed[c] {
		r.dirty[o] = true
		r.kept[o].qOK = false
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
