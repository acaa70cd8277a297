package budget_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/budget"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/db/dbtest"
)

func TestCastAndReceipt(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		s, res, _ := newService(t, d)
		e, ps := votingEdition(t, s, res, "bo-2027")
		res.add("u1", "11111111111", 1, adult)
		r, err := s.Cast(ctx, budget.Actor{ID: "u1"}, "u1", e.Slug, "city", budget.BallotInput{Projects: ids(ps["city"][2], ps["city"][0])})
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Code) != 11 || r.Changed {
			t.Errorf("receipt %+v", r)
		}
		mine, err := s.MyBallots(ctx, "u1", e.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(mine) != 1 || mine[0].Receipt != r.Code || len(mine[0].Choices) != 2 || mine[0].Choices[0] != ps["city"][2].ID {
			t.Fatalf("my ballots %+v", mine)
		}
		if fmt.Sprint(mine[0].Points) != "[3 2]" {
			t.Errorf("points %v, want [3 2]", mine[0].Points)
		}
		b, pool, err := s.FindReceipt(ctx, e.ID, r.Code)
		if err != nil || pool != e.Pools[0].ID || len(b.Choices) != 2 {
			t.Fatalf("find receipt: %+v %s %v", b, pool, err)
		}
		// The ballot row holds no person.
		if n := count(t, d, `SELECT COUNT(*) FROM ballot_ballots WHERE choices LIKE '%u1%' OR link = 'u1'`); n != 0 {
			t.Error("the ballot row mentions the voter")
		}
		turnout, err := s.Turnout(ctx, e.ID)
		if err != nil || turnout[e.Pools[0].ID] != 1 {
			t.Errorf("turnout %v %v", turnout, err)
		}
	})
}

// TestCastRefusals: bad input changes nothing and says why.
func TestCastRefusals(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		s, res, _ := newService(t, d)
		e, ps := votingEdition(t, s, res, "bo-2027")
		res.add("u1", "11111111111", 1, adult)
		res.add("young", "22222222222", 1, now0.AddDate(-15, 0, 0))
		res.add("nodate", "33333333333", 1, time.Time{})
		city, d1, d2 := ps["city"], ps["d1"], ps["d2"]
		cases := []struct {
			name, user, pool string
			in               budget.BallotInput
			kind             apperr.Kind
			key              string
		}{
			{"none", "u1", "city", budget.BallotInput{}, apperr.Invalid, "budget.vote.error.too_few"},
			{"too many", "u1", "city", budget.BallotInput{Projects: ids(city...)}, apperr.Invalid, "budget.vote.error.too_many"},
			{"twice", "u1", "city", budget.BallotInput{Projects: ids(city[0], city[0])}, apperr.Invalid, "budget.vote.error.twice"},
			{"other pool", "u1", "city", budget.BallotInput{Projects: ids(city[0], d1[0])}, apperr.Invalid, "budget.vote.error.other_pool"},
			{"unknown", "u1", "city", budget.BallotInput{Projects: []string{"nope"}}, apperr.Invalid, "budget.vote.error.unknown_project"},
			{"points on ranking", "u1", "city", budget.BallotInput{Projects: ids(city[0]), Points: []int{3}}, apperr.Invalid, "budget.vote.error.points"},
			{"not your district", "u1", "d2", budget.BallotInput{Projects: ids(d2[0])}, apperr.Forbidden, "budget.vote.error.not_your_district"},
			{"unverified", "stranger", "city", budget.BallotInput{Projects: ids(city[0])}, apperr.Forbidden, "budget.error.not_verified"},
			{"under age", "young", "city", budget.BallotInput{Projects: ids(city[0])}, apperr.Forbidden, "budget.vote.error.too_young"},
			{"age unknown", "nodate", "city", budget.BallotInput{Projects: ids(city[0])}, apperr.Forbidden, "budget.vote.error.age_unknown"},
		}
		for _, c := range cases {
			_, err := s.Cast(ctx, budget.Actor{ID: c.user}, c.user, e.Slug, c.pool, c.in)
			if apperr.KindOf(err) != c.kind || apperr.MessageOf(err) != c.key {
				t.Errorf("%s: got %v, want %v %s", c.name, err, c.kind, c.key)
			}
		}
		if n := count(t, d, `SELECT COUNT(*) FROM ballot_ballots`) + count(t, d, `SELECT COUNT(*) FROM ballot_participations`); n != 0 {
			t.Errorf("refused ballots left %d rows", n)
		}
		// A second ballot when changes are not allowed.
		if _, err := s.Cast(ctx, budget.Actor{ID: "u1"}, "u1", e.Slug, "city", budget.BallotInput{Projects: ids(city[0])}); err != nil {
			t.Fatal(err)
		}
		_, err := s.Cast(ctx, budget.Actor{ID: "u1"}, "u1", e.Slug, "city", budget.BallotInput{Projects: ids(city[1])})
		if apperr.KindOf(err) != apperr.Conflict || apperr.MessageOf(err) != "budget.vote.error.already_voted" {
			t.Errorf("second ballot: %v", err)
		}
		// Outside the voting phase, and after the planned end.
		if err := s.SetPhase(ctx, officer, e.ID, budget.PhaseAppeals); err != nil {
			t.Fatal(err)
		}
		res.add("u2", "44444444444", 1, adult)
		_, err = s.Cast(ctx, budget.Actor{ID: "u2"}, "u2", e.Slug, "city", budget.BallotInput{Projects: ids(city[0])})
		if apperr.MessageOf(err) != "budget.vote.error.closed" {
			t.Errorf("outside voting: %v", err)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM ballot_ballots`); n != 1 {
			t.Errorf("%d ballots, want 1", n)
		}
	})
}

// TestCastAfterPlannedEnd: the planned end of voting closes the vote even
// before the schedule moves the phase, and the check holds in the
// transaction even with a fresh ballot sheet cached.
func TestCastAfterPlannedEnd(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		s, res, clk := newService(t, d)
		end := now0.Add(time.Hour)
		e, ps := votingEdition(t, s, res, "bo-2027", func(c *budget.Config) { c.Schedule.Results = &end })
		res.add("u1", "11111111111", 1, adult)
		clk.Set(end.Add(time.Second))
		_, err := s.Cast(ctx, budget.Actor{ID: "u1"}, "u1", e.Slug, "city", budget.BallotInput{Projects: ids(ps["city"][0])})
		if apperr.MessageOf(err) != "budget.vote.error.closed" {
			t.Errorf("after the end: %v", err)
		}
	})
}

func TestChangeBallot(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		s, res, _ := newService(t, d)
		e, ps := votingEdition(t, s, res, "bo-2027", func(c *budget.Config) { c.AllowChange = true })
		res.add("u1", "11111111111", 1, adult)
		first, err := s.Cast(ctx, budget.Actor{ID: "u1"}, "u1", e.Slug, "city", budget.BallotInput{Projects: ids(ps["city"][0])})
		if err != nil {
			t.Fatal(err)
		}
		second, err := s.Cast(ctx, budget.Actor{ID: "u1"}, "u1", e.Slug, "city", budget.BallotInput{Projects: ids(ps["city"][1], ps["city"][2])})
		if err != nil {
			t.Fatal(err)
		}
		if !second.Changed || second.Code != first.Code {
			t.Errorf("change: %+v after %+v", second, first)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM ballot_ballots`); n != 1 {
			t.Errorf("%d ballots after a change, want 1", n)
		}
		mine, _ := s.MyBallots(ctx, "u1", e.ID)
		if len(mine) != 1 || len(mine[0].Choices) != 2 {
			t.Errorf("my ballot after the change: %+v", mine)
		}
	})
}

