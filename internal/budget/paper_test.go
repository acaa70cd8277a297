package budget_test

import (
	"testing"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/budget"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/db/dbtest"
)

var officer2 = budget.Actor{ID: "officer-2", Name: "Officer Two"}

func TestPaperFirstWins(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		s, res, _ := newService(t, d)
		e, ps := votingEdition(t, s, res, "bo-2027")
		city := ps["city"]
		b, err := s.CreateBatch(ctx, officer, e.ID, "city", "Urząd, al. Powstania Warszawskiego 10", "urna 1")
		if err != nil {
			t.Fatal(err)
		}
		res.add("", "55555555555", 2, adult)   // no account
		res.add("u1", "11111111111", 1, adult) // votes online first
		if _, err := s.Cast(ctx, budget.Actor{}, "u1", e.Slug, "city", budget.BallotInput{Projects: ids(city[0])}); err != nil {
			t.Fatal(err)
		}
		enter := func(seq int, pesel string, choice ...*budget.Project) (string, error) {
			return s.EnterPaper(ctx, officer, b.ID, budget.PaperInput{Seq: seq, PESEL: pesel, Ballot: budget.BallotInput{Projects: ids(choice...)}})
		}
		if out, err := enter(1, "55555555555", city[1], city[2]); err != nil || out != budget.EntryCounted {
			t.Fatalf("first sheet: %s %v", out, err)
		}
		if out, err := enter(2, "11111111111", city[1]); err != nil || out != budget.EntryRefused {
			t.Errorf("online voter on paper: %s %v", out, err)
		}
		if out, err := enter(3, "55555555555", city[3]); err != nil || out != budget.EntryRefused {
			t.Errorf("a second paper ballot: %s %v", out, err)
		}
		if _, err := enter(4, "123", city[1]); apperr.KindOf(err) != apperr.Invalid {
			t.Errorf("bad PESEL: %v", err)
		}
		if _, err := enter(4, "99999999999", city[1]); apperr.KindOf(err) != apperr.NotFound {
			t.Errorf("PESEL not in the register: %v", err)
		}
		if _, err := enter(4, "55555555555", city[1], city[1]); apperr.MessageOf(err) != "budget.vote.error.twice" {
			t.Errorf("a project twice on paper: %v", err)
		}
		if _, err := enter(1, "55555555555", city[1]); apperr.MessageOf(err) != "budget.paper.error.seq_taken" {
			t.Errorf("a sheet number twice: %v", err)
		}
		// The paper voter cannot vote online afterwards (no account here,
		// so try with an account verified by the same PESEL).
		res.add("u5", "55555555555", 2, adult)
		if _, err := s.Cast(ctx, budget.Actor{}, "u5", e.Slug, "city", budget.BallotInput{Projects: ids(city[0])}); apperr.MessageOf(err) != "budget.vote.error.already_voted_paper" {
			t.Errorf("online after paper: %v", err)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM ballot_ballots WHERE void = FALSE`); n != 2 {
			t.Errorf("%d ballots count, want 2", n)
		}
		subs, err := s.Subtotals(ctx, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(subs) != 1 || subs[0].Sheets != 3 || subs[0].Counted != 1 || subs[0].Refused != 2 || subs[0].Ballots != 1 {
			t.Errorf("subtotal %+v", subs)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM audit_log WHERE action = 'budget.paper.enter'`); n != 3 {
			t.Errorf("%d audited entries, want 3", n)
		}
	})
}

