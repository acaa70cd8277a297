package ballot_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/ballot"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/db/dbtest"
)

var start = time.Date(2027, 5, 10, 12, 0, 0, 0, time.UTC)

// newBox is a box whose votes are open until closed is set for them.
func newBox(d *db.DB, closed map[string]bool) *ballot.Box {
	return &ballot.Box{
		DB: d, Key: []byte("test key of thirty-two bytes...."), Now: func() time.Time { return start },
		Names: ballot.Names{Errors: "t.vote.", PaperErrors: "t.paper.", Audit: "t", PoolTarget: "t_pool",
			BatchTarget: "t_batch", Link: "t-link", PaperMAC: "t-paper"},
		Open: func(ctx context.Context, q db.Querier, box string, at time.Time) (bool, error) {
			return !closed[box], nil
		},
	}
}

func ballotOf(voter, choices string) *ballot.Ballot {
	return &ballot.Ballot{Box: "ref", Pool: "q1", Slot: "q1", Voter: voter, UserID: "user-" + voter,
		Channel: ballot.ChannelOnline, District: 3, AgeBand: "30-44", Choices: choices, At: start}
}

func count(t *testing.T, d *db.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := d.QueryRowContext(t.Context(), query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestFiftySimultaneousAttempts: 50 attempts by one person at once leave
// exactly one ballot, the other 49 refused as a Conflict.
func TestFiftySimultaneousAttempts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		b := newBox(d, nil)
		var (
			wg       sync.WaitGroup
			mu       sync.Mutex
			ok, conf int
		)
		for i := range 50 {
			wg.Go(func() {
				res, err := b.Cast(t.Context(), ballotOf("p1", fmt.Sprintf("c%d", i%3)))
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err != nil:
					t.Error(err)
				case res.Err == nil:
					ok++
				case apperr.Is(res.Err, apperr.Conflict):
					conf++
				default:
					t.Error(res.Err)
				}
			})
		}
		wg.Wait()
		if ok != 1 || conf != 49 {
			t.Errorf("%d accepted, %d conflicts; want 1 and 49", ok, conf)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM ballot_ballots`); n != 1 {
			t.Errorf("%d ballots", n)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM ballot_participations`); n != 1 {
			t.Errorf("%d participations", n)
		}
		integ, err := b.CheckIntegrity(t.Context(), "ref")
		if err != nil || !integ.OK() {
			t.Errorf("integrity %+v, %v", integ, err)
		}
	})
}

func TestReceiptsAndPublishedList(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		b := newBox(d, nil)
		res, err := b.Cast(ctx, ballotOf("p1", "yes"))
		if err != nil || res.Err != nil {
			t.Fatal(err, res.Err)
		}
		typed := strings.ToLower(strings.ReplaceAll(res.Receipt, "-", " "))
		p, pool, err := b.FindReceipt(ctx, "ref", typed)
		if err != nil || pool != "q1" || len(p.Choices) != 1 || p.Choices[0] != "yes" {
			t.Errorf("find %q: %+v %q %v", typed, p, pool, err)
		}
		list, err := b.Ballots(ctx, "q1", "", 10)
		if err != nil || len(list) != 1 || list[0].Receipt != res.Receipt {
			t.Errorf("published %+v, %v", list, err)
		}
		mine, err := b.Mine(ctx, "user-p1", "")
		if err != nil || len(mine) != 1 || mine[0].Receipt != res.Receipt || mine[0].Pool != "q1" {
			t.Errorf("mine %+v, %v", mine, err)
		}
		// Erasing the account keeps the vote but not the account.
		if err := d.InTx(ctx, func(tx *sql.Tx) error { return ballot.EraseUser(ctx, tx, "user-p1") }); err != nil {
			t.Fatal(err)
		}
		if mine, _ := b.Mine(ctx, "user-p1", ""); len(mine) != 0 {
			t.Errorf("after erasure: %+v", mine)
		}
		if n, _ := b.Voters(ctx, "ref"); n != 1 {
			t.Errorf("voters %d after erasure", n)
		}
	})
}

