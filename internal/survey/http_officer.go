package survey

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/survey/stats"
	"github.com/civitas-city/civitas/internal/web"
)

// OfficerPage lists questionnaires and waves, with the form for a new
// questionnaire.
type OfficerPage struct {
	// Cases is the satisfaction after closed reports' cases, last year.
	Cases          []ResultRow
	CasesAll       ResultRow
	Questionnaires []QuestionnaireRow
	Waves          []WaveSummary
	Form           QuestionnaireForm
	Errors         web.FormErrors
	Lang           string
}

// QuestionnaireRow is a questionnaire version in the list.
type QuestionnaireRow struct {
	ID, Slug, Title string
	Version         int
}

// QuestionnaireForm is the questionnaire form's values: the definition is
// written as JSON (docs/survey.md describes it).
type QuestionnaireForm struct {
	Slug, TitlePL, TitleEN, TitleUK, Definition string
}

func (f QuestionnaireForm) title() Text {
	return Text{"pl": strings.TrimSpace(f.TitlePL), "en": strings.TrimSpace(f.TitleEN), "uk": strings.TrimSpace(f.TitleUK)}
}

func formOf(r *http.Request) QuestionnaireForm {
	return QuestionnaireForm{Slug: strings.TrimSpace(r.PostForm.Get("slug")), TitlePL: r.PostForm.Get("title_pl"),
		TitleEN: r.PostForm.Get("title_en"), TitleUK: r.PostForm.Get("title_uk"), Definition: r.PostForm.Get("definition")}
}

// parseDefinition reads the definition field.
func parseDefinition(s string) (Definition, error) {
	var d Definition
	dec := json.NewDecoder(strings.NewReader(s))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		return d, apperr.Fieldf("definition", "survey.error.bad_json")
	}
	return d, nil
}

func (h *Handler) officerPage(r *http.Request, form QuestionnaireForm, errs web.FormErrors) (*OfficerPage, error) {
	qs, err := h.Service.Questionnaires(r.Context())
	if err != nil {
		return nil, err
	}
	ws, err := h.Service.AllWaves(r.Context())
	if err != nil {
		return nil, err
	}
	lang := web.Lang(r.Context())
	page := &OfficerPage{Waves: ws, Form: form, Errors: errs, Lang: lang}
	cs, err := h.Service.CaseSatisfaction(r.Context(), h.Service.now().AddDate(-1, 0, 0))
	if err != nil {
		return nil, err
	}
	row := func(label string, c CaseScore) ResultRow {
		out := ResultRow{Label: label, N: strconv.Itoa(c.N), Suppressed: c.Suppressed}
		if !c.Suppressed {
			out.Share = num(c.Score, 0)
		}
		return out
	}
	if cs.All.N > 0 {
		page.CasesAll = row(h.t(r, "survey.cases.all"), cs.All)
		for _, u := range cs.Units {
			page.Cases = append(page.Cases, row(h.t(r, "survey.cases.unit", u.Group), u))
		}
		for _, c := range cs.Categories {
			page.Cases = append(page.Cases, row(h.t(r, "survey.cases.category", c.Group), c))
		}
	}
	for _, q := range qs {
		page.Questionnaires = append(page.Questionnaires, QuestionnaireRow{ID: q.ID, Slug: q.Slug, Title: q.Title.In(lang), Version: q.Version})
	}
	return page, nil
}

func (h *Handler) handleOfficer(w http.ResponseWriter, r *http.Request) error {
	page, err := h.officerPage(r, QuestionnaireForm{Definition: exampleDefinition}, nil)
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "officer", "survey.officer.title", page)
}

func (h *Handler) handleCreateQuestionnaire(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return apperr.Wrap(apperr.Invalid, "survey.error.form", err)
	}
	form := formOf(r)
	def, err := parseDefinition(form.Definition)
	var x *Questionnaire
	if err == nil {
		x, err = h.Service.CreateQuestionnaire(r.Context(), actor(r), QuestionnaireInput{Slug: form.Slug, Title: form.title(), Def: def})
	}
	if err != nil {
		errs, err := h.Site.FormError(web.Lang(r.Context()), err)
		if err != nil {
			return err
		}
		page, err := h.officerPage(r, form, errs)
		if err != nil {
			return err
		}
		return h.render(w, r, errs.Status(), "officer", "survey.officer.title", page)
	}
	return seeOther(w, r, "/officer/surveys/questionnaires/"+x.ID)
}

