package rules

import (
	"context"
	"fmt"
	"math/big"
)

// Rule names a counting rule; the values are the CLI's --rule names.
type Rule string

// The rules. Greedy, GreedyRatio and the MES rules reproduce pabutools; GreedyNoSkip and
// GreedyThreshold are the historical Pabulib variants (META rule), here on recounted scores
// unless Options.Scores is given.
const (
	Greedy          Rule = "greedy"           // by votes (approval) or points, skip what does not fit
	GreedyRatio     Rule = "greedy-ratio"     // by votes or points per unit of cost
	GreedyNoSkip    Rule = "greedy-no-skip"   // by votes or points, stop at the first that does not fit
	GreedyThreshold Rule = "greedy-threshold" // by votes or points, only projects reaching the threshold
	MESCost         Rule = "mes-cost"         // Method of Equal Shares, cost satisfaction
	MESCard         Rule = "mes-card"         // Method of Equal Shares, cardinality satisfaction
	MESCostAdd1     Rule = "mes-cost-add1"    // MES cost + Add1 + greedy completion
	MESCardAdd1     Rule = "mes-card-add1"    // MES cardinality + Add1 + greedy completion
	Phragmen        Rule = "phragmen"         // sequential Phragmén (approval ballots only)
)

// AllRules lists every Rule, in the order of the CLI's help.
var AllRules = []Rule{Greedy, GreedyRatio, GreedyNoSkip, GreedyThreshold, MESCost, MESCard, MESCostAdd1, MESCardAdd1, Phragmen}

// Options tune Count. The zero value counts as pabutools does.
type Options struct {
	// Explain fills Result.Steps.
	Explain bool
	// Threshold: for GreedyThreshold and GreedyNoSkip, only projects whose score is at least
	// Threshold are eligible. Nil means no threshold.
	Threshold *big.Rat
	// Scores, for the greedy rules, replaces the scores recounted from the ballots (e.g. the
	// PROJECTS votes/score column); indexed like Instance.Projects.
	Scores []*big.Rat
	// FileOrder, for the greedy rules, sorts by the raw score and breaks ties by project
	// order instead of id (the Pabulib checker's historical recipe).
	FileOrder bool
	// NoCompletion, for the Add1 rules, returns the Add1 outcome without greedy completion
	// (the historical "equalshares/add1").
	NoCompletion bool
	// MaxK bounds the Add1 steps; 0 means DefaultMaxK. The context bounds the time.
	MaxK int
}

// DefaultMaxK is the default bound on Add1 steps.
const DefaultMaxK = 1_000_000

// Result is an outcome and, when asked for, how it came about.
type Result struct {
	Rule Rule `json:"rule"`
	// Selected holds the selected project ids: in selection order, except Phragmén
	// (sorted by id, as the reference).
	Selected []string `json:"selected"`
	// Indices holds the same projects as indices into Instance.Projects.
	Indices   []int    `json:"-"`
	TotalCost *big.Rat `json:"-"`
	// Add1K is the k of the MES run kept by Add1 (per-voter budget B/n + k), or -1.
	Add1K int    `json:"add1_k"`
	Steps []Step `json:"explanation,omitempty"`

	add1Count int // Add1 rules: how many of Indices Add1 chose, before completion; else -1
}

// Phase says which part of a rule a Step belongs to.
type Phase string

// Phases.
const (
	PhaseGreedy     Phase = "greedy"
	PhaseMES        Phase = "mes"
	PhaseAdd1       Phase = "add1"
	PhaseCompletion Phase = "completion"
	PhasePhragmen   Phase = "phragmen"
)

// Reason is a stable machine-readable code for a Step.
type Reason string

// Reasons.
const (
	Selected                  Reason = "selected"
	DoesNotFit                Reason = "does_not_fit"                 // greedy: cost > remaining budget, skipped
	BelowThreshold            Reason = "below_threshold"              // score below the threshold
	BudgetStop                Reason = "budget_stop"                  // the walk (no-skip greedy, Phragmén) stopped here: no money
	NotReached                Reason = "not_reached"                  // after a budget stop
	Withdrawn                 Reason = "withdrawn"                    // no-skip greedy skips the sentinel cost 999999999
	NotAffordableBySupporters Reason = "not_affordable_by_supporters" // MES: supporters' money < cost
	NoSupporters              Reason = "no_supporters"                // MES: nobody lists it
	ZeroCost                  Reason = "zero_cost_no_utility"         // MES cost satisfaction: cost 0 gives no utility
	OverBudget                Reason = "over_budget"                  // Phragmén: costs more than the whole budget
	Add1Exhaustive            Reason = "add1_exhaustive"              // Add1 kept this k: nothing more fits
	Add1NextInfeasible        Reason = "add1_next_infeasible"         // Add1 kept this k: k+1 would overspend
)

