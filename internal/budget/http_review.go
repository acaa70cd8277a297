package budget

import (
	"errors"
	"io"
	"net/http"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/web"
)

// ReviewQueuePage lists an edition's projects for review.
type ReviewQueuePage struct {
	EditionView
	Status   string
	Projects []ProjectView
	Statuses []string
}

func (h *Handler) handleReviewQueue(w http.ResponseWriter, r *http.Request) error {
	e, err := h.managedEdition(r)
	if err != nil {
		return err
	}
	status := r.URL.Query().Get("status")
	if status == "" {
		status = StatusSubmitted
	}
	page := ReviewQueuePage{EditionView: h.editionView(r, e, nil), Status: status,
		Statuses: []string{StatusSubmitted, StatusAppealed, StatusCollecting, StatusAccepted, StatusRejected, StatusWithdrawn}}
	ps, err := h.Service.Projects(r.Context(), ProjectFilter{EditionID: e.ID, Status: []string{status}})
	if err != nil {
		return err
	}
	for _, p := range ps {
		page.Projects = append(page.Projects, h.projectView(r, e, p))
	}
	return h.render(w, r, "officer_review", "budget.review.title", nil, page)
}

// OfficerProjectPage is the review and realization page of a project.
type OfficerProjectPage struct {
	*ProjectPage
	Stages     []string
	Reviewable bool
	Winner     bool
	RealStatus []string
	Pending    *Appeal
	CanDecide  bool
}

func (h *Handler) officerProjectPage(r *http.Request, e *Edition, p *Project, errs web.FormErrors) (*OfficerProjectPage, error) {
	pp, err := h.projectPage(r, e, p)
	if err != nil {
		return nil, err
	}
	page := &OfficerProjectPage{ProjectPage: pp, Stages: e.stages(), Reviewable: e.reviewable(), RealStatus: RealizationStatuses}
	page.Errors = errs
	page.Notice = r.URL.Query().Get("done")
	if page.Winner, err = h.Service.winner(r.Context(), p); err != nil {
		return nil, err
	}
	for i := range pp.Appeals {
		if pp.Appeals[i].Outcome == "" {
			page.Pending = &pp.Appeals[i]
		}
	}
	page.CanDecide = page.Pending != nil && !(e.Votes() && e.Phase.Index() >= PhaseVoting.Index())
	return page, nil
}

func (h *Handler) officerProject(r *http.Request) (*Edition, *Project, error) {
	e, err := h.managedEdition(r)
	if err != nil {
		return nil, nil, err
	}
	p, err := h.projectIn(r, e)
	if err != nil {
		return nil, nil, err
	}
	if p.Status == StatusDraft {
		return nil, nil, apperr.E(apperr.NotFound, "error.not_found")
	}
	return e, p, nil
}

func (h *Handler) handleOfficerProject(w http.ResponseWriter, r *http.Request) error {
	e, p, err := h.officerProject(r)
	if err != nil {
		return err
	}
	page, err := h.officerProjectPage(r, e, p, nil)
	if err != nil {
		return err
	}
	return h.render(w, r, "officer_project", "budget.review.title", nil, page)
}

// officerAction runs an officer's change on a project and shows the page
// again with the problem, or goes back to it.
func (h *Handler) officerAction(w http.ResponseWriter, r *http.Request, do func(e *Edition, p *Project) error, done string) error {
	e, p, err := h.officerProject(r)
	if err != nil {
		return err
	}
	if err := do(e, p); err != nil {
		return h.showAgain(w, r, err, "officer_project", "budget.review.title", func(errs web.FormErrors) (any, error) {
			return h.officerProjectPage(r, e, p, errs)
		})
	}
	return seeOther(w, r, "/officer/budget/"+e.Slug+"/projects/"+p.ID+"?done="+done)
}

func (h *Handler) handleReview(w http.ResponseWriter, r *http.Request) error {
	return h.officerAction(w, r, func(e *Edition, p *Project) error {
		return h.Service.RecordReview(r.Context(), actor(r), p.ID, ReviewInput{Stage: r.PostFormValue("stage"),
			Outcome: r.PostFormValue("outcome"), Reasons: r.PostFormValue("reasons"), Cost: r.PostFormValue("cost")})
	}, "reviewed")
}

func (h *Handler) handleDecideAppeal(w http.ResponseWriter, r *http.Request) error {
	e, err := h.managedEdition(r)
	if err != nil {
		return err
	}
	appeal := r.PathValue("appeal")
	ap, err := h.Service.Appeal(r.Context(), appeal)
	if err != nil {
		return err
	}
	r.SetPathValue("id", ap.ProjectID)
	return h.officerAction(w, r, func(_ *Edition, p *Project) error {
		if p.EditionID != e.ID {
			return apperr.E(apperr.NotFound, "error.not_found")
		}
		return h.Service.DecideAppeal(r.Context(), actor(r), appeal, r.PostFormValue("outcome"), r.PostFormValue("decision_reasons"))
	}, "decided")
}

func (h *Handler) handleRealization(w http.ResponseWriter, r *http.Request) error {
	return h.officerAction(w, r, func(e *Edition, p *Project) error {
		return h.Service.UpdateRealization(r.Context(), actor(r), p.ID, RealizationInput{Status: r.PostFormValue("status"),
			Progress: r.PostFormValue("progress"), Note: r.PostFormValue("note")})
	}, "realization")
}

func (h *Handler) handleMilestone(w http.ResponseWriter, r *http.Request) error {
	return h.officerAction(w, r, func(e *Edition, p *Project) error {
		return h.Service.AddMilestone(r.Context(), actor(r), p.ID, r.PostFormValue("milestone_title"), r.PostFormValue("milestone_due"))
	}, "milestone")
}

func (h *Handler) handleMilestoneDone(w http.ResponseWriter, r *http.Request) error {
	return h.officerAction(w, r, func(e *Edition, p *Project) error {
		return h.Service.CompleteMilestone(r.Context(), actor(r), p.ID, r.PathValue("milestone"))
	}, "milestone")
}

func (h *Handler) handlePhoto(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseMultipartForm(maxUpload); err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return err
		}
		return apperr.Wrap(apperr.Invalid, "error.bad_form", err)
	}
	defer r.MultipartForm.RemoveAll()
	return h.officerAction(w, r, func(e *Edition, p *Project) error {
		f, fh, err := r.FormFile("photo")
		if err != nil {
			return apperr.Fieldf("photo", "budget.project.error.no_file")
		}
		defer f.Close()
		data, err := io.ReadAll(io.LimitReader(f, maxUpload+1))
		if err != nil {
			return err
		}
		return h.Service.AddRealizationPhoto(r.Context(), actor(r), p.ID, fh.Filename, data)
	}, "photo")
}
