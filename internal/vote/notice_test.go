package vote_test

import (
	"context"
	"encoding/json"
	"io/fs"
	"testing"
	"time"

	"github.com/civitas-city/civitas/internal/ballot"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/db/dbtest"
	"github.com/civitas-city/civitas/internal/i18n"
	"github.com/civitas-city/civitas/internal/jobs"
	"github.com/civitas-city/civitas/internal/mail"
	"github.com/civitas-city/civitas/internal/vote"
)

// recipients: two residents of district 4 want mail (one without an
// address), in Polish and Ukrainian.
type recipients struct{ asked []int }

func (r *recipients) Recipients(_ context.Context, district int) ([]vote.Recipient, error) {
	r.asked = append(r.asked, district)
	return []vote.Recipient{{Email: "a@example.org", Lang: "pl"}, {Email: "", Lang: "pl"}, {Email: "b@example.org", Lang: "uk"}}, nil
}

func TestNotices(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		s, _ := newService(t, d)
		rec := &recipients{}
		s.Recipients, s.Catalog = rec, testCatalog(t)
		r, err := s.CreateReferendum(ctx, vote.Actor{ID: "officer"}, vote.ReferendumInput{
			Slug: "ref", Title: "Skwer", District: 4, PaperPolicy: string(ballot.FirstWins), AutoPhases: true,
			VotingStarts: now.Add(time.Hour), VotingEnds: now.Add(72 * time.Hour),
			Questions: []vote.QuestionInput{{Kind: vote.YesNo, Text: "Skwer?"}}})
		if err != nil {
			t.Fatal(err)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM jobs WHERE kind = $1`, vote.JobNotice); n != 2 {
			t.Errorf("%d notice jobs queued, want 2 (opening, a day before closing)", n)
		}
		// Before the opening nothing is sent; at the opening each address once.
		if err := s.SendNotice(ctx, r.ID, vote.NoticeOpening); err != nil {
			t.Fatal(err)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM jobs WHERE kind = $1`, mail.JobKind); n != 0 {
			t.Errorf("%d mails before the opening", n)
		}
		s.Now = func() time.Time { return now.Add(2 * time.Hour) }
		if err := s.SendNotice(ctx, r.ID, vote.NoticeOpening); err != nil {
			t.Fatal(err)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM jobs WHERE kind = $1`, mail.JobKind); n != 2 {
			t.Errorf("%d mails, want 2", n)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM jobs WHERE kind = $1 AND payload LIKE '%Референдум%'`, mail.JobKind); n != 1 {
			t.Errorf("%d mails in Ukrainian, want 1", n)
		}
		if len(rec.asked) != 1 || rec.asked[0] != 4 {
			t.Errorf("recipients asked for districts %v, want [4]", rec.asked)
		}
		// The job run again (a retry after a failure part-way) mails nobody
		// twice.
		if err := s.SendNotice(ctx, r.ID, vote.NoticeOpening); err != nil {
			t.Fatal(err)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM jobs WHERE kind = $1`, mail.JobKind); n != 2 {
			t.Errorf("%d mails after the notice ran twice, want still 2", n)
		}
	})
}

// testCatalog is the catalog with the vote's messages.
func testCatalog(t *testing.T) *i18n.Catalog {
	t.Helper()
	cat := i18n.New("pl", "en", "uk")
	locales, err := fs.Sub(vote.Locales(), "locales")
	if err != nil {
		t.Fatal(err)
	}
	if err := cat.AddFS(locales); err != nil {
		t.Fatal(err)
	}
	return cat
}

// runNotice runs a queued notice job as the job runner would.
func runNotice(t *testing.T, s *vote.Service, payload map[string]string) {
	t.Helper()
	body, _ := json.Marshal(payload)
	if err := s.JobHandlers()[vote.JobNotice](t.Context(), jobs.Job{Kind: vote.JobNotice, Payload: body}); err != nil {
		t.Fatal(err)
	}
}
