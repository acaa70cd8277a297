package budget

import (
	"context"
	"math/big"
	"strings"
	"time"

	"github.com/civitas-city/civitas/internal/budget/rules"
)

// A pool's analysis is computed from the same Pabulib election its count comes from
// (Service.Election), so it explains exactly the published outcome; `civitas pb analyze`
// and `civitas pb compare` on the exported file give the same numbers.

// analysisTime bounds the recounts a page may spend on winning costs (rules without a
// closed form; Add1 above all). What is left is listed as not computed.
const analysisTime = 2 * time.Second

// PoolAnalysis is a counted pool's outcome explained.
type PoolAnalysis struct {
	Instance *rules.Instance
	Projects []*Project // indexed like Instance.Projects
	Analysis *rules.Analysis
}

// PoolComparison is a pool counted with two rules side by side.
type PoolComparison struct {
	Instance   *rules.Instance
	Projects   []*Project
	Comparison *rules.Comparison
}

// poolInstance is a pool's election as the rules take it, with the options of its rule.
func (s *Service) poolInstance(ctx context.Context, e *Edition, pool *Pool) (*rules.Instance, []*Project, rules.AnalysisOptions, error) {
	el, projects, err := s.Election(ctx, e, pool)
	if err != nil {
		return nil, nil, rules.AnalysisOptions{}, err
	}
	in, err := el.Instance()
	if err != nil {
		return nil, nil, rules.AnalysisOptions{}, err
	}
	opt := rules.AnalysisOptions{Categories: make([][]string, len(projects)), CostDeadline: time.Now().Add(analysisTime)}
	for i, p := range projects {
		for c := range strings.SplitSeq(p.Category, ",") {
			if c = strings.TrimSpace(c); c != "" {
				opt.Categories[i] = append(opt.Categories[i], c)
			}
		}
	}
	if pool.Threshold != "" {
		opt.Threshold, _ = new(big.Rat).SetString(pool.Threshold)
	}
	return in, projects, opt, nil
}

// AnalyzePool explains a pool's outcome under its rule.
func (s *Service) AnalyzePool(ctx context.Context, e *Edition, pool *Pool) (*PoolAnalysis, error) {
	in, projects, opt, err := s.poolInstance(ctx, e, pool)
	if err != nil {
		return nil, err
	}
	a, err := rules.Analyze(ctx, in, rules.Rule(pool.Rule), opt)
	if err != nil {
		return nil, err
	}
	return &PoolAnalysis{Instance: in, Projects: projects, Analysis: a}, nil
}

// ComparePool counts a pool with greedy counting and with Equal Shares (ComparisonRules).
func (s *Service) ComparePool(ctx context.Context, e *Edition, pool *Pool) (*PoolComparison, error) {
	in, projects, opt, err := s.poolInstance(ctx, e, pool)
	if err != nil {
		return nil, err
	}
	a, b := ComparisonRules(pool.Rule)
	// The comparison explains differences by effective support and by the money left at
	// a project's turn, both in closed form; the recounts are left to the analysis page.
	opt.CostDeadline = time.Now()
	c, err := rules.Compare(ctx, in, a, b, opt)
	if err != nil {
		return nil, err
	}
	return &PoolComparison{Instance: in, Projects: projects, Comparison: c}, nil
}

// ComparisonRules are the two rules a pool counted with rule is compared under: its own
// and the other family's usual one (greedy by votes, or Equal Shares with Add1 and
// completion), greedy first.
func ComparisonRules(rule string) (greedy, equalShares rules.Rule) {
	switch r := rules.Rule(rule); r {
	case rules.MESCost, rules.MESCard, rules.MESCostAdd1, rules.MESCardAdd1:
		return rules.Greedy, r
	case rules.Phragmen:
		return rules.Greedy, rules.MESCostAdd1
	default:
		return r, rules.MESCostAdd1
	}
}
