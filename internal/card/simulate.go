package card

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/civitas-city/civitas/internal/db"
)

// SimulateOptions shape a simulated history of card use.
type SimulateOptions struct {
	Days   int   // how many days back from today (default 365)
	PerDay int   // average uses a day (default 300)
	Seed   int64 // the same seed gives the same events
}

// SimulateResult counts what a simulation stored.
type SimulateResult struct{ Events, Batches int }

// ErrNothingToSimulate: no card or no offer to simulate the use of.
var ErrNothingToSimulate = errors.New("card: simulate: no cards or no offers (import the eligibility list and add partners first, or run civitas demo)")

// Simulate generates realistic usage events for the days before today and
// sends them through Ingest, partner by partner, in batches of up to
// MaxBatch, so the rollups are what real traffic would build: offers are
// used by popularity (a Zipf-like tail), holders by activity (a few use
// the card often), with weekly and seasonal rhythms and hours by category
// (sport mornings and evenings, food at lunch, culture in the evening).
// Event ids are derived from the seed, so running it again adds nothing.
func (s *Service) Simulate(ctx context.Context, o SimulateOptions) (SimulateResult, error) {
	var res SimulateResult
	if o.Days <= 0 {
		o.Days = 365
	}
	if o.PerDay <= 0 {
		o.PerDay = 300
	}
	cards, err := db.Query(ctx, s.DB, func(r db.Scanner) (string, error) { return db.Value[string](r) },
		`SELECT card_id FROM card_holders ORDER BY card_id`)
	if err != nil {
		return res, fmt.Errorf("card: simulate: %w", err)
	}
	type offer struct{ id, partner, category string }
	offers, err := db.Query(ctx, s.DB, func(r db.Scanner) (offer, error) {
		var x offer
		err := r.Scan(&x.id, &x.partner, &x.category)
		return x, err
	}, `SELECT o.id, o.partner_id, p.category FROM card_offers o JOIN card_partners p ON p.id = o.partner_id ORDER BY o.id`)
	if err != nil {
		return res, fmt.Errorf("card: simulate: %w", err)
	}
	if len(cards) == 0 || len(offers) == 0 {
		return res, ErrNothingToSimulate
	}
	rng := rand.New(rand.NewPCG(uint64(o.Seed), 2027))
	// Weights: offer popularity ~ 1/rank, holder activity ~ 1/rank^0.8.
	offerW := cumulative(len(offers), 1.0)
	cardW := cumulative(len(cards), 0.8)
	pick := func(cum []float64) int {
		x := rng.Float64() * cum[len(cum)-1]
		lo, hi := 0, len(cum)-1
		for lo < hi {
			mid := (lo + hi) / 2
			if cum[mid] < x {
				lo = mid + 1
			} else {
				hi = mid
			}
		}
		return lo
	}
	// The partner's reference for each card it sees, made as a check would.
	refs := map[[2]string]string{}
	batches := map[string][]Event{}
	flush := func(partner string) error {
		if len(batches[partner]) == 0 {
			return nil
		}
		r, err := s.ingest(ctx, partner, batches[partner], time.Duration(o.Days+2)*24*time.Hour)
		if err != nil {
			return err
		}
		if len(r.Rejected) > 0 {
			return fmt.Errorf("card: simulate: %d events rejected, first: %+v", len(r.Rejected), r.Rejected[0])
		}
		res.Events += r.Accepted
		res.Batches++
		batches[partner] = batches[partner][:0]
		return nil
	}
	loc := s.loc()
	now := s.now()
	today := time.Date(now.In(loc).Year(), now.In(loc).Month(), now.In(loc).Day(), 0, 0, 0, 0, loc)
	n := 0
	for d := o.Days; d >= 1; d-- {
		dayStart := today.AddDate(0, 0, -d)
		volume := float64(o.PerDay) * rhythm(dayStart)
		count := int(volume + rng.NormFloat64()*math.Sqrt(volume))
		for range max(count, 0) {
			of := offers[pick(offerW)]
			card := cards[pick(cardW)]
			key := [2]string{of.partner, card}
			ref, ok := refs[key]
			if !ok {
				if ref, err = s.partnerRef(ctx, s.DB, of.partner, card); err != nil {
					return res, err
				}
				refs[key] = ref
			}
			at := dayStart.Add(time.Duration(hourOf(of.category, rng))*time.Hour + time.Duration(rng.IntN(3600))*time.Second)
			n++
			batches[of.partner] = append(batches[of.partner], Event{ID: fmt.Sprintf("sim-%d-%d", o.Seed, n), Time: at, Offer: of.id, Card: ref})
			if len(batches[of.partner]) == MaxBatch {
				if err := flush(of.partner); err != nil {
					return res, err
				}
			}
		}
	}
	for partner := range batches {
		if err := flush(partner); err != nil {
			return res, err
		}
	}
	return res, nil
}

// cumulative weights 1/rank^a, summed.
func cumulative(n int, a float64) []float64 {
	out := make([]float64, n)
	sum := 0.0
	for i := range n {
		sum += 1 / math.Pow(float64(i+1), a)
		out[i] = sum
	}
	return out
}

// rhythm is the day's volume against the average: weekends busier,
// summer and December busier, February quieter.
func rhythm(d time.Time) float64 {
	r := 1.0
	switch d.Weekday() {
	case time.Saturday:
		r *= 1.5
	case time.Sunday:
		r *= 1.3
	case time.Monday:
		r *= 0.8
	}
	switch d.Month() {
	case time.July, time.August:
		r *= 1.3
	case time.December:
		r *= 1.2
	case time.February:
		r *= 0.8
	}
	return r
}

// hourOf draws the hour of a use by the partner's category.
func hourOf(category string, rng *rand.Rand) int {
	peaks := map[string][]int{
		"culture": {11, 17, 18, 19}, "sport": {7, 8, 17, 18, 19}, "food": {12, 13, 14, 18},
		"transport": {7, 8, 16, 17}, "leisure": {10, 11, 14, 15}, "education": {16, 17, 18},
		"health": {9, 10, 11, 15}, "services": {10, 12, 16},
	}[category]
	if len(peaks) == 0 || rng.IntN(4) == 0 {
		return 8 + rng.IntN(13) // any time from 8:00 to 20:59
	}
	return peaks[rng.IntN(len(peaks))]
}

// BenchRefs makes partnerID's references for every card, as if each had
// been checked there (benchmarks and load tests).
func (s *Service) BenchRefs(ctx context.Context, partnerID string) ([]string, error) {
	cards, err := db.Query(ctx, s.DB, func(r db.Scanner) (string, error) { return db.Value[string](r) },
		`SELECT card_id FROM card_holders ORDER BY card_id`)
	if err != nil {
		return nil, err
	}
	refs := make([]string, 0, len(cards))
	for _, c := range cards {
		ref, err := s.partnerRef(ctx, s.DB, partnerID, c)
		if err != nil {
			return nil, err
		}
		refs = append(refs, ref)
	}
	return refs, nil
}
