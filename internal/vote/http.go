package vote

import (
	"embed"
	"net/http"
	"strconv"
	"time"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/web"
)

//go:embed templates/*.html
var templates embed.FS

//go:embed locales/*.json
var locales embed.FS

// OpenAPIPaths is the vote's part of the API description.
//
//go:embed openapi.json
var OpenAPIPaths []byte

// Locales are the vote's messages, for the catalog.
func Locales() embed.FS { return locales }

// District is a district as the vote's pages show it.
type District struct {
	Number int
	Name   string
}

// Handler serves the vote's pages and API.
type Handler struct {
	Site      *web.Site
	Service   *Service
	Districts []District
	// Location is the city's time zone, for the dates of forms.
	Location *time.Location
}

// Pages lists the page templates.
var Pages = []string{
	"templates/votes.html", "templates/referendum.html", "templates/referendum_vote.html",
	"templates/results.html", "templates/ballots.html", "templates/poll.html",
	"templates/officer.html", "templates/officer_paper.html", "templates/officer_referendum.html",
}

// RegisterPages registers the page templates.
func (h *Handler) RegisterPages() {
	h.Site.Renderer.Register("vote", templates, Pages...)
}

// Routes registers every route of referenda and polls: the one list to
// read.
func (h *Handler) Routes(handle web.Registrar) {
	// Everyone.
	handle("GET /votes", web.Public, h.handleList)
	handle("GET /votes/referenda/{slug}", web.Public, h.handleReferendum)
	handle("GET /votes/referenda/{slug}/results", web.Public, h.handleResults)
	handle("GET /votes/referenda/{slug}/results/{file}", web.Public, h.handleExport)
	handle("GET /votes/referenda/{slug}/ballots", web.Public, h.handleBallots)
	handle("GET /votes/polls/{slug}", web.Public, h.handlePoll)

	// Residents (or an officer acting for one).
	handle("GET /votes/referenda/{slug}/vote", web.SignedIn, h.handleBallotForm)
	handle("POST /votes/referenda/{slug}/vote", web.SignedIn, h.handleCast)
	handle("POST /votes/polls/{slug}", web.SignedIn, h.handleAnswer)

	// Officers.
	officer := web.Officer("votes")
	handle("GET /officer/votes", officer, h.handleOfficer)
	handle("GET /officer/votes/referenda/new", officer, h.handleNewReferendum)
	handle("POST /officer/votes/referenda", officer, h.handleCreateReferendum)
	handle("GET /officer/votes/referenda/{slug}/edit", officer, h.handleEditReferendum)
	handle("POST /officer/votes/referenda/{slug}/edit", officer, h.handleUpdateReferendum)
	handle("POST /officer/votes/referenda/{slug}/phase", officer, h.handlePhase)
	handle("POST /officer/votes/polls", officer, h.handleCreatePoll)
	handle("POST /officer/votes/polls/{slug}/close", officer, h.handleClosePoll)
	handle("GET /officer/votes/referenda/{slug}/paper", officer, h.handlePaper)
	handle("POST /officer/votes/referenda/{slug}/paper", officer, h.handleCreateBatch)
	handle("POST /officer/votes/referenda/{slug}/paper/{batch}", officer, h.handleEnterSheet)
	handle("POST /officer/votes/referenda/{slug}/paper/{batch}/discard", officer, h.handleDiscardSheet)
	handle("POST /officer/votes/referenda/{slug}/paper/{batch}/close", officer, h.handleCloseBatch)

	// The JSON API.
	handle("GET /api/v1/votes/referenda", web.Public, h.apiReferenda)
	handle("GET /api/v1/votes/referenda/{slug}", web.Public, h.apiReferendum)
	handle("GET /api/v1/votes/referenda/{slug}/results", web.Public, h.apiResults)
	handle("POST /api/v1/votes/referenda/{slug}/ballot", web.SignedIn, h.apiCast)
	handle("GET /api/v1/votes/polls", web.Public, h.apiPolls)
	handle("GET /api/v1/votes/polls/{slug}/results", web.Public, h.apiPollResults)
	handle("POST /api/v1/votes/polls/{slug}/answer", web.SignedIn, h.apiAnswer)
}

// render shows a page with status 200, or 422 when its form has errors.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, page, title string, errs web.FormErrors, data any) error {
	return h.Site.Render(w, r, errs.Status(), "vote/"+page, title, data)
}

// actor is who makes the request, for the audit log.
func actor(r *http.Request) Actor {
	ctx := r.Context()
	u := web.CurrentUser(ctx)
	if u == nil {
		return Actor{RequestID: web.RequestID(ctx)}
	}
	return Actor{ID: u.ID, Name: u.Name, OnBehalfOf: web.OnBehalfOf(ctx), RequestID: web.RequestID(ctx)}
}

// participant is the resident taking part: the signed-in user, or the
// resident an officer acts for.
func participant(r *http.Request) string {
	if u := web.Participant(r.Context()); u != nil {
		return u.ID
	}
	return ""
}

func (h *Handler) t(r *http.Request, key string, args ...any) string {
	return h.Site.Catalog.T(web.Lang(r.Context()), key, args...)
}

func (h *Handler) districtName(n int) string {
	for _, d := range h.Districts {
		if d.Number == n {
			return d.Name
		}
	}
	return strconv.Itoa(n)
}

// seeOther redirects after a POST.
func seeOther(w http.ResponseWriter, r *http.Request, to string) error {
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// showAgain shows a form's page again after err with its form errors, when
// the resident can put it right (Forbidden too: not entitled to vote);
// any other error comes back for the error page.
func (h *Handler) showAgain(w http.ResponseWriter, r *http.Request, err error, page, title string,
	build func(web.FormErrors) (any, error)) error {
	errs, err := h.Site.FormError(web.Lang(r.Context()), err, apperr.Forbidden, apperr.Unauthenticated)
	if err != nil {
		return err
	}
	data, err := build(errs)
	if err != nil {
		return err
	}
	return h.render(w, r, page, title, errs, data)
}