// QuestionnairePage previews a questionnaire version in one language, with
// the form to change it (or make a new version once locked) and to start
// a wave.
type QuestionnairePage struct {
	Q        *Questionnaire
	Title    string
	Locked   bool
	Preview  []PreviewPage
	Form     QuestionnaireForm
	Wave     WaveForm
	Errors   web.FormErrors
	Lang     string
	Accesses []Access
	// The add-a-question form.
	QForm QuestionForm
	Kinds []Kind
	Pages []int
}

// PreviewPage is one page of the preview.
type PreviewPage struct {
	Number    int
	Section   string
	Questions []QuestionView
}

// WaveForm is the new wave form's values.
type WaveForm struct {
	Slug, Name, Access, OpensAt, ClosesAt, RemindDays, MaxReminders string
}

func (h *Handler) questionnairePage(r *http.Request, id string, form *QuestionnaireForm, wave WaveForm, errs web.FormErrors) (*QuestionnairePage, error) {
	x, err := h.Service.Questionnaire(r.Context(), id)
	if err != nil {
		return nil, err
	}
	locked, err := h.Service.Locked(r.Context(), id)
	if err != nil {
		return nil, err
	}
	lang := r.URL.Query().Get("lang")
	if !slices.Contains(Languages, lang) {
		lang = web.Lang(r.Context())
	}
	page := &QuestionnairePage{Q: x, Title: x.Title.In(lang), Locked: locked, Wave: wave, Errors: errs, Lang: lang, Accesses: Accesses,
		QForm: QuestionForm{Page: "new", Kind: string(Single)}, Kinds: Kinds}
	for p := range x.Def.Pages() {
		page.Pages = append(page.Pages, p+1)
	}
	for p := range x.Def.Pages() {
		pp := PreviewPage{Number: p + 1, Questions: questionViews(x.Def, p, everything(), nil, nil, lang, "preview")}
		if s := x.Def.SectionOf(p); s >= 0 {
			pp.Section = x.Def.Sections[s].Title.In(lang)
		}
		page.Preview = append(page.Preview, pp)
	}
	if form != nil {
		page.Form = *form
	} else {
		def, _ := json.MarshalIndent(x.Def, "", "  ")
		page.Form = QuestionnaireForm{Slug: x.Slug, TitlePL: x.Title["pl"], TitleEN: x.Title["en"], TitleUK: x.Title["uk"], Definition: string(def)}
	}
	return page, nil
}

// everything makes every conditional question visible (the preview and
// the interviewer's form show them all).
func everything() map[string]Answer { return nil }

func (h *Handler) handleQuestionnaire(w http.ResponseWriter, r *http.Request) error {
	page, err := h.questionnairePage(r, r.PathValue("id"), nil, WaveForm{Access: string(Anyone)}, nil)
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "officer_questionnaire", "survey.officer.questionnaire", page)
}

// handleSaveQuestionnaire changes a version without answers, or makes the
// next version of one that has them.
func (h *Handler) handleSaveQuestionnaire(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return apperr.Wrap(apperr.Invalid, "survey.error.form", err)
	}
	id, form := r.PathValue("id"), formOf(r)
	def, err := parseDefinition(form.Definition)
	target := id
	if err == nil {
		var x *Questionnaire
		if r.PostForm.Get("as") == "version" {
			x, err = h.Service.NewVersion(r.Context(), actor(r), id, form.title(), def)
		} else {
			x, err = h.Service.UpdateQuestionnaire(r.Context(), actor(r), id, form.title(), def)
		}
		if err == nil {
			target = x.ID
		}
	}
	if err != nil {
		errs, err := h.Site.FormError(web.Lang(r.Context()), err)
		if err != nil {
			return err
		}
		page, err := h.questionnairePage(r, id, &form, WaveForm{Access: string(Anyone)}, errs)
		if err != nil {
			return err
		}
		return h.render(w, r, errs.Status(), "officer_questionnaire", "survey.officer.questionnaire", page)
	}
	return seeOther(w, r, "/officer/surveys/questionnaires/"+target)
}

// parseDay reads a date field (YYYY-MM-DD) as midnight in the city.
func (h *Handler) parseDay(s string) (time.Time, bool) {
	if strings.TrimSpace(s) == "" {
		return time.Time{}, true
	}
	t, err := time.ParseInLocation(time.DateOnly, strings.TrimSpace(s), h.loc())
	return t.UTC(), err == nil
}

func (h *Handler) loc() *time.Location {
	if h.Location != nil {
		return h.Location
	}
	return time.UTC
}

