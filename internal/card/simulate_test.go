package card

import (
	"testing"

	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/db/dbtest"
)

func TestSimulate(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d)
		if _, err := s.Simulate(t.Context(), SimulateOptions{Days: 3}); err != ErrNothingToSimulate {
			t.Errorf("simulating with nothing: %v, want ErrNothingToSimulate", err)
		}
		mustImport(t, s)
		if _, err := SeedCatalogue(t.Context(), s, testNow); err != nil {
			t.Fatal(err)
		}
		res, err := s.Simulate(t.Context(), SimulateOptions{Days: 30, PerDay: 40, Seed: 7})
		if err != nil {
			t.Fatal(err)
		}
		if res.Events < 30*25 || res.Events > 30*80 {
			t.Errorf("%d events over 30 days at about 40 a day", res.Events)
		}
		if n := count(t, d, `SELECT sum(uses) FROM card_usage`); n != res.Events {
			t.Errorf("the rollups count %d uses, the simulation stored %d", n, res.Events)
		}
		if n := count(t, d, `SELECT count(*) FROM card_events WHERE at >= $1`, testNow); n != 0 {
			t.Errorf("%d simulated events today or later, want none", n)
		}
		again, err := s.Simulate(t.Context(), SimulateOptions{Days: 30, PerDay: 40, Seed: 7})
		if err != nil || again.Events != 0 {
			t.Errorf("the same simulation again: %+v %v, want nothing new", again, err)
		}
	})
}
