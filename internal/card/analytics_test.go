package card

import (
	"fmt"
	"testing"
	"time"

	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/db/dbtest"
)

// Every figure below k is suppressed, in both periods; figures at or above
// k are exact.
func TestAnalyticsSuppressesSmallCells(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d)
		partner, offer, _, anna := eventsFixture(t, s)
		var batch []Event
		// This period (the last 6 days): 12 uses at 10:00 UTC (12:00 in
		// Kraków in May, but the test's zone is UTC). The period before: 3.
		for i := range 12 {
			batch = append(batch, Event{ID: fmt.Sprintf("now-%d", i), Time: date(2027, 5, 2).Add(10 * time.Hour), Offer: offer, Card: anna[i%2]})
		}
		for i := range 3 {
			batch = append(batch, Event{ID: fmt.Sprintf("before-%d", i), Time: date(2027, 4, 27).Add(10 * time.Hour), Offer: offer, Card: anna[0]})
		}
		if res, err := s.Ingest(t.Context(), partner, batch); err != nil || res.Accepted != 15 {
			t.Fatalf("ingest: %+v %v", res, err)
		}
		a, err := s.Analytics(t.Context(), date(2027, 4, 28), date(2027, 5, 3))
		if err != nil {
			t.Fatal(err)
		}
		if a.K != 10 || !a.PrevFrom.Equal(date(2027, 4, 22)) || !a.PrevTo.Equal(date(2027, 4, 27)) {
			t.Errorf("k %d, previous period %v–%v", a.K, a.PrevFrom, a.PrevTo)
		}
		if a.Uses.Uses != 12 || a.Uses.Suppressed || !a.Uses.PrevHidden || a.Uses.Prev != 0 {
			t.Errorf("total: %+v, want 12 now and the previous 3 suppressed", a.Uses)
		}
		if !a.Holders.Suppressed || a.Holders.Uses != 0 {
			t.Errorf("unique holders: %+v, want 2 suppressed", a.Holders)
		}
		want := map[string]Cell{
			"offers":     {Uses: 12, PrevHidden: true},
			"partners":   {Uses: 12, PrevHidden: true},
			"categories": {Key: "culture", Uses: 12, PrevHidden: true},
			"districts":  {Key: "0", Uses: 12, PrevHidden: true},
			"ages":       {Key: "36-50", Uses: 12, PrevHidden: true},
			"hours":      {Key: "10", Uses: 12, PrevHidden: true},
		}
		for _, tb := range a.Tables {
			for _, c := range tb.Cells {
				if c.Uses != 0 && c.Uses < 10 || c.Prev != 0 && c.Prev < 10 {
					t.Errorf("%s: a published cell below k: %+v", tb.Name, c)
				}
			}
			w, ok := want[tb.Name]
			if !ok {
				continue
			}
			if len(tb.Cells) != 1 || tb.Cells[0].Uses != w.Uses || tb.Cells[0].PrevHidden != w.PrevHidden || (w.Key != "" && tb.Cells[0].Key != w.Key) {
				t.Errorf("%s: %+v, want one cell %+v", tb.Name, tb.Cells, w)
			}
		}
		var days Table
		for _, tb := range a.Tables {
			if tb.Name == "days" {
				days = tb
			}
		}
		// 2027-04-27 is in the previous period: its 3 are hidden; 05-02 shows 12.
		if len(days.Cells) != 2 || days.Cells[0].Key != "2027-04-27" || !days.Cells[0].PrevHidden || !days.Cells[0].Suppressed ||
			days.Cells[1].Uses != 12 {
			t.Errorf("days: %+v", days.Cells)
		}
		s.MinCell = 2
		a, err = s.Analytics(t.Context(), date(2027, 4, 28), date(2027, 5, 3))
		if err != nil {
			t.Fatal(err)
		}
		if a.Holders.Suppressed || a.Holders.Uses != 2 || a.Uses.Prev != 3 {
			t.Errorf("with k = 2: holders %+v, total %+v", a.Holders, a.Uses)
		}
	})
}