func (h *Handler) handleCreateWave(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return apperr.Wrap(apperr.Invalid, "survey.error.form", err)
	}
	id := r.PathValue("id")
	f := WaveForm{Slug: strings.TrimSpace(r.PostForm.Get("slug")), Name: r.PostForm.Get("name"), Access: r.PostForm.Get("access"),
		OpensAt: r.PostForm.Get("opens_at"), ClosesAt: r.PostForm.Get("closes_at"),
		RemindDays: r.PostForm.Get("remind_days"), MaxReminders: r.PostForm.Get("max_reminders")}
	bad := apperr.Fields{}
	opens, ok := h.parseDay(f.OpensAt)
	if !ok {
		bad["opens_at"] = "survey.error.no_date"
	}
	closes, ok := h.parseDay(f.ClosesAt)
	if !ok {
		bad["closes_at"] = "survey.error.no_date"
	}
	remind, err1 := strconv.Atoi(strings.TrimSpace(orZero(f.RemindDays)))
	maxR, err2 := strconv.Atoi(strings.TrimSpace(orZero(f.MaxReminders)))
	if err1 != nil || err2 != nil {
		bad["reminders"] = "survey.error.reminders"
	}
	err := bad.Err()
	var wave *Wave
	if err == nil {
		wave, err = h.Service.CreateWave(r.Context(), actor(r), WaveInput{QuestionnaireID: id, Slug: f.Slug, Name: f.Name,
			Access: Access(f.Access), OpensAt: opens, ClosesAt: closes, RemindDays: remind, MaxReminders: maxR})
	}
	if err != nil {
		errs, err := h.Site.FormError(web.Lang(r.Context()), err)
		if err != nil {
			return err
		}
		page, err := h.questionnairePage(r, id, nil, f, errs)
		if err != nil {
			return err
		}
		return h.render(w, r, errs.Status(), "officer_questionnaire", "survey.officer.questionnaire", page)
	}
	return seeOther(w, r, "/officer/surveys/waves/"+wave.Slug)
}

func orZero(s string) string {
	if strings.TrimSpace(s) == "" {
		return "0"
	}
	return s
}

// WavePage is a wave's results for officers: unweighted and weighted
// side by side, the change since the previous wave, the panel and the
// exports.
type WavePage struct {
	Wave               *Wave
	Title              string
	Open               bool
	Started, Completed int
	Res                *ResultsView
	Errors             web.FormErrors
	Invited            int
	Langs              []string
}

func (h *Handler) wavePage(r *http.Request, errs web.FormErrors) (*WavePage, error) {
	wave, x, err := h.Service.Wave(r.Context(), r.PathValue("slug"))
	if err != nil {
		return nil, err
	}
	started, completed, err := h.Service.Counts(r.Context(), wave.ID)
	if err != nil {
		return nil, err
	}
	res, err := h.resultsView(r, wave, x, false)
	if err != nil {
		return nil, err
	}
	invited, _ := strconv.Atoi(r.URL.Query().Get("invited"))
	return &WavePage{Wave: wave, Title: x.Title.In(web.Lang(r.Context())), Open: wave.Open(h.Service.now()),
		Started: started, Completed: completed, Res: res, Errors: errs, Invited: invited, Langs: Languages}, nil
}

func (h *Handler) handleWave(w http.ResponseWriter, r *http.Request) error {
	page, err := h.wavePage(r, nil)
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "officer_wave", "survey.officer.wave", page)
}

func (h *Handler) handleInvite(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return apperr.Wrap(apperr.Invalid, "survey.error.form", err)
	}
	slug := r.PathValue("slug")
	emails := strings.FieldsFunc(r.PostForm.Get("emails"), func(c rune) bool { return c == '\n' || c == ',' || c == ';' || c == '\r' })
	n, err := h.Service.Invite(r.Context(), actor(r), slug, emails, r.PostForm.Get("lang"))
	if err != nil {
		errs, err := h.Site.FormError(web.Lang(r.Context()), err)
		if err != nil {
			return err
		}
		if _, ok := errs[""]; ok {
			errs["emails"] = errs[""]
			delete(errs, "")
		}
		page, err := h.wavePage(r, errs)
		if err != nil {
			return err
		}
		return h.render(w, r, errs.Status(), "officer_wave", "survey.officer.wave", page)
	}
	return seeOther(w, r, fmt.Sprintf("/officer/surveys/waves/%s?invited=%d", slug, n))
}