// TestConcurrentCasts: 50 simultaneous attempts by one resident leave
// exactly one participation and one ballot, with and without changes.
func TestConcurrentCasts(t *testing.T) {
	for _, change := range []bool{false, true} {
		t.Run(fmt.Sprintf("change=%v", change), func(t *testing.T) {
			dbtest.Each(t, func(t *testing.T, d *db.DB) {
				ctx := t.Context()
				s, res, _ := newService(t, d)
				e, ps := votingEdition(t, s, res, "bo-2027", func(c *budget.Config) { c.AllowChange = change })
				res.add("u1", "11111111111", 1, adult)
				var (
					wg       sync.WaitGroup
					mu       sync.Mutex
					ok, conf int
				)
				for i := range 50 {
					wg.Go(func() {
						_, err := s.Cast(ctx, budget.Actor{ID: "u1"}, "u1", e.Slug, "city",
							budget.BallotInput{Projects: ids(ps["city"][i%4])})
						mu.Lock()
						defer mu.Unlock()
						switch {
						case err == nil:
							ok++
						case apperr.Is(err, apperr.Conflict):
							conf++
						default:
							t.Errorf("cast: %v", err)
						}
					})
				}
				wg.Wait()
				if n := count(t, d, `SELECT COUNT(*) FROM ballot_participations`); n != 1 {
					t.Errorf("%d participations, want 1", n)
				}
				if n := count(t, d, `SELECT COUNT(*) FROM ballot_ballots`); n != 1 {
					t.Errorf("%d ballots, want 1", n)
				}
				if change && ok != 50 || !change && (ok != 1 || conf != 49) {
					t.Errorf("%d accepted, %d refused", ok, conf)
				}
			})
		})
	}
}

// TestOneDistrictPolicy: with "city and any one district", a second
// district is refused by the database, whatever the order.
func TestOneDistrictPolicy(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		s, res, _ := newService(t, d)
		e, ps := votingEdition(t, s, res, "bo-2027", func(c *budget.Config) { c.PoolPolicy = budget.PolicyCityAndOneDistrict })
		res.add("u1", "11111111111", 1, adult)
		if _, err := s.Cast(ctx, budget.Actor{}, "u1", e.Slug, "d2", budget.BallotInput{Projects: ids(ps["d2"][0])}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Cast(ctx, budget.Actor{}, "u1", e.Slug, "d1", budget.BallotInput{Projects: ids(ps["d1"][0])}); !apperr.Is(err, apperr.Conflict) {
			t.Errorf("second district: %v", err)
		}
		if _, err := s.Cast(ctx, budget.Actor{}, "u1", e.Slug, "city", budget.BallotInput{Projects: ids(ps["city"][0])}); err != nil {
			t.Errorf("city pool: %v", err)
		}
	})
}

func TestBatchOfManyVoters(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		s, res, _ := newService(t, d)
		e, ps := votingEdition(t, s, res, "bo-2027")
		var wg sync.WaitGroup
		const n = 150
		for i := range n {
			user := fmt.Sprintf("v%03d", i)
			res.add(user, fmt.Sprintf("9%010d", i), 1, adult)
			wg.Go(func() {
				if _, err := s.Cast(ctx, budget.Actor{}, user, e.Slug, "city", budget.BallotInput{Projects: ids(ps["city"][i%4], ps["city"][(i+1)%4])}); err != nil {
					t.Errorf("%s: %v", user, err)
				}
			})
		}
		wg.Wait()
		if got := count(t, d, `SELECT COUNT(*) FROM ballot_ballots`); got != n {
			t.Errorf("%d ballots, want %d", got, n)
		}
		if got := count(t, d, `SELECT COUNT(DISTINCT receipt) FROM ballot_ballots`); got != n {
			t.Errorf("%d distinct receipts", got)
		}
	})
}
