package rules

import (
	"errors"
	"math"
	"math/big"
	"slices"
	"strings"
)

// ErrNotApproval is returned by SequentialPhragmen for ballots with points.
var ErrNotApproval = errors.New("rules: sequential Phragmén needs approval ballots")

// SequentialPhragmen counts sequential Phragmén (pabutools' sequential_phragmen): each round
// the project whose supporters would reach the lowest new maximal load
// L = (their loads + cost) / approvals is selected (ties by id) and sets its supporters'
// loads to L; the rule stops as soon as a project tied at the lowest L does not fit.
// Projects without approvals come last, in id order, while all of them fit. The result is
// sorted by id, as the reference returns it.
func SequentialPhragmen(in *Instance, explain bool) (*Result, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if in.Points {
		return nil, ErrNotApproval
	}
	_, approvals := in.Tally()
	var cand []int // sorted by id: a lower index wins ties
	var steps []Step
	for p, pr := range in.Projects {
		if pr.Cost.Cmp(in.Budget) <= 0 {
			cand = append(cand, p)
		} else if explain {
			steps = append(steps, Step{Phase: PhasePhragmen, Project: pr.ID, Reason: OverBudget, Cost: FormatRat(pr.Cost)})
		}
	}
	slices.SortFunc(cand, func(a, b int) int { return strings.Compare(in.Projects[a].ID, in.Projects[b].ID) })
	candOf := make([]int32, len(in.Projects))
	for i := range candOf {
		candOf[i] = -1
	}
	for c, p := range cand {
		candOf[p] = int32(c)
	}

	// Identical ballots form groups; a group's load is the load set by the last selected
	// project it supports, so it is stored as that project's round (-1: none yet).
	bg := groupBallots(in, candOf, len(cand))
	gMult := bg.gMult

	costF := make([]float64, len(cand))
	for c, p := range cand {
		costF[c] = ratFloat(in.Projects[p].Cost)
	}
	gLoad := make([]int32, len(gMult))
	for g := range gLoad {
		gLoad[g] = -1
	}
	var loads []*big.Rat // per round
	var loadsF []float64
	loadF := func(g int32) float64 {
		if gLoad[g] < 0 {
			return 0
		}
		return loadsF[gLoad[g]]
	}
	sumF := make([]float64, len(cand)) // Σ of supporters' loads, float shadow
	alive := make([]bool, len(cand))
	for c := range alive {
		alive[c] = true
	}
	cnt := make([]int64, 0)
	// exactL sets l to (Σ loads of c's supporters + cost) / approvals.
	exactL := func(c int, l *big.Rat) {
		cnt = cnt[:0]
		for range len(loads) + 1 {
			cnt = append(cnt, 0)
		}
		for _, g := range bg.supporters(int32(c)) {
			cnt[gLoad[g]+1] += gMult[g]
		}
		l.Set(in.Projects[cand[c]].Cost)
		var t big.Rat
		for i, n := range cnt[1:] {
			if n != 0 {
				l.Add(l, t.Mul(t.SetInt64(n), loads[i]))
			}
		}
		l.Quo(l, t.SetInt64(int64(approvals[cand[c]])))
	}

	spent := new(big.Rat)
	var sel []int
	var best, l big.Rat
	var tie []int
	for round := 1; ; round++ {
		minF := math.Inf(1)
		left := false
		for c := range cand {
			if !alive[c] {
				continue
			}
			left = true
			if approvals[cand[c]] > 0 {
				minF = min(minF, (sumF[c]+costF[c])/float64(approvals[cand[c]]))
			}
		}
		if !left {
			break
		}
		tie = tie[:0]
		finite := !math.IsInf(minF, 1)
		if finite {
			first := true
			for c := range cand {
				if !alive[c] || approvals[cand[c]] == 0 {
					continue
				}
				if (sumF[c]+costF[c])/float64(approvals[cand[c]]) > minF*(1+tol) {
					continue
				}
				exactL(c, &l)
				switch x := l.Cmp(&best); {
				case first || x < 0:
					best.Set(&l)
					tie = append(tie[:0], c)
					first = false
				case x == 0:
					tie = append(tie, c)
				}
			}
		} else {
			for c := range cand {
				if alive[c] {
					tie = append(tie, c)
				}
			}
		}
		stop := false
		for _, c := range tie {
			if new(big.Rat).Add(spent, in.Projects[cand[c]].Cost).Cmp(in.Budget) > 0 {
				stop = true
				if explain {
					st := Step{Phase: PhasePhragmen, Round: round, Project: in.Projects[cand[c]].ID, Reason: BudgetStop,
						Cost: FormatRat(in.Projects[cand[c]].Cost)}
					if finite {
						st.Load, st.LoadApprox = FormatRat(&best), ratFloat(&best)
					}
					steps = append(steps, st)
				}
			}
		}
		if stop {
			if explain {
				for c := range cand {
					if alive[c] && !slices.Contains(tie, c) {
						steps = append(steps, Step{Phase: PhasePhragmen, Project: in.Projects[cand[c]].ID, Reason: NotReached,
							Cost: FormatRat(in.Projects[cand[c]].Cost)})
					}
				}
			}
			break
		}
		win := tie[0] // ties are in candidate (id) order
		p := cand[win]
		alive[win] = false
		sel = append(sel, p)
		spent.Add(spent, in.Projects[p].Cost)
		if explain {
			st := Step{Phase: PhasePhragmen, Round: round, Project: in.Projects[p].ID, Reason: Selected,
				Cost: FormatRat(in.Projects[p].Cost)}
			if finite {
				st.Load, st.LoadApprox = FormatRat(&best), ratFloat(&best)
			}
			steps = append(steps, st)
		}
		if !finite {
			continue
		}
		loads = append(loads, new(big.Rat).Set(&best))
		lf := ratFloat(&best)
		loadsF = append(loadsF, lf)
		r := int32(len(loads) - 1)
		for _, g := range bg.supporters(int32(win)) {
			d := float64(gMult[g]) * (lf - loadF(g))
			gLoad[g] = r
			for _, o := range bg.items(g) {
				sumF[o] += d
			}
		}
	}
	slices.SortFunc(sel, func(a, b int) int { return strings.Compare(in.Projects[a].ID, in.Projects[b].ID) })
	res := newResult(in, sel)
	res.Steps = steps
	return res, nil
}
