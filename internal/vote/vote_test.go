package vote_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/ballot"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/db/dbtest"
	"github.com/civitas-city/civitas/internal/vote"
)

var now = time.Date(2027, 3, 10, 12, 0, 0, 0, time.UTC)

// residents is identity as the tests set it: residency by account and by
// PESEL.
type residents struct {
	mu      sync.Mutex
	byUser  map[string]vote.Residency
	byPESEL map[string]string
}

func (r *residents) add(user, pesel string, district int, birth time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.byUser[user] = vote.Residency{Verified: true, District: district, BirthDate: birth, Person: "person:" + pesel}
	r.byPESEL[pesel] = user
}

func (r *residents) Residency(_ context.Context, user string) (vote.Residency, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.byUser[user], nil
}

func (r *residents) ByPESEL(_ context.Context, pesel string) (string, vote.Residency, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	u, ok := r.byPESEL[pesel]
	if !ok {
		return "", vote.Residency{}, apperr.E(apperr.NotFound, "vote.paper.error.unknown")
	}
	return u, r.byUser[u], nil
}

var adult = time.Date(1980, 5, 1, 0, 0, 0, 0, time.UTC)

func newService(t *testing.T, d *db.DB) (*vote.Service, *residents) {
	res := &residents{byUser: map[string]vote.Residency{}, byPESEL: map[string]string{}}
	return &vote.Service{DB: d, Key: []byte("test key"), Residents: res, Now: func() time.Time { return now }}, res
}

