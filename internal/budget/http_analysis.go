package budget

import (
	"context"
	"fmt"
	"github.com/civitas-city/civitas/internal/i18n"
	"html/template"
	"math/big"
	"net/http"
	"sort"
	"strconv"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/budget/rules"
	"github.com/civitas-city/civitas/internal/web"
)

// The analysis pages of a counted pool: how its outcome came about (effective support,
// where supporters' money went, the largest winning cost, how voters were served, the
// categories), and its outcome under greedy counting and Equal Shares side by side.

// AnalysisPage explains a pool's outcome.
type AnalysisPage struct {
	EditionView
	Pool         PoolView
	Rule         string
	MES          bool // Equal Shares: effective support and losses are shown
	Summary      []string
	Projects     []AnalysisLine
	SupportChart template.HTML
	Deciles      []DecileLine
	SatChart     template.HTML
	Categories   []CategoryLine
	CatChart     template.HTML
	NotComputed  bool
}

// AnalysisLine is one project in the analysis.
type AnalysisLine struct {
	ProjectView
	Selected    bool
	Completion  bool
	Effective   string   // "87%"; "" when not under Equal Shares
	Supporters  string   // their money when last considered
	SpentOn     []string // "code: amount", largest first
	WinningCost string   // losing projects; "" for winners
}

// DecileLine is one band of the voters' funded shares.
type DecileLine struct {
	Label  string
	Voters int
	Share  string
}

// CategoryLine is one category's support and funding.
type CategoryLine struct {
	Name               i18n.Text
	Projects, Selected int
	Support, Funded    string
	FundedCost         string
}

// percent writes a share (0 to 1) as a percentage with one decimal.
func percent(x float64) string { return strconv.FormatFloat(x*100, 'f', 1, 64) + "%" }

// amount writes an exact amount for a page (≈ when not whole grosze, see ratMoney).
func amount(lang string, r *big.Rat) string { return ratMoney(lang, rules.FormatRat(r)) }

// counted loads the path's counted pool.
func (h *Handler) counted(r *http.Request) (*Edition, *Pool, error) {
	e, pool, err := h.resultsPool(r)
	if err != nil {
		return nil, nil, err
	}
	if _, err := h.Service.Result(r.Context(), pool); err != nil {
		if apperr.Is(err, apperr.NotFound) {
			return nil, nil, apperr.E(apperr.NotFound, "budget.results.not_counted")
		}
		return nil, nil, err
	}
	return e, pool, nil
}

func (h *Handler) poolView(r *http.Request, e *Edition, pool *Pool) (EditionView, PoolView) {
	ev := h.editionView(r, e, nil)
	for _, pv := range ev.Pools {
		if pv.P.ID == pool.ID {
			return ev, pv
		}
	}
	return ev, PoolView{P: pool}
}