// Step is one line of an explanation. Exact numbers are strings in FormatRat's format;
// the *_approx fields are floats for display only.
type Step struct {
	Phase   Phase  `json:"phase"`
	Round   int    `json:"round,omitzero"` // MES/Phragmén round (1-based), greedy position
	Project string `json:"project,omitempty"`
	Reason  Reason `json:"reason"`
	Cost    string `json:"cost,omitempty"`
	// Greedy: the score (votes or points) used for sorting and the budget left after it.
	Score     string `json:"score,omitempty"`
	Remaining string `json:"remaining,omitempty"`
	// MES: the price per unit of satisfaction ρ, the most a supporter paid (ρ·u), the number
	// of supporters and of supporters who paid something; for an unaffordable project the
	// money its supporters had left.
	Rho             string  `json:"rho,omitempty"`
	RhoApprox       float64 `json:"rho_approx,omitzero"`
	MaxPayment      string  `json:"max_payment,omitempty"`
	Supporters      int     `json:"supporters,omitzero"`
	Payers          int     `json:"payers,omitzero"`
	SupportersMoney string  `json:"supporters_money,omitempty"`
	// SupportersMoneyApprox is SupportersMoney as a float, for display.
	SupportersMoneyApprox float64 `json:"supporters_money_approx,omitzero"`
	// Phragmén: the new load of the project's supporters.
	Load       string  `json:"load,omitempty"`
	LoadApprox float64 `json:"load_approx,omitzero"`
	// Add1: the k kept, the per-voter budget, and the cost of the outcome at k and at k+1.
	K              *int     `json:"k,omitempty"`
	VoterBudget    string   `json:"voter_budget,omitempty"`
	OutcomeCost    string   `json:"outcome_cost,omitempty"`
	NextCost       string   `json:"next_outcome_cost,omitempty"`
	SelectedByAdd1 []string `json:"selected_by_add1,omitempty"`
}

// Count runs rule on in, after validating it.
func Count(ctx context.Context, in *Instance, rule Rule, opt Options) (*Result, error) {
	switch rule {
	case Greedy, GreedyRatio, GreedyNoSkip, GreedyThreshold:
		g := GreedyOptions{
			Ratio:     rule == GreedyRatio,
			NoSkip:    rule == GreedyNoSkip,
			Scores:    opt.Scores,
			FileOrder: opt.FileOrder,
			Explain:   opt.Explain,
		}
		if rule == GreedyThreshold || rule == GreedyNoSkip {
			g.Threshold = opt.Threshold
		}
		r, err := GreedyRule(in, g)
		if err != nil {
			return nil, err
		}
		r.Rule = rule
		return r, nil
	case MESCost, MESCard:
		r, err := MES(in, satOf(rule), opt.Explain)
		if err != nil {
			return nil, err
		}
		r.Rule = rule
		return r, nil
	case MESCostAdd1, MESCardAdd1:
		r, err := MESAdd1(ctx, in, satOf(rule), Add1Options{Completion: !opt.NoCompletion, MaxK: opt.MaxK, Explain: opt.Explain})
		if err != nil {
			return nil, err
		}
		r.Rule = rule
		return r, nil
	case Phragmen:
		r, err := SequentialPhragmen(in, opt.Explain)
		if err != nil {
			return nil, err
		}
		r.Rule = rule
		return r, nil
	}
	return nil, fmt.Errorf("rules: unknown rule %q", rule)
}

func satOf(r Rule) Satisfaction {
	if r == MESCard || r == MESCardAdd1 {
		return CardinalitySat
	}
	return CostSat
}

func newResult(in *Instance, sel []int) *Result {
	return &Result{Selected: in.ids(sel), Indices: sel, TotalCost: in.sumCost(sel), Add1K: -1, add1Count: -1}
}
