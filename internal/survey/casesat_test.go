package survey

import (
	"math"
	"testing"
)

// TestScoreCases: unit A has 4 fives, 1 four, 1 two: (4 − 1)/6 = 50; its
// SE is that of the mean of six values 100,100,100,100,0,−100. Unit B's 2
// answers are fewer than k = 3: suppressed, and nothing of it is given.
func TestScoreCases(t *testing.T) {
	var rs []CaseRating
	for _, r := range []int{5, 5, 5, 5, 4, 2} {
		rs = append(rs, CaseRating{Unit: "A", Category: "pothole", Rating: r})
	}
	rs = append(rs, CaseRating{Unit: "B", Category: "pothole", Rating: 1}, CaseRating{Unit: "B", Category: "graffiti", Rating: 5})
	got := ScoreCases(rs, 3)
	if len(got.Units) != 2 || got.Units[0].Group != "A" || math.Abs(got.Units[0].Score.Value-50) > 1e-9 {
		t.Fatalf("units %+v", got.Units)
	}
	// values 100×4, 0, −100: mean 50, Σ(y−50)² = 4·2500 + 2500 + 22500 = 35000, s² = 7000, SE = √(7000/6)
	if se := got.Units[0].Score.SE; math.Abs(se-math.Sqrt(7000.0/6)) > 1e-9 {
		t.Errorf("SE %g, want %g", se, math.Sqrt(7000.0/6))
	}
	if b := got.Units[1]; !b.Suppressed || b.Score.N != 0 {
		t.Errorf("unit B (2 answers) %+v, want suppressed", b)
	}
	if got.All.N != 8 || math.Abs(got.All.Score.Value-(5.0-2.0)/8*100) > 1e-9 {
		t.Errorf("all %+v, want (5 fives − 2 low)/8", got.All)
	}
	if len(got.Categories) != 2 || got.Categories[0].Group != "graffiti" || !got.Categories[0].Suppressed || got.Categories[1].N != 7 {
		t.Errorf("categories %+v", got.Categories)
	}
}
