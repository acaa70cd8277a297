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
		if _, err := tx.ExecContext(ctx, `INSERT INTO pb_paper_batches (id, edition_id, pool_id, booth, label, double_key, status, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, b.ID, b.EditionID, b.PoolID, b.Booth, b.Label, b.DoubleKey, b.Status,
			b.CreatedBy, db.TS(b.CreatedAt)); err != nil {
			return fmt.Errorf("budget: batch: %w", err)
		}
		return s.record(ctx, tx, a, "budget.paper.batch", "pb_paper_batch", b.ID,
			map[string]string{"pool": pool.Slug, "booth": booth, "label": label})
	})
	return b, err
}

const batchCols = `id, edition_id, pool_id, booth, label, double_key, status, created_by, created_at, closed_at`

func scanBatch(row scanner) (*Batch, error) {
	var (
		b       Batch
		created db.Time
		closed  db.NullTime
	)
	if err := row.Scan(&b.ID, &b.EditionID, &b.PoolID, &b.Booth, &b.Label, &b.DoubleKey, &b.Status, &b.CreatedBy, &created, &closed); err != nil {
		return nil, db.MapError(err)
	}
	b.CreatedAt, b.ClosedAt = created.Time, closed.Time
	return &b, nil
}

// Batch returns a batch.
func (s *Service) Batch(ctx context.Context, id string) (*Batch, error) {
	return scanBatch(s.DB.QueryRowContext(ctx, `SELECT `+batchCols+` FROM pb_paper_batches WHERE id = $1`, id))
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
	rows, err := s.DB.QueryContext(ctx, `SELECT `+batchCols+` FROM pb_paper_batches WHERE edition_id = $1 ORDER BY booth, label, id`, editionID)
	if err != nil {
		return nil, fmt.Errorf("budget: batches: %w", err)
	}
	defer rows.Close()
	var out []*Batch
	for rows.Next() {
		b, err := scanBatch(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
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
	sum := s.mac("pb-paper-choices", b.ID, strconv.Itoa(in.Seq), r.Person, req.choices, req.points)
	var outcome string
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		var status string
		if err := tx.QueryRowContext(ctx, `SELECT status FROM pb_paper_batches WHERE id = $1`, b.ID).Scan(&status); err != nil {
			return err
		}
		if status != BatchOpen {
			return apperr.E(apperr.Invalid, "budget.paper.error.closed")
		}
		keying := 1
		var first struct{ id, officer, voter, sum, outcome string }
		if b.DoubleKey {
			err := tx.QueryRowContext(ctx, `SELECT id, officer_id, voter_key, choices_mac, outcome FROM pb_paper_entries
				WHERE batch_id = $1 AND seq = $2 AND keying = 1`, b.ID, in.Seq).Scan(&first.id, &first.officer, &first.voter, &first.sum, &first.outcome)
			switch {
			case err == nil:
				keying = 2
				if first.officer == a.ID {
					return apperr.Fieldf("seq", "budget.paper.error.same_officer")
				}
			case err != sql.ErrNoRows:
				return err
			}
		}
		switch {
		case b.DoubleKey && keying == 1:
			outcome = EntryPending
		case b.DoubleKey && (first.voter != r.Person || first.sum != sum):
			outcome = EntryMismatch
		default:
			res, fatal := s.castOne(ctx, tx, req, map[string]bool{e.ID: true})
			if fatal != nil {
				return fatal
			}
			switch {
			case res.voided:
				outcome = EntryVoided
			case res.err != nil:
				outcome = EntryRefused
			default:
				outcome = EntryCounted
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO pb_paper_entries (id, batch_id, seq, keying, officer_id, voter_key, choices_mac, outcome, at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, db.NewID(), b.ID, in.Seq, keying, a.ID, r.Person, sum, outcome, db.TS(now)); err != nil {
			if apperr.Is(db.MapError(err), apperr.Conflict) {
				return apperr.Fieldf("seq", "budget.paper.error.seq_taken")
			}
			return fmt.Errorf("budget: paper entry: %w", err)
		}
		if keying == 2 {
			if _, err := tx.ExecContext(ctx, `UPDATE pb_paper_entries SET outcome = $1 WHERE id = $2`, outcome, first.id); err != nil {
				return err
			}
		}
		return s.record(ctx, tx, a, "budget.paper.enter", "pb_paper_batch", b.ID, map[string]string{
			"seq": strconv.Itoa(in.Seq), "keying": strconv.Itoa(keying), "outcome": outcome})
	})
	return outcome, err
}

// DiscardSheet removes both keyings of a sheet whose keyings disagree, so
// that it can be keyed again. Audited.
func (s *Service) DiscardSheet(ctx context.Context, a Actor, batchID string, seq int) error {
	b, _, err := s.managedBatch(ctx, a, batchID)
	if err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM pb_paper_entries WHERE batch_id = $1 AND seq = $2 AND outcome IN ($3, $4)`,
			b.ID, seq, EntryMismatch, EntryPending)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
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
		var open int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM pb_paper_entries WHERE batch_id = $1 AND outcome IN ($2, $3)`,
			b.ID, EntryPending, EntryMismatch).Scan(&open); err != nil {
			return err
		}
		if open > 0 {
			return apperr.E(apperr.Invalid, "budget.paper.error.unfinished")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE pb_paper_batches SET status = $1, closed_at = $2 WHERE id = $3`,
			BatchClosed, db.TS(s.now()), b.ID); err != nil {
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
	rows, err := s.DB.QueryContext(ctx, `SELECT seq, keying, outcome FROM pb_paper_entries WHERE batch_id = $1 ORDER BY seq, keying`, b.ID)
	if err != nil {
		return st, fmt.Errorf("budget: subtotal: %w", err)
	}
	defer rows.Close()
	last := -1
	for rows.Next() {
		var seq, keying int
		var outcome string
		if err := rows.Scan(&seq, &keying, &outcome); err != nil {
			return st, err
		}
		if seq == last {
			continue // the second keying repeats the first's outcome
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
	}
	if err := rows.Err(); err != nil {
		return st, err
	}
	err = s.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM pb_ballots WHERE batch_id = $1 AND void = FALSE`, b.ID).Scan(&st.Ballots)
	return st, err
}