// districtReferendum is an open referendum of district 4 with a yes/no
// question, a multiple choice (at most 2 of 3) and a ranking (2 of 3).
func districtReferendum(t *testing.T, s *vote.Service) *vote.Referendum {
	t.Helper()
	r, err := s.CreateReferendum(t.Context(), vote.Actor{ID: "officer"}, vote.ReferendumInput{
		Slug: "park-krzeslawicki", Title: "Park", District: 4, MinAge: 16, Quorum: 30, Electorate: 10,
		PaperPolicy: string(ballot.FirstWins), AutoPhases: true,
		VotingStarts: now.Add(-time.Hour), VotingEnds: now.Add(48 * time.Hour),
		Questions: []vote.QuestionInput{
			{Kind: vote.YesNo, Text: "Czy park?"},
			{Kind: vote.Multiple, Text: "Co w parku?", MaxChoices: 2, Options: []string{"ławki", "plac zabaw", "psi wybieg"}},
			{Kind: vote.Ranking, Text: "Kolejność", MaxChoices: 2, Options: []string{"A", "B", "C"}},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if r.Phase != vote.Voting {
		t.Fatalf("phase %s, want voting", r.Phase)
	}
	return r
}

func opt(q vote.Question, i int) string { return q.Options[i].ID }

func count(t *testing.T, d *db.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := d.QueryRowContext(t.Context(), query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestCastAndResults(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		s, res := newService(t, d)
		r := districtReferendum(t, s)
		q := r.Questions
		res.add("u1", "1", 4, adult)
		res.add("u2", "2", 4, time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC))
		res.add("u3", "3", 4, adult)
		for user, in := range map[string]vote.Answers{
			"u1": {q[0].ID: {opt(q[0], 0)}, q[1].ID: {opt(q[1], 0), opt(q[1], 1)}, q[2].ID: {opt(q[2], 1), opt(q[2], 0)}},
			"u2": {q[0].ID: {opt(q[0], 0)}, q[2].ID: {opt(q[2], 1)}},
			"u3": {q[0].ID: {opt(q[0], 1)}},
		} {
			receipts, err := s.Cast(ctx, vote.Actor{ID: user}, user, r.Slug, in)
			if err != nil || len(receipts) != len(in) {
				t.Fatalf("%s: %v %v", user, receipts, err)
			}
		}
		out, err := s.Results(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		if out.Voters != 3 || !out.Valid || out.TurnoutPermille != 300 {
			t.Errorf("voters %d valid %v turnout %d; want 3, valid, 300‰", out.Voters, out.Valid, out.TurnoutPermille)
		}
		if yes, no := out.Questions[0].Options[0].Votes, out.Questions[0].Options[1].Votes; yes != 2 || no != 1 {
			t.Errorf("yes %d no %d", yes, no)
		}
		// Ranking with 2 places: first 2 points, second 1. B: 2+2, A: 1.
		if a, b := out.Questions[2].Options[0].Points, out.Questions[2].Options[1].Points; a != 1 || b != 4 {
			t.Errorf("ranking points A %d B %d; want 1 and 4", a, b)
		}
		if len(out.ByDistrict) != 1 || out.ByDistrict[0].Voters != 3 || len(out.ByAge) != 2 {
			t.Errorf("turnout by district %v, by age %v", out.ByDistrict, out.ByAge)
		}
	})
}

// TestBadBallotsChangeNothing: every refusal leaves no participation and
// no ballot, and says why.
func TestBadBallotsChangeNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		s, res := newService(t, d)
		r := districtReferendum(t, s)
		q := r.Questions
		res.add("other", "5", 7, adult)
		res.add("young", "6", 4, now.AddDate(-15, 0, 0))
		res.add("ok", "7", 4, adult)
		for _, c := range []struct {
			name, user string
			in         vote.Answers
			want       string
		}{
			{"other district", "other", vote.Answers{q[0].ID: {opt(q[0], 0)}}, "vote.error.other_district"},
			{"under age", "young", vote.Answers{q[0].ID: {opt(q[0], 0)}}, "vote.error.too_young"},
			{"unverified", "nobody", vote.Answers{q[0].ID: {opt(q[0], 0)}}, "vote.error.unverified"},
			{"too many choices", "ok", vote.Answers{q[1].ID: {opt(q[1], 0), opt(q[1], 1), opt(q[1], 2)}}, "vote.error.too_many"},
			{"two answers to yes/no", "ok", vote.Answers{q[0].ID: {opt(q[0], 0), opt(q[0], 1)}}, "vote.error.one"},
			{"one option twice", "ok", vote.Answers{q[1].ID: {opt(q[1], 0), opt(q[1], 0)}}, "vote.error.twice"},
			{"a choice of another question", "ok", vote.Answers{q[0].ID: {opt(q[1], 0)}}, "vote.error.other_question"},
			{"an unknown question", "ok", vote.Answers{"nope": {opt(q[0], 0)}, q[0].ID: {opt(q[0], 0)}}, "vote.error.unknown_question"},
			{"nothing answered", "ok", vote.Answers{}, "vote.error.empty"},
		} {
			_, err := s.Cast(ctx, vote.Actor{ID: c.user}, c.user, r.Slug, c.in)
			if apperr.MessageOf(err) != c.want {
				t.Errorf("%s: %v, want %s", c.name, err, c.want)
			}
		}
		if n := count(t, d, `SELECT COUNT(*) FROM ballot_participations`) + count(t, d, `SELECT COUNT(*) FROM ballot_ballots`); n != 0 {
			t.Errorf("%d rows written by refused ballots", n)
		}
		// Outside the voting phase.
		if err := s.SetPhase(ctx, vote.Actor{ID: "officer"}, r.Slug, vote.Closed); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Cast(ctx, vote.Actor{ID: "ok"}, "ok", r.Slug, vote.Answers{q[0].ID: {opt(q[0], 0)}}); apperr.MessageOf(err) != "vote.error.closed" {
			t.Errorf("closed: %v", err)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM audit_log WHERE action = 'vote.referendum.phase'`); n != 1 {
			t.Errorf("%d phase changes audited", n)
		}
	})
}

// TestFiftyAttemptsOneReferendumBallot: 50 simultaneous attempts by one
// resident leave exactly one ballot per question.
func TestFiftyAttemptsOneReferendumBallot(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		s, res := newService(t, d)
		r := districtReferendum(t, s)
		q := r.Questions
		res.add("u1", "1", 4, adult)
		var (
			wg sync.WaitGroup
			mu sync.Mutex
			ok int
		)
		for i := range 50 {
			wg.Go(func() {
				_, err := s.Cast(ctx, vote.Actor{ID: "u1"}, "u1", r.Slug, vote.Answers{q[0].ID: {opt(q[0], i%2)}, q[1].ID: {opt(q[1], i%3)}})
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					ok++
				case !apperr.Is(err, apperr.Conflict):
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if ok != 1 {
			t.Errorf("%d accepted, want 1", ok)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM ballot_ballots`); n != 2 {
			t.Errorf("%d ballots, want 2 (one per question)", n)
		}
	})
}

