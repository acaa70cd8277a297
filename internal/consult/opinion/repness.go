package opinion

import (
	"math"
	"slices"
)

// z90 is the one-sided 90 % significance threshold used throughout Pol.is.
const z90 = 1.2816

// propTest is the one-proportion z statistic against ½ with a +1 pseudocount.
func propTest(succ, n int) float64 {
	s, t := float64(succ+1), float64(n+1)
	return 2 * math.Sqrt(t) * (s/t - 0.5)
}

// twoPropTest compares in-group and out-group proportions with +1 on all four
// counts.
func twoPropTest(succIn, succOut, nIn, nOut int) float64 {
	s1, s2, n1, n2 := float64(succIn+1), float64(succOut+1), float64(nIn+1), float64(nOut+1)
	p1, p2 := s1/n1, s2/n2
	ph := (s1 + s2) / (n1 + n2)
	if ph == 1 {
		return 0
	}
	return (p1 - p2) / math.Sqrt(ph*(1-ph)*(1/n1+1/n2))
}

// tally counts agrees, disagrees and seen votes.
type tally struct{ a, d, s int }

// cstats are the per group and statement statistics of doc §6.
type cstats struct {
	na, nd, ns         int
	pa, pd, pat, pdt   float64
	ra, rd, rat, rdt   float64
	tid                int64
	repfulAgree        bool
	nSucc              int
	pSucc, pTest, rep  float64
	repTest, repTest32 float64
}

func newStats(in, out tally, tid int64) cstats {
	s := cstats{na: in.a, nd: in.d, ns: in.s, tid: tid}
	s.pa = float64(in.a+1) / float64(in.s+2)
	s.pd = float64(in.d+1) / float64(in.s+2)
	s.pat = propTest(in.a, in.s)
	s.pdt = propTest(in.d, in.s)
	s.ra = s.pa / (float64(out.a+1) / float64(out.s+2))
	s.rd = s.pd / (float64(out.d+1) / float64(out.s+2))
	s.rat = twoPropTest(in.a, out.a, in.s, out.s)
	s.rdt = twoPropTest(in.d, out.d, in.s, out.s)
	// The chosen side (Pol.is finalize-cmt-stats); its test value is stored
	// as a 32-bit float there, which the sort and the fallback compare use.
	if s.rat > s.rdt {
		s.repfulAgree, s.nSucc, s.pSucc, s.pTest, s.rep, s.repTest = true, s.na, s.pa, s.pat, s.ra, s.rat
	} else {
		s.nSucc, s.pSucc, s.pTest, s.rep, s.repTest = s.nd, s.pd, s.pdt, s.rd, s.rdt
	}
	s.repTest32 = float64(float32(s.repTest))
	return s
}

func (s cstats) repness(bestAgree bool) Repness {
	r := Repness{
		TID: s.tid, Repful: "disagree", NSuccess: s.nSucc, NTrials: s.ns,
		PSuccess: s.pSucc, PTest: s.pTest, Repness: s.rep, RepnessTest: s.repTest32, BestAgree: bestAgree,
	}
	if s.repfulAgree {
		r.Repful = "agree"
	}
	return r
}

func (s cstats) sufficient() bool {
	return (s.rat > z90 && s.pat > z90) || (s.rdt > z90 && s.pdt > z90)
}

// beatsBestAgree follows Pol.is's beats-best-agr? (doc §6 step 4).
func (s cstats) beatsBestAgree(best *cstats) bool {
	switch {
	case s.na == 0 && s.nd == 0:
		return false
	case best != nil && best.ra > 1:
		return s.ra*s.rat*s.pa*s.pat > best.ra*best.rat*best.pa*best.pat
	case best != nil:
		return s.pa*s.pat > best.pa*best.pat
	default:
		return s.pat > z90 || (s.ra > 1 && s.pa > 0.5)
	}
}

// selectRepness picks one group's representative statements (doc §6) from
// its statistics over the moderated-in columns in column order.
func selectRepness(stats []cstats) []Repness {
	var sufficient []cstats
	var best, bestAgree *cstats
	for i := range stats {
		s := &stats[i]
		if s.sufficient() {
			sufficient = append(sufficient, *s)
		}
		if len(sufficient) == 0 && (best == nil || max(s.rat, s.rdt) > best.repTest32) {
			best = s
		}
		if s.beatsBestAgree(bestAgree) {
			bestAgree = s
		}
	}
	if len(sufficient) == 0 {
		switch {
		case bestAgree != nil:
			return []Repness{bestAgree.repness(true)}
		case best != nil:
			return []Repness{best.repness(false)}
		}
		return []Repness{}
	}
	if bestAgree != nil {
		sufficient = slices.DeleteFunc(sufficient, func(s cstats) bool { return s.tid == bestAgree.tid })
	}
	metric := func(s cstats) float64 { return s.rep * s.repTest32 * s.pSucc * s.pTest }
	slices.SortStableFunc(sufficient, func(a, b cstats) int {
		ma, mb := metric(a), metric(b)
		switch {
		case ma > mb:
			return -1
		case ma < mb:
			return 1
		}
		return 0
	})
	var out []Repness
	if bestAgree != nil {
		out = append(out, bestAgree.repness(true))
	}
	for _, s := range sufficient {
		out = append(out, s.repness(false))
	}
	out = out[:min(len(out), 5)]
	// Agrees before disagrees, keeping their order.
	var agree, disagree []Repness
	for _, r := range out {
		if r.Repful == "agree" {
			agree = append(agree, r)
		} else {
			disagree = append(disagree, r)
		}
	}
	return append(agree, disagree...)
}

// selectConsensus is the majority consensus of doc §7.2 over all
// participants, columns in tid order.
func selectConsensus(m *matrix) Consensus {
	type cand struct {
		st     ConsensusStat
		metric float64
	}
	var agree, disagree []cand
	for _, c := range m.tidOrder {
		if m.modOut[c] {
			continue
		}
		na, nd, ns := int(m.colAgree[c]), int(m.colDisagree[c]), int(m.colN[c])
		pa := float64(na+1) / float64(ns+2)
		pd := float64(nd+1) / float64(ns+2)
		pat, pdt := propTest(na, ns), propTest(nd, ns)
		if pa > 0.5 && pat > z90 {
			agree = append(agree, cand{ConsensusStat{m.tids[c], na, ns, pa, pat}, pa * pat})
		}
		if pd > 0.5 && pdt > z90 {
			disagree = append(disagree, cand{ConsensusStat{m.tids[c], nd, ns, pd, pdt}, pd * pdt})
		}
	}
	top := func(cs []cand) []ConsensusStat {
		slices.SortStableFunc(cs, func(a, b cand) int {
			switch {
			case a.metric > b.metric:
				return -1
			case a.metric < b.metric:
				return 1
			}
			return 0
		})
		out := []ConsensusStat{}
		for _, c := range cs[:min(len(cs), 5)] {
			out = append(out, c.st)
		}
		return out
	}
	return Consensus{Agree: top(agree), Disagree: top(disagree)}
}
