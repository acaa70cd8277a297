package vote

import (
	"context"
	"strings"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/ballot"
	"github.com/civitas-city/civitas/internal/db"
)

// Paper ballots of a referendum are keyed by officers, one batch per
// question (a booth's box of that question's sheets), through the ballot
// box's paper entry. Each sheet's PESEL is checked against the register
// (the resident must be entitled to vote) and, by the box, against
// participation in every channel.

// CreateBatch opens a batch of a question's paper ballots: keyed twice
// when the referendum asks for double-key entry.
func (s *Service) CreateBatch(ctx context.Context, a Actor, slug, questionID, booth, label string) (*ballot.Batch, error) {
	r, err := s.Referendum(ctx, slug)
	if err != nil {
		return nil, err
	}
	if _, ok := r.Question(questionID); !ok {
		return nil, apperr.Fieldf("question", "vote.error.unknown_question")
	}
	b := &ballot.Batch{ID: db.NewID(), Box: r.ID, Pool: questionID, Booth: booth, Label: label, DoubleKey: r.PaperDoubleKey,
		CreatedBy: a.ID}
	return b, s.ballots().CreateBatch(ctx, a, b, map[string]string{"question": questionID, "booth": strings.TrimSpace(booth)})
}

// Batches lists a referendum's paper batches.
func (s *Service) Batches(ctx context.Context, r *Referendum) ([]ballot.Subtotal, error) {
	return s.ballots().Subtotals(ctx, r.ID)
}

// PaperSheet is one paper sheet as keyed.
type PaperSheet struct {
	Seq     int
	PESEL   string
	Choices []string
}

// EnterPaper keys one sheet of a batch and returns its outcome. A sheet
// of a person who may not vote, or a ballot breaking the question's rules,
// is refused with the reason; a person who took part already gets the
// referendum's paper policy.
func (s *Service) EnterPaper(ctx context.Context, a Actor, batchID string, in PaperSheet) (string, error) {
	b, err := s.ballots().Batch(ctx, batchID)
	if err != nil {
		return "", err
	}
	r, err := loadReferendum(ctx, s.DB, "id", b.Box)
	if err != nil {
		return "", err
	}
	if r.Phase != Voting && r.Phase != Closed {
		return "", apperr.E(apperr.Invalid, "vote.paper.error.phase")
	}
	sheet, err := checkAnswers(r, Answers{b.Pool: in.Choices})
	if err != nil {
		return "", err
	}
	userID, res, err := s.Residents.ByPESEL(ctx, strings.TrimSpace(in.PESEL))
	if err != nil {
		if ae, ok := err.(*apperr.Error); ok && ae.Field == "" {
			ae.Field = "pesel"
		}
		return "", err
	}
	now := s.now()
	res.Verified = res.Verified && res.Person != ""
	if err := r.checkVoter(res, now); err != nil {
		return "", err
	}
	bl := sheet[0]
	bl.Voter, bl.UserID, bl.District, bl.AgeBand, bl.At, bl.Policy =
		res.Person, userID, res.District, ballot.AgeBand(res.BirthDate, now), now, ballot.Policy(r.PaperPolicy)
	return s.ballots().EnterPaper(ctx, b, ballot.Sheet{Seq: in.Seq, Ballot: bl, Officer: a})
}

// DiscardSheet removes both keyings of a double-keyed sheet whose keyings
// differ (or that waits for its second), so that it is keyed again.
// Audited.
func (s *Service) DiscardSheet(ctx context.Context, a Actor, batchID string, seq int) error {
	b, err := s.ballots().Batch(ctx, batchID)
	if err != nil {
		return err
	}
	return s.ballots().DiscardSheet(ctx, a, b, seq)
}

// CloseBatch ends a batch (a double-key batch once no sheet waits for a
// second keying and no keyings differ).
func (s *Service) CloseBatch(ctx context.Context, a Actor, batchID string) error {
	b, err := s.ballots().Batch(ctx, batchID)
	if err != nil {
		return err
	}
	return s.ballots().CloseBatch(ctx, a, b)
}
