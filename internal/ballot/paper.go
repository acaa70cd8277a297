package ballot

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/civitas-city/civitas/internal/apperr"
)

// Paper ballots are keyed by officers from the sheets of a batch (a booth's
// box). Each sheet carries the voter's PESEL, which the owner checks
// against the register; the box checks participation in every channel,
// so that nobody is counted twice. With double-key entry two different
// officers key every sheet; the ballot counts only when both keyings
// agree, and disagreements are listed for a supervisor. No PESEL and no
// choice is stored with the entry: the person is the census hash, the
// choices an HMAC compared between the two keyings.

// Batch is a pile of paper ballots of one pool.
type Batch struct {
	ID        string
	Box       string
	Pool      string
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

func (b *Box) paperError(field, key string) error {
	if field == "" {
		return apperr.E(apperr.Invalid, b.Names.PaperErrors+key)
	}
	return &apperr.Error{Kind: apperr.Invalid, Field: field, Message: b.Names.PaperErrors + key}
}

// CreateBatch opens a batch (id, box, pool, booth, label, double key and
// creator set by the caller) and audits it with details.
func (b *Box) CreateBatch(ctx context.Context, a Actor, batch *Batch, details map[string]string) error {
	batch.Booth, batch.Label = strings.TrimSpace(batch.Booth), strings.TrimSpace(batch.Label)
	errs := apperr.Fields{}
	if batch.Booth == "" || utf8.RuneCountInString(batch.Booth) > 100 {
		errs["booth"] = b.Names.PaperErrors + "booth"
	}
	if batch.Label == "" || utf8.RuneCountInString(batch.Label) > 100 {
		errs["label"] = b.Names.PaperErrors + "label"
	}
	if err := errs.Err(); err != nil {
		return err
	}
	batch.Status, batch.CreatedAt = BatchOpen, b.now()
	return b.DB.InTx(ctx, func(tx *sql.Tx) error {
		if err := insertBatch(ctx, tx, batch); err != nil {
			return err
		}
		return b.record(ctx, tx, a, "paper.batch", b.Names.BatchTarget, batch.ID, details)
	})
}

// Batch returns a batch.
func (b *Box) Batch(ctx context.Context, id string) (*Batch, error) {
	return getBatch(ctx, b.DB, id)
}

// Batches lists a box's batches by booth and label.
func (b *Box) Batches(ctx context.Context, box string) ([]*Batch, error) {
	return listBatches(ctx, b.DB, box)
}

// Sheet is one keying of a paper sheet: its number in the batch, the
// ballot it carries (with Channel, BatchID and the voter filled in) and the
// officer who keys it.
type Sheet struct {
	Seq     int
	Ballot  *Ballot
	Officer Actor
}

// CheckSeq refuses a sheet number out of range.
func (b *Box) CheckSeq(seq int) error {
	if seq < 1 || seq > 1_000_000 {
		return b.paperError("seq", "seq")
	}
	return nil
}

// EnterPaper keys one sheet of an open batch and returns its outcome: with
// double keying the first keying waits for the second, which counts the
// ballot only when both agree; with single keying the ballot counts at
// once. The caller has checked the officer, the vote's phase, the person
// and the ballot.
func (b *Box) EnterPaper(ctx context.Context, batch *Batch, sh Sheet) (string, error) {
	if batch.Status != BatchOpen {
		return "", b.paperError("", "closed")
	}
	if err := b.CheckSeq(sh.Seq); err != nil {
		return "", err
	}
	r := sh.Ballot
	r.Channel, r.BatchID = ChannelPaper, batch.ID
	entry := paperEntry{Officer: sh.Officer.ID, Voter: r.Voter,
		Sum: b.MAC(b.Names.PaperMAC, batch.ID, strconv.Itoa(sh.Seq), r.Voter, r.Choices, r.Points)}
	err := b.DB.InTx(ctx, func(tx *sql.Tx) error {
		return b.keySheet(ctx, tx, batch, sh, &entry)
	})
	return entry.Outcome, err
}

func (b *Box) keySheet(ctx context.Context, tx *sql.Tx, batch *Batch, sh Sheet, entry *paperEntry) error {
	status, err := batchStatus(ctx, tx, batch.ID)
	if err != nil {
		return err
	}
	if status != BatchOpen {
		return b.paperError("", "closed")
	}
	keying := 1
	var first paperEntry
	if batch.DoubleKey {
		first, err = firstKeying(ctx, tx, batch.ID, sh.Seq)
		switch {
		case err == nil:
			keying = 2
			if first.Officer == sh.Officer.ID {
				return b.paperError("seq", "same_officer")
			}
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
	}
	switch {
	case batch.DoubleKey && keying == 1:
		entry.Outcome = EntryPending
	case batch.DoubleKey && (first.Voter != entry.Voter || first.Sum != entry.Sum):
		entry.Outcome = EntryMismatch
	default:
		res, fatal := b.CastIn(ctx, tx, sh.Ballot, map[string]bool{sh.Ballot.Box: true})
		if fatal != nil {
			return fatal
		}
		switch {
		case res.Voided:
			entry.Outcome = EntryVoided
		case res.Err != nil:
			entry.Outcome = EntryRefused
		default:
			entry.Outcome = EntryCounted
		}
	}
	now := b.now()
	if err := insertPaperEntry(ctx, tx, batch.ID, sh.Seq, keying, *entry, now); err != nil {
		if apperr.Is(err, apperr.Conflict) {
			return b.paperError("seq", "seq_taken")
		}
		return fmt.Errorf("ballot: paper entry: %w", err)
	}
	if keying == 2 {
		if err := setEntryOutcome(ctx, tx, first.ID, entry.Outcome); err != nil {
			return err
		}
	}
	return b.record(ctx, tx, sh.Officer, "paper.enter", b.Names.BatchTarget, batch.ID, map[string]string{
		"seq": strconv.Itoa(sh.Seq), "keying": strconv.Itoa(keying), "outcome": entry.Outcome})
}

// DiscardSheet removes both keyings of a sheet whose keyings disagree (or
// that waits for its second keying), so that it can be keyed again.
// Audited.
func (b *Box) DiscardSheet(ctx context.Context, a Actor, batch *Batch, seq int) error {
	return b.DB.InTx(ctx, func(tx *sql.Tx) error {
		discarded, err := discardSheet(ctx, tx, batch.ID, seq)
		if err != nil {
			return err
		}
		if !discarded {
			return b.paperError("seq", "discard")
		}
		return b.record(ctx, tx, a, "paper.discard", b.Names.BatchTarget, batch.ID, map[string]string{"seq": strconv.Itoa(seq)})
	})
}

// CloseBatch ends a batch; a double-key batch must have no sheet waiting
// for its second keying and no disagreement left.
func (b *Box) CloseBatch(ctx context.Context, a Actor, batch *Batch) error {
	return b.DB.InTx(ctx, func(tx *sql.Tx) error {
		open, err := unfinishedSheets(ctx, tx, batch.ID)
		if err != nil {
			return err
		}
		if open > 0 {
			return b.paperError("", "unfinished")
		}
		if err := closeBatch(ctx, tx, batch.ID, b.now()); err != nil {
			return err
		}
		return b.record(ctx, tx, a, "paper.close", b.Names.BatchTarget, batch.ID, nil)
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

// Subtotals counts every batch of a box.
func (b *Box) Subtotals(ctx context.Context, box string) ([]Subtotal, error) {
	batches, err := b.Batches(ctx, box)
	if err != nil {
		return nil, err
	}
	out := make([]Subtotal, 0, len(batches))
	for _, batch := range batches {
		st, err := b.Subtotal(ctx, batch)
		if err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, nil
}

// Subtotal counts one batch.
func (b *Box) Subtotal(ctx context.Context, batch *Batch) (Subtotal, error) {
	st := Subtotal{Batch: batch}
	last := -1
	err := eachKeying(ctx, b.DB, batch.ID, func(seq, keying int, outcome string) {
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
		return st, fmt.Errorf("ballot: subtotal: %w", err)
	}
	st.Ballots, err = batchBallots(ctx, b.DB, batch.ID)
	return st, err
}
