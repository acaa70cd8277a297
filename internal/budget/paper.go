package budget

import (
	"context"
	"strings"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/ballot"
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

// Batch is a pile of paper ballots of one pool (ballot.Batch).
type Batch = ballot.Batch

// Batch statuses.
const (
	BatchOpen   = ballot.BatchOpen
	BatchClosed = ballot.BatchClosed
)

// Entry outcomes.
const (
	EntryCounted  = ballot.EntryCounted
	EntryRefused  = ballot.EntryRefused
	EntryVoided   = ballot.EntryVoided
	EntryPending  = ballot.EntryPending
	EntryMismatch = ballot.EntryMismatch
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
	b := &Batch{ID: id, Box: e.ID, Pool: pool.ID, Booth: booth, Label: label, DoubleKey: e.DoubleKey, CreatedBy: a.ID}
	err = s.ballots().CreateBatch(ctx, boxActor(a), b,
		map[string]string{"pool": pool.Slug, "booth": strings.TrimSpace(booth), "label": strings.TrimSpace(label)})
	return b, err
}

// Batch returns a batch.
func (s *Service) Batch(ctx context.Context, id string) (*Batch, error) {
	return s.ballots().Batch(ctx, id)
}

// managedBatch loads a batch and its edition and checks that a may manage
// it: what every change to a batch's sheets checks first.
func (s *Service) managedBatch(ctx context.Context, a Actor, batchID string) (*Batch, *Edition, error) {
	b, err := s.Batch(ctx, batchID)
	if err != nil {
		return nil, nil, err
	}
	e, err := s.EditionByID(ctx, b.Box)
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
	return s.ballots().Batches(ctx, editionID)
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
	pool, ok := e.PoolByID(b.Pool)
	if !ok {
		return "", apperr.E(apperr.NotFound, "budget.error.no_pool")
	}
	if b.Status != BatchOpen {
		return "", apperr.E(apperr.Invalid, "budget.paper.error.closed")
	}
	if e.Phase != PhaseVoting && e.Phase != PhaseResults {
		return "", apperr.E(apperr.Invalid, "budget.paper.error.phase")
	}
	if err := s.ballots().CheckSeq(in.Seq); err != nil {
		return "", err
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
	return s.ballots().EnterPaper(ctx, b, ballot.Sheet{Seq: in.Seq, Officer: boxActor(a), Ballot: &ballot.Ballot{
		Box: e.ID, Pool: pool.ID, Slot: e.slot(pool), Voter: r.Person, UserID: userID,
		District: r.District, AgeBand: AgeBand(r.BirthDate, now), Choices: strings.Join(choices, ","),
		Points: ballot.JoinInts(points), At: now, Policy: ballot.Policy(e.PaperPolicy),
	}})
}

// DiscardSheet removes both keyings of a sheet whose keyings disagree, so
// that it can be keyed again. Audited.
func (s *Service) DiscardSheet(ctx context.Context, a Actor, batchID string, seq int) error {
	b, _, err := s.managedBatch(ctx, a, batchID)
	if err != nil {
		return err
	}
	return s.ballots().DiscardSheet(ctx, boxActor(a), b, seq)
}

// CloseBatch ends a batch; a double-key batch must have no sheet waiting
// for its second keying and no disagreement left.
func (s *Service) CloseBatch(ctx context.Context, a Actor, batchID string) error {
	b, _, err := s.managedBatch(ctx, a, batchID)
	if err != nil {
		return err
	}
	return s.ballots().CloseBatch(ctx, boxActor(a), b)
}

// Subtotal counts one batch's sheets by outcome and its ballots.
type Subtotal = ballot.Subtotal

// Subtotals counts every batch of an edition.
func (s *Service) Subtotals(ctx context.Context, editionID string) ([]Subtotal, error) {
	return s.ballots().Subtotals(ctx, editionID)
}

// BatchSubtotal counts one batch.
func (s *Service) BatchSubtotal(ctx context.Context, b *Batch) (Subtotal, error) {
	return s.ballots().Subtotal(ctx, b)
}
