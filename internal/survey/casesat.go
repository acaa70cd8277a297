package survey

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/civitas-city/civitas/internal/survey/stats"
)

// The reports module asks each reporter, once their case is closed, how
// satisfied they are (1–5). Surveys aggregate those answers as a built-in
// survey: an NPS-style score per unit and per category, published with
// small groups suppressed.

// CaseRating is one satisfaction answer after a closed case.
type CaseRating struct {
	Unit     string // the unit that handled the case ("" unknown)
	Category string // the category's code
	Rating   int    // 1–5
}

// CaseFeedback gives the satisfaction answers of closed cases
// (internal/reports through app).
type CaseFeedback interface {
	CaseRatings(ctx context.Context, since time.Time) ([]CaseRating, error)
}

// CaseScore is the NPS-style score of a group of answers: the share of 5s
// ("very satisfied") minus the share of 1–3, from −100 to 100, with its
// 95% interval; Suppressed when fewer than the minimum cell answered.
type CaseScore struct {
	Group      string
	N          int
	Score      stats.Estimate
	Suppressed bool
}

// CaseSatisfaction is the satisfaction after cases, by unit and category.
type CaseSatisfaction struct {
	All        CaseScore
	Units      []CaseScore
	Categories []CaseScore
}

// CaseSatisfaction aggregates the answers since a time. Without a source
// it is empty.
func (s *Service) CaseSatisfaction(ctx context.Context, since time.Time) (CaseSatisfaction, error) {
	if s.CaseFeedback == nil {
		return CaseSatisfaction{}, nil
	}
	rs, err := s.CaseFeedback.CaseRatings(ctx, since)
	if err != nil {
		return CaseSatisfaction{}, err
	}
	return ScoreCases(rs, s.minCell()), nil
}

// ScoreCases scores every answer, and the answers of each unit and each
// category, suppressing groups of fewer than minCell answers.
func ScoreCases(rs []CaseRating, minCell int) CaseSatisfaction {
	score := func(group string, keep func(CaseRating) bool) CaseScore {
		var y []float64
		for _, r := range rs {
			if !keep(r) || r.Rating < 1 || r.Rating > 5 {
				continue
			}
			switch {
			case r.Rating == 5:
				y = append(y, 100)
			case r.Rating <= 3:
				y = append(y, -100)
			default:
				y = append(y, 0)
			}
		}
		c := CaseScore{Group: group, N: len(y)}
		if c.N < minCell {
			c.Suppressed = true
			return c
		}
		c.Score, _ = stats.Mean(y, nil)
		c.Score.Lo, c.Score.Hi = max(c.Score.Lo, -100), min(c.Score.Hi, 100)
		return c
	}
	out := CaseSatisfaction{All: score("", func(CaseRating) bool { return true })}
	var units, cats []string
	for _, r := range rs {
		if !slices.Contains(units, r.Unit) {
			units = append(units, r.Unit)
		}
		if !slices.Contains(cats, r.Category) {
			cats = append(cats, r.Category)
		}
	}
	slices.SortFunc(units, strings.Compare)
	slices.SortFunc(cats, strings.Compare)
	for _, u := range units {
		out.Units = append(out.Units, score(u, func(r CaseRating) bool { return r.Unit == u }))
	}
	for _, c := range cats {
		out.Categories = append(out.Categories, score(c, func(r CaseRating) bool { return r.Category == c }))
	}
	return out
}
