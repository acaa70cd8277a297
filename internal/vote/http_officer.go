package vote

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/ballot"
	"github.com/civitas-city/civitas/internal/web"
)

// OfficerPage is the officers' desk: each referendum's phase, the polls,
// and the form that creates a poll.
type OfficerPage struct {
	Referenda []ReferendumView
	Polls     []PollView
	Phases    []Phase
	Districts []District
	Errors    web.FormErrors
	Form      PollForm
	PollKinds []Kind
	Now       time.Time
}

// PollForm is the new-poll form as filled in.
type PollForm struct {
	Slug, Question, Kind, Options, MaxChoices, District, ResultsAfter, OpensAt, ClosesAt string
	ResidentsOnly                                                                        bool
}

func (h *Handler) officerPage(r *http.Request, form PollForm, errs web.FormErrors) (any, error) {
	ctx := r.Context()
	refs, err := h.Service.Referenda(ctx)
	if err != nil {
		return nil, err
	}
	polls, err := h.Service.Polls(ctx)
	if err != nil {
		return nil, err
	}
	page := &OfficerPage{Phases: Phases, Districts: h.Districts, Errors: errs, Form: form,
		PollKinds: []Kind{Single, Multiple, Scale}, Now: h.Service.now()}
	for _, ref := range refs {
		page.Referenda = append(page.Referenda, h.referendumView(r, ref))
	}
	for _, p := range polls {
		page.Polls = append(page.Polls, h.pollView(p))
	}
	return page, nil
}

func (h *Handler) handleOfficer(w http.ResponseWriter, r *http.Request) error {
	page, err := h.officerPage(r, PollForm{Kind: string(Single), ResultsAfter: AfterAnswer, MaxChoices: "1"}, nil)
	if err != nil {
		return err
	}
	return h.render(w, r, "officer", "vote.officer.title", nil, page)
}

func (h *Handler) handlePhase(w http.ResponseWriter, r *http.Request) error {
	slug := r.PathValue("slug")
	if err := h.Service.SetPhase(r.Context(), actor(r), slug, Phase(r.PostFormValue("phase"))); err != nil {
		return h.showAgain(w, r, err, "officer", "vote.officer.title", func(errs web.FormErrors) (any, error) {
			return h.officerPage(r, PollForm{Kind: string(Single), ResultsAfter: AfterAnswer}, errs)
		})
	}
	return seeOther(w, r, "/officer/votes")
}

// parseLocal reads a datetime-local field in the city's time zone; "" is
// the zero time.
func (h *Handler) parseLocal(v string) (time.Time, bool) {
	if v = strings.TrimSpace(v); v == "" {
		return time.Time{}, true
	}
	return web.ParseLocalTime(v, h.location())
}

// location is the city's time zone (UTC when not set).
func (h *Handler) location() *time.Location {
	if h.Location == nil {
		return time.UTC
	}
	return h.Location
}

func (h *Handler) handleCreatePoll(w http.ResponseWriter, r *http.Request) error {
	f := PollForm{Slug: r.PostFormValue("slug"), Question: r.PostFormValue("question"), Kind: r.PostFormValue("kind"),
		Options: r.PostFormValue("options"), MaxChoices: r.PostFormValue("max_choices"), District: r.PostFormValue("district"),
		ResultsAfter: r.PostFormValue("results_after"), OpensAt: r.PostFormValue("opens_at"), ClosesAt: r.PostFormValue("closes_at"),
		ResidentsOnly: r.PostFormValue("residents_only") == "on"}
	in := PollInput{Slug: strings.TrimSpace(f.Slug), Question: f.Question, Kind: Kind(f.Kind), ResidentsOnly: f.ResidentsOnly,
		ResultsAfter: f.ResultsAfter}
	for _, line := range strings.Split(f.Options, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			in.Options = append(in.Options, line)
		}
	}
	in.MaxChoices, _ = strconv.Atoi(strings.TrimSpace(f.MaxChoices))
	in.District, _ = strconv.Atoi(strings.TrimSpace(f.District))
	opens, ok1 := h.parseLocal(f.OpensAt)
	closes, ok2 := h.parseLocal(f.ClosesAt)
	var err error
	switch {
	case !ok1 || !ok2:
		err = apperr.Fieldf("opens_at", "vote.error.dates")
	default:
		if opens.IsZero() {
			opens = h.Service.now()
		}
		in.OpensAt, in.ClosesAt = opens, closes
		_, err = h.Service.CreatePoll(r.Context(), actor(r), in)
	}
	if err != nil {
		return h.showAgain(w, r, err, "officer", "vote.officer.title", func(errs web.FormErrors) (any, error) {
			return h.officerPage(r, f, errs)
		})
	}
	return seeOther(w, r, "/officer/votes")
}

