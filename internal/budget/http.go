package budget

import (
	"embed"
	"errors"
	"github.com/civitas-city/civitas/internal/i18n"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/ballot"
	"github.com/civitas-city/civitas/internal/web"
)

//go:embed templates/*.html
var templates embed.FS

//go:embed locales/*.json
var locales embed.FS

//go:embed openapi.json
var OpenAPIPaths []byte

// Locales are the budget's messages, for the catalog.
func Locales() embed.FS { return locales }

// District is a district as the budget's pages show it.
type District struct {
	Number     int
	Name       string
	Population int
}

// Handler serves the budget's pages and API.
type Handler struct {
	Site      *web.Site
	Service   *Service
	Districts []District
}

// Pages lists the page templates.
var Pages = []string{
	"templates/editions.html", "templates/edition.html", "templates/projects.html", "templates/project.html",
	"templates/project_form.html", "templates/vote.html", "templates/ballot.html", "templates/ballot_done.html",
	"templates/results.html", "templates/pool_results.html", "templates/ballots.html",
	"templates/analysis.html", "templates/compare.html",
	"templates/officer_home.html", "templates/officer_config.html", "templates/officer_edition.html",
	"templates/officer_review.html", "templates/officer_project.html", "templates/paper.html", "templates/paper_batch.html",
	"templates/officer_phase.html",
}

// RegisterPages registers the page templates.
func (h *Handler) RegisterPages() {
	h.Site.Renderer.Register("budget", templates, Pages...)
}

// Routes registers every budget route: the one list to read.
func (h *Handler) Routes(handle web.Registrar) {
	// Everyone.
	handle("GET /budget", web.Public, h.handleEditions)
	handle("GET /budget/{edition}", web.Public, h.handleEdition)
	handle("GET /budget/{edition}/projects", web.Public, h.handleProjects)
	handle("GET /budget/{edition}/projects/{id}", web.Public, h.handleProject)
	handle("GET /budget/{edition}/results", web.Public, h.handleResults)
	handle("GET /budget/{edition}/results/{pool}", web.Public, h.handlePoolResults)
	handle("GET /budget/{edition}/results/{pool}/analysis", web.Public, h.handlePoolAnalysis)
	handle("GET /budget/{edition}/results/{pool}/compare", web.Public, h.handlePoolCompare)
	handle("GET /budget/{edition}/results/{pool}/{file}", web.Public, h.handleExport)
	handle("GET /budget/{edition}/ballots", web.Public, h.handleBallots)

	// Residents: submission and voting.
	handle("GET /budget/{edition}/submit", web.SignedIn, h.handleNewProject)
	handle("POST /budget/{edition}/projects", web.SignedIn, h.handleCreateProject)
	handle("GET /budget/{edition}/projects/{id}/edit", web.SignedIn, h.handleEditProject)
	handle("POST /budget/{edition}/projects/{id}", web.SignedIn, h.handleUpdateProject)
	handle("POST /budget/{edition}/projects/{id}/files", web.SignedIn, h.handleUpload)
	handle("POST /budget/{edition}/projects/{id}/files/{file}/delete", web.SignedIn, h.handleDeleteFile)
	handle("POST /budget/{edition}/projects/{id}/withdraw", web.SignedIn, h.handleWithdraw)
	handle("POST /budget/{edition}/projects/{id}/sign", web.SignedIn, h.handleSign)
	handle("POST /budget/{edition}/projects/{id}/appeal", web.SignedIn, h.handleAppeal)
	handle("GET /budget/{edition}/vote", web.SignedIn, h.handleVote)
	handle("GET /budget/{edition}/vote/{pool}", web.SignedIn, h.handleBallot)
	handle("POST /budget/{edition}/vote/{pool}", web.SignedIn, h.handleCast)
	handle("GET /budget/{edition}/vote/{pool}/done", web.SignedIn, h.handleCastDone)

	// Officers of the budget.
	officer := web.Officer("budget")
	handle("GET /officer/budget", officer, h.handleOfficerHome)
	handle("GET /officer/budget/new", officer, h.handleNewEdition)
	handle("POST /officer/budget/new", officer, h.handleCreateEdition)
	handle("GET /officer/budget/{edition}", officer, h.handleOfficerEdition)
	handle("POST /officer/budget/{edition}/config", officer, h.handleConfig)
	handle("POST /officer/budget/{edition}/settings", officer, h.handleSettings)
	handle("POST /officer/budget/{edition}/phase", officer, h.handlePhase)
	handle("POST /officer/budget/{edition}/count", officer, h.handleCount)
	handle("POST /officer/budget/{edition}/roster", officer, h.handleRoster)
	handle("GET /officer/budget/{edition}/review", officer, h.handleReviewQueue)
	handle("GET /officer/budget/{edition}/projects/{id}", officer, h.handleOfficerProject)
	handle("POST /officer/budget/{edition}/projects/{id}/review", officer, h.handleReview)
	handle("POST /officer/budget/{edition}/appeals/{appeal}", officer, h.handleDecideAppeal)
	handle("POST /officer/budget/{edition}/projects/{id}/realization", officer, h.handleRealization)
	handle("POST /officer/budget/{edition}/projects/{id}/milestones", officer, h.handleMilestone)
	handle("POST /officer/budget/{edition}/projects/{id}/milestones/{milestone}/done", officer, h.handleMilestoneDone)
	handle("POST /officer/budget/{edition}/projects/{id}/photos", officer, h.handlePhoto)
	handle("GET /officer/budget/{edition}/paper", officer, h.handlePaper)
	handle("POST /officer/budget/{edition}/paper", officer, h.handleCreateBatch)
	handle("GET /officer/budget/{edition}/paper/{batch}", officer, h.handleBatch)
	handle("POST /officer/budget/{edition}/paper/{batch}", officer, h.handleEnterSheet)
	handle("POST /officer/budget/{edition}/paper/{batch}/discard", officer, h.handleDiscardSheet)
	handle("POST /officer/budget/{edition}/paper/{batch}/close", officer, h.handleCloseBatch)

	// The JSON API.
	handle("GET /api/v1/budget/editions", web.Public, h.apiEditions)
	handle("GET /api/v1/budget/editions/{edition}", web.Public, h.apiEdition)
	handle("GET /api/v1/budget/editions/{edition}/pools/{pool}/results", web.Public, h.apiResults)
	handle("POST /api/v1/budget/editions/{edition}/pools/{pool}/ballot", web.SignedIn, h.apiCast)
}

