package survey

import (
	"math"
	"testing"
)

// TestWeighAndAnalyze: district 1 is over-represented among the answers
// (6 of 8) and all promoters; district 2's two answers are detractors.
// Weighted to a population where both districts are as large, the NPS
// falls from 55.6 to 0.
func TestWeighAndAnalyze(t *testing.T) {
	def := Definition{Sections: []Section{{Pages: []Page{{Questions: []Question{
		{Key: "nps", Kind: NPS, Text: Text{"pl": "NPS"}},
	}}}}}}
	var rs []*Response
	add := func(district int, band string, score int) {
		rs = append(rs, &Response{District: district, AgeBand: band, Answers: map[string]Answer{"nps": {Codes: []int{score}}}})
	}
	for range 3 {
		add(1, "18-24", 10)
		add(1, "25-34", 9)
	}
	add(2, "18-24", 3)
	add(2, "25-34", 2)
	add(0, "", 10) // no residency: not weighted
	pop := []PopulationCount{{1, "18-24", 500}, {1, "25-34", 500}, {2, "18-24", 500}, {2, "25-34", 500}, {3, "18-24", 999}}
	w := Weigh(rs, pop)
	if w.Problem != "" || w.Weighted != 8 || w.Weights[8] != 0 {
		t.Fatalf("%+v", w)
	}
	// Each district gets 1000: district 1's 6 answers 166.7 each, district 2's 2 answers 500 each.
	if math.Abs(w.Weights[0]-1000.0/6) > 1e-6 || math.Abs(w.Weights[6]-500) > 1e-6 {
		t.Errorf("weights %v", w.Weights)
	}
	res := Analyze(def, rs, w.Weights, "pl", 3)
	r := res[0]
	// Unweighted over 9: 7 promoters, 2 detractors: (7−2)/9 = 55.6.
	if math.Abs(r.NPS.Value-500.0/9) > 1e-9 {
		t.Errorf("unweighted NPS %g, want 55.6", r.NPS.Value)
	}
	// Weighted: district 1 (half the population) all promoters, district 2 all detractors: 0.
	if math.Abs(r.WNPS.Value) > 1e-9 || r.WNPS.N != 8 {
		t.Errorf("weighted NPS %g over %d, want 0 over 8", r.WNPS.Value, r.WNPS.N)
	}
	if !r.Levels[3].Suppressed || r.Levels[3].N != 1 || r.Levels[10].Suppressed {
		t.Errorf("score 3 (1 answer) must be suppressed with k = 3, score 10 (4) not: %+v", r.Levels)
	}
	ch := Compare(res, Analyze(def, rs[:6], nil, "pl", 3))
	if len(ch) != 1 || ch[0].What != "nps" || math.Abs(ch[0].Diff.Value-100) > 1e-9 {
		t.Errorf("comparison %+v, want +100 (0 weighted → 100 unweighted)", ch)
	}
}
