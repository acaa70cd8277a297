package budget

import (
	"fmt"
	"math/big"
	"strings"

	"github.com/civitas-city/civitas/internal/budget/rules"
	"github.com/civitas-city/civitas/internal/i18n"
)

// Explain turns the engine's steps about one project into sentences a
// resident can read: why it won or lost.
func Explain(cat *i18n.Catalog, lang string, steps []rules.Step, selected bool) []string {
	var out []string
	money := func(s string) string { return ratMoney(lang, s) }
	for _, st := range steps {
		var line string
		switch st.Reason {
		case rules.Selected:
			switch st.Phase {
			case rules.PhaseMES:
				line = cat.T(lang, "budget.why.selected_mes", st.Round, FormatInt(lang, st.Supporters), money(st.MaxPayment))
			case rules.PhasePhragmen:
				line = cat.T(lang, "budget.why.selected_phragmen", st.Round)
			case rules.PhaseCompletion:
				line = cat.T(lang, "budget.why.selected_completion", score(lang, st.Score), money(st.Remaining))
			default:
				line = cat.T(lang, "budget.why.selected_greedy", st.Round, score(lang, st.Score), money(st.Remaining))
			}
		case rules.DoesNotFit:
			line = cat.T(lang, "budget.why.does_not_fit", money(st.Cost), money(st.Remaining))
		case rules.BelowThreshold:
			line = cat.T(lang, "budget.why.below_threshold", score(lang, st.Score))
		case rules.BudgetStop:
			line = cat.T(lang, "budget.why.budget_stop", money(st.Cost))
		case rules.NotReached:
			line = cat.T(lang, "budget.why.not_reached")
		case rules.Withdrawn:
			line = cat.T(lang, "budget.why.withdrawn")
		case rules.NotAffordableBySupporters:
			line = cat.T(lang, "budget.why.not_affordable", FormatInt(lang, st.Supporters), money(st.SupportersMoney), money(st.Cost))
		case rules.NoSupporters:
			line = cat.T(lang, "budget.why.no_supporters")
		case rules.ZeroCost:
			line = cat.T(lang, "budget.why.zero_cost")
		case rules.OverBudget:
			line = cat.T(lang, "budget.why.over_budget", money(st.Cost))
		default:
			continue
		}
		out = append(out, line)
	}
	if len(out) == 0 {
		if selected {
			out = append(out, cat.T(lang, "budget.why.selected"))
		} else {
			out = append(out, cat.T(lang, "budget.why.not_selected"))
		}
	}
	return out
}

// ratMoney writes an exact amount of złoty (a FormatRat string) for people:
// exactly when it is whole grosze, else rounded to the grosz with "≈".
func ratMoney(lang, s string) string {
	if s == "" {
		return ""
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return s
	}
	if g, err := RatMoney(r); err == nil {
		return FormatMoney(lang, g)
	}
	g := new(big.Rat).Mul(r, big.NewRat(100, 1))
	f, _ := g.Float64()
	return "≈\u00a0" + FormatMoney(lang, int64(f+0.5))
}

// score writes a number of votes or points.
func score(lang, s string) string {
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return s
	}
	if r.IsInt() && r.Num().IsInt64() {
		return FormatInt(lang, int(r.Num().Int64()))
	}
	f, _ := r.Float64()
	out := fmt.Sprintf("%.2f", f)
	if lang != "en" {
		out = strings.ReplaceAll(out, ".", ",")
	}
	return out
}
