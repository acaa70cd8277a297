package vote_test

import (
	"testing"
	"time"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/ballot"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/db/dbtest"
	"github.com/civitas-city/civitas/internal/vote"
)

// A referendum set up for double-key entry keys each paper sheet twice,
// through the ballot box: the first keying waits and counts nothing, the
// same officer cannot key it again, a second officer's matching keying
// counts it once; keyings that differ count nothing, keep the batch open
// until the sheet is discarded, and it is then keyed again.
func TestDoubleKeyPaper(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		s, res := newService(t, d)
		r, err := s.CreateReferendum(ctx, vote.Actor{ID: "officer"}, vote.ReferendumInput{
			Slug: "dwa-klucze", Title: "Skwer", District: 4, PaperPolicy: string(ballot.FirstWins), PaperDoubleKey: true,
			AutoPhases: true, VotingStarts: now.Add(-time.Hour), VotingEnds: now.Add(48 * time.Hour),
			Questions: []vote.QuestionInput{{Kind: vote.YesNo, Text: "Skwer?"}}})
		if err != nil {
			t.Fatal(err)
		}
		q := r.Questions[0]
		yes, no := opt(q, 0), opt(q, 1)
		res.add("ala", "11111111111", 4, adult)
		res.add("ola", "22222222222", 4, adult)
		first, second := vote.Actor{ID: "officer-1"}, vote.Actor{ID: "officer-2"}
		b, err := s.CreateBatch(ctx, first, r.Slug, q.ID, "Rada Dzielnicy IV", "urna 1")
		if err != nil {
			t.Fatal(err)
		}
		if !b.DoubleKey {
			t.Fatal("the referendum's batch is single-key")
		}
		ballots := func() int { return count(t, d, `SELECT COUNT(*) FROM ballot_ballots WHERE void = FALSE`) }
		enter := func(who vote.Actor, seq int, pesel, choice string) (string, error) {
			return s.EnterPaper(ctx, who, b.ID, vote.PaperSheet{Seq: seq, PESEL: pesel, Choices: []string{choice}})
		}

		if out, err := enter(first, 1, "11111111111", yes); err != nil || out != ballot.EntryPending {
			t.Fatalf("first keying: %s %v, want pending", out, err)
		}
		if n := ballots(); n != 0 {
			t.Errorf("%d ballots after one keying, want 0", n)
		}
		if _, err := enter(first, 1, "11111111111", yes); apperr.MessageOf(err) != "vote.paper.error.same_officer" {
			t.Errorf("the same officer keying again: %v", err)
		}
		if out, err := enter(second, 1, "11111111111", yes); err != nil || out != ballot.EntryCounted {
			t.Fatalf("second keying: %s %v, want counted", out, err)
		}
		if n := ballots(); n != 1 {
			t.Errorf("%d ballots after both keyings agree, want 1", n)
		}

		// Keyings that differ: nothing counts, the batch stays open.
		if out, _ := enter(first, 2, "22222222222", yes); out != ballot.EntryPending {
			t.Fatalf("first keying of sheet 2: %s", out)
		}
		if out, err := enter(second, 2, "22222222222", no); err != nil || out != ballot.EntryMismatch {
			t.Fatalf("differing keying: %s %v, want mismatch", out, err)
		}
		if n := ballots(); n != 1 {
			t.Errorf("%d ballots after differing keyings, want 1", n)
		}
		subtotals, err := s.Batches(ctx, r)
		if err != nil || len(subtotals) != 1 || len(subtotals[0].Mismatched) != 1 || subtotals[0].Mismatched[0] != 2 {
			t.Fatalf("subtotals %+v %v, want sheet 2 listed as differing", subtotals, err)
		}
		if err := s.CloseBatch(ctx, first, b.ID); apperr.MessageOf(err) != "vote.paper.error.unfinished" {
			t.Errorf("closing with a differing sheet: %v", err)
		}
		if err := s.DiscardSheet(ctx, second, b.ID, 2); err != nil {
			t.Fatal(err)
		}
		if err := s.DiscardSheet(ctx, second, b.ID, 2); apperr.MessageOf(err) != "vote.paper.error.discard" {
			t.Errorf("discarding a sheet twice: %v", err)
		}
		enter(first, 2, "22222222222", no)
		if out, err := enter(second, 2, "22222222222", no); err != nil || out != ballot.EntryCounted {
			t.Fatalf("sheet 2 keyed again: %s %v", out, err)
		}
		if err := s.CloseBatch(ctx, first, b.ID); err != nil {
			t.Fatal(err)
		}
		out, err := s.Results(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		if y, n := out.Questions[0].Options[0].Votes, out.Questions[0].Options[1].Votes; out.Voters != 2 || y != 1 || n != 1 {
			t.Errorf("results: %d voters, yes %d, no %d; want 2, 1, 1", out.Voters, y, n)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM audit_log WHERE action = 'vote.paper.discard'`); n != 1 {
			t.Errorf("%d discards audited, want 1", n)
		}
	})
}