func TestPaperVoidBoth(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		s, res, _ := newService(t, d)
		e, ps := votingEdition(t, s, res, "bo-2027", func(c *budget.Config) { c.PaperPolicy = budget.VoidBoth })
		city := ps["city"]
		res.add("u1", "11111111111", 1, adult)
		r, err := s.Cast(ctx, budget.Actor{}, "u1", e.Slug, "city", budget.BallotInput{Projects: ids(city[0])})
		if err != nil {
			t.Fatal(err)
		}
		b, err := s.CreateBatch(ctx, officer, e.ID, "city", "Nowa Huta", "urna 2")
		if err != nil {
			t.Fatal(err)
		}
		out, err := s.EnterPaper(ctx, officer, b.ID, budget.PaperInput{Seq: 1, PESEL: "11111111111", Ballot: budget.BallotInput{Projects: ids(city[1])}})
		if err != nil || out != budget.EntryVoided {
			t.Fatalf("paper after online: %s %v", out, err)
		}
		got, _, err := s.FindReceipt(ctx, e.ID, r.Code)
		if err != nil || !got.Void {
			t.Errorf("the online ballot after a paper one: %+v %v", got, err)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM ballot_ballots WHERE void = FALSE`); n != 0 {
			t.Errorf("%d ballots count, want 0", n)
		}
		turnout, _ := s.Turnout(ctx, e.ID)
		if turnout[e.Pools[0].ID] != 0 {
			t.Errorf("turnout counts a void participation: %v", turnout)
		}
	})
}

func TestPaperDoubleKey(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		s, res, _ := newService(t, d)
		e, ps := votingEdition(t, s, res, "bo-2027", func(c *budget.Config) { c.DoubleKey = true })
		city := ps["city"]
		res.add("", "55555555555", 2, adult)
		res.add("", "66666666666", 2, adult)
		b, err := s.CreateBatch(ctx, officer, e.ID, "city", "Podgórze", "urna 3")
		if err != nil {
			t.Fatal(err)
		}
		key := func(a budget.Actor, seq int, pesel string, choice ...*budget.Project) (string, error) {
			return s.EnterPaper(ctx, a, b.ID, budget.PaperInput{Seq: seq, PESEL: pesel, Ballot: budget.BallotInput{Projects: ids(choice...)}})
		}
		if out, err := key(officer, 1, "55555555555", city[0], city[1]); err != nil || out != budget.EntryPending {
			t.Fatalf("first keying: %s %v", out, err)
		}
		if _, err := key(officer, 1, "55555555555", city[0], city[1]); apperr.MessageOf(err) != "budget.paper.error.same_officer" {
			t.Errorf("the same officer twice: %v", err)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM ballot_ballots`); n != 0 {
			t.Errorf("a ballot after one keying")
		}
		if out, err := key(officer2, 1, "55555555555", city[0], city[1]); err != nil || out != budget.EntryCounted {
			t.Fatalf("matching second keying: %s %v", out, err)
		}
		if _, err := key(officer, 2, "66666666666", city[0]); err != nil {
			t.Fatal(err)
		}
		if out, err := key(officer2, 2, "66666666666", city[1]); err != nil || out != budget.EntryMismatch {
			t.Fatalf("different second keying: %s %v", out, err)
		}
		st, err := s.BatchSubtotal(ctx, b)
		if err != nil || st.Counted != 1 || len(st.Mismatched) != 1 || st.Mismatched[0] != 2 {
			t.Errorf("subtotal %+v %v", st, err)
		}
		if err := s.CloseBatch(ctx, officer, b.ID); apperr.MessageOf(err) != "budget.paper.error.unfinished" {
			t.Errorf("close with a mismatch: %v", err)
		}
		if err := s.DiscardSheet(ctx, officer, b.ID, 2); err != nil {
			t.Fatal(err)
		}
		if _, err := key(officer, 2, "66666666666", city[1]); err != nil {
			t.Fatal(err)
		}
		if out, err := key(officer2, 2, "66666666666", city[1]); err != nil || out != budget.EntryCounted {
			t.Fatalf("re-keyed sheet: %s %v", out, err)
		}
		if err := s.CloseBatch(ctx, officer, b.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := key(officer, 3, "55555555555", city[0]); apperr.MessageOf(err) != "budget.paper.error.closed" {
			t.Errorf("entry into a closed batch: %v", err)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM ballot_ballots WHERE batch_id = $1`, b.ID); n != 2 {
			t.Errorf("%d ballots in the batch, want 2", n)
		}
	})
}