func (h *Handler) handleClose(w http.ResponseWriter, r *http.Request) error {
	if err := h.Service.CloseWave(r.Context(), actor(r), r.PathValue("slug")); err != nil {
		return err
	}
	return seeOther(w, r, "/officer/surveys/waves/"+r.PathValue("slug"))
}

// InterviewPage is the form an officer enters a respondent's answers in:
// every page at once (conditions are checked on saving).
type InterviewPage struct {
	Slug, Title string
	Pages       []PreviewPage
	Errors      web.FormErrors
	District    string
	AgeBand     string
	AgeBands    []string
	Saved       bool
}

func (h *Handler) interviewPage(r *http.Request, answers map[string]Answer, errs web.FormErrors) (*InterviewPage, error) {
	wave, x, err := h.Service.Wave(r.Context(), r.PathValue("slug"))
	if err != nil {
		return nil, err
	}
	lang := web.Lang(r.Context())
	page := &InterviewPage{Slug: wave.Slug, Title: x.Title.In(lang), Errors: errs, AgeBands: AgeBands,
		Saved: r.URL.Query().Get("saved") == "1"}
	if r.PostForm != nil {
		page.District, page.AgeBand = r.PostForm.Get("district"), r.PostForm.Get("age_band")
	}
	for p := range x.Def.Pages() {
		page.Pages = append(page.Pages, PreviewPage{Number: p + 1, Questions: questionViews(x.Def, p, everything(), answers, errs, lang, "")})
	}
	return page, nil
}

func (h *Handler) handleInterviewForm(w http.ResponseWriter, r *http.Request) error {
	page, err := h.interviewPage(r, nil, nil)
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "officer_interview", "survey.officer.interview", page)
}

func (h *Handler) handleInterview(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return apperr.Wrap(apperr.Invalid, "survey.error.form", err)
	}
	slug := r.PathValue("slug")
	_, x, err := h.Service.Wave(r.Context(), slug)
	if err != nil {
		return err
	}
	answers := map[string]Answer{}
	bad := apperr.Fields{}
	for p := range x.Def.Pages() {
		given, err := ParsePage(x.Def, p, r.PostForm)
		for k, v := range given {
			answers[k] = v
		}
		for k, v := range apperr.FieldsOf(err) {
			bad[k] = v
		}
	}
	district, derr := strconv.Atoi(orZero(r.PostForm.Get("district")))
	if derr != nil {
		bad["district"] = "survey.error.bad_district"
	}
	err = bad.Err()
	if err == nil {
		_, err = h.Service.EnterInterview(r.Context(), actor(r), slug, Interview{Answers: answers, District: district, AgeBand: r.PostForm.Get("age_band")})
	}
	if err != nil {
		errs, err := h.Site.FormError(web.Lang(r.Context()), err)
		if err != nil {
			return err
		}
		page, err := h.interviewPage(r, answers, errs)
		if err != nil {
			return err
		}
		return h.render(w, r, errs.Status(), "officer_interview", "survey.officer.interview", page)
	}
	return seeOther(w, r, "/officer/surveys/waves/"+slug+"/interview?saved=1")
}

// ResultsView is a wave's results as pages show them.
type ResultsView struct {
	Responses  int
	Weighted   int
	Deff, NEff string
	Unweighted string // why there are no weighted figures, translated; "" when weighted
	Questions  []QuestionResultView
	Previous   string // the previous wave's name, when compared
	Changes    []ChangeView
	Public     bool
	Breakdowns []BreakdownView
	Tables     []CrossTabView
}

// BreakdownView is an NPS by the answers of a single-choice question.
type BreakdownView struct {
	Caption string
	Rows    []ResultRow // Share: unweighted NPS, Weighted: weighted NPS
}

// CrossTabView is an NPS question's promoters, passives and detractors by
// age band or district, small cells suppressed.
type CrossTabView struct {
	Caption string
	Rows    []CrossTabRow
}

// CrossTabRow is one row: a label and three cells (promoters, passives,
// detractors); an empty cell is suppressed.
type CrossTabRow struct {
	Label string
	Cells []string
}

// QuestionResultView is one question's results.
type QuestionResultView struct {
	Key, Label, Kind string
	Answered         int
	Chart            any
	Rows             []ResultRow
	Mean, WMean      string
	NPS, WNPS        string
	Means            []ResultRow // matrix rows, ranking options
	Texts            bool
}

