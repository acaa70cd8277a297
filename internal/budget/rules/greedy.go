package rules

import (
	"fmt"
	"math/big"
	"slices"
	"strings"
)

// GreedyOptions select a greedy variant.
type GreedyOptions struct {
	// Ratio sorts by score per unit of cost (pabutools' cardinality satisfaction) instead
	// of by score.
	Ratio bool
	// NoSkip stops the walk at the first eligible project that does not fit.
	NoSkip bool
	// Threshold makes projects with a score below it ineligible; nil means none.
	Threshold *big.Rat
	// Scores replaces the scores recounted from the ballots; indexed like Instance.Projects.
	Scores []*big.Rat
	// FileOrder sorts by the raw score with ties kept in project order (Pabulib's historical
	// recipe) instead of pabutools' density with ties by id.
	FileOrder bool
	Explain   bool
}

// withdrawnCost is Pabulib's sentinel cost for a withdrawn project.
var withdrawnCost = big.NewRat(999999999, 1)

// GreedyRule walks the projects from the best score (or score per cost) down and selects
// every eligible project that still fits.
//
// As pabutools: the score is the number of approvals or the sum of points; a project with
// score ≤ 0 or cost 0 sorts with density 0 (a free project is still always added);
// for Ratio a free project with support sorts first.
func GreedyRule(in *Instance, opt GreedyOptions) (*Result, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if opt.Scores != nil && len(opt.Scores) != len(in.Projects) {
		return nil, fmt.Errorf("rules: %d scores for %d projects", len(opt.Scores), len(in.Projects))
	}
	scores := opt.Scores
	if scores == nil {
		scores, _ = in.Tally()
	}
	sel, steps := greedyWalk(in, opt, scores, nil, new(big.Rat).Set(in.Budget), PhaseGreedy)
	r := newResult(in, sel)
	r.Steps = steps
	return r, nil
}

// greedyKey is a sort key: +∞ or a rational.
type greedyKey struct {
	inf bool
	v   *big.Rat
}

func (a greedyKey) cmp(b greedyKey) int {
	switch {
	case a.inf && b.inf:
		return 0
	case a.inf:
		return 1
	case b.inf:
		return -1
	}
	return a.v.Cmp(b.v)
}

func greedyKeys(in *Instance, opt GreedyOptions, scores []*big.Rat) []greedyKey {
	keys := make([]greedyKey, len(in.Projects))
	zero := new(big.Rat)
	for p, pr := range in.Projects {
		s, c := scores[p], pr.Cost
		switch {
		case opt.FileOrder && !opt.Ratio:
			keys[p] = greedyKey{v: s}
		case s.Sign() <= 0:
			keys[p] = greedyKey{v: zero}
		case c.Sign() == 0:
			// pabutools: sat = points × cost is 0 for a free project, so its density is 0;
			// per unit of cost the density is infinite.
			keys[p] = greedyKey{inf: opt.Ratio, v: zero}
		case opt.Ratio:
			keys[p] = greedyKey{v: new(big.Rat).Quo(s, c)}
		default:
			keys[p] = greedyKey{v: s}
		}
	}
	return keys
}

// greedyWalk selects from the projects not in exclude, spending from remaining (modified).
func greedyWalk(in *Instance, opt GreedyOptions, scores []*big.Rat, exclude []bool, remaining *big.Rat, phase Phase) ([]int, []Step) {
	keys := greedyKeys(in, opt, scores)
	order := make([]int, 0, len(in.Projects))
	for p := range in.Projects {
		if exclude == nil || !exclude[p] {
			order = append(order, p)
		}
	}
	slices.SortStableFunc(order, func(a, b int) int {
		if c := keys[b].cmp(keys[a]); c != 0 {
			return c
		}
		if opt.FileOrder {
			return 0
		}
		return strings.Compare(in.Projects[a].ID, in.Projects[b].ID)
	})
	var sel []int
	var steps []Step
	stopped := false
	for i, p := range order {
		c := in.Projects[p].Cost
		var reason Reason
		switch {
		case opt.Threshold != nil && scores[p].Cmp(opt.Threshold) < 0:
			reason = BelowThreshold
		case stopped:
			reason = NotReached
		case c.Cmp(remaining) <= 0:
			reason = Selected
			sel = append(sel, p)
			remaining.Sub(remaining, c)
		case opt.NoSkip && c.Cmp(withdrawnCost) == 0:
			reason = Withdrawn
		case opt.NoSkip:
			reason = BudgetStop
			stopped = true
		default:
			reason = DoesNotFit
		}
		if opt.Explain {
			steps = append(steps, Step{
				Phase:     phase,
				Round:     i + 1,
				Project:   in.Projects[p].ID,
				Reason:    reason,
				Score:     FormatRat(scores[p]),
				Cost:      FormatRat(c),
				Remaining: FormatRat(remaining),
			})
		}
	}
	return sel, steps
}
