package budget

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/db"
)

// Paper ballots are keyed by officers from the sheets of a batch (a booth's
// box). Each sheet carries the voter's PESEL, checked against the register
// and against participation in every channel, so that nobody is counted
// twice. With double-key entry two different officers key every sheet;
// the ballot counts only when both keyings agree, and disagreements are
// listed for a supervisor. No PESEL and no choice is stored with the
// entry: the person is the census hash, the choices an HMAC compared
// between the two keyings.

// Batch is a pile of paper ballots of one pool.
type Batch struct {
	ID        string
	EditionID string
	PoolID    string
	Booth     string
	Label     string
	DoubleKey bool
	Status    string // open, closed
	CreatedBy string
	CreatedAt time.Time
	ClosedAt  time.Time
}

// Batch statuses.
const (
	BatchOpen   = "open"
	BatchClosed = "closed"
)

// Entry outcomes.
const (
	EntryCounted  = "counted"  // the ballot counts
	EntryRefused  = "refused"  // the person had voted already (first ballot wins)
	EntryVoided   = "voided"   // the person had voted already: both void
	EntryPending  = "pending"  // first keying of a double-key sheet
	EntryMismatch = "mismatch" // the two keyings differ
)

// PaperInput is one sheet as keyed.
type PaperInput struct {
	Seq    int
	PESEL  string
	Ballot BallotInput
}

// CreateBatch opens a batch for a pool's paper ballots.
func (s *Service) CreateBatch(ctx context.Context, a Actor, editionID, poolSlug, booth, label string) (*Batch, error) {
	return s.createBatch(ctx, a, editionID, poolSlug, booth, label, db.NewID())
}

func (s *Service) createBatch(ctx context.Context, a Actor, editionID, poolSlug, booth, label, id string) (*Batch, error) {
	e, err := s.EditionByID(ctx, editionID)
	if err != nil {
		return nil, err
	}
	if err := s.mustManage(e, a); err != nil {
		return nil, err
	}
	if !e.Votes() {
		return nil, apperr.E(apperr.NotFound, "budget.error.no_vote")
	}
	pool, ok := e.Pool(poolSlug)
	if !ok {
		return nil, apperr.Fieldf("pool", "budget.project.error.pool")
	}
	booth, label = strings.TrimSpace(booth), strings.TrimSpace(label)
	errs := apperr.Fields{}
	if booth == "" || utf8.RuneCountInString(booth) > 100 {
		errs["booth"] = "budget.paper.error.booth"
	}
	if label == "" || utf8.RuneCountInString(label) > 100 {
		errs["label"] = "budget.paper.error.label"
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	b := &Batch{ID: id, EditionID: e.ID, PoolID: pool.ID, Booth: booth, Label: label, DoubleKey: e.DoubleKey,
		Status: BatchOpen, CreatedBy: a.ID, CreatedAt: s.now()}
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if err := insertBatch(ctx, tx, b); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "budget.paper.batch", "pb_paper_batch", b.ID,
			map[string]string{"pool": pool.Slug, "booth": booth, "label": label})
	})
	return b, err
}

// Batch returns a batch.
func (s *Service) Batch(ctx context.Context, id string) (*Batch, error) {
	return getBatch(ctx, s.DB, id)
}

// managedBatch loads a batch and its edition and checks that a may manage
// it: what every change to a batch's sheets checks first.
func (s *Service) managedBatch(ctx context.Context, a Actor, batchID string) (*Batch, *Edition, error) {
	b, err := s.Batch(ctx, batchID)
	if err != nil {
		return nil, nil, err
	}
	e, err := s.EditionByID(ctx, b.EditionID)
	if err != nil {
		return nil, nil, err
	}
	if err := s.mustManage(e, a); err != nil {
		return nil, nil, err
	}
	return b, e, nil
}

// Batches lists an edition's batches by booth and label.
func (s *Service) Batches(ctx context.Context, editionID string) ([]*Batch, error) {
	return listBatches(ctx, s.DB, editionID)
}

