package consult

import (
	"database/sql"
	"errors"
	"fmt"
	"github.com/civitas-city/civitas/internal/apperr"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/db/dbtest"
	"github.com/civitas-city/civitas/internal/jobs"
)

// New votes schedule one debounced job; the job warm-starts from the
// stored map, keeps its groups, and stores the next tick; run again with
// nothing new it does nothing.
func TestMapJobWarmStart(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		if err := SeedDemo(ctx, d); err != nil {
			t.Fatal(err)
		}
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		s := &Service{DB: d, MapDebounce: time.Millisecond, Log: log}
		c, _ := s.Get(ctx, DemoID)
		conv, _ := s.Conversation(ctx, DemoID)
		before, err := s.Map(ctx, conv.ID)
		if err != nil {
			t.Fatal(err)
		}
		// Ten newcomers who vote like the first group's members on eight statements.
		sts, _ := s.Statements(ctx, conv.ID)
		var voteOn []int64
		for _, st := range sts {
			if visible(&st, c.Moderation) && len(voteOn) < 8 {
				voteOn = append(voteOn, st.TID)
			}
		}
		for i := range 10 {
			a := Actor{UserID: fmt.Sprintf("u-new-%d", i)}
			for _, tid := range voteOn {
				if err := s.Vote(ctx, a, &c, &conv, tid, VoteAgree); err != nil {
					t.Fatal(err)
				}
			}
		}
		var waiting int
		if err := d.QueryRowContext(ctx, `SELECT count(*) FROM jobs WHERE kind = $1 AND state = 'ready'`, JobMap).Scan(&waiting); err != nil || waiting != 1 {
			t.Fatalf("%d waiting map jobs (%v), want 1 for 80 votes", waiting, err)
		}
		st, _ := s.Map(ctx, conv.ID)
		if !st.Stale() || st.Current != 2995+80 {
			t.Errorf("before the job: stale=%v current=%d", st.Stale(), st.Current)
		}
		time.Sleep(5 * time.Millisecond)
		runner := jobs.NewRunner(d, log, 1)
		runner.Handle(JobMap, s.MapJobHandler())
		if did, err := runner.RunOne(ctx); err != nil || !did {
			t.Fatalf("the map job did not run: %v %v", did, err)
		}
		after, err := s.Map(ctx, conv.ID)
		if err != nil {
			t.Fatal(err)
		}
		if after.Stale() || after.VoteEvents != 2995+80 || after.Result.Tick != before.Result.Tick+1 {
			t.Errorf("after the job: stale=%v votes=%d tick %d→%d", after.Stale(), after.VoteEvents, before.Result.Tick, after.Result.Tick)
		}
		if after.Result.Participants != 349 || len(after.Result.Groups) != len(before.Result.Groups) {
			t.Errorf("after the job: %d participants, %d groups (was %d)", after.Result.Participants, len(after.Result.Groups), len(before.Result.Groups))
		}
		if computed, err := s.RecomputeMap(ctx, conv.ID); err != nil || computed {
			t.Errorf("nothing new: computed=%v err=%v", computed, err)
		}
		// A moderation decision changes what the map leaves out: it recomputes.
		if err := s.ModerateStatement(ctx, Actor{UserID: "u-mod"}, conv.ID, voteOn[0], DecisionMeta); err != nil {
			t.Fatal(err)
		}
		if computed, err := s.RecomputeMap(ctx, conv.ID); err != nil || !computed {
			t.Errorf("after moderation: computed=%v err=%v", computed, err)
		}
	})
}