// ResultRow is one line of a results table.
type ResultRow struct {
	Label           string
	N               string
	Share, Weighted string
	Suppressed      bool
}

// ChangeView is a figure's change since the previous wave.
type ChangeView struct {
	Label, What, Earlier, Later, Diff, Interval string
	Significant                                 bool
}

func pct(e stats.Estimate) string {
	if e.N == 0 {
		return "—"
	}
	s := fmt.Sprintf("%.1f%%", e.Value*100)
	if e.HasInterval() {
		s += fmt.Sprintf(" (%.1f–%.1f)", e.Lo*100, e.Hi*100)
	}
	return s
}

func num(e stats.Estimate, digits int) string {
	if e.N == 0 {
		return "—"
	}
	s := strconv.FormatFloat(e.Value, 'f', digits, 64)
	if e.HasInterval() {
		s += " (" + strconv.FormatFloat(e.Lo, 'f', digits, 64) + "–" + strconv.FormatFloat(e.Hi, 'f', digits, 64) + ")"
	}
	return s
}

func (h *Handler) resultsView(r *http.Request, wave *Wave, x *Questionnaire, public bool) (*ResultsView, error) {
	lang := web.Lang(r.Context())
	res, err := h.Service.Results(r.Context(), wave, x, lang)
	if err != nil {
		return nil, err
	}
	v := &ResultsView{Responses: len(res.Responses), Weighted: res.Weighting.Weighted, Public: public}
	if res.Weighting.Problem != "" {
		v.Unweighted = h.t(r, res.Weighting.Problem)
	} else {
		v.Deff, v.NEff = fmt.Sprintf("%.2f", res.Weighting.Deff), fmt.Sprintf("%.0f", res.Weighting.NEff)
	}
	for _, q := range res.Results {
		qv := QuestionResultView{Key: q.Question.Key, Label: q.Question.Text.In(lang), Kind: string(q.Question.Kind), Answered: q.Answered}
		var bars []web.Bar
		for _, l := range q.Levels {
			label := l.Label
			if l.Code == OtherCode {
				label = h.t(r, "survey.answer.other")
			}
			row := ResultRow{Label: label, N: strconv.Itoa(l.N), Share: pct(l.Share), Weighted: pct(l.Weighted), Suppressed: l.Suppressed}
			if l.Suppressed {
				row.N, row.Share, row.Weighted = "", "", ""
			} else {
				bars = append(bars, web.Bar{Label: label, Value: float64(l.N), ValueLabel: strconv.Itoa(l.N)})
			}
			qv.Rows = append(qv.Rows, row)
		}
		if len(bars) > 0 && q.Answered > 0 {
			qv.Chart = web.BarChart("chart-"+q.Question.Key, qv.Label, bars)
		}
		if q.HasMean {
			qv.Mean, qv.WMean = num(q.Mean, 2), num(q.WMean, 2)
		}
		if q.HasNPS {
			qv.NPS, qv.WNPS = num(q.NPS, 1), num(q.WNPS, 1)
		}
		for _, m := range q.Rows {
			qv.Means = append(qv.Means, ResultRow{Label: m.Label, Share: num(m.Mean, 2), Weighted: num(m.WMean, 2)})
		}
		qv.Texts = q.Question.Kind == ShortText || q.Question.Kind == LongText || q.Question.Kind == Date
		if public && q.Answered > 0 && q.Answered < h.Service.minCell() {
			qv.Rows, qv.Chart, qv.Mean, qv.WMean, qv.NPS, qv.WNPS, qv.Means = nil, nil, "", "", "", "", nil
		}
		v.Questions = append(v.Questions, qv)
	}
	for _, b := range Breakdowns(x.Def, res.Responses, res.Weighting.Weights, lang, h.Service.minCell()) {
		bv := BreakdownView{Caption: h.t(r, "survey.results.breakdown", b.Of.Text.In(lang), b.By.Text.In(lang))}
		for _, row := range b.Rows {
			rr := ResultRow{Label: row.Label, N: strconv.Itoa(row.N), Suppressed: row.Suppressed}
			if !row.Suppressed {
				rr.Share, rr.Weighted = num(row.NPS, 1), num(row.WNPS, 1)
			}
			bv.Rows = append(bv.Rows, rr)
		}
		v.Breakdowns = append(v.Breakdowns, bv)
	}
	for _, q := range x.Def.Questions() {
		if q.Kind != NPS {
			continue
		}
		for _, byDistrict := range []bool{false, true} {
			rows, tab, err := NPSTable(q.Question, res.Responses, nil, byDistrict, h.Service.minCell())
			if err != nil {
				return nil, err
			}
			caption := h.t(r, "survey.results.by_age", q.Text.In(lang))
			if byDistrict {
				caption = h.t(r, "survey.results.by_district", q.Text.In(lang))
			}
			cv := CrossTabView{Caption: caption}
			for i, label := range rows {
				if tab.RowTotals[i].N == 0 && !tab.RowTotals[i].Suppressed {
					continue
				}
				if byDistrict {
					label = h.t(r, "survey.results.district", label)
				}
				row := CrossTabRow{Label: label}
				for _, c := range tab.Cells[i] {
					cell := ""
					if !c.Suppressed {
						cell = fmt.Sprintf("%d (%.0f%%)", c.N, c.Share*100)
					}
					row.Cells = append(row.Cells, cell)
				}
				cv.Rows = append(cv.Rows, row)
			}
			if len(cv.Rows) > 0 {
				v.Tables = append(v.Tables, cv)
			}
		}
	}
	prev, px, err := h.Service.Previous(r.Context(), wave, x)
	if err != nil || prev == nil {
		return v, err
	}
	earlier, err := h.Service.Results(r.Context(), prev, px, lang)
	if err != nil {
		return nil, err
	}
	v.Previous = prev.Name
	for _, c := range Compare(earlier.Results, res.Results) {
		digits := 2
		if c.What == "nps" {
			digits = 1
		}
		f := func(x float64) string { return strconv.FormatFloat(x, 'f', digits, 64) }
		v.Changes = append(v.Changes, ChangeView{Label: c.Question.Text.In(lang), What: h.t(r, "survey.results."+c.What),
			Earlier: f(c.Earlier.Value), Later: f(c.Later.Value), Diff: fmt.Sprintf("%+.*f", digits, c.Diff.Value),
			Interval: f(c.Diff.Lo) + " – " + f(c.Diff.Hi), Significant: c.Diff.Significant})
	}
	return v, nil
}

