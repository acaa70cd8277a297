package survey

import (
	"slices"
	"strconv"

	"github.com/civitas-city/civitas/internal/survey/stats"
)

// Breakdown is an NPS question's score by the answers of a single-choice
// question (the NPS in person against online).
type Breakdown struct {
	Of, By Question
	Rows   []BreakdownRow
}

// BreakdownRow is the score of the respondents who gave one answer.
type BreakdownRow struct {
	Label      string
	N          int
	NPS, WNPS  stats.Estimate
	Suppressed bool
}

// Breakdowns scores every NPS question by every single-choice question,
// unweighted and weighted (w nil: unweighted only); a group of fewer than
// minCell respondents is suppressed.
func Breakdowns(def Definition, responses []*Response, w []float64, lang string, minCell int) []Breakdown {
	var out []Breakdown
	qs := def.Questions()
	for _, of := range qs {
		if of.Kind != NPS {
			continue
		}
		for _, by := range qs {
			if by.Kind != Single {
				continue
			}
			b := Breakdown{Of: of.Question, By: by.Question}
			for _, o := range by.Options {
				var scores []int
				var ws []float64
				for i, r := range responses {
					a, b := r.Answers[of.Key], r.Answers[by.Key]
					if len(a.Codes) == 1 && slices.Equal(b.Codes, []int{o.Code}) {
						scores = append(scores, a.Codes[0])
						if w != nil {
							ws = append(ws, w[i])
						}
					}
				}
				row := BreakdownRow{Label: o.Text.In(lang), N: len(scores), Suppressed: len(scores) < minCell}
				if !row.Suppressed {
					row.NPS, _ = stats.NPS(scores, nil)
					if w != nil {
						row.WNPS, _ = stats.NPS(positive(scores, ws))
					}
				}
				b.Rows = append(b.Rows, row)
			}
			out = append(out, b)
		}
	}
	return out
}

// NPSTable cross-tabulates an NPS question's promoters, passives and
// detractors by age band (by district when byDistrict), weighted when w is
// given, with the small cells suppressed for publication (stats.CrossTab).
// Responses without the row variable are left out.
func NPSTable(q Question, responses []*Response, w []float64, byDistrict bool, minCell int) (rows []string, t stats.Table, err error) {
	var rc, cc []int
	var ws []float64
	var districts []int
	for _, r := range responses {
		if byDistrict && r.District > 0 && !slices.Contains(districts, r.District) {
			districts = append(districts, r.District)
		}
	}
	slices.Sort(districts)
	for i, r := range responses {
		a := r.Answers[q.Key]
		if len(a.Codes) != 1 {
			continue
		}
		row := slices.Index(AgeBands, r.AgeBand)
		if byDistrict {
			row = slices.Index(districts, r.District)
		}
		if row < 0 {
			continue
		}
		col := 1
		switch s := a.Codes[0]; {
		case s >= 9:
			col = 0
		case s <= 6:
			col = 2
		}
		rc, cc = append(rc, row), append(cc, col)
		if w != nil {
			ws = append(ws, w[i])
		}
	}
	rows = slices.Clone(AgeBands)
	if byDistrict {
		rows = nil
		for _, d := range districts {
			rows = append(rows, strconv.Itoa(d))
		}
	}
	if w == nil {
		ws = nil
	}
	t, err = stats.CrossTab(rc, cc, len(rows), 3, ws, minCell)
	return rows, t, err
}