// Residents arriving at once get distinct participant numbers, and their
// statements distinct numbers, on both engines (PostgreSQL retries the
// loser of a race).
func TestConcurrentArrivals(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		s := &Service{DB: d}
		c, err := s.Create(ctx, Actor{UserID: "u-o"}, ConsultationInput{Title: "Test", Status: StatusOpen})
		if err != nil {
			t.Fatal(err)
		}
		conv, err := s.SetConversation(ctx, Actor{UserID: "u-o"}, c.ID, ConversationInput{Topic: "T", Open: true})
		if err != nil {
			t.Fatal(err)
		}
		const n = 12
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for i := range n {
			wg.Go(func() {
				_, err := s.SubmitStatement(ctx, Actor{UserID: fmt.Sprintf("u-%d", i)}, &c, &conv, fmt.Sprintf("Zdanie %d", i))
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if n2, _ := countParticipants(ctx, d, conv.ID); n2 != n {
			t.Errorf("%d participants, want %d", n2, n)
		}
		sts, _ := s.Statements(ctx, conv.ID)
		if len(sts) != n {
			t.Errorf("%d statements, want %d", len(sts), n)
		}
		for i, st := range sts {
			if st.TID != int64(i) {
				t.Errorf("statement numbers %d at %d: not 0..n-1", st.TID, i)
			}
		}
	})
}

// The profile section lists, exports and erases a resident's data; votes
// stay counted under the participant number.
func TestSection(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		hs := newHarness(t, d)
		ctx := t.Context()
		c, conv := hs.consultation(ConsultationInput{}, "Pierwsze zdanie")
		doc, _ := hs.svc.AddDocument(ctx, Actor{UserID: "u-o"}, c.ID, "Dok", "A.\n\nB.")
		start := hs.svc.now().Add(48 * time.Hour)
		m, _ := hs.svc.AddMeeting(ctx, Actor{UserID: "u-o"}, c.ID, MeetingInput{Title: "Spotkanie", Place: "Sala", StartsAt: start, EndsAt: start.Add(time.Hour)})
		ola := Actor{UserID: "u-ola", Name: "Ola"}
		if _, err := hs.svc.AddComment(ctx, ola, &c, &doc, CommentInput{Paragraph: 1, Stance: StanceFor, Body: "Moja prywatna uwaga"}); err != nil {
			t.Fatal(err)
		}
		if err := hs.svc.Register(ctx, ola, &c, m.ID); err != nil {
			t.Fatal(err)
		}
		if err := hs.svc.Vote(ctx, ola, &c, &conv, 0, VoteAgree); err != nil {
			t.Fatal(err)
		}
		if _, err := hs.svc.SubmitStatement(ctx, ola, &c, &conv, "Moje zdanie"); err != nil {
			t.Fatal(err)
		}
		sec := Section{H: hs.h}
		items, err := sec.Items(ctx, "u-ola")
		if err != nil || len(items) != 3 {
			t.Fatalf("items: %d %v", len(items), err)
		}
		data, err := sec.PersonalData(ctx, "u-ola")
		if err != nil {
			t.Fatal(err)
		}
		if s := fmt.Sprintf("%+v", data); !strings.Contains(s, "Moja prywatna uwaga") || !strings.Contains(s, "Moje zdanie") || !strings.Contains(s, "Spotkanie") {
			t.Errorf("personal data lacks something: %s", s)
		}
		err = d.InTx(ctx, func(tx *sql.Tx) error { return sec.Erase(ctx, tx, "u-ola") })
		if err != nil {
			t.Fatal(err)
		}
		if items, _ := sec.Items(ctx, "u-ola"); len(items) != 0 {
			t.Errorf("after erasure: %d items", len(items))
		}
		var body string
		d.QueryRowContext(ctx, `SELECT body FROM consult_comments`).Scan(&body)
		if body != "" {
			t.Errorf("an erased comment keeps its text %q", body)
		}
		if n, _ := countVoteEvents(ctx, d, conv.ID); n != 2 {
			t.Errorf("votes after erasure: %d, want 2 (still counted)", n)
		}
	})
}

// Residents racing for the last place of a meeting: exactly the capacity
// gets in, on both engines.
func TestMeetingCapacityUnderRace(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		s := &Service{DB: d}
		c, err := s.Create(ctx, Actor{UserID: "u-o"}, ConsultationInput{Title: "Test", Status: StatusOpen})
		if err != nil {
			t.Fatal(err)
		}
		start := s.now().AddDate(0, 0, 3)
		m, err := s.AddMeeting(ctx, Actor{UserID: "u-o"}, c.ID, MeetingInput{Title: "Spotkanie", Place: "Sala", StartsAt: start, EndsAt: start.Add(time.Hour), Capacity: 2})
		if err != nil {
			t.Fatal(err)
		}
		const n = 10
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() { s.Register(ctx, Actor{UserID: fmt.Sprintf("u-%d", i), Name: "R"}, &c, m.ID) })
		}
		wg.Wait()
		regs, err := s.Registrations(ctx, m.ID)
		if err != nil || len(regs) != 2 {
			t.Errorf("%d registrations for 2 places (%v)", len(regs), err)
		}
	})
}

// Titles and texts refuse control and text-reordering characters, naming
// the field, and nothing is stored.
func TestTextsRefuseControlCharacters(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		s := &Service{DB: d}
		for _, title := range []string{"Park \u202eevil", "NUL\x00inside", "bad \xff byte"} {
			_, err := s.Create(ctx, Actor{UserID: "u-o"}, ConsultationInput{Title: title, Status: StatusOpen})
			if e, ok := errors.AsType[*apperr.Error](err); !ok || e.Field != "title" || !strings.HasPrefix(e.Message, "error.text_") {
				t.Errorf("title %q: %v", title, err)
			}
		}
		if list, _ := s.List(ctx, ListFilter{}); len(list) != 0 {
			t.Errorf("%d consultations stored", len(list))
		}
	})
}