// render shows a page with status 200, or 422 when its form has errors.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, page, title string, errs web.FormErrors, data any) error {
	return h.Site.Render(w, r, errs.Status(), "budget/"+page, title, data)
}

// formErrors turns an input problem into translated form errors (see
// web.Site.FormError; budget forms also show Unauthenticated, and the kinds
// in also); any other error comes back for the error page. A configuration
// with problems is one error about the whole configuration, counted.
func (h *Handler) formErrors(r *http.Request, err error, also ...apperr.Kind) (web.FormErrors, error) {
	lang := web.Lang(r.Context())
	if ce, ok := errors.AsType[*ConfigError](err); ok {
		return web.FormErrors{"config": h.Site.Catalog.N(lang, "budget.config.problems", len(ce.Problems))}, nil
	}
	return h.Site.FormError(lang, err, append(also, apperr.Unauthenticated)...)
}

// showAgain shows a form's page again after err: with err's form errors
// (see formErrors; also adds kinds) when the resident can put it right, its
// data made by build; any other error comes back for the error page.
func (h *Handler) showAgain(w http.ResponseWriter, r *http.Request, err error, page, title string,
	build func(web.FormErrors) (any, error), also ...apperr.Kind) error {
	errs, err := h.formErrors(r, err, also...)
	if err != nil {
		return err
	}
	data, err := build(errs)
	if err != nil {
		return err
	}
	return h.render(w, r, page, title, errs, data)
}

// actor is who makes the request, for the audit log.
func actor(r *http.Request) Actor {
	ctx := r.Context()
	u := web.CurrentUser(ctx)
	if u == nil {
		return Actor{RequestID: web.RequestID(ctx)}
	}
	return Actor{ID: u.ID, Name: u.Name, OnBehalfOf: web.OnBehalfOf(ctx), RequestID: web.RequestID(ctx),
		Admin: slices.ContainsFunc(u.Roles, func(x web.Role) bool { return x.Name == web.RoleAdmin })}
}

// participant is the resident taking part: the signed-in user, or the
// resident an officer acts for.
func participant(r *http.Request) string {
	if u := web.Participant(r.Context()); u != nil {
		return u.ID
	}
	return ""
}

// edition loads the edition of the path.
func (h *Handler) edition(r *http.Request) (*Edition, error) {
	return h.Service.Edition(r.Context(), r.PathValue("edition"))
}

// managedEdition loads the path's edition for an officer who may manage it.
func (h *Handler) managedEdition(r *http.Request) (*Edition, error) {
	e, err := h.edition(r)
	if err != nil {
		return nil, err
	}
	return e, h.Service.mustManage(e, actor(r))
}

