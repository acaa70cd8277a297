package budget

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/mail"
)

// ReviewInput is one review decision as an officer records it.
type ReviewInput struct {
	Stage   string
	Outcome string
	Reasons string
	// Cost, when set, corrects the project's cost (złoty as typed).
	Cost string
}

// stages are the review stages of an edition's projects.
func (e *Edition) stages() []string {
	if e.Kind == KindLocal {
		return []string{StageDecision}
	}
	return ReviewStages
}

// Stages lists the edition's review stages, for forms.
func (e *Edition) Stages() []string { return e.stages() }

// reviewable reports whether officers may record reviews now.
func (e *Edition) reviewable() bool {
	if e.Kind == KindLocal {
		return e.Phase != PhaseDraft
	}
	return e.Phase == PhaseSubmission || e.Phase == PhaseReview || e.Phase == PhaseAppeals
}

// RecordReview records a review decision, corrects the cost when asked,
// and updates the project: rejected on any negative outcome, accepted
// (on the ballot) once every stage is positive. The author is mailed.
// Everything is audited.
func (s *Service) RecordReview(ctx context.Context, a Actor, projectID string, in ReviewInput) error {
	p, e, err := s.managedProject(ctx, a, projectID)
	if err != nil {
		return err
	}
	if !e.reviewable() {
		return apperr.E(apperr.Invalid, "budget.review.error.phase")
	}
	errs := apperr.Fields{}
	if !slices.Contains(e.stages(), in.Stage) {
		errs["stage"] = "budget.review.error.stage"
	}
	if in.Outcome != Positive && in.Outcome != Negative {
		errs["outcome"] = "budget.review.error.outcome"
	}
	reasons := strings.TrimSpace(in.Reasons)
	if in.Outcome == Negative && utf8.RuneCountInString(reasons) < 10 {
		errs["reasons"] = "budget.review.error.reasons"
	}
	if utf8.RuneCountInString(reasons) > 10000 {
		errs["reasons"] = "budget.review.error.reasons_long"
	}
	var cost int64
	if strings.TrimSpace(in.Cost) != "" {
		pool, _ := e.PoolByID(p.PoolID)
		c, err := ParseMoney(in.Cost)
		switch {
		case err != nil || c <= 0:
			errs["cost"] = "budget.project.error.cost_amount"
		case pool != nil && c > pool.Amount:
			errs["cost"] = "budget.project.error.cost_pool"
		default:
			cost = c
		}
	}
	if err := errs.Err(); err != nil {
		return err
	}
	switch p.Status {
	case StatusSubmitted, StatusAccepted, StatusRejected:
	default:
		return apperr.E(apperr.Invalid, "budget.review.error.status")
	}
	contact := s.contact(ctx, p.AuthorID)
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		now := s.now()
		if err := insertReview(ctx, tx, p.ID, in.Stage, in.Outcome, reasons, p.FinalCost(), cost, a.ID, now); err != nil {
			return err
		}
		if cost > 0 {
			if err := setFinalCost(ctx, tx, p.ID, cost); err != nil {
				return err
			}
			if err := s.record(ctx, tx, a, "budget.cost.correct", "pb_project", p.ID, map[string]string{
				"from": MoneyDecimal(p.FinalCost()), "to": MoneyDecimal(cost)}); err != nil {
				return err
			}
		}
		status, err := reviewedStatus(ctx, tx, e, p.ID)
		if err != nil {
			return err
		}
		if err := setProjectStatus(ctx, tx, p.ID, status, now); err != nil {
			return err
		}
		if e.Kind == KindLocal && status == StatusAccepted {
			if err := startRealization(ctx, tx, p.ID, a.ID, now); err != nil {
				return err
			}
		}
		if err := s.record(ctx, tx, a, "budget.review", "pb_project", p.ID, map[string]string{
			"stage": in.Stage, "outcome": in.Outcome, "status": status}); err != nil {
			return err
		}
		if status != p.Status {
			return s.notify(ctx, tx, contact, p, "budget.mail.status."+status, reasons)
		}
		return nil
	})
}

// reviewedStatus is a project's status after its reviews: the latest
// outcome of each stage decides.
func reviewedStatus(ctx context.Context, q db.Querier, e *Edition, projectID string) (string, error) {
	latest, err := latestOutcomes(ctx, q, projectID)
	if err != nil {
		return "", err
	}
	all := true
	for _, st := range e.stages() {
		switch latest[st] {
		case Negative:
			return StatusRejected, nil
		case "":
			all = false
		}
	}
	if all {
		return StatusAccepted, nil
	}
	return StatusSubmitted, nil
}

// Reviews lists a project's review decisions, oldest first.
func (s *Service) Reviews(ctx context.Context, projectID string) ([]Review, error) {
	return listReviews(ctx, s.DB, projectID)
}

