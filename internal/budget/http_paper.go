package budget

import (
	"net/http"
	"strconv"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/web"
)

// PaperPage lists an edition's batches with their subtotals, by booth.
type PaperPage struct {
	EditionView
	Booths []BoothTotal
	Errors web.FormErrors
	Booth  string
	Label  string
	Pool   string
	Open   bool // paper ballots may be keyed now
}

// BoothTotal sums a booth's batches.
type BoothTotal struct {
	Booth   string
	Batches []BatchLine
	Sheets  int
	Counted int
	Ballots int
}

// BatchLine is a batch with its subtotal.
type BatchLine struct {
	Subtotal
	Pool string
}

func (h *Handler) paperPage(r *http.Request, e *Edition, errs web.FormErrors) (*PaperPage, error) {
	subs, err := h.Service.Subtotals(r.Context(), e.ID)
	if err != nil {
		return nil, err
	}
	page := &PaperPage{EditionView: h.editionView(r, e, nil), Errors: errs, Booth: trimmed(r, "booth"), Label: trimmed(r, "label"),
		Pool: trimmed(r, "pool"), Open: e.Phase == PhaseVoting || e.Phase == PhaseResults}
	for _, st := range subs {
		line := BatchLine{Subtotal: st}
		if p, ok := e.PoolByID(st.Batch.Pool); ok {
			line.Pool = p.NameText().For(web.Lang(r.Context()))
		}
		if n := len(page.Booths); n == 0 || page.Booths[n-1].Booth != st.Batch.Booth {
			page.Booths = append(page.Booths, BoothTotal{Booth: st.Batch.Booth})
		}
		b := &page.Booths[len(page.Booths)-1]
		b.Batches = append(b.Batches, line)
		b.Sheets += st.Sheets
		b.Counted += st.Counted
		b.Ballots += st.Ballots
	}
	return page, nil
}

func (h *Handler) paperEdition(r *http.Request) (*Edition, error) {
	e, err := h.managedEdition(r)
	if err != nil {
		return nil, err
	}
	if !e.Votes() {
		return nil, apperr.E(apperr.NotFound, "budget.error.no_vote")
	}
	return e, nil
}

func (h *Handler) handlePaper(w http.ResponseWriter, r *http.Request) error {
	e, err := h.paperEdition(r)
	if err != nil {
		return err
	}
	page, err := h.paperPage(r, e, nil)
	if err != nil {
		return err
	}
	return h.render(w, r, "paper", "budget.paper.title", nil, page)
}

func (h *Handler) handleCreateBatch(w http.ResponseWriter, r *http.Request) error {
	e, err := h.paperEdition(r)
	if err != nil {
		return err
	}
	b, err := h.Service.CreateBatch(r.Context(), actor(r), e.ID, trimmed(r, "pool"), trimmed(r, "booth"), trimmed(r, "label"))
	if err != nil {
		return h.showAgain(w, r, err, "paper", "budget.paper.title", func(errs web.FormErrors) (any, error) {
			return h.paperPage(r, e, errs)
		})
	}
	return seeOther(w, r, "/officer/budget/"+e.Slug+"/paper/"+b.ID)
}

// BatchPage keys a batch's sheets.
type BatchPage struct {
	EditionView
	Pool     PoolView
	Subtotal Subtotal
	Projects []BallotChoice
	Ranks    []RankView
	Errors   web.FormErrors
	Outcome  string
	Seq      int
	Open     bool
}

func (h *Handler) batchPage(r *http.Request, e *Edition, b *Batch, in BallotInput, errs web.FormErrors) (*BatchPage, error) {
	pool, ok := e.PoolByID(b.Pool)
	if !ok {
		return nil, apperr.E(apperr.NotFound, "budget.error.no_pool")
	}
	st, err := h.Service.BatchSubtotal(r.Context(), b)
	if err != nil {
		return nil, err
	}
	page := &BatchPage{EditionView: h.editionView(r, e, nil), Subtotal: st, Errors: errs, Outcome: r.URL.Query().Get("outcome"),
		Open: b.Status == BatchOpen && (e.Phase == PhaseVoting || e.Phase == PhaseResults)}
	for _, pv := range page.EditionView.Pools {
		if pv.P.ID == pool.ID {
			page.Pool = pv
		}
	}
	page.Seq, _ = strconv.Atoi(r.URL.Query().Get("next"))
	if errs.Has() {
		page.Seq, _ = strconv.Atoi(trimmed(r, "seq"))
	}
	if page.Seq == 0 {
		page.Seq = st.Sheets + 1
	}
	page.Ranks = rankViews(pool)
	projects, err := h.Service.BallotProjects(r.Context(), e.Slug, pool.Slug)
	if err != nil {
		return nil, err
	}
	for _, p := range projects {
		c := BallotChoice{ProjectView: h.projectView(r, e, p)}
		for k, id := range in.Projects {
			if id == p.ID {
				c.Checked, c.Rank = true, k+1
				if k < len(in.Points) {
					c.Points = in.Points[k]
				}
			}
		}
		page.Projects = append(page.Projects, c)
	}
	return page, nil
}