// TestPaperForOnlineVoter: a paper ballot for someone who voted online is
// refused; one for a resident of another district is refused with why.
func TestPaperForOnlineVoter(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		s, res := newService(t, d)
		r := districtReferendum(t, s)
		q := r.Questions
		res.add("u1", "11111111111", 4, adult)
		res.add("u2", "22222222222", 4, adult)
		res.add("far", "33333333333", 9, adult)
		if _, err := s.Cast(ctx, vote.Actor{ID: "u1"}, "u1", r.Slug, vote.Answers{q[0].ID: {opt(q[0], 0)}}); err != nil {
			t.Fatal(err)
		}
		officer := vote.Actor{ID: "officer"}
		b, err := s.CreateBatch(ctx, officer, r.Slug, q[0].ID, "Rada Dzielnicy IV", "urna 1")
		if err != nil {
			t.Fatal(err)
		}
		if out, err := s.EnterPaper(ctx, officer, b.ID, vote.PaperSheet{Seq: 1, PESEL: "11111111111", Choices: []string{opt(q[0], 1)}}); err != nil || out != ballot.EntryRefused {
			t.Errorf("online voter on paper: %s, %v", out, err)
		}
		if _, err := s.EnterPaper(ctx, officer, b.ID, vote.PaperSheet{Seq: 2, PESEL: "33333333333", Choices: []string{opt(q[0], 1)}}); apperr.MessageOf(err) != "vote.error.other_district" {
			t.Errorf("other district on paper: %v", err)
		}
		if out, err := s.EnterPaper(ctx, officer, b.ID, vote.PaperSheet{Seq: 3, PESEL: "22222222222", Choices: []string{opt(q[0], 1)}}); err != nil || out != ballot.EntryCounted {
			t.Errorf("paper voter: %s, %v", out, err)
		}
		// And online after paper: refused.
		if _, err := s.Cast(ctx, vote.Actor{ID: "u2"}, "u2", r.Slug, vote.Answers{q[0].ID: {opt(q[0], 0)}}); apperr.MessageOf(err) != "vote.error.already_voted_paper" {
			t.Errorf("online after paper: %v", err)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM ballot_ballots WHERE void = FALSE`); n != 2 {
			t.Errorf("%d ballots, want 2", n)
		}
	})
}

func TestScheduleMovesPhases(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		s, _ := newService(t, d)
		r := districtReferendum(t, s)
		clock := now.Add(72 * time.Hour)
		s.Now = func() time.Time { return clock }
		if err := s.RunSchedule(ctx, r.ID); err != nil {
			t.Fatal(err)
		}
		r, err := s.Referendum(ctx, r.Slug)
		if err != nil || r.Phase != vote.Closed {
			t.Errorf("phase %v, %v; want closed", r.Phase, err)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM audit_log WHERE action = 'vote.referendum.phase' AND actor_label = 'system: schedule'`); n != 1 {
			t.Errorf("%d schedule changes audited", n)
		}
	})
}

func TestPolls(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		s, res := newService(t, d)
		officer := vote.Actor{ID: "officer"}
		open, err := s.CreatePoll(ctx, officer, vote.PollInput{Slug: "fajerwerki", Question: "Zakaz fajerwerków?", Kind: vote.Scale,
			ResultsAfter: vote.AfterAnswer, OpensAt: now.Add(-time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		residentsOnly, err := s.CreatePoll(ctx, officer, vote.PollInput{Slug: "alkohol", Question: "Nocna sprzedaż?", Kind: vote.Multiple,
			MaxChoices: 2, Options: []string{"zakaz", "ograniczenie", "bez zmian"}, ResidentsOnly: true, District: 1,
			ResultsAfter: vote.AfterClose, OpensAt: now.Add(-time.Hour), ClosesAt: now.Add(time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Answer(ctx, vote.Actor{ID: "anyone"}, "anyone", open.Slug, []string{open.Options[4].ID}); err != nil {
			t.Fatalf("any account: %v", err)
		}
		if err := s.Answer(ctx, vote.Actor{ID: "anyone"}, "anyone", open.Slug, []string{open.Options[0].ID}); !apperr.Is(err, apperr.Conflict) {
			t.Errorf("second answer: %v", err)
		}
		if err := s.Answer(ctx, vote.Actor{ID: "anyone"}, "anyone", residentsOnly.Slug, []string{residentsOnly.Options[0].ID}); apperr.MessageOf(err) != "vote.error.unverified" {
			t.Errorf("unverified: %v", err)
		}
		res.add("r7", "7", 7, adult)
		if err := s.Answer(ctx, vote.Actor{ID: "r7"}, "r7", residentsOnly.Slug, []string{residentsOnly.Options[0].ID}); apperr.MessageOf(err) != "vote.error.other_district" {
			t.Errorf("other district: %v", err)
		}
		res.add("r1", "1", 1, adult)
		all := []string{residentsOnly.Options[0].ID, residentsOnly.Options[1].ID, residentsOnly.Options[2].ID}
		if err := s.Answer(ctx, vote.Actor{ID: "r1"}, "r1", residentsOnly.Slug, all); apperr.MessageOf(err) != "vote.error.too_many" {
			t.Errorf("too many: %v", err)
		}
		if err := s.Answer(ctx, vote.Actor{ID: "r1"}, "r1", residentsOnly.Slug, all[:2]); err != nil {
			t.Fatal(err)
		}
		p, _ := s.Poll(ctx, residentsOnly.Slug)
		if p.ResultsVisible(now, true) {
			t.Error("results of an open poll shown before the close")
		}
		if err := s.ClosePoll(ctx, officer, p.Slug); err != nil {
			t.Fatal(err)
		}
		if err := s.Answer(ctx, vote.Actor{ID: "r1"}, "r1", residentsOnly.Slug, all[:1]); apperr.MessageOf(err) != "vote.error.closed" {
			t.Errorf("after close: %v", err)
		}
		p, _ = s.Poll(ctx, residentsOnly.Slug)
		out, err := s.PollResults(ctx, p)
		if err != nil || out.Voters != 1 || out.Options[0].Votes != 1 || out.Options[2].Votes != 0 || !p.ResultsVisible(now, false) {
			t.Errorf("results %+v, %v", out, err)
		}
	})
}