// projectIn loads the path's project and checks it belongs to e.
func (h *Handler) projectIn(r *http.Request, e *Edition) (*Project, error) {
	p, err := h.Service.Project(r.Context(), r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	if p.EditionID != e.ID {
		return nil, apperr.E(apperr.NotFound, "error.not_found")
	}
	return p, nil
}

// project loads the path's edition and its project: what every resident
// page of a project starts from.
func (h *Handler) project(r *http.Request) (*Edition, *Project, error) {
	e, err := h.edition(r)
	if err != nil {
		return nil, nil, err
	}
	p, err := h.projectIn(r, e)
	if err != nil {
		return nil, nil, err
	}
	return e, p, nil
}

func (h *Handler) districtName(n int) string {
	for _, d := range h.Districts {
		if d.Number == n {
			return d.Name
		}
	}
	return strconv.Itoa(n)
}

func (h *Handler) t(r *http.Request, key string, args ...any) string {
	return h.Site.Catalog.T(web.Lang(r.Context()), key, args...)
}

// seeOther redirects after a POST.
func seeOther(w http.ResponseWriter, r *http.Request, to string) error {
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// EditionView is an edition as pages show it.
type EditionView struct {
	E          *Edition
	Pools      []PoolView
	Timeline   []PhaseView
	Open       bool // voting open now
	Submitting bool // submissions open now
	Phase      string
}

// PoolView is a pool with its figures formatted.
type PoolView struct {
	P        *Pool
	Amount   string
	District string
	Ballot   string // the ballot's rules in words
	Turnout  int
}

// PhaseView is a line of an edition's timeline.
type PhaseView struct {
	Phase   Phase
	Starts  time.Time
	Current bool
	Past    bool
}

func (h *Handler) editionView(r *http.Request, e *Edition, turnout map[string]int) EditionView {
	lang := web.Lang(r.Context())
	v := EditionView{E: e, Open: e.VotingOpen(h.Service.now()), Submitting: e.SubmissionOpen(), Phase: string(e.Phase)}
	for i := range e.Pools {
		p := &e.Pools[i]
		pv := PoolView{P: p, Amount: FormatMoney(lang, p.Amount), Ballot: h.ballotRules(r, p), Turnout: turnout[p.ID]}
		if p.District > 0 {
			pv.District = h.districtName(p.District)
		}
		v.Pools = append(v.Pools, pv)
	}
	cur := e.Phase.Index()
	for _, ph := range Phases[1:] {
		if !e.Votes() && (ph == PhaseAppeals || ph == PhaseVoting || ph == PhaseResults) {
			continue
		}
		v.Timeline = append(v.Timeline, PhaseView{Phase: ph, Starts: e.Starts[ph], Current: ph == e.Phase, Past: ph.Index() < cur})
	}
	return v
}

// ballotRules describes a pool's ballot in words.
func (h *Handler) ballotRules(r *http.Request, p *Pool) string {
	switch p.Ballot {
	case Ranking:
		return h.t(r, "budget.ballot.rules_ranking", p.MaxChoices, strings.ReplaceAll(ballot.JoinInts(p.Points), ",", ", "))
	case Cumulative:
		if p.MaxPerProject > 0 {
			return h.t(r, "budget.ballot.rules_cumulative_cap", p.MaxPoints, p.MaxPerProject)
		}
		return h.t(r, "budget.ballot.rules_cumulative", p.MaxPoints)
	}
	if p.MinChoices > 1 && p.MinChoices < p.MaxChoices {
		return h.t(r, "budget.ballot.rules_approval_range", p.MinChoices, p.MaxChoices)
	}
	return h.t(r, "budget.ballot.rules_approval", p.MaxChoices)
}

// ProjectView is a project in a list.
type ProjectView struct {
	P        *Project
	Cost     string
	Pool     i18n.Text
	Category i18n.Text
	Status   string
}

func (h *Handler) projectView(r *http.Request, e *Edition, p *Project) ProjectView {
	lang := web.Lang(r.Context())
	v := ProjectView{P: p, Cost: FormatMoney(lang, p.FinalCost()), Status: p.Status, Category: e.CategoryText(p.Category)}
	if pool, ok := e.PoolByID(p.PoolID); ok {
		v.Pool = pool.NameText()
	}
	return v
}

func trimmed(r *http.Request, name string) string { return strings.TrimSpace(r.PostFormValue(name)) }
