package survey

import (
	"math"
	"testing"
)

// TestBreakdowns: in person 3 promoters of 4 (NPS 75), online 1 promoter
// and 2 detractors of 3 (−33); with k = 4 online is suppressed.
func TestBreakdowns(t *testing.T) {
	def := Definition{Sections: []Section{{Pages: []Page{{Questions: []Question{
		{Key: "channel", Kind: Single, Text: Text{"pl": "Kanał"}, Options: []Option{{Code: 1, Text: Text{"pl": "osobiście"}}, {Code: 2, Text: Text{"pl": "online"}}}},
		{Key: "nps", Kind: NPS, Text: Text{"pl": "NPS"}},
	}}}}}}
	var rs []*Response
	add := func(ch, score int, band string) {
		rs = append(rs, &Response{AgeBand: band, District: ch, Answers: map[string]Answer{"channel": {Codes: []int{ch}}, "nps": {Codes: []int{score}}}})
	}
	add(1, 10, "18-24")
	add(1, 9, "18-24")
	add(1, 9, "25-34")
	add(1, 7, "25-34")
	add(2, 10, "18-24")
	add(2, 3, "25-34")
	add(2, 0, "25-34")
	b := Breakdowns(def, rs, nil, "pl", 3)
	if len(b) != 1 || len(b[0].Rows) != 2 || math.Abs(b[0].Rows[0].NPS.Value-75) > 1e-9 || math.Abs(b[0].Rows[1].NPS.Value+100.0/3) > 1e-9 {
		t.Fatalf("%+v", b)
	}
	if b := Breakdowns(def, rs, nil, "pl", 4); !b[0].Rows[1].Suppressed || b[0].Rows[1].NPS.N != 0 {
		t.Errorf("online (3) with k = 4: %+v", b[0].Rows[1])
	}
	rows, tab, err := NPSTable(def.Sections[0].Pages[0].Questions[1], rs, nil, false, 0)
	if err != nil || len(rows) != len(AgeBands) || tab.Cells[0][0].N != 3 || tab.Cells[1][2].N != 2 || tab.Cells[1][1].N != 1 {
		t.Errorf("age table %v %+v, %v", rows, tab.Cells, err)
	}
	_, tab, _ = NPSTable(def.Sections[0].Pages[0].Questions[1], rs, nil, true, 3)
	if !tab.Cells[1][0].Suppressed { // district 2: 1 promoter
		t.Errorf("a cell of 1 with k = 3 published: %+v", tab.Cells[1])
	}
}
