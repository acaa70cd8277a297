package survey

import (
	"slices"
	"strconv"

	"github.com/civitas-city/civitas/internal/survey/stats"
)

// PopulationCount is the number of residents of a district in an age band,
// from the residents' register (counts only).
type PopulationCount struct {
	District int
	AgeBand  string
	N        float64
}

// Weighting is how a wave's responses were weighted to the population.
type Weighting struct {
	// Weights are one per response (raked to district and age band); a
	// response without both has weight 0 and is left out of weighted
	// figures. Nil when the wave could not be weighted (Problem says why).
	Weights  []float64
	Weighted int // responses with a weight
	Deff     float64
	NEff     float64
	Problem  string // a translation key; "" when weighted
}

// Weigh rakes responses to the population's district and age band margins,
// restricted to the districts and bands the responses cover (a margin level
// without respondents cannot be represented).
func Weigh(responses []*Response, population []PopulationCount) Weighting {
	var districts []int
	var bands []string
	var idx []int
	for i, r := range responses {
		if r.District > 0 && r.AgeBand != "" {
			idx = append(idx, i)
			if !slices.Contains(districts, r.District) {
				districts = append(districts, r.District)
			}
			if !slices.Contains(bands, r.AgeBand) {
				bands = append(bands, r.AgeBand)
			}
		}
	}
	if len(idx) < 2 {
		return Weighting{Problem: "survey.results.unweighted_few"}
	}
	slices.Sort(districts)
	slices.SortFunc(bands, func(a, b string) int { return slices.Index(AgeBands, a) - slices.Index(AgeBands, b) })
	dm := stats.Margin{Name: "district", Targets: make([]float64, len(districts))}
	am := stats.Margin{Name: "age_band", Levels: bands, Targets: make([]float64, len(bands))}
	for _, d := range districts {
		dm.Levels = append(dm.Levels, strconv.Itoa(d))
	}
	for _, p := range population {
		di, ai := slices.Index(districts, p.District), slices.Index(bands, p.AgeBand)
		if di >= 0 && ai >= 0 {
			dm.Targets[di] += p.N
			am.Targets[ai] += p.N
		}
	}
	codes := [][]int32{make([]int32, len(idx)), make([]int32, len(idx))}
	for j, i := range idx {
		codes[0][j] = int32(slices.Index(districts, responses[i].District))
		codes[1][j] = int32(slices.Index(bands, responses[i].AgeBand))
	}
	raked, err := stats.Rake(codes, []stats.Margin{dm, am}, stats.RakeOptions{})
	if err != nil {
		return Weighting{Problem: "survey.results.unweighted_population"}
	}
	w := Weighting{Weights: make([]float64, len(responses)), Weighted: len(idx)}
	for j, i := range idx {
		w.Weights[i] = raked.Weights[j]
	}
	w.Deff, w.NEff = stats.Kish(raked.Weights)
	return w
}

// Level is one answer's count and share, unweighted and weighted.
type Level struct {
	Code       int
	Label      string
	N          int
	Share      stats.Estimate
	Weighted   stats.Estimate
	Suppressed bool // fewer than the minimum cell: not published
}

// Result is one question's results in a wave.
type Result struct {
	Question Question
	Answered int
	Levels   []Level // single, multiple, Likert, NPS scores
	// Mean of a Likert scale, number, NPS score or matrix row (by Rows);
	// for NPS also the score itself.
	Mean, WMean stats.Estimate
	NPS, WNPS   stats.Estimate
	Rows        []RowMean // a matrix's rows, a ranking's options (mean rank)
	HasMean     bool
	HasNPS      bool
}

// RowMean is a matrix row's (or ranked option's) mean.
type RowMean struct {
	Label       string
	Mean, WMean stats.Estimate
}