// FileAppeal lets the author of a rejected project appeal, during review
// or the appeals phase (any time for a local initiative), once at a time.
func (s *Service) FileAppeal(ctx context.Context, a Actor, userID, projectID, body string) error {
	body = strings.TrimSpace(body)
	if n := utf8.RuneCountInString(body); n < 10 || n > 10000 {
		return apperr.Fieldf("appeal", "budget.appeal.error.body")
	}
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		p, e, err := loadAuthoredProject(ctx, tx, userID, projectID)
		if err != nil {
			return err
		}
		if p.Status != StatusRejected {
			return apperr.Fieldf("appeal", "budget.appeal.error.status")
		}
		if e.Kind != KindLocal && e.Phase != PhaseReview && e.Phase != PhaseAppeals {
			return apperr.Fieldf("appeal", "budget.appeal.error.phase")
		}
		now := s.now()
		id := db.NewID()
		if err := insertAppeal(ctx, tx, id, p.ID, userID, body, now); err != nil {
			return err
		}
		if err := setProjectStatus(ctx, tx, p.ID, StatusAppealed, now); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "budget.appeal.file", "pb_project", p.ID, map[string]string{"appeal": id})
	})
}

// DecideAppeal records the decision on a pending appeal: upheld puts the
// project on the ballot, dismissed keeps it rejected. The author is mailed.
func (s *Service) DecideAppeal(ctx context.Context, a Actor, appealID, outcome, reasons string) error {
	reasons = strings.TrimSpace(reasons)
	if outcome != AppealUpheld && outcome != AppealDismissed {
		return apperr.Fieldf("outcome", "budget.appeal.error.outcome")
	}
	if n := utf8.RuneCountInString(reasons); n < 10 || n > 10000 {
		return apperr.Fieldf("reasons", "budget.review.error.reasons")
	}
	ap, err := getAppeal(ctx, s.DB, appealID)
	if err != nil {
		return err
	}
	if ap.Outcome != "" {
		return apperr.E(apperr.Conflict, "budget.appeal.error.decided")
	}
	p, e, err := s.managedProject(ctx, a, ap.ProjectID)
	if err != nil {
		return err
	}
	if e.Votes() && e.Phase.Index() >= PhaseVoting.Index() {
		return apperr.E(apperr.Invalid, "budget.appeal.error.late")
	}
	contact := s.contact(ctx, p.AuthorID)
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		now := s.now()
		decided, err := decideAppeal(ctx, tx, appealID, outcome, reasons, a.ID, now)
		if err != nil {
			return err
		}
		if !decided {
			return apperr.E(apperr.Conflict, "budget.appeal.error.decided")
		}
		status := StatusRejected
		if outcome == AppealUpheld {
			status = StatusAccepted
			if e.Kind == KindLocal {
				if err := startRealization(ctx, tx, p.ID, a.ID, now); err != nil {
					return err
				}
			}
		}
		if err := setProjectStatus(ctx, tx, p.ID, status, now); err != nil {
			return err
		}
		if err := s.record(ctx, tx, a, "budget.appeal.decide", "pb_project", p.ID,
			map[string]string{"appeal": appealID, "outcome": outcome}); err != nil {
			return err
		}
		return s.notify(ctx, tx, contact, p, "budget.mail.appeal."+outcome, reasons)
	})
}

// Appeals lists a project's appeals, oldest first.
func (s *Service) Appeals(ctx context.Context, projectID string) ([]Appeal, error) {
	aps, err := listAppeals(ctx, s.DB, projectID)
	if err != nil {
		return nil, err
	}
	var out []Appeal
	for _, ap := range aps {
		out = append(out, *ap)
	}
	return out, nil
}

// contact finds the author's address; without one (imported, erased, no
// mail configured) nobody is mailed.
func (s *Service) contact(ctx context.Context, userID string) Contact {
	if s.People == nil || userID == "" {
		return Contact{}
	}
	c, err := s.People.Contact(ctx, userID)
	if err != nil {
		s.log().WarnContext(ctx, "budget: author contact", "user_id", userID, "error", err)
		return Contact{}
	}
	return c
}

// notify mails the author about their project, in their language, within
// the transaction of the change.
func (s *Service) notify(ctx context.Context, q db.Querier, c Contact, p *Project, key, reasons string) error {
	if c.Email == "" || !c.Notify || s.Catalog == nil {
		return nil
	}
	lang := c.Lang
	if !s.Catalog.Supports(lang) {
		lang = s.Catalog.Default()
	}
	text := s.Catalog.T(lang, key, p.Title) + "\n\n"
	if reasons != "" {
		text += s.Catalog.T(lang, "budget.mail.reasons") + "\n" + reasons + "\n\n"
	}
	if e, err := loadEdition(ctx, q, "id", p.EditionID); err == nil {
		text += s.BaseURL + "/budget/" + e.Slug + "/projects/" + p.ID + "\n"
	}
	return mail.Enqueue(ctx, q, mail.Message{To: c.Email, Subject: s.Catalog.T(lang, "budget.mail.subject", p.Title), Text: text})
}

// Appeal returns one appeal.
func (s *Service) Appeal(ctx context.Context, id string) (*Appeal, error) {
	return getAppeal(ctx, s.DB, id)
}
