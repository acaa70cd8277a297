package vote

import (
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/web"
)

// ReferendumView is a referendum as pages show it.
type ReferendumView struct {
	R           *Referendum
	Where       string // the district's name, or "the whole city"
	Description template.HTML
	Open        bool
	Timeline    []PhaseView
}

// PhaseView is a line of a referendum's timeline.
type PhaseView struct {
	Phase   Phase
	Starts  time.Time
	Current bool
}

func (h *Handler) referendumView(r *http.Request, ref *Referendum) ReferendumView {
	v := ReferendumView{R: ref, Description: web.Markdown(ref.Description, 1), Open: ref.VotingOpen(h.Service.now()),
		Where: h.t(r, "vote.city_wide")}
	if ref.District > 0 {
		v.Where = h.t(r, "vote.district", h.districtName(ref.District))
	}
	starts := map[Phase]time.Time{Voting: ref.VotingStarts, Closed: ref.VotingEnds, Results: ref.ResultsAt}
	for _, p := range Phases {
		v.Timeline = append(v.Timeline, PhaseView{Phase: p, Starts: starts[p], Current: p == ref.Phase})
	}
	return v
}

// optionLabel is an option as a resident reads it: yes and no translated.
func (h *Handler) optionLabel(r *http.Request, kind Kind, o Option) string {
	if kind == YesNo {
		return h.t(r, "vote.option."+o.Label)
	}
	return o.Label
}

// PollView is a poll in a list or on its page.
type PollView struct {
	P     *Poll
	Where string // the district's name when limited to one
	Open  bool
}

func (h *Handler) pollView(p *Poll) PollView {
	v := PollView{P: p, Open: p.Open(h.Service.now())}
	if p.District > 0 {
		v.Where = h.districtName(p.District)
	}
	return v
}

// ListPage is /votes: referenda and polls, open and past.
type ListPage struct {
	Open, Coming, Past []ReferendumView
	OpenPolls          []PollView
	PastPolls          []PollView
}

func (h *Handler) handleList(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	refs, err := h.Service.Referenda(ctx)
	if err != nil {
		return err
	}
	polls, err := h.Service.Polls(ctx)
	if err != nil {
		return err
	}
	page := &ListPage{}
	for _, ref := range refs {
		v := h.referendumView(r, ref)
		switch ref.Phase {
		case Announced:
			page.Coming = append(page.Coming, v)
		case Voting:
			page.Open = append(page.Open, v)
		default:
			page.Past = append(page.Past, v)
		}
	}
	now := h.Service.now()
	for _, p := range polls {
		switch {
		case p.Open(now):
			page.OpenPolls = append(page.OpenPolls, h.pollView(p))
		case p.Over(now):
			page.PastPolls = append(page.PastPolls, h.pollView(p))
		}
	}
	return h.render(w, r, "votes", "vote.title", nil, page)
}

// ReferendumPage is a referendum's page.
type ReferendumPage struct {
	V         ReferendumView
	Questions []QuestionForm
	// Mine are the signed-in resident's receipts, when they have voted.
	Mine []ReceiptView
}

