package budget_test

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/budget"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/db/dbtest"
)

// Parsing and formatting are internal/money's (tested there); the budget
// adds the exact conversions for the counting engine.
func TestMoney(t *testing.T) {
	for g, want := range map[int64]string{171613817: "1716138.17", 25000000: "250000", 1250: "12.5", 1: "0.01"} {
		if got := budget.MoneyDecimal(g); got != want {
			t.Errorf("MoneyDecimal(%d) = %s, want %s", g, got, want)
		}
		back, err := budget.RatMoney(budget.MoneyRat(g))
		if err != nil || back != g {
			t.Errorf("RatMoney(MoneyRat(%d)) = %d, %v", g, back, err)
		}
	}
}

func TestConfigValidate(t *testing.T) {
	c := cityConfig("ok")
	if err := c.Validate(nil); err != nil {
		t.Fatalf("a good configuration: %v", err)
	}
	c.Slug, c.PoolPolicy = "Bad Slug", "nope"
	c.Pools[0].Amount, c.Pools[0].Points = "-1", []int{1, 2, 3}
	c.Pools[1].Rule, c.Pools[2].Slug = "greedy-threshold", "d1"
	err := c.Validate(func(n int) bool { return n <= 2 })
	var ce *budget.ConfigError
	if !errors.As(err, &ce) {
		t.Fatalf("want a ConfigError, got %v", err)
	}
	want := []string{"slug", "pool_policy", "pools[0].amount", "pools[0].points", "pools[1].threshold", "pools[2].slug"}
	got := map[string]bool{}
	for _, p := range ce.Problems {
		got[p.Path] = true
	}
	for _, w := range want {
		if !got[w] {
			t.Errorf("no problem reported at %s (got %v)", w, ce.Problems)
		}
	}
	if _, err := budget.ParseConfig([]byte(`{"slug": "x", "unknown": 1}`)); err == nil {
		t.Error("an unknown key is accepted")
	}
}

func TestSignaturesAndWithdraw(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		s, res, _ := newService(t, d)
		c := cityConfig("bo-sig")
		c.Signatures = 2
		e := submissionEdition(t, s, c)
		res.add("author", "00000000000", 1, adult)
		res.add("s1", "10000000001", 1, adult)
		res.add("s2", "10000000002", 2, adult)
		p, err := s.SaveProject(ctx, budget.Actor{}, "author", e.ID, "", budget.ProjectInput{Pool: "city", Title: "Ławki w parku",
			Description: strings.Repeat("Opis projektu. ", 5), Category: "sport", Address: "Park",
			CostItems: []budget.CostItemInput{{Label: "Ławki", Amount: "5000"}}}, true)
		if err != nil {
			t.Fatal(err)
		}
		if p.Status != budget.StatusCollecting || p.Code != "1" {
			t.Fatalf("submitted: %s %q", p.Status, p.Code)
		}
		if err := s.Sign(ctx, "stranger", p.ID); !apperr.Is(err, apperr.Forbidden) {
			t.Errorf("an unverified signature: %v", err)
		}
		for _, u := range []string{"s1", "s1", "s2"} {
			if err := s.Sign(ctx, u, p.ID); err != nil && !(u == "s2" && apperr.Is(err, apperr.Invalid)) {
				t.Fatalf("sign %s: %v", u, err)
			}
		}
		p, _ = s.Project(ctx, p.ID)
		if p.Status != budget.StatusSubmitted || p.Signatures != 2 {
			t.Errorf("after two signatures: %s with %d", p.Status, p.Signatures)
		}
		// A draft is the author's; too expensive is refused with the field.
		_, err = s.SaveProject(ctx, budget.Actor{}, "author", e.ID, "", budget.ProjectInput{Pool: "d1", Title: "Za drogi projekt",
			CostItems: []budget.CostItemInput{{Label: "Wszystko", Amount: "400000"}}}, false)
		var fe apperr.Fields
		if !errors.As(err, &fe) || fe["cost"] != "budget.project.error.cost_pool" {
			t.Errorf("too expensive: %v", err)
		}
		// A title that reads differently from what it is (a bidirectional
		// override) or hides a NUL is refused with the field.
		_, err = s.SaveProject(ctx, budget.Actor{}, "author", e.ID, "", budget.ProjectInput{Pool: "d1", Title: "Ławki \u202ekrap w",
			Description: "Opis\x00 ukryty"}, false)
		if !errors.As(err, &fe) || fe["title"] != "error.text_control" || fe["description"] != "error.text_control" {
			t.Errorf("control characters: %v", err)
		}
		draft, err := s.SaveProject(ctx, budget.Actor{}, "author", e.ID, "", budget.ProjectInput{Pool: "d1", Title: "Szkic projektu"}, false)
		if err != nil || draft.Status != budget.StatusDraft || draft.Code != "" {
			t.Fatalf("draft: %+v %v", draft, err)
		}
		if _, err := s.SaveProject(ctx, budget.Actor{}, "s1", e.ID, draft.ID, budget.ProjectInput{Pool: "d1", Title: "Cudzy szkic"}, false); !apperr.Is(err, apperr.Forbidden) {
			t.Errorf("someone else's draft: %v", err)
		}
		if err := s.Withdraw(ctx, "author", draft.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Project(ctx, draft.ID); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("a withdrawn draft is still there: %v", err)
		}
	})
}