func (h *Handler) handlePoolAnalysis(w http.ResponseWriter, r *http.Request) error {
	e, pool, err := h.counted(r)
	if err != nil {
		return err
	}
	pa, err := h.Service.AnalyzePool(r.Context(), e, pool)
	if err != nil {
		return err
	}
	lang := web.Lang(r.Context())
	a := pa.Analysis
	page := AnalysisPage{Rule: pool.Rule, MES: a.MESBudget != nil, NotComputed: len(a.NotComputed) > 0}
	page.EditionView, page.Pool = h.poolView(r, e, pool)
	sat := a.Satisfaction
	page.Summary = []string{h.t(r, "budget.analysis.summary", len(a.Result.Indices), len(pa.Projects),
		amount(lang, a.Result.TotalCost), FormatMoney(lang, pool.Amount))}
	if sat.WithProjects > 0 {
		page.Summary = append(page.Summary, h.t(r, "budget.analysis.summary_voters",
			percent(1-float64(sat.NothingFunded)/float64(sat.WithProjects)), percent(sat.Mean)))
	}
	var bars []web.Bar
	for i, p := range pa.Projects {
		pr := a.Projects[i]
		line := AnalysisLine{ProjectView: h.projectView(r, e, p), Selected: pr.Selected, Completion: pr.Completion}
		if pr.EffectiveSupport != nil {
			line.Effective = strconv.Itoa(*pr.EffectiveSupport) + "%"
			bars = append(bars, web.Bar{Label: p.Code + " " + p.Title, Value: float64(*pr.EffectiveSupport),
				ValueLabel: line.Effective, Highlight: pr.Selected})
		}
		if pr.Loss != nil {
			line.Supporters = amount(lang, pr.Loss.SupportersBudget)
			line.SpentOn = spentLines(lang, pr.Loss.SpentOn)
		}
		switch {
		case pr.Selected:
		case pr.MaxWinningCost != nil:
			line.WinningCost = amount(lang, pr.MaxWinningCost)
		case containsIndex(a.NotComputed, i):
			line.WinningCost = h.t(r, "budget.analysis.not_computed")
		default:
			line.WinningCost = h.t(r, "budget.analysis.cannot_win")
		}
		page.Projects = append(page.Projects, line)
	}
	if len(bars) > 0 {
		page.SupportChart = web.BarChart("chart-effective", h.t(r, "budget.analysis.chart_effective", pool.NameText().For(web.Lang(r.Context()))), bars)
	}
	var dbars []web.Bar
	for d, n := range sat.Deciles {
		label := h.t(r, "budget.analysis.decile", 10*d, 10*(d+1))
		page.Deciles = append(page.Deciles, DecileLine{Label: label, Voters: n, Share: shareOf(n, sat.WithProjects)})
		dbars = append(dbars, web.Bar{Label: label, Value: float64(n), ValueLabel: FormatInt(lang, n)})
	}
	page.SatChart = web.BarChart("chart-satisfaction", h.t(r, "budget.analysis.chart_satisfaction", pool.NameText().For(web.Lang(r.Context()))), dbars)
	var cbars []web.Bar
	for _, c := range sat.Categories {
		page.Categories = append(page.Categories, CategoryLine{Name: e.CategoryText(c.Category), Projects: c.Projects, Selected: c.Selected,
			Support: percent(c.SupportShare), Funded: percent(c.FundedShare), FundedCost: amount(lang, c.FundedCost)})
		cbars = append(cbars, web.Bar{Label: e.CategoryText(c.Category).For(web.Lang(r.Context())), Value: c.FundedShare, ValueLabel: percent(c.FundedShare)})
	}
	if len(cbars) > 0 {
		page.CatChart = web.BarChart("chart-categories", h.t(r, "budget.analysis.chart_categories", pool.NameText().For(web.Lang(r.Context()))), cbars)
	}
	return h.render(w, r, "analysis", "budget.analysis.title", nil, page)
}

func containsIndex(xs []int, x int) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func shareOf(n, of int) string {
	if of == 0 {
		return ""
	}
	return percent(float64(n) / float64(of))
}

// spentLines lists where supporters' money went, the largest amounts first.
func spentLines(lang string, spent map[string]*big.Rat) []string {
	codes := make([]string, 0, len(spent))
	for c, x := range spent {
		if x.Sign() > 0 {
			codes = append(codes, c)
		}
	}
	sort.Slice(codes, func(i, j int) bool {
		if x := spent[codes[i]].Cmp(spent[codes[j]]); x != 0 {
			return x > 0
		}
		return codes[i] < codes[j]
	})
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = c + ": " + amount(lang, spent[c])
	}
	return out
}

// ComparePage shows a pool's outcome under two rules.
type ComparePage struct {
	EditionView
	Pool     PoolView
	RuleA    string
	RuleB    string
	Outcomes []OutcomeLine
	Chart    template.HTML
	Lines    []CompareLine
	Differ   []CompareLine
}