func (h *Handler) handleReferendum(w http.ResponseWriter, r *http.Request) error {
	ref, err := h.Service.Referendum(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	page := &ReferendumPage{V: h.referendumView(r, ref), Questions: h.questionForms(r, ref, nil)}
	if user := participant(r); user != "" {
		mine, err := h.Service.Receipts(r.Context(), ref, user)
		if err != nil {
			return err
		}
		page.Mine = mine
	}
	return h.render(w, r, "referendum", "vote.referendum.title", nil, page)
}

// QuestionForm is a question on the ballot form.
type QuestionForm struct {
	Q       *Question
	Rules   string
	Options []OptionView
	Ranks   []RankView
}

// OptionView is an option on a form.
type OptionView struct {
	ID, Label string
	Checked   bool
}

// RankView is a place of a ranking.
type RankView struct {
	N, Points int
	Selected  string
}

func (h *Handler) questionForms(r *http.Request, ref *Referendum, in Answers) []QuestionForm {
	out := make([]QuestionForm, 0, len(ref.Questions))
	for i := range ref.Questions {
		q := &ref.Questions[i]
		f := QuestionForm{Q: q}
		chosen := map[string]bool{}
		for _, c := range in[q.ID] {
			chosen[c] = true
		}
		for _, o := range q.Options {
			f.Options = append(f.Options, OptionView{ID: o.ID, Label: h.optionLabel(r, q.Kind, o), Checked: chosen[o.ID]})
		}
		switch q.Kind {
		case Multiple:
			f.Rules = h.t(r, "vote.rules.multiple", q.MaxChoices)
		case Ranking:
			f.Rules = h.t(r, "vote.rules.ranking", q.MaxChoices, q.MaxChoices)
			for n := 1; n <= q.MaxChoices; n++ {
				rv := RankView{N: n, Points: q.MaxChoices - n + 1}
				if n <= len(in[q.ID]) {
					rv.Selected = in[q.ID][n-1]
				}
				f.Ranks = append(f.Ranks, rv)
			}
		default:
			f.Rules = h.t(r, "vote.rules.one")
		}
		out = append(out, f)
	}
	return out
}

// BallotPage is the ballot form of a referendum.
type BallotPage struct {
	V         ReferendumView
	Questions []QuestionForm
	Acting    bool
	Errors    web.FormErrors
}

func (h *Handler) ballotPage(r *http.Request, in Answers, errs web.FormErrors) (any, error) {
	ref, err := h.Service.Referendum(r.Context(), r.PathValue("slug"))
	if err != nil {
		return nil, err
	}
	return &BallotPage{V: h.referendumView(r, ref), Questions: h.questionForms(r, ref, in),
		Acting: web.OnBehalfOf(r.Context()) != "", Errors: errs}, nil
}

func (h *Handler) handleBallotForm(w http.ResponseWriter, r *http.Request) error {
	page, err := h.ballotPage(r, nil, nil)
	if err != nil {
		return err
	}
	return h.render(w, r, "referendum_vote", "vote.ballot.title", nil, page)
}

// answersOf reads a ballot form: q-ID for yes/no, single and multiple
// choice, q-ID-rankN for a ranking's places.
func answersOf(r *http.Request, ref *Referendum) Answers {
	in := Answers{}
	for _, q := range ref.Questions {
		var choices []string
		if q.Kind == Ranking {
			for n := 1; n <= q.MaxChoices; n++ {
				if v := strings.TrimSpace(r.PostFormValue(fmt.Sprintf("q-%s-rank%d", q.ID, n))); v != "" {
					choices = append(choices, v)
				}
			}
		} else {
			choices = r.PostForm["q-"+q.ID]
		}
		if len(choices) > 0 {
			in[q.ID] = choices
		}
	}
	return in
}

func (h *Handler) handleCast(w http.ResponseWriter, r *http.Request) error {
	ref, err := h.Service.cachedReferendum(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return apperr.Wrap(apperr.Invalid, "vote.error.form", err)
	}
	in := answersOf(r, ref)
	if _, err := h.Service.Cast(r.Context(), actor(r), participant(r), ref.Slug, in); err != nil {
		return h.showAgain(w, r, err, "referendum_vote", "vote.ballot.title", func(errs web.FormErrors) (any, error) {
			return h.ballotPage(r, in, errs)
		})
	}
	// The referendum's page shows the receipts: a redirect keeps the
	// ballot's answer small and a reload from sending it again.
	return seeOther(w, r, "/votes/referenda/"+ref.Slug)
}

// ReceiptView is a question's receipt.
type ReceiptView struct {
	Question string
	Code     string
}

// ResultsPage is a referendum's results.
type ResultsPage struct {
	V          ReferendumView
	Out        *Outcome
	Questions  []QuestionResultView
	Districts  []CountView
	Ages       []Count
	DistChart  template.HTML
	AgeChart   template.HTML
	QuorumNote string
}

// QuestionResultView is a question's count with its chart.
type QuestionResultView struct {
	QuestionResult
	Ranking bool
	Chart   template.HTML
	Rows    []ResultRow
}

// ResultRow is an option's line of a results table.
type ResultRow struct {
	Label   string
	Votes   int
	Points  int
	Percent string
}

// CountView is a district's turnout with its name.
type CountView struct {
	Name   string
	Voters int
}

func percent(permille int) string {
	return strconv.Itoa(permille/10) + "," + strconv.Itoa(permille%10) + " %"
}

// resultsReferendum loads the path's referendum when its results are
// public.
func (h *Handler) resultsReferendum(r *http.Request) (*Referendum, error) {
	ref, err := h.Service.Referendum(r.Context(), r.PathValue("slug"))
	if err != nil {
		return nil, err
	}
	if ref.Phase != Results {
		return nil, apperr.E(apperr.NotFound, "vote.error.no_results")
	}
	return ref, nil
}

func (h *Handler) handleResults(w http.ResponseWriter, r *http.Request) error {
	ref, err := h.resultsReferendum(r)
	if err != nil {
		return err
	}
	out, err := h.Service.Results(r.Context(), ref)
	if err != nil {
		return err
	}
	page := &ResultsPage{V: h.referendumView(r, ref), Out: out, Ages: out.ByAge}
	if ref.Quorum > 0 {
		page.QuorumNote = h.t(r, "vote.results.quorum", ref.Quorum, percent(out.TurnoutPermille))
	}
	for i, q := range out.Questions {
		qv := QuestionResultView{QuestionResult: q, Ranking: q.Question.Kind == Ranking}
		var bars []web.Bar
		for _, o := range q.Options {
			label := h.optionLabel(r, q.Question.Kind, o.Option)
			value := o.Votes
			if qv.Ranking {
				value = o.Points
			}
			bars = append(bars, web.Bar{Label: label, Value: float64(value), ValueLabel: strconv.Itoa(value)})
			qv.Rows = append(qv.Rows, ResultRow{Label: label, Votes: o.Votes, Points: o.Points, Percent: percent(o.Permille)})
		}
		qv.Chart = web.BarChart(fmt.Sprintf("chart-q%d", i+1), q.Question.Text, bars)
		page.Questions = append(page.Questions, qv)
	}
	var dbars, abars []web.Bar
	for _, c := range out.ByDistrict {
		n, _ := strconv.Atoi(c.Band)
		name := h.districtName(n)
		page.Districts = append(page.Districts, CountView{Name: name, Voters: c.Voters})
		dbars = append(dbars, web.Bar{Label: name, Value: float64(c.Voters), ValueLabel: strconv.Itoa(c.Voters)})
	}
	for _, c := range out.ByAge {
		abars = append(abars, web.Bar{Label: c.Band, Value: float64(c.Voters), ValueLabel: strconv.Itoa(c.Voters)})
	}
	if len(dbars) > 0 {
		page.DistChart = web.BarChart("chart-districts", h.t(r, "vote.results.by_district"), dbars)
	}
	if len(abars) > 0 {
		page.AgeChart = web.BarChart("chart-ages", h.t(r, "vote.results.by_age"), abars)
	}
	return h.render(w, r, "results", "vote.results.title", nil, page)
}

// BallotsPage is the published ballot list of a question.
type BallotsPage struct {
	V        ReferendumView
	Question *Question
	Lines    []BallotLine
	Next     string
}

// BallotLine is a published ballot.
type BallotLine struct {
	Receipt string
	Choices string
	Channel string
	Void    bool
}

const perPage = 100

func (h *Handler) handleBallots(w http.ResponseWriter, r *http.Request) error {
	ref, err := h.resultsReferendum(r)
	if err != nil {
		return err
	}
	q := &ref.Questions[0]
	if id := r.URL.Query().Get("question"); id != "" {
		var ok bool
		if q, ok = ref.Question(id); !ok {
			return apperr.E(apperr.NotFound, "vote.error.unknown_question")
		}
	}
	list, err := h.Service.Ballots(r.Context(), q.ID, r.URL.Query().Get("after"), perPage+1)
	if err != nil {
		return err
	}
	page := &BallotsPage{V: h.referendumView(r, ref), Question: q}
	if len(list) > perPage {
		list = list[:perPage]
		page.Next = list[perPage-1].Receipt
	}
	labels := map[string]string{}
	for _, o := range q.Options {
		labels[o.ID] = h.optionLabel(r, q.Kind, o)
	}
	for _, b := range list {
		names := make([]string, len(b.Choices))
		for i, c := range b.Choices {
			names[i] = labels[c]
		}
		page.Lines = append(page.Lines, BallotLine{Receipt: b.Receipt, Choices: strings.Join(names, "; "),
			Channel: h.t(r, "vote.channel."+b.Channel), Void: b.Void})
	}
	return h.render(w, r, "ballots", "vote.ballots.title", nil, page)
}

// PollPage is a poll's page.
type PollPage struct {
	V        PollView
	Options  []OptionView
	Answered bool
	// Results are shown when visible to this resident.
	Results *PollOutcome
	Rows    []ResultRow
	Chart   template.HTML
	SignIn  bool
	Errors  web.FormErrors
	// Next is the page the resident answers from (the home page, their
	// profile), to come back to; empty on the poll's own page.
	Next string
}

func (h *Handler) pollPage(r *http.Request, chosen []string, errs web.FormErrors) (any, error) {
	ctx := r.Context()
	p, err := h.Service.Poll(ctx, r.PathValue("slug"))
	if err != nil {
		return nil, err
	}
	user := participant(r)
	answered, err := h.Service.Answered(ctx, p, user)
	if err != nil {
		return nil, err
	}
	page := &PollPage{V: h.pollView(p), Answered: answered, SignIn: user == "", Errors: errs, Next: nextOf(r)}
	picked := map[string]bool{}
	for _, c := range chosen {
		picked[c] = true
	}
	for _, o := range p.Options {
		page.Options = append(page.Options, OptionView{ID: o.ID, Label: o.Label, Checked: picked[o.ID]})
	}
	if p.ResultsVisible(h.Service.now(), answered) {
		if page.Results, err = h.Service.PollResults(ctx, p); err != nil {
			return nil, err
		}
		var bars []web.Bar
		for _, o := range page.Results.Options {
			page.Rows = append(page.Rows, ResultRow{Label: o.Option.Label, Votes: o.Votes, Percent: percent(o.Permille)})
			bars = append(bars, web.Bar{Label: o.Option.Label, Value: float64(o.Votes), ValueLabel: strconv.Itoa(o.Votes)})
		}
		page.Chart = web.BarChart("chart-poll", p.Question, bars)
	}
	return page, nil
}

func (h *Handler) handlePoll(w http.ResponseWriter, r *http.Request) error {
	page, err := h.pollPage(r, nil, nil)
	if err != nil {
		return err
	}
	return h.render(w, r, "poll", "vote.poll.title", nil, page)
}

func (h *Handler) handleAnswer(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return apperr.Wrap(apperr.Invalid, "vote.error.form", err)
	}
	slug := r.PathValue("slug")
	chosen := r.PostForm["choice"]
	if err := h.Service.Answer(r.Context(), actor(r), participant(r), slug, chosen); err != nil {
		return h.showAgain(w, r, err, "poll", "vote.poll.title", func(errs web.FormErrors) (any, error) {
			return h.pollPage(r, chosen, errs)
		})
	}
	if next := nextOf(r); next != "" {
		return seeOther(w, r, web.AnsweredURL(next, pollKey+slug))
	}
	return seeOther(w, r, "/votes/polls/"+slug+"?answered=1")
}

// nextOf is the page a poll was answered from (a form's "next"), kept on
// this site; "" when none.
func nextOf(r *http.Request) string {
	if next := r.PostFormValue("next"); next != "" {
		return web.LocalPath(next)
	}
	return ""
}

// handleExport serves a referendum's results as results.csv or
// results.json.
func (h *Handler) handleExport(w http.ResponseWriter, r *http.Request) error {
	ref, err := h.resultsReferendum(r)
	if err != nil {
		return err
	}
	out, err := h.Service.Results(r.Context(), ref)
	if err != nil {
		return err
	}
	switch r.PathValue("file") {
	case "results.json":
		w.Header().Set("Content-Disposition", `attachment; filename="`+ref.Slug+`-results.json"`)
		return web.WriteJSON(w, http.StatusOK, resultsJSON(ref, out))
	case "results.csv":
		return writeCSV(w, ref, out)
	}
	return apperr.E(apperr.NotFound, "error.not_found")
}
