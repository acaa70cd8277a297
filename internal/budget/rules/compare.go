package rules

import (
	"context"
	"math/big"
)

// Comparison sets two rules' outcomes of one election side by side: what a city needs
// to decide on a change of rule.
type Comparison struct {
	A, B     *Analysis
	Projects []ProjectComparison // in Instance.Projects order
}

// Why says why a project won under one rule and lost under the other.
type Why string

// Reasons for a difference.
const (
	// The Equal Shares side: its supporters had spent part of their share on projects
	// chosen before it (see ProjectLoss), and what was left no longer covered it.
	WhySupportersSpent Why = "supporters_spent_elsewhere"
	// The Equal Shares side: its supporters' share of the budget never covered its cost,
	// whatever else was chosen (too few supporters for its cost).
	WhyTooFewSupporters Why = "too_few_supporters"
	// The greedy side: when its turn came in the order of votes, less money was left
	// than it costs (MaxWinningCost is what was left, in grosze).
	WhyNoMoneyLeft Why = "no_money_left_at_its_turn"
	// Any other rule, or a score below the threshold.
	WhyOther Why = "other"
)

// ProjectComparison is one project under both rules.
type ProjectComparison struct {
	InA, InB bool
	// Why, for a project selected by exactly one rule: the reason the other rule did
	// not select it.
	Why Why
}

// Compare analyses in under rules a and b and explains each difference.
func Compare(ctx context.Context, in *Instance, a, b Rule, opt AnalysisOptions) (*Comparison, error) {
	ca, err := Analyze(ctx, in, a, opt)
	if err != nil {
		return nil, err
	}
	cb, err := Analyze(ctx, in, b, opt)
	if err != nil {
		return nil, err
	}
	c := &Comparison{A: ca, B: cb, Projects: make([]ProjectComparison, len(in.Projects))}
	for p := range in.Projects {
		pc := ProjectComparison{InA: ca.Projects[p].Selected, InB: cb.Projects[p].Selected}
		switch {
		case pc.InA && !pc.InB:
			pc.Why = whyLost(in, cb, p)
		case pc.InB && !pc.InA:
			pc.Why = whyLost(in, ca, p)
		}
		c.Projects[p] = pc
	}
	return c, nil
}

// whyLost says why project p lost under the analysed rule.
func whyLost(in *Instance, a *Analysis, p int) Why {
	pa := a.Projects[p]
	switch {
	case pa.Loss != nil && len(pa.Loss.SpentOn) > 0 && spentAny(pa.Loss.SpentOn):
		return WhySupportersSpent
	case pa.Loss != nil:
		return WhyTooFewSupporters
	case a.Rule == Greedy || a.Rule == GreedyNoSkip:
		if pa.MaxWinningCost != nil && pa.MaxWinningCost.Cmp(in.Projects[p].Cost) < 0 {
			return WhyNoMoneyLeft
		}
	}
	return WhyOther
}

func spentAny(m map[string]*big.Rat) bool {
	for _, x := range m {
		if x.Sign() > 0 {
			return true
		}
	}
	return false
}

// ComparisonReport is a Comparison as JSON (`civitas pb compare`, the results' JSON).
type ComparisonReport struct {
	Rules    [2]Rule                   `json:"rules"`
	Outcomes map[Rule]OutcomeReport    `json:"outcomes"`
	Projects []ProjectComparisonReport `json:"projects"`
}

// OutcomeReport is one rule's outcome in brief.
type OutcomeReport struct {
	Selected           []string `json:"selected"`
	TotalCost          string   `json:"total_cost"`
	MeanShare          float64  `json:"mean_share"`
	NothingFundedShare float64  `json:"nothing_funded_share"`
}

// ProjectComparisonReport is one project under both rules.
type ProjectComparisonReport struct {
	ID       string        `json:"id"`
	Cost     string        `json:"cost"`
	Votes    int           `json:"votes"`
	Selected map[Rule]bool `json:"selected"`
	// Difference is "both", "neither" or the rule that alone selected it; Why (only
	// then) the other rule's reason, with its effective support (Equal Shares) and the
	// largest cost at which the project would have won under it.
	Difference       string  `json:"difference"`
	Why              Why     `json:"why,omitempty"`
	EffectiveSupport *int    `json:"effective_support,omitempty"`
	MaxWinningCost   *string `json:"max_winning_cost,omitempty"`
}

// Report returns the comparison of in as JSON.
func (c *Comparison) Report(in *Instance) ComparisonReport {
	_, approvals := in.Tally()
	r := ComparisonReport{Rules: [2]Rule{c.A.Rule, c.B.Rule}, Outcomes: map[Rule]OutcomeReport{}}
	for _, a := range []*Analysis{c.A, c.B} {
		sel := a.Result.Selected
		if sel == nil {
			sel = []string{}
		}
		s := a.Report(in).Satisfaction
		r.Outcomes[a.Rule] = OutcomeReport{Selected: sel, TotalCost: FormatRat(a.Result.TotalCost),
			MeanShare: s.MeanShare, NothingFundedShare: s.NothingFundedShare}
	}
	for p, pc := range c.Projects {
		pr := ProjectComparisonReport{ID: in.Projects[p].ID, Cost: FormatRat(in.Projects[p].Cost), Votes: approvals[p],
			Selected: map[Rule]bool{c.A.Rule: pc.InA, c.B.Rule: pc.InB}, Why: pc.Why}
		var loser *Analysis
		switch {
		case pc.InA && pc.InB:
			pr.Difference = "both"
		case pc.InA:
			pr.Difference, loser = string(c.A.Rule), c.B
		case pc.InB:
			pr.Difference, loser = string(c.B.Rule), c.A
		default:
			pr.Difference = "neither"
		}
		if loser != nil {
			pr.EffectiveSupport = loser.Projects[p].EffectiveSupport
			if m := loser.Projects[p].MaxWinningCost; m != nil {
				s := FormatRat(m)
				pr.MaxWinningCost = &s
			}
		}
		r.Projects = append(r.Projects, pr)
	}
	return r
}