// Analyze computes every question's results over the completed responses
// with weights w (nil: unweighted figures only), labels in lang; a level
// counting fewer than minCell responses is suppressed.
func Analyze(def Definition, responses []*Response, w []float64, lang string, minCell int) []Result {
	var out []Result
	for _, pq := range def.Questions() {
		q := pq.Question
		res := Result{Question: q}
		var rs []*Response
		var ws []float64
		for i, r := range responses {
			if a, ok := r.Answers[q.Key]; ok && !a.Empty() {
				rs = append(rs, r)
				if w != nil {
					ws = append(ws, w[i])
				}
			}
		}
		res.Answered = len(rs)
		if len(rs) == 0 {
			out = append(out, res)
			continue
		}
		levels := levelsOf(q, lang)
		for _, lv := range levels {
			in := make([]bool, len(rs))
			for i, r := range rs {
				in[i] = slices.Contains(r.Answers[q.Key].Codes, lv.Code)
				if in[i] {
					lv.N++
				}
			}
			if q.Kind != Single && q.Kind != Multiple && q.Kind != Likert && q.Kind != NPS {
				break
			}
			lv.Share, _ = stats.Proportion(in, nil)
			if ws != nil {
				lv.Weighted, _ = stats.Proportion(positive(in, ws))
			}
			lv.Suppressed = lv.N > 0 && lv.N < minCell
			res.Levels = append(res.Levels, lv)
		}
		switch q.Kind {
		case NPS, Likert, Number:
			y := make([]float64, len(rs))
			for i, r := range rs {
				if a := r.Answers[q.Key]; q.Kind == Number {
					y[i] = *a.Number
				} else {
					y[i] = float64(a.Codes[0])
				}
			}
			res.HasMean = true
			res.Mean, _ = stats.Mean(y, nil)
			if ws != nil {
				res.WMean, _ = stats.Mean(positive(y, ws))
			}
			if q.Kind == NPS {
				scores := make([]int, len(y))
				for i := range y {
					scores[i] = int(y[i])
				}
				res.HasNPS = true
				res.NPS, _ = stats.NPS(scores, nil)
				if ws != nil {
					res.WNPS, _ = stats.NPS(positive(scores, ws))
				}
			}
		case Matrix, Ranking:
			items := q.Rows
			if q.Kind == Ranking {
				items = q.Options
			}
			for _, it := range items {
				var y, wy []float64
				for i, r := range rs {
					a := r.Answers[q.Key]
					v, ok := a.Matrix[it.Code]
					if q.Kind == Ranking {
						v, ok = slices.Index(a.Codes, it.Code)+1, slices.Contains(a.Codes, it.Code)
					}
					if ok {
						y = append(y, float64(v))
						if ws != nil {
							wy = append(wy, ws[i])
						}
					}
				}
				rm := RowMean{Label: it.Text.In(lang)}
				rm.Mean, _ = stats.Mean(y, nil)
				if ws != nil {
					rm.WMean, _ = stats.Mean(positive(y, wy))
				}
				res.Rows = append(res.Rows, rm)
			}
		}
		out = append(out, res)
	}
	return out
}

// positive keeps the values with a positive weight: a response without
// district or age band has weight 0 and is left out of weighted figures
// (its n would otherwise count in the standard error).
func positive[T any](x []T, w []float64) ([]T, []float64) {
	var xs []T
	var ws []float64
	for i, wi := range w {
		if wi > 0 {
			xs, ws = append(xs, x[i]), append(ws, wi)
		}
	}
	return xs, ws
}

// levelsOf are the answers a question's counts are by.
func levelsOf(q Question, lang string) []Level {
	var out []Level
	switch q.Kind {
	case NPS:
		for s := 0; s <= 10; s++ {
			out = append(out, Level{Code: s, Label: strconv.Itoa(s)})
		}
	case Likert:
		for p := 1; p <= q.Points; p++ {
			l := Level{Code: p, Label: strconv.Itoa(p)}
			for _, o := range q.Options {
				if o.Code == p {
					l.Label = strconv.Itoa(p) + " " + o.Text.In(lang)
				}
			}
			out = append(out, l)
		}
	default:
		for _, o := range q.Options {
			out = append(out, Level{Code: o.Code, Label: o.Text.In(lang)})
		}
		if q.Other {
			out = append(out, Level{Code: OtherCode, Label: "other"})
		}
	}
	return out
}

// Change is a figure's change from one wave to the next.
type Change struct {
	Question       Question
	What           string // "nps" or "mean"
	Earlier, Later stats.Estimate
	Diff           stats.Difference
}

// Compare sets the NPS and means of two waves' results side by side, by
// question key (weighted figures when both waves have them).
func Compare(earlier, later []Result) []Change {
	var out []Change
	for _, l := range later {
		i := slices.IndexFunc(earlier, func(e Result) bool { return e.Question.Key == l.Question.Key })
		if i < 0 {
			continue
		}
		e := earlier[i]
		pick := func(u, w stats.Estimate) stats.Estimate {
			if w.N > 0 {
				return w
			}
			return u
		}
		if l.HasNPS && e.HasNPS && e.NPS.N > 0 && l.NPS.N > 0 {
			a, b := pick(e.NPS, e.WNPS), pick(l.NPS, l.WNPS)
			out = append(out, Change{Question: l.Question, What: "nps", Earlier: a, Later: b, Diff: stats.Compare(a, b)})
		} else if l.HasMean && e.HasMean && e.Mean.N > 0 && l.Mean.N > 0 {
			a, b := pick(e.Mean, e.WMean), pick(l.Mean, l.WMean)
			out = append(out, Change{Question: l.Question, What: "mean", Earlier: a, Later: b, Diff: stats.Compare(a, b)})
		}
	}
	return out
}