func (h *Handler) batch(r *http.Request) (*Edition, *Batch, error) {
	e, err := h.paperEdition(r)
	if err != nil {
		return nil, nil, err
	}
	b, err := h.Service.Batch(r.Context(), r.PathValue("batch"))
	if err != nil {
		return nil, nil, err
	}
	if b.Box != e.ID {
		return nil, nil, apperr.E(apperr.NotFound, "error.not_found")
	}
	return e, b, nil
}

func (h *Handler) handleBatch(w http.ResponseWriter, r *http.Request) error {
	e, b, err := h.batch(r)
	if err != nil {
		return err
	}
	page, err := h.batchPage(r, e, b, BallotInput{}, nil)
	if err != nil {
		return err
	}
	return h.render(w, r, "paper_batch", "budget.paper.title", nil, page)
}

func (h *Handler) handleEnterSheet(w http.ResponseWriter, r *http.Request) error {
	e, b, err := h.batch(r)
	if err != nil {
		return err
	}
	pool, ok := e.PoolByID(b.Pool)
	if !ok {
		return apperr.E(apperr.NotFound, "budget.error.no_pool")
	}
	projects, err := h.Service.BallotProjects(r.Context(), e.Slug, pool.Slug)
	if err != nil {
		return err
	}
	var onBallot []string
	for _, p := range projects {
		onBallot = append(onBallot, p.ID)
	}
	seq, serr := strconv.Atoi(trimmed(r, "seq"))
	in, err := ballotInput(r, pool, onBallot)
	var outcome string
	switch {
	case serr != nil:
		err = apperr.Fieldf("seq", "budget.paper.error.seq")
	case err == nil:
		outcome, err = h.Service.EnterPaper(r.Context(), actor(r), b.ID, PaperInput{Seq: seq, PESEL: r.PostFormValue("pesel"), Ballot: in})
	}
	if err != nil {
		errs, ferr := h.formErrors(r, err)
		if ferr != nil {
			if !apperr.Is(ferr, apperr.Forbidden) {
				return ferr
			}
			errs = web.FormErrors{"pesel": h.t(r, apperr.MessageOf(ferr))}
		}
		page, perr := h.batchPage(r, e, b, in, errs)
		if perr != nil {
			return perr
		}
		return h.render(w, r, "paper_batch", "budget.paper.title", errs, page)
	}
	return seeOther(w, r, "/officer/budget/"+e.Slug+"/paper/"+b.ID+"?outcome="+outcome+"&next="+strconv.Itoa(seq+1))
}

func (h *Handler) handleDiscardSheet(w http.ResponseWriter, r *http.Request) error {
	e, b, err := h.batch(r)
	if err != nil {
		return err
	}
	seq, _ := strconv.Atoi(trimmed(r, "seq"))
	if err := h.Service.DiscardSheet(r.Context(), actor(r), b.ID, seq); err != nil {
		return err
	}
	return seeOther(w, r, "/officer/budget/"+e.Slug+"/paper/"+b.ID+"?next="+strconv.Itoa(seq))
}

func (h *Handler) handleCloseBatch(w http.ResponseWriter, r *http.Request) error {
	e, b, err := h.batch(r)
	if err != nil {
		return err
	}
	if err := h.Service.CloseBatch(r.Context(), actor(r), b.ID); err != nil {
		return h.showAgain(w, r, err, "paper_batch", "budget.paper.title", func(errs web.FormErrors) (any, error) {
			return h.batchPage(r, e, b, BallotInput{}, errs)
		})
	}
	return seeOther(w, r, "/officer/budget/"+e.Slug+"/paper")
}