// EnterPaper keys one sheet of a batch and returns its outcome. Invalid
// sheets (a bad PESEL, a person not in the register, an under-age voter, a
// ballot breaking the pool's rules) are refused with the reason and leave
// no trace but the audit; a person who took part already gets the
// edition's policy.
func (s *Service) EnterPaper(ctx context.Context, a Actor, batchID string, in PaperInput) (string, error) {
	b, e, err := s.managedBatch(ctx, a, batchID)
	if err != nil {
		return "", err
	}
	pool, ok := e.PoolByID(b.PoolID)
	if !ok {
		return "", apperr.E(apperr.NotFound, "budget.error.no_pool")
	}
	if b.Status != BatchOpen {
		return "", apperr.E(apperr.Invalid, "budget.paper.error.closed")
	}
	if e.Phase != PhaseVoting && e.Phase != PhaseResults {
		return "", apperr.E(apperr.Invalid, "budget.paper.error.phase")
	}
	if in.Seq < 1 || in.Seq > 1_000_000 {
		return "", apperr.Fieldf("seq", "budget.paper.error.seq")
	}
	sh, err := s.sheet(ctx, e.Slug, pool.Slug)
	if err != nil {
		return "", err
	}
	choices, points, err := pool.check(in.Ballot, sh.onBallot, sh.inEdition)
	if err != nil {
		return "", err
	}
	userID, r, err := s.Residents.ByPESEL(ctx, strings.TrimSpace(in.PESEL))
	if err != nil {
		if ae, ok := err.(*apperr.Error); ok && ae.Field == "" {
			ae.Field = "pesel"
		}
		return "", err
	}
	if r.Person == "" {
		return "", apperr.Fieldf("pesel", "budget.paper.error.unknown")
	}
	now := s.now()
	if err := e.checkVoter(pool, r, now); err != nil {
		return "", err
	}
	req := &castReq{
		edition: e, pool: pool, slot: e.slot(pool), voter: r.Person, userID: userID, channel: ChannelPaper, batchID: b.ID,
		district: r.District, ageBand: AgeBand(r.BirthDate, now), choices: strings.Join(choices, ","), points: joinInts(points),
		at: now,
	}
	entry := paperEntry{Officer: a.ID, Voter: r.Person, Sum: s.mac("pb-paper-choices", b.ID, strconv.Itoa(in.Seq), r.Person, req.choices, req.points)}
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		return s.keySheet(ctx, tx, a, b, in.Seq, req, &entry, now)
	})
	return entry.Outcome, err
}

// keySheet stores one keying of a sheet in tx and sets its outcome: with
// double keying the first waits for the second, which counts the ballot
// only when both agree; with single keying the ballot counts at once.
func (s *Service) keySheet(ctx context.Context, tx *sql.Tx, a Actor, b *Batch, seq int, req *castReq, entry *paperEntry, now time.Time) error {
	status, err := batchStatus(ctx, tx, b.ID)
	if err != nil {
		return err
	}
	if status != BatchOpen {
		return apperr.E(apperr.Invalid, "budget.paper.error.closed")
	}
	keying := 1
	var first paperEntry
	if b.DoubleKey {
		first, err = firstKeying(ctx, tx, b.ID, seq)
		switch {
		case err == nil:
			keying = 2
			if first.Officer == a.ID {
				return apperr.Fieldf("seq", "budget.paper.error.same_officer")
			}
		case err != sql.ErrNoRows:
			return err
		}
	}
	switch {
	case b.DoubleKey && keying == 1:
		entry.Outcome = EntryPending
	case b.DoubleKey && (first.Voter != entry.Voter || first.Sum != entry.Sum):
		entry.Outcome = EntryMismatch
	default:
		res, fatal := s.castOne(ctx, tx, req, map[string]bool{req.edition.ID: true})
		if fatal != nil {
			return fatal
		}
		switch {
		case res.voided:
			entry.Outcome = EntryVoided
		case res.err != nil:
			entry.Outcome = EntryRefused
		default:
			entry.Outcome = EntryCounted
		}
	}
	if err := insertPaperEntry(ctx, tx, b.ID, seq, keying, *entry, now); err != nil {
		if apperr.Is(err, apperr.Conflict) {
			return apperr.Fieldf("seq", "budget.paper.error.seq_taken")
		}
		return fmt.Errorf("budget: paper entry: %w", err)
	}
	if keying == 2 {
		if err := setEntryOutcome(ctx, tx, first.ID, entry.Outcome); err != nil {
			return err
		}
	}
	return s.record(ctx, tx, a, "budget.paper.enter", "pb_paper_batch", b.ID, map[string]string{
		"seq": strconv.Itoa(seq), "keying": strconv.Itoa(keying), "outcome": entry.Outcome})
}

