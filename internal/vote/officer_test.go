package vote_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/ballot"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/db/dbtest"
	"github.com/civitas-city/civitas/internal/mail"
	"github.com/civitas-city/civitas/internal/vote"
)

// announcedInput is a referendum whose voting starts tomorrow.
func announcedInput() vote.ReferendumInput {
	return vote.ReferendumInput{Slug: "skwer", Title: "Skwer", District: 4, MinAge: 16, PaperPolicy: string(ballot.FirstWins),
		AutoPhases: true, VotingStarts: now.Add(24 * time.Hour), VotingEnds: now.Add(96 * time.Hour),
		Questions: []vote.QuestionInput{{Kind: vote.YesNo, Text: "Skwer?"}}}
}

// An announced referendum changes whole (settings, schedule, questions);
// each bad field is named; once voting has started nothing changes and
// the officer is told why. Every change is audited.
func TestUpdateReferendum(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		s, _ := newService(t, d)
		officer := vote.Actor{ID: "officer"}
		r, err := s.CreateReferendum(ctx, officer, announcedInput())
		if err != nil || r.Phase != vote.Announced {
			t.Fatalf("create: %v %v", r, err)
		}

		in := announcedInput()
		in.Title, in.Binding, in.Quorum, in.Electorate, in.PaperDoubleKey = "Skwer Wolności", true, 20, 5000, true
		in.VotingStarts = now.Add(48 * time.Hour)
		in.Questions = []vote.QuestionInput{
			{Kind: vote.Single, Text: "Nazwa?", Options: []string{"Wolności", "Pokoju"}},
			{Kind: vote.Ranking, Text: "Co najpierw?", MaxChoices: 2, Options: []string{"drzewa", "ławki", "fontanna"}},
		}
		if _, err := s.UpdateReferendum(ctx, officer, r.Slug, in); err != nil {
			t.Fatal(err)
		}
		got, err := s.Referendum(ctx, r.Slug)
		if err != nil {
			t.Fatal(err)
		}
		if got.Title != "Skwer Wolności" || !got.Binding || got.Quorum != 20 || !got.PaperDoubleKey ||
			!got.VotingStarts.Equal(now.Add(48*time.Hour)) || len(got.Questions) != 2 || got.Questions[1].MaxChoices != 2 ||
			len(got.Questions[1].Options) != 3 || got.Phase != vote.Announced {
			t.Errorf("after the change: %+v", got)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM vote_questions WHERE referendum_id = $1`, r.ID); n != 2 {
			t.Errorf("%d questions stored, want 2 (the old one replaced)", n)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM vote_options o JOIN vote_questions q ON q.id = o.owner WHERE q.referendum_id = $1`, r.ID); n != 5 {
			t.Errorf("%d options stored, want 5", n)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM audit_log WHERE action = 'vote.referendum.update' AND target_id = $1`, r.ID); n != 1 {
			t.Errorf("%d updates audited, want 1", n)
		}

		// Each mistake is named by its field, the questions' by number.
		bad := announcedInput()
		bad.Title = " "
		bad.Questions = []vote.QuestionInput{
			{Kind: vote.YesNo, Text: "ok?"},
			{Kind: vote.Multiple, Text: "Co?", MaxChoices: 3, Options: []string{"a", "b"}},
			{Kind: vote.Single, Text: "Gdzie?", Options: []string{"tylko jedna"}},
			{Kind: vote.Scale, Text: "Skala?"},
		}
		_, err = s.UpdateReferendum(ctx, officer, r.Slug, bad)
		want := map[string]string{"title": "vote.error.title", "q2-max_choices": "vote.error.max_choices",
			"q3-options": "vote.error.options", "q4-kind": "vote.error.kind"}
		fields := apperr.FieldsOf(err)
		for f, key := range want {
			if fields[f] != key {
				t.Errorf("field %s: %q, want %q (all: %v)", f, fields[f], key, fields)
			}
		}
		if len(fields) != len(want) {
			t.Errorf("fields %v, want exactly %v", fields, want)
		}
		if got, _ := s.Referendum(ctx, r.Slug); got.Title != "Skwer Wolności" {
			t.Errorf("a refused change changed the title to %q", got.Title)
		}

		// Voting starts: the referendum is frozen, and the officer told why.
		if err := s.SetPhase(ctx, officer, r.Slug, vote.Voting); err != nil {
			t.Fatal(err)
		}
		in.Title = "Za późno"
		if _, err := s.UpdateReferendum(ctx, officer, r.Slug, in); !apperr.Is(err, apperr.Conflict) || apperr.MessageOf(err) != "vote.error.started" {
			t.Fatalf("change during voting: %v, want vote.error.started", err)
		}
		if got, _ := s.Referendum(ctx, r.Slug); got.Title != "Skwer Wolności" || len(got.Questions) != 2 {
			t.Errorf("a change during voting went through: %q", got.Title)
		}
	})
}

// Moving the start of voting queues the opening notice for the new date;
// the notice queued for the old date then sends nothing.
func TestUpdateMovesNotices(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		s, _ := newService(t, d)
		rec := &recipients{}
		s.Recipients, s.Catalog = rec, testCatalog(t)
		r, err := s.CreateReferendum(ctx, vote.Actor{ID: "officer"}, announcedInput())
		if err != nil {
			t.Fatal(err)
		}
		in := announcedInput()
		in.VotingStarts = now.Add(30 * time.Hour)
		if _, err := s.UpdateReferendum(ctx, vote.Actor{ID: "officer"}, r.Slug, in); err != nil {
			t.Fatal(err)
		}
		payloads, err := db.Query(ctx, d, func(row db.Scanner) (string, error) {
			var p string
			return p, row.Scan(&p)
		}, `SELECT payload FROM jobs WHERE kind = $1 ORDER BY run_at`, vote.JobNotice)
		if err != nil {
			t.Fatal(err)
		}
		var opening []map[string]string
		for _, p := range payloads {
			var m map[string]string
			if err := json.Unmarshal([]byte(p), &m); err != nil {
				t.Fatal(err)
			}
			if m["kind"] == vote.NoticeOpening {
				opening = append(opening, m)
			}
		}
		if len(opening) != 2 {
			t.Fatalf("opening notices queued: %v, want the old and the new date", opening)
		}
		// At the new start, the stale job sends nothing and the new one mails.
		s.Now = func() time.Time { return now.Add(31 * time.Hour) }
		runNotice(t, s, opening[0])
		if n := count(t, d, `SELECT COUNT(*) FROM jobs WHERE kind = $1`, mail.JobKind); n != 0 {
			t.Errorf("the notice of the old date sent %d mails", n)
		}
		runNotice(t, s, opening[1])
		if n := count(t, d, `SELECT COUNT(*) FROM jobs WHERE kind = $1`, mail.JobKind); n != 2 {
			t.Errorf("the notice of the new date sent %d mails, want 2", n)
		}
	})
}