// OutcomeLine is one rule's outcome in brief.
type OutcomeLine struct {
	Rule          string
	Selected      int
	Spent         string
	Mean          string
	NothingFunded string
}

// CompareLine is one project under both rules.
type CompareLine struct {
	ProjectView
	Votes    int
	InA, InB bool
	Why      string
}

func (h *Handler) handlePoolCompare(w http.ResponseWriter, r *http.Request) error {
	e, pool, err := h.counted(r)
	if err != nil {
		return err
	}
	pc, err := h.Service.ComparePool(r.Context(), e, pool)
	if err != nil {
		return err
	}
	lang := web.Lang(r.Context())
	c := pc.Comparison
	ruleName := func(x rules.Rule) string { return h.t(r, "budget.rule."+string(x)) }
	page := ComparePage{RuleA: ruleName(c.A.Rule), RuleB: ruleName(c.B.Rule)}
	page.EditionView, page.Pool = h.poolView(r, e, pool)
	var bars []web.Bar
	for _, a := range []*rules.Analysis{c.A, c.B} {
		s := a.Satisfaction
		nothing := 0.0
		if s.WithProjects > 0 {
			nothing = float64(s.NothingFunded) / float64(s.WithProjects)
		}
		page.Outcomes = append(page.Outcomes, OutcomeLine{Rule: ruleName(a.Rule), Selected: len(a.Result.Indices),
			Spent: amount(lang, a.Result.TotalCost), Mean: percent(s.Mean), NothingFunded: percent(nothing)})
		bars = append(bars, web.Bar{Label: ruleName(a.Rule), Value: s.Mean, ValueLabel: percent(s.Mean)})
	}
	page.Chart = web.BarChart("chart-compare", h.t(r, "budget.compare.chart", pool.NameText().For(web.Lang(r.Context()))), bars)
	_, approvals := pc.Instance.Tally()
	for i, p := range pc.Projects {
		pr := c.Projects[i]
		line := CompareLine{ProjectView: h.projectView(r, e, p), Votes: approvals[i], InA: pr.InA, InB: pr.InB}
		switch {
		case pr.InA && !pr.InB:
			line.Why = h.why(r, lang, c.B, i, pr.Why)
		case pr.InB && !pr.InA:
			line.Why = h.why(r, lang, c.A, i, pr.Why)
		}
		page.Lines = append(page.Lines, line)
		if line.Why != "" {
			page.Differ = append(page.Differ, line)
		}
	}
	return h.render(w, r, "compare", "budget.compare.title", nil, page)
}

// why says in words why project i lost under the rule analysed by a.
func (h *Handler) why(r *http.Request, lang string, a *rules.Analysis, i int, why rules.Why) string {
	name := h.t(r, "budget.rule."+string(a.Rule))
	pa := a.Projects[i]
	eff := 0
	if pa.EffectiveSupport != nil {
		eff = *pa.EffectiveSupport
	}
	switch why {
	case rules.WhySupportersSpent, rules.WhyTooFewSupporters:
		return h.t(r, "budget.compare.why."+string(why), name, eff)
	case rules.WhyNoMoneyLeft:
		return h.t(r, "budget.compare.why."+string(why), name, amount(lang, pa.MaxWinningCost))
	}
	return h.t(r, "budget.compare.why.other", name)
}

// analysisJSON adds a pool's analysis and comparison to its JSON (export and API).
func (s *Service) analysisJSON(ctx context.Context, e *Edition, pool *Pool, out *PoolJSON) error {
	pa, err := s.AnalyzePool(ctx, e, pool)
	if err != nil {
		return fmt.Errorf("budget: analysis: %w", err)
	}
	report := pa.Analysis.Report(pa.Instance)
	out.Analysis = &report
	pc, err := s.ComparePool(ctx, e, pool)
	if err != nil {
		return fmt.Errorf("budget: comparison: %w", err)
	}
	cmp := pc.Comparison.Report(pc.Instance)
	out.Comparison = &cmp
	return nil
}