// DiscardSheet removes both keyings of a sheet whose keyings disagree, so
// that it can be keyed again. Audited.
func (s *Service) DiscardSheet(ctx context.Context, a Actor, batchID string, seq int) error {
	b, _, err := s.managedBatch(ctx, a, batchID)
	if err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		discarded, err := discardSheet(ctx, tx, b.ID, seq)
		if err != nil {
			return err
		}
		if !discarded {
			return apperr.Fieldf("seq", "budget.paper.error.discard")
		}
		return s.record(ctx, tx, a, "budget.paper.discard", "pb_paper_batch", b.ID, map[string]string{"seq": strconv.Itoa(seq)})
	})
}

// CloseBatch ends a batch; a double-key batch must have no sheet waiting
// for its second keying and no disagreement left.
func (s *Service) CloseBatch(ctx context.Context, a Actor, batchID string) error {
	b, _, err := s.managedBatch(ctx, a, batchID)
	if err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		open, err := unfinishedSheets(ctx, tx, b.ID)
		if err != nil {
			return err
		}
		if open > 0 {
			return apperr.E(apperr.Invalid, "budget.paper.error.unfinished")
		}
		if err := closeBatch(ctx, tx, b.ID, s.now()); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "budget.paper.close", "pb_paper_batch", b.ID, nil)
	})
}

// Subtotal counts one batch's sheets by outcome and its ballots.
type Subtotal struct {
	Batch   *Batch
	Sheets  int
	Counted int
	Refused int
	Voided  int
	Pending int
	// Mismatched lists the sheet numbers whose keyings disagree.
	Mismatched []int
	// Ballots is the batch's ballots that count (not void).
	Ballots int
}

// Subtotals counts every batch of an edition.
func (s *Service) Subtotals(ctx context.Context, editionID string) ([]Subtotal, error) {
	batches, err := s.Batches(ctx, editionID)
	if err != nil {
		return nil, err
	}
	out := make([]Subtotal, 0, len(batches))
	for _, b := range batches {
		st, err := s.subtotal(ctx, b)
		if err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, nil
}

// BatchSubtotal counts one batch.
func (s *Service) BatchSubtotal(ctx context.Context, b *Batch) (Subtotal, error) {
	return s.subtotal(ctx, b)
}

func (s *Service) subtotal(ctx context.Context, b *Batch) (Subtotal, error) {
	st := Subtotal{Batch: b}
	last := -1
	err := eachKeying(ctx, s.DB, b.ID, func(seq, keying int, outcome string) {
		if seq == last {
			return // the second keying repeats the first's outcome
		}
		last = seq
		st.Sheets++
		switch outcome {
		case EntryCounted:
			st.Counted++
		case EntryRefused:
			st.Refused++
		case EntryVoided:
			st.Voided++
		case EntryPending:
			st.Pending++
		case EntryMismatch:
			st.Mismatched = append(st.Mismatched, seq)
		}
	})
	if err != nil {
		return st, fmt.Errorf("budget: subtotal: %w", err)
	}
	st.Ballots, err = batchBallots(ctx, s.DB, b.ID)
	return st, err
}