func TestSchoolRosterAndLocalInitiative(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		s, res, _ := newService(t, d)
		people := &directory{emails: map[string]string{"pupil@school.test": "pupil"}}
		s.People = people
		c := cityConfig("szkola")
		c.Kind, c.School, c.MinAge, c.PoolPolicy = budget.KindSchool, "SP 1", 0, budget.PolicyAny
		c.Coordinators = []string{"coordinator"}
		c.Pools = c.Pools[:1]
		e, err := s.CreateEdition(ctx, officer, c)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.AddToRoster(ctx, officer, e.ID, "pupil@school.test"); !apperr.Is(err, apperr.Forbidden) {
			t.Errorf("an officer who is not the coordinator: %v", err)
		}
		coord := budget.Actor{ID: "coordinator"}
		if err := s.AddToRoster(ctx, coord, e.ID, "nobody@school.test"); apperr.MessageOf(err) != "budget.roster.error.unknown" {
			t.Errorf("an unknown pupil: %v", err)
		}
		if err := s.AddToRoster(ctx, coord, e.ID, "pupil@school.test"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Eligibility(ctx, e, "pupil"); err != nil {
			t.Errorf("a pupil on the roster: %v", err)
		}
		if _, err := s.Eligibility(ctx, e, "other"); apperr.MessageOf(err) != "budget.error.not_on_roster" {
			t.Errorf("a pupil not on the roster: %v", err)
		}

		// A local initiative: decided by an officer, no vote.
		lc := cityConfig("lokalne")
		lc.Kind, lc.Pools = budget.KindLocal, lc.Pools[:1]
		le, err := s.CreateEdition(ctx, officer, lc)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.SetPhase(ctx, officer, le.ID, budget.PhaseVoting); apperr.MessageOf(err) != "budget.error.phase_no_vote" {
			t.Errorf("voting for local initiatives: %v", err)
		}
		if err := s.SetPhase(ctx, officer, le.ID, budget.PhaseSubmission); err != nil {
			t.Fatal(err)
		}
		res.add("author", "00000000000", 1, adult)
		p, err := s.SaveProject(ctx, budget.Actor{}, "author", le.ID, "", budget.ProjectInput{Pool: "city", Title: "Ogród społeczny",
			Description: strings.Repeat("Opis inicjatywy. ", 5), Category: "zieleń", Address: "ul. Dietla",
			CostItems: []budget.CostItemInput{{Label: "Sadzonki", Amount: "2000"}}}, true)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.RecordReview(ctx, officer, p.ID, budget.ReviewInput{Stage: budget.StageFormal, Outcome: budget.Positive}); apperr.MessageOf(err) != "budget.review.error.stage" {
			t.Errorf("a formal review of a local initiative: %v", err)
		}
		if err := s.RecordReview(ctx, officer, p.ID, budget.ReviewInput{Stage: budget.StageDecision, Outcome: budget.Positive}); err != nil {
			t.Fatal(err)
		}
		real, err := s.Realization(ctx, p.ID)
		if err != nil || real.Status != budget.RealPlanned {
			t.Errorf("an approved initiative's realization: %+v %v", real, err)
		}
		if err := s.UpdateRealization(ctx, officer, p.ID, budget.RealizationInput{Status: budget.RealInProgress, Progress: "150"}); apperr.KindOf(err) != apperr.Invalid {
			t.Errorf("progress 150: %v", err)
		}
		if err := s.UpdateRealization(ctx, officer, p.ID, budget.RealizationInput{Status: budget.RealInProgress, Progress: "50"}); err != nil {
			t.Fatal(err)
		}
	})
}