// PublicResultsPage is a finished wave's published results.
type PublicResultsPage struct {
	Slug, Title, Name string
	Res               *ResultsView
	MinCell           int
}

func (h *Handler) handlePublicResults(w http.ResponseWriter, r *http.Request) error {
	wave, x, err := h.Service.Wave(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	if wave.Open(h.Service.now()) || h.Service.now().Before(wave.OpensAt) {
		return apperr.E(apperr.NotFound, "survey.error.no_results_yet")
	}
	res, err := h.resultsView(r, wave, x, true)
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "results", "survey.results.title",
		PublicResultsPage{Slug: wave.Slug, Title: x.Title.In(web.Lang(r.Context())), Name: wave.Name, Res: res, MinCell: h.Service.minCell()})
}

// handleAddQuestion appends a question made from the builder's form; a
// questionnaire with answers gets a new version instead.
func (h *Handler) handleAddQuestion(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return apperr.Wrap(apperr.Invalid, "survey.error.form", err)
	}
	id, qf := r.PathValue("id"), questionFormOf(r.PostForm)
	x, err := h.Service.Questionnaire(r.Context(), id)
	if err != nil {
		return err
	}
	locked, err := h.Service.Locked(r.Context(), id)
	if err != nil {
		return err
	}
	def, err := AddQuestion(x.Def, qf)
	target := id
	if err == nil {
		var saved *Questionnaire
		if locked {
			saved, err = h.Service.NewVersion(r.Context(), actor(r), id, x.Title, def)
		} else {
			saved, err = h.Service.UpdateQuestionnaire(r.Context(), actor(r), id, x.Title, def)
		}
		if err == nil {
			target = saved.ID
		}
	}
	if err != nil {
		errs, err := h.Site.FormError(web.Lang(r.Context()), err)
		if err != nil {
			return err
		}
		// The definition's errors are keyed by question: the new one's key
		// is the form's key field.
		if msg, ok := errs[qf.Key]; ok && qf.Key != "" {
			errs["q_key"] = msg
			delete(errs, qf.Key)
		}
		page, err := h.questionnairePage(r, id, nil, WaveForm{Access: string(Anyone)}, errs)
		if err != nil {
			return err
		}
		page.QForm = qf
		return h.render(w, r, errs.Status(), "officer_questionnaire", "survey.officer.questionnaire", page)
	}
	return seeOther(w, r, "/officer/surveys/questionnaires/"+target+"#preview")
}