func TestClosedBoxRefuses(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		b := newBox(d, map[string]bool{"ref": true})
		res, err := b.Cast(t.Context(), ballotOf("p1", "yes"))
		if err != nil || apperr.MessageOf(res.Err) != "t.vote.closed" {
			t.Errorf("closed: %v, %v", res.Err, err)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM ballot_participations`); n != 0 {
			t.Errorf("%d participations", n)
		}
	})
}

// TestPaperAfterOnline: a paper ballot for a person who voted online is
// refused (first wins) or voids both (void both).
func TestPaperAfterOnline(t *testing.T) {
	for _, policy := range []ballot.Policy{ballot.FirstWins, ballot.VoidBoth} {
		t.Run(string(policy), func(t *testing.T) {
			dbtest.Each(t, func(t *testing.T, d *db.DB) {
				ctx := t.Context()
				b := newBox(d, nil)
				if res, err := b.Cast(ctx, ballotOf("p1", "yes")); err != nil || res.Err != nil {
					t.Fatal(err, res.Err)
				}
				batch := &ballot.Batch{ID: db.NewID(), Box: "ref", Pool: "q1", Booth: "Urząd", Label: "urna 1", CreatedBy: "o1"}
				if err := b.CreateBatch(ctx, ballot.Actor{ID: "o1"}, batch, nil); err != nil {
					t.Fatal(err)
				}
				paper := ballotOf("p1", "no")
				paper.Policy = policy
				out, err := b.EnterPaper(ctx, batch, ballot.Sheet{Seq: 1, Ballot: paper, Officer: ballot.Actor{ID: "o1"}})
				if err != nil {
					t.Fatal(err)
				}
				want, valid := ballot.EntryRefused, 1
				if policy == ballot.VoidBoth {
					want, valid = ballot.EntryVoided, 0
				}
				if out != want {
					t.Errorf("outcome %s, want %s", out, want)
				}
				if n := count(t, d, `SELECT COUNT(*) FROM ballot_ballots WHERE void = FALSE`); n != valid {
					t.Errorf("%d valid ballots, want %d", n, valid)
				}
				if n := count(t, d, `SELECT COUNT(*) FROM audit_log WHERE action = 't.paper.enter'`); n != 1 {
					t.Errorf("%d audit records of the entry", n)
				}
			})
		})
	}
}

// TestDoubleKey: the second keying by another officer counts the sheet
// when both agree; the same officer may not key it twice.
func TestDoubleKey(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		b := newBox(d, nil)
		batch := &ballot.Batch{ID: db.NewID(), Box: "ref", Pool: "q1", Booth: "Urząd", Label: "urna 1", DoubleKey: true, CreatedBy: "o1"}
		if err := b.CreateBatch(ctx, ballot.Actor{ID: "o1"}, batch, nil); err != nil {
			t.Fatal(err)
		}
		key := func(officer string, seq int, voter, choices string) (string, error) {
			r := ballotOf(voter, choices)
			r.UserID = ""
			return b.EnterPaper(ctx, batch, ballot.Sheet{Seq: seq, Ballot: r, Officer: ballot.Actor{ID: officer}})
		}
		if out, err := key("o1", 1, "p1", "yes"); err != nil || out != ballot.EntryPending {
			t.Fatalf("first keying: %s, %v", out, err)
		}
		if _, err := key("o1", 1, "p1", "yes"); apperr.MessageOf(err) != "t.paper.same_officer" {
			t.Errorf("same officer: %v", err)
		}
		if out, err := key("o2", 1, "p1", "yes"); err != nil || out != ballot.EntryCounted {
			t.Errorf("second keying: %s, %v", out, err)
		}
		if out, _ := key("o1", 2, "p2", "yes"); out != ballot.EntryPending {
			t.Errorf("sheet 2: %s", out)
		}
		if out, _ := key("o2", 2, "p2", "no"); out != ballot.EntryMismatch {
			t.Errorf("sheet 2 keyed differently: %s", out)
		}
		if err := b.CloseBatch(ctx, ballot.Actor{ID: "o1"}, batch); apperr.MessageOf(err) != "t.paper.unfinished" {
			t.Errorf("close with a mismatch: %v", err)
		}
		st, err := b.Subtotal(ctx, batch)
		if err != nil || st.Sheets != 2 || st.Counted != 1 || len(st.Mismatched) != 1 || st.Ballots != 1 {
			t.Errorf("subtotal %+v, %v", st, err)
		}
		if err := b.DiscardSheet(ctx, ballot.Actor{ID: "o1"}, batch, 2); err != nil {
			t.Fatal(err)
		}
		if err := b.CloseBatch(ctx, ballot.Actor{ID: "o1"}, batch); err != nil {
			t.Errorf("close: %v", err)
		}
	})
}