// directory is the accounts domain for the roster test.
type directory struct{ emails map[string]string }

func (d *directory) Contact(context.Context, string) (budget.Contact, error) {
	return budget.Contact{}, apperr.E(apperr.NotFound, "error.not_found")
}

func (d *directory) UserByEmail(_ context.Context, email string) (string, error) {
	if id, ok := d.emails[email]; ok {
		return id, nil
	}
	return "", apperr.E(apperr.NotFound, "error.not_found")
}

// TestSchedule: the schedule job moves the phase at each planned start,
// audited, and entering the results queues the count.
func TestSchedule(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		s, res, clk := newService(t, d)
		start := now0.Add(time.Hour)
		c := cityConfig("bo-sched")
		voting, results := start.Add(24*time.Hour), start.Add(48*time.Hour)
		c.AutoPhases, c.Schedule = true, budget.Schedule{Submission: &start, Voting: &voting, Results: &results}
		e, err := s.CreateEdition(ctx, officer, c)
		if err != nil {
			t.Fatal(err)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM jobs WHERE kind = $1`, budget.JobSchedule); n != 1 {
			t.Errorf("%d schedule jobs after creating, want 1", n)
		}
		phase := func() budget.Phase {
			e, err := s.EditionByID(ctx, e.ID)
			if err != nil {
				t.Fatal(err)
			}
			return e.Phase
		}
		clk.Set(start.Add(time.Minute))
		if err := s.RunSchedule(ctx, e.ID); err != nil {
			t.Fatal(err)
		}
		if p := phase(); p != budget.PhaseSubmission {
			t.Errorf("after the submission start: %s", p)
		}
		res.add("author", "00000000000", 1, adult)
		acceptedProject(t, s, e, "author", "city", "Projekt A", "100000")
		clk.Set(voting.Add(time.Minute))
		if err := s.RunSchedule(ctx, e.ID); err != nil {
			t.Fatal(err)
		}
		if p := phase(); p != budget.PhaseVoting {
			t.Errorf("after the voting start: %s", p)
		}
		clk.Set(results.Add(time.Minute))
		if err := s.RunSchedule(ctx, e.ID); err != nil {
			t.Fatal(err)
		}
		if p := phase(); p != budget.PhaseResults {
			t.Errorf("after the results start: %s", p)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM jobs WHERE kind = $1`, budget.JobCount); n != 1 {
			t.Errorf("%d count jobs, want 1", n)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM audit_log WHERE action = 'budget.phase' AND actor_label = 'system: schedule'`); n != 3 {
			t.Errorf("%d audited schedule moves, want 3", n)
		}
	})
}

// TestErase: deleting an account keeps what was counted and the person
// key, and removes drafts and the account's links.
func TestErase(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		s, res, _ := newService(t, d)
		e, ps := votingEdition(t, s, res, "bo-erase")
		res.add("u1", "11111111111", 1, adult)
		if _, err := s.Cast(ctx, budget.Actor{}, "u1", e.Slug, "city", budget.BallotInput{Projects: ids(ps["city"][0])}); err != nil {
			t.Fatal(err)
		}
		items, err := s.ProfileItems(ctx, "en", "u1")
		if err != nil || len(items) != 1 {
			t.Fatalf("profile items %+v %v", items, err)
		}
		data, err := s.PersonalData(ctx, "author")
		if err != nil || data == nil {
			t.Fatal(err)
		}
		if err := d.InTx(ctx, func(tx *sql.Tx) error { return s.Erase(ctx, tx, "u1") }); err != nil {
			t.Fatal(err)
		}
		if err := d.InTx(ctx, func(tx *sql.Tx) error { return s.Erase(ctx, tx, "author") }); err != nil {
			t.Fatal(err)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM ballot_participations WHERE user_id IS NULL AND voter_key <> ''`); n != 1 {
			t.Errorf("the participation after erasure: %d", n)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM pb_projects WHERE author_id IS NOT NULL`); n != 0 {
			t.Errorf("%d projects still name their author", n)
		}
		// The person still cannot vote again with another account.
		res.add("u1-new", "11111111111", 1, adult)
		if _, err := s.Cast(ctx, budget.Actor{}, "u1-new", e.Slug, "city", budget.BallotInput{Projects: ids(ps["city"][1])}); !apperr.Is(err, apperr.Conflict) {
			t.Errorf("voting again after deleting the account: %v", err)
		}
	})
}
