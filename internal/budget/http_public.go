package budget

import (
	"html/template"
	"net/http"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/files"
	"github.com/civitas-city/civitas/internal/web"
)

// EditionsPage lists the editions.
type EditionsPage struct {
	Editions []EditionView
}

func (h *Handler) handleEditions(w http.ResponseWriter, r *http.Request) error {
	list, err := h.Service.Editions(r.Context())
	if err != nil {
		return err
	}
	var page EditionsPage
	for _, e := range list {
		if e.Phase == PhaseDraft {
			continue
		}
		page.Editions = append(page.Editions, h.editionView(r, e, nil))
	}
	return h.render(w, r, "editions", "budget.title", nil, page)
}

// EditionPage is an edition's front page.
type EditionPage struct {
	EditionView
	Voters   int
	Projects int
	Counted  bool
	Officer  bool
	// Past: the votes are over (results, realization): no vote link.
	Past bool
}

func (h *Handler) handleEdition(w http.ResponseWriter, r *http.Request) error {
	e, err := h.edition(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	u := web.CurrentUser(ctx)
	if e.Phase == PhaseDraft && !u.Has(web.RoleOfficer, "budget") {
		return apperr.E(apperr.NotFound, "error.not_found")
	}
	turnout, err := h.Service.Turnout(ctx, e.ID)
	if err != nil {
		return err
	}
	page := EditionPage{EditionView: h.editionView(r, e, turnout), Officer: u.Has(web.RoleOfficer, "budget"),
		Past: e.Phase == PhaseResults || e.Phase == PhaseRealization}
	// An imported edition has results but no ballots cast here: its
	// turnout is the one its results count.
	for i := range page.Pools {
		if page.Pools[i].Turnout > 0 {
			continue
		}
		if res, err := h.Service.Result(ctx, page.Pools[i].P); err == nil {
			page.Pools[i].Turnout = res.Voters
		}
	}
	for _, pv := range page.Pools {
		page.Voters += pv.Turnout
	}
	ps, err := h.Service.Projects(ctx, ProjectFilter{EditionID: e.ID, Public: true})
	if err != nil {
		return err
	}
	page.Projects = len(ps)
	if len(e.Pools) > 0 {
		_, err := h.Service.Result(ctx, &e.Pools[0])
		page.Counted = err == nil
	}
	return h.render(w, r, "edition", "budget.title", nil, page)
}

// ProjectsPage lists an edition's public projects with filters.
type ProjectsPage struct {
	EditionView
	Projects   []ProjectView
	Pool       string
	Status     string
	Category   string
	Query      string
	Statuses   []string
	Categories []string
}

func (h *Handler) handleProjects(w http.ResponseWriter, r *http.Request) error {
	e, err := h.edition(r)
	if err != nil {
		return err
	}
	if e.Phase == PhaseDraft {
		return apperr.E(apperr.NotFound, "error.not_found")
	}
	q := r.URL.Query()
	page := ProjectsPage{EditionView: h.editionView(r, e, nil), Pool: q.Get("pool"), Status: q.Get("status"),
		Category: q.Get("category"), Query: q.Get("q"), Categories: e.Categories,
		Statuses: []string{StatusCollecting, StatusSubmitted, StatusAccepted, StatusRejected, StatusAppealed, StatusWithdrawn}}
	f := ProjectFilter{EditionID: e.ID, Public: true, Category: page.Category, Query: page.Query}
	if page.Status != "" {
		f.Status = []string{page.Status}
	}
	if page.Pool != "" {
		pool, ok := e.Pool(page.Pool)
		if !ok {
			return apperr.Fieldf("pool", "budget.project.error.pool")
		}
		f.PoolID = pool.ID
	}
	ps, err := h.Service.Projects(r.Context(), f)
	if err != nil {
		return err
	}
	for _, p := range ps {
		page.Projects = append(page.Projects, h.projectView(r, e, p))
	}
	return h.render(w, r, "projects", "budget.projects.title", nil, page)
}

// ProjectPage is one project.
type ProjectPage struct {
	EditionView
	ProjectView
	Description template.HTML
	CostItems   []CostLine
	Images      []FileView
	Attachments []FileView
	Reviews     []ReviewView
	Appeals     []Appeal
	Author      bool
	Signed      bool
	CanSign     bool
	CanAppeal   bool
	Needed      int
	Result      *ProjectResult
	Why         []string
	Realization *RealizationView
	Errors      web.FormErrors
	Notice      string
}

// CostLine is a line of a cost breakdown.
type CostLine struct{ Label, Amount string }

// FileView is an upload linked from a page.
type FileView struct {
	ID, Name, URL string
	Image         bool
}

// ReviewView is a review decision on a page.
type ReviewView struct {
	R          Review
	CostBefore string
	CostAfter  string
}

// RealizationView is a realization on a page.
type RealizationView struct {
	R      *Realization
	Photos []FileView
}

func fileViews(list []files.File) (images, attachments []FileView) {
	for _, f := range list {
		v := FileView{ID: f.ID, Name: f.Name, URL: files.URL(f), Image: f.ContentType != "application/pdf"}
		if v.Image {
			images = append(images, v)
		} else {
			attachments = append(attachments, v)
		}
	}
	return images, attachments
}

func (h *Handler) handleProject(w http.ResponseWriter, r *http.Request) error {
	e, p, err := h.project(r)
	if err != nil {
		return err
	}
	page, err := h.projectPage(r, e, p)
	if err != nil {
		return err
	}
	page.Notice = r.URL.Query().Get("done")
	return h.render(w, r, "project", "budget.project.title", nil, page)
}

// projectPage gathers a project's page; drafts only for their author.
func (h *Handler) projectPage(r *http.Request, e *Edition, p *Project) (*ProjectPage, error) {
	ctx := r.Context()
	lang := web.Lang(ctx)
	user := participant(r)
	page := &ProjectPage{EditionView: h.editionView(r, e, nil), ProjectView: h.projectView(r, e, p),
		Description: web.Markdown(p.Description, 0), Author: user != "" && user == p.AuthorID, Needed: e.Signatures}
	if !p.Public() && !page.Author {
		return nil, apperr.E(apperr.NotFound, "error.not_found")
	}
	for _, it := range p.CostItems {
		page.CostItems = append(page.CostItems, CostLine{it.Label, FormatMoney(lang, it.Amount)})
	}
	list, err := h.Service.Files(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	page.Images, page.Attachments = fileViews(list)
	reviews, err := h.Service.Reviews(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	for _, rv := range reviews {
		v := ReviewView{R: rv, CostBefore: FormatMoney(lang, rv.CostBefore)}
		if rv.CostAfter > 0 {
			v.CostAfter = FormatMoney(lang, rv.CostAfter)
		}
		page.Reviews = append(page.Reviews, v)
	}
	if page.Appeals, err = h.Service.Appeals(ctx, p.ID); err != nil {
		return nil, err
	}
	if user != "" && p.Status == StatusCollecting {
		if page.Signed, err = h.Service.Signed(ctx, user, p.ID); err != nil {
			return nil, err
		}
		page.CanSign = !page.Signed
	}
	page.CanAppeal = page.Author && p.Status == StatusRejected && (e.Kind == KindLocal || e.Phase == PhaseReview || e.Phase == PhaseAppeals)
	if pool, ok := e.PoolByID(p.PoolID); ok && p.Status == StatusAccepted {
		if res, err := h.Service.Result(ctx, pool); err == nil {
			for i := range res.Projects {
				if res.Projects[i].Project.ID == p.ID {
					page.Result = &res.Projects[i]
					page.Why = Explain(h.Site.Catalog, lang, res.Projects[i].Steps, res.Projects[i].Selected)
				}
			}
		} else if !apperr.Is(err, apperr.NotFound) {
			return nil, err
		}
	}
	real, err := h.Service.Realization(ctx, p.ID)
	switch {
	case err == nil:
		photos, err := h.Service.RealizationPhotos(ctx, p.ID)
		if err != nil {
			return nil, err
		}
		imgs, _ := fileViews(photos)
		page.Realization = &RealizationView{R: real, Photos: imgs}
	case !apperr.Is(err, apperr.NotFound):
		return nil, err
	}
	return page, nil
}
