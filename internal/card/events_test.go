package card

import (
	"fmt"
	"testing"
	"time"

	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/db/dbtest"
)

// eventsFixture: Anna's cards (born 1985), a partner with an offer, and
// another partner with its own.
func eventsFixture(t *testing.T, s *Service) (partner, offer, otherOffer string, anna []string) {
	t.Helper()
	mustImport(t, s)
	cards, err := s.Mine(t.Context(), "anna")
	if err != nil {
		t.Fatal(err)
	}
	add := func(name string) (string, string) {
		p, err := s.CreatePartner(t.Context(), nil, name, "culture")
		if err != nil {
			t.Fatal(err)
		}
		o, err := s.AddOffer(t.Context(), nil, Offer{PartnerID: p.ID, Title: "Bilety", Discount: "-50%", Kinds: []Kind{Basic, Family},
			ValidFrom: date(2027, 1, 1), ValidTo: date(2027, 12, 31)})
		if err != nil {
			t.Fatal(err)
		}
		return p.ID, o.ID
	}
	partner, offer = add("Muzeum")
	_, otherOffer = add("Teatr")
	// The partner's references for Anna's cards, as its checks gave them.
	for _, c := range cards {
		ref, err := s.partnerRef(t.Context(), s.DB, partner, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		anna = append(anna, ref)
	}
	return partner, offer, otherOffer, anna
}

func TestIngestIdempotentAndRolledUp(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d)
		partner, offer, _, anna := eventsFixture(t, s)
		at := testNow.Add(-time.Hour) // 08:30 UTC
		var batch []Event
		for i := range 30 {
			batch = append(batch, Event{ID: fmt.Sprintf("e-%d", i), Time: at.Add(time.Duration(i) * time.Second), Offer: offer, Card: anna[i%2]})
		}
		res, err := s.Ingest(t.Context(), partner, batch)
		if err != nil {
			t.Fatal(err)
		}
		if res.Accepted != 30 || res.Duplicates != 0 || len(res.Rejected) != 0 {
			t.Fatalf("first batch: %+v, want 30 accepted", res)
		}
		// The same batch again counts once.
		res, err = s.Ingest(t.Context(), partner, batch)
		if err != nil || res.Accepted != 0 || res.Duplicates != 30 {
			t.Fatalf("the same batch again: %+v %v, want 30 duplicates", res, err)
		}
		if n := count(t, d, `SELECT count(*) FROM card_events`); n != 30 {
			t.Errorf("%d events stored, want 30", n)
		}
		if n := count(t, d, `SELECT sum(uses) FROM card_usage WHERE day = '2027-05-03' AND hour = 8 AND age_band = '36-50' AND partner_id = $1`, partner); n != 30 {
			t.Errorf("usage rollup: %d, want 30 uses at 8:00 by 36-50-year-olds", n)
		}
		// Two cards of one holder are two cards: the day's unique cards.
		if n := count(t, d, `SELECT sum(holders) FROM card_daily_uniques WHERE day = '2027-05-03'`); n != 2 {
			t.Errorf("daily uniques: %d, want 2", n)
		}
		// A new batch overlapping the old: only the new events count.
		more := append(batch[25:], Event{ID: "e-new", Time: at, Offer: offer, Card: anna[0]})
		res, err = s.Ingest(t.Context(), partner, more)
		if err != nil || res.Accepted != 1 || res.Duplicates != 5 {
			t.Errorf("an overlapping batch: %+v %v, want 1 accepted, 5 duplicates", res, err)
		}
		if n := count(t, d, `SELECT sum(uses) FROM card_usage`); n != 31 {
			t.Errorf("usage after the overlap: %d, want 31", n)
		}
		if n := count(t, d, `SELECT sum(holders) FROM card_daily_uniques`); n != 2 {
			t.Errorf("daily uniques after the overlap: %d, want still 2", n)
		}
	})
}

func TestIngestNamesBadEventsKeepsGoodOnes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d)
		partner, offer, otherOffer, anna := eventsFixture(t, s)
		at := testNow.Add(-time.Hour)
		batch := []Event{
			{ID: "ok-1", Time: at, Offer: offer, Card: anna[0]},
			{ID: "", Time: at, Offer: offer, Card: anna[0]},
			{ID: "no-time", Offer: offer, Card: anna[0]},
			{ID: "future", Time: testNow.Add(time.Hour), Offer: offer, Card: anna[0]},
			{ID: "late", Time: testNow.Add(-8 * 24 * time.Hour), Offer: offer, Card: anna[0]},
			{ID: "theirs", Time: at, Offer: otherOffer, Card: anna[0]}, // another partner's offer
			{ID: "who", Time: at, Offer: offer, Card: "no-such-card"},
			{ID: "ok-1", Time: at, Offer: offer, Card: anna[1]},
			{ID: "ok-2", Time: testNow.Add(-6 * 24 * time.Hour), Offer: offer, Card: anna[1]}, // late but within the age
		}
		res, err := s.Ingest(t.Context(), partner, batch)
		if err != nil {
			t.Fatal(err)
		}
		want := map[int]string{1: BadID, 2: NoTime, 3: InFuture, 4: TooLate, 5: UnknownOffer, 6: UnknownCard, 7: RepeatInSent}
		if res.Accepted != 2 || len(res.Rejected) != len(want) {
			t.Fatalf("result: %+v, want 2 accepted and %d rejected", res, len(want))
		}
		for _, r := range res.Rejected {
			if want[r.Index] != r.Reason {
				t.Errorf("event %d rejected as %q, want %q", r.Index, r.Reason, want[r.Index])
			}
		}
		// Another partner cannot report this partner's references.
		other := newPartner(t, s)
		if res, err := s.Ingest(t.Context(), other, []Event{{ID: "x", Time: at, Offer: offer, Card: anna[0]}}); err != nil || len(res.Rejected) != 1 {
			t.Errorf("another partner's event with this partner's offer and reference: %+v %v, want rejected", res, err)
		}
		if n := count(t, d, `SELECT count(*) FROM card_events WHERE offer_id = $1`, otherOffer); n != 0 {
			t.Error("a partner stored an event of another partner's offer")
		}
		if _, err := s.Ingest(t.Context(), partner, make([]Event, MaxBatch+1)); err == nil {
			t.Error("a batch over the limit was taken")
		}
	})
}

func TestAgeBand(t *testing.T) {
	for _, c := range []struct {
		born, year int
		want       string
	}{{2010, 2027, "0-17"}, {2009, 2027, "18-25"}, {2001, 2027, "26-35"}, {1992, 2027, "26-35"}, {1991, 2027, "36-50"},
		{1977, 2027, "36-50"}, {1976, 2027, "51-65"}, {1962, 2027, "51-65"}, {1961, 2027, "66+"}, {0, 2027, "unknown"}} {
		if got := AgeBand(c.born, c.year); got != c.want {
			t.Errorf("AgeBand(%d, %d) = %s, want %s", c.born, c.year, got, c.want)
		}
	}
}