func (h *Handler) handleClosePoll(w http.ResponseWriter, r *http.Request) error {
	if err := h.Service.ClosePoll(r.Context(), actor(r), r.PathValue("slug")); err != nil {
		return err
	}
	return seeOther(w, r, "/officer/votes")
}

// PaperPage is a referendum's paper ballots: its batches and their sheets.
type PaperPage struct {
	V       ReferendumView
	Batches []ballot.Subtotal
	// Questions name each batch's question.
	Questions map[string]string
	Outcome   string
	Errors    web.FormErrors
	// Sheet is the sheet form as filled in (after an error).
	Sheet PaperSheetForm
}

// PaperSheetForm is a keyed sheet as filled in.
type PaperSheetForm struct {
	Batch, Seq, PESEL string
	Choices           map[string]bool
}

func (h *Handler) paperPage(r *http.Request, sheet PaperSheetForm, errs web.FormErrors) (any, error) {
	ref, err := h.Service.Referendum(r.Context(), r.PathValue("slug"))
	if err != nil {
		return nil, err
	}
	batches, err := h.Service.Batches(r.Context(), ref)
	if err != nil {
		return nil, err
	}
	page := &PaperPage{V: h.referendumView(r, ref), Batches: batches, Questions: map[string]string{},
		Outcome: r.URL.Query().Get("outcome"), Errors: errs, Sheet: sheet}
	for _, q := range ref.Questions {
		page.Questions[q.ID] = q.Text
	}
	return page, nil
}

func (h *Handler) handlePaper(w http.ResponseWriter, r *http.Request) error {
	page, err := h.paperPage(r, PaperSheetForm{}, nil)
	if err != nil {
		return err
	}
	return h.render(w, r, "officer_paper", "vote.paper.title", nil, page)
}

func (h *Handler) handleCreateBatch(w http.ResponseWriter, r *http.Request) error {
	slug := r.PathValue("slug")
	if _, err := h.Service.CreateBatch(r.Context(), actor(r), slug, r.PostFormValue("question"), r.PostFormValue("booth"),
		r.PostFormValue("label")); err != nil {
		return h.showAgain(w, r, err, "officer_paper", "vote.paper.title", func(errs web.FormErrors) (any, error) {
			return h.paperPage(r, PaperSheetForm{}, errs)
		})
	}
	return seeOther(w, r, "/officer/votes/referenda/"+slug+"/paper")
}

func (h *Handler) handleEnterSheet(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return apperr.Wrap(apperr.Invalid, "vote.error.form", err)
	}
	slug, batch := r.PathValue("slug"), r.PathValue("batch")
	form := PaperSheetForm{Batch: batch, Seq: r.PostFormValue("seq"), PESEL: r.PostFormValue("pesel"), Choices: map[string]bool{}}
	var choices []string
	for _, c := range r.PostForm["choice"] {
		form.Choices[c] = true
		choices = append(choices, c)
	}
	seq, _ := strconv.Atoi(strings.TrimSpace(form.Seq))
	outcome, err := h.Service.EnterPaper(r.Context(), actor(r), batch, PaperSheet{Seq: seq, PESEL: form.PESEL, Choices: choices})
	if err != nil {
		return h.showAgain(w, r, err, "officer_paper", "vote.paper.title", func(errs web.FormErrors) (any, error) {
			return h.paperPage(r, form, errs)
		})
	}
	return seeOther(w, r, "/officer/votes/referenda/"+slug+"/paper?outcome="+outcome)
}

func (h *Handler) handleDiscardSheet(w http.ResponseWriter, r *http.Request) error {
	slug := r.PathValue("slug")
	seq, _ := strconv.Atoi(r.PostFormValue("seq"))
	if err := h.Service.DiscardSheet(r.Context(), actor(r), r.PathValue("batch"), seq); err != nil {
		return h.showAgain(w, r, err, "officer_paper", "vote.paper.title", func(errs web.FormErrors) (any, error) {
			return h.paperPage(r, PaperSheetForm{}, errs)
		})
	}
	return seeOther(w, r, "/officer/votes/referenda/"+slug+"/paper?outcome=discarded")
}

func (h *Handler) handleCloseBatch(w http.ResponseWriter, r *http.Request) error {
	slug := r.PathValue("slug")
	if err := h.Service.CloseBatch(r.Context(), actor(r), r.PathValue("batch")); err != nil {
		return h.showAgain(w, r, err, "officer_paper", "vote.paper.title", func(errs web.FormErrors) (any, error) {
			return h.paperPage(r, PaperSheetForm{}, errs)
		})
	}
	return seeOther(w, r, "/officer/votes/referenda/"+slug+"/paper")
}
