package reports

import (
	"strings"
	"testing"
)

// TestSatisfactionView: a suppressed group publishes neither score nor
// interval; categories show by name; intervals are rounded.
func TestSatisfactionView(t *testing.T) {
	v := satisfactionView(SatisfactionScores{
		All:        SatisfactionScore{N: 9, Score: 33.3, Lo: -10.2, Hi: 76.9, HasInterval: true},
		Units:      []SatisfactionScore{{Group: "ZDMK", N: 2, Score: 100, Suppressed: true}},
		Categories: []SatisfactionScore{{Group: "pothole", N: 7, Score: 42.9, Lo: 3.1, Hi: 82.6, HasInterval: true}},
	}, map[string]string{"pothole": "Dziura w jezdni"})
	if v.All.Score != "33" || v.All.Interval != "-10 – 77" {
		t.Errorf("all %+v", v.All)
	}
	if u := v.Units[0]; !u.Suppressed || u.Score != "" || u.Interval != "" {
		t.Errorf("suppressed unit publishes %+v", u)
	}
	if c := v.Categories[0]; c.Label != "Dziura w jezdni" || !strings.HasPrefix(c.Interval, "3 – ") {
		t.Errorf("category %+v", c)
	}
}
