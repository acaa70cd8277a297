package budget

import (
	"context"
	"database/sql"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/files"
)

// Realization statuses of a winning project.
const (
	RealPlanned     = "planned"
	RealDesign      = "design"
	RealTender      = "tender"
	RealInProgress  = "in_progress"
	RealCompleted   = "completed"
	RealNotFeasible = "not_feasible"
)

// RealizationStatuses lists them in order.
var RealizationStatuses = []string{RealPlanned, RealDesign, RealTender, RealInProgress, RealCompleted, RealNotFeasible}

// Realization is how a winning project is being carried out.
type Realization struct {
	ProjectID  string
	Status     string
	Progress   int // percent
	Note       string
	UpdatedBy  string
	UpdatedAt  time.Time
	Milestones []Milestone
}

// Milestone is a step of a realization.
type Milestone struct {
	ID     string
	Title  string
	Due    string // YYYY-MM-DD, may be empty
	DoneAt time.Time
}

// Done reports whether the milestone is reached.
func (m Milestone) Done() bool { return !m.DoneAt.IsZero() }

// Realization returns a project's realization; NotFound when there is none.
func (s *Service) Realization(ctx context.Context, projectID string) (*Realization, error) {
	return getRealization(ctx, s.DB, projectID)
}

// RealizationInput is an officer's update.
type RealizationInput struct {
	Status   string
	Progress string
	Note     string
}

// winner reports whether a project may be realized: selected in a counted
// pool, or an approved local initiative.
func (s *Service) winner(ctx context.Context, p *Project) (bool, error) {
	return isWinner(ctx, s.DB, p.ID)
}

// changeRealization runs change in a transaction on a project that a may
// manage, once the transaction has checked that the project won: only
// winners are realized.
func (s *Service) changeRealization(ctx context.Context, a Actor, projectID string, change func(tx *sql.Tx, p *Project) error) error {
	p, _, err := s.managedProject(ctx, a, projectID)
	if err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		ok, err := isWinner(ctx, tx, p.ID) // only winners are realized
		if err != nil {
			return err
		}
		if !ok {
			return apperr.E(apperr.Invalid, "budget.real.error.not_winner")
		}
		return change(tx, p)
	})
}

// UpdateRealization sets a winning project's status, progress and note.
func (s *Service) UpdateRealization(ctx context.Context, a Actor, projectID string, in RealizationInput) error {
	errs := apperr.Fields{}
	if !slices.Contains(RealizationStatuses, in.Status) {
		errs["status"] = "budget.real.error.status"
	}
	progress, err := strconv.Atoi(strings.TrimSpace(in.Progress))
	if err != nil || progress < 0 || progress > 100 {
		errs["progress"] = "budget.real.error.progress"
	}
	note := strings.TrimSpace(in.Note)
	if utf8.RuneCountInString(note) > 5000 {
		errs["note"] = "budget.real.error.note"
	}
	if err := errs.Err(); err != nil {
		return err
	}
	return s.changeRealization(ctx, a, projectID, func(tx *sql.Tx, p *Project) error {
		if err := saveRealization(ctx, tx, p.ID, in.Status, progress, note, a.ID, s.now()); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "budget.realization", "pb_project", p.ID,
			map[string]string{"status": in.Status, "progress": strconv.Itoa(progress)})
	})
}

// AddMilestone adds a milestone to a winning project's realization.
func (s *Service) AddMilestone(ctx context.Context, a Actor, projectID, title, due string) error {
	title, due = strings.TrimSpace(title), strings.TrimSpace(due)
	errs := apperr.Fields{}
	if n := utf8.RuneCountInString(title); n < 2 || n > 200 {
		errs["milestone_title"] = "budget.real.error.milestone"
	}
	if due != "" {
		if _, err := time.Parse("2006-01-02", due); err != nil {
			errs["milestone_due"] = "budget.real.error.due"
		}
	}
	if err := errs.Err(); err != nil {
		return err
	}
	return s.changeRealization(ctx, a, projectID, func(tx *sql.Tx, p *Project) error {
		if err := startRealization(ctx, tx, p.ID, a.ID, s.now()); err != nil {
			return err
		}
		if err := addMilestone(ctx, tx, p.ID, title, due); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "budget.milestone.add", "pb_project", p.ID, map[string]string{"title": title})
	})
}

// CompleteMilestone marks a milestone reached.
func (s *Service) CompleteMilestone(ctx context.Context, a Actor, projectID, milestoneID string) error {
	p, _, err := s.managedProject(ctx, a, projectID)
	if err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		done, err := completeMilestone(ctx, tx, p.ID, milestoneID, s.now())
		if err != nil {
			return err
		}
		if !done {
			return apperr.E(apperr.NotFound, "error.not_found")
		}
		return s.record(ctx, tx, a, "budget.milestone.done", "pb_project", p.ID, map[string]string{"milestone": milestoneID})
	})
}

// AddRealizationPhoto stores a photo of a winning project's realization.
func (s *Service) AddRealizationPhoto(ctx context.Context, a Actor, projectID, name string, data []byte) error {
	return s.changeRealization(ctx, a, projectID, func(tx *sql.Tx, p *Project) error {
		f, err := files.Save(ctx, tx, realizationOwner(p.ID), name, data, files.Images)
		if err != nil {
			if ae, ok := err.(*apperr.Error); ok && ae.Field == "" {
				ae.Field = "photo"
			}
			return err
		}
		return s.record(ctx, tx, a, "budget.realization.photo", "pb_project", p.ID, map[string]string{"file": f.ID})
	})
}

// RealizationPhotos lists a realization's photos.
func (s *Service) RealizationPhotos(ctx context.Context, projectID string) ([]files.File, error) {
	return files.List(ctx, s.DB, realizationOwner(projectID))
}
