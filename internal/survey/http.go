package survey

import (
	"crypto/rand"
	"embed"
	"encoding/hex"
	"net/http"
	"strconv"
	"time"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/web"
)

//go:embed templates/*.html templates/partials/*.html
var templates embed.FS

// Handler serves the surveys' pages.
type Handler struct {
	Site    *web.Site
	Service *Service
	// Location is the city's time zone, for the dates of forms.
	Location *time.Location
}

// Pages lists the page templates.
var Pages = []string{
	"templates/surveys.html", "templates/answer.html", "templates/results.html",
	"templates/officer.html", "templates/officer_questionnaire.html", "templates/officer_wave.html",
	"templates/officer_interview.html",
}

// partials are the blocks every page may use: a question's controls and a
// wave's results.
var partials = []string{"templates/partials/questions.html", "templates/partials/results_table.html", "templates/partials/questionnaire_form.html"}

// RegisterPages registers the page templates.
func (h *Handler) RegisterPages() {
	h.Site.Renderer.RegisterWith("survey", templates, partials, Pages...)
}

// Routes registers every route of surveys: the one list to read.
func (h *Handler) Routes(handle web.Registrar) {
	// Respondents: who may answer is the wave's rule (Service.Start).
	handle("GET /surveys", web.Public, h.handleList)
	handle("GET /surveys/{slug}", web.Public, h.handleAnswerForm)
	handle("POST /surveys/{slug}", web.Public, h.handleAnswer)
	handle("GET /surveys/{slug}/results", web.Public, h.handlePublicResults)
	handle("GET /surveys/{slug}/results.csv", web.Public, h.handleOpenData)

	// Officers.
	officer := web.Officer("surveys")
	handle("GET /officer/surveys", officer, h.handleOfficer)
	handle("POST /officer/surveys", officer, h.handleCreateQuestionnaire)
	handle("GET /officer/surveys/questionnaires/{id}", officer, h.handleQuestionnaire)
	handle("POST /officer/surveys/questionnaires/{id}", officer, h.handleSaveQuestionnaire)
	handle("POST /officer/surveys/questionnaires/{id}/questions", officer, h.handleAddQuestion)
	handle("POST /officer/surveys/questionnaires/{id}/waves", officer, h.handleCreateWave)
	handle("GET /officer/surveys/waves/{slug}", officer, h.handleWave)
	handle("POST /officer/surveys/waves/{slug}/invite", officer, h.handleInvite)
	handle("POST /officer/surveys/waves/{slug}/close", officer, h.handleClose)
	handle("GET /officer/surveys/waves/{slug}/interview", officer, h.handleInterviewForm)
	handle("POST /officer/surveys/waves/{slug}/interview", officer, h.handleInterview)
	handle("GET /officer/surveys/waves/{slug}/export/{file}", officer, h.handleExport)
}

func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, page, title string, data any) error {
	return h.Site.Render(w, r, status, "survey/"+page, title, data)
}

func actor(r *http.Request) Actor {
	ctx := r.Context()
	if u := web.CurrentUser(ctx); u != nil {
		return Actor{ID: u.ID, Name: u.Name, RequestID: web.RequestID(ctx)}
	}
	return Actor{RequestID: web.RequestID(ctx)}
}

func seeOther(w http.ResponseWriter, r *http.Request, to string) error {
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

func (h *Handler) t(r *http.Request, key string, args ...any) string {
	return h.Site.Catalog.T(web.Lang(r.Context()), key, args...)
}

// ListPage is the list of surveys open to everyone.
type ListPage struct {
	Open   []WaveCard
	Closed []WaveCard
}

// WaveCard is a wave in a list.
type WaveCard struct {
	Slug, Title, Name string
	Access            Access
	ClosesAt          time.Time
}

func (h *Handler) handleList(w http.ResponseWriter, r *http.Request) error {
	all, err := h.Service.AllWaves(r.Context())
	if err != nil {
		return err
	}
	lang, now := web.Lang(r.Context()), h.Service.now()
	var page ListPage
	for _, s := range all {
		c := WaveCard{Slug: s.Wave.Slug, Title: s.Questionnaire.Title.In(lang), Name: s.Wave.Name, Access: s.Wave.Access, ClosesAt: s.Wave.ClosesAt}
		switch {
		case s.Wave.Open(now) && s.Wave.Access != Panel:
			page.Open = append(page.Open, c)
		case !s.Wave.Open(now) && now.After(s.Wave.OpensAt):
			page.Closed = append(page.Closed, c)
		}
	}
	return h.render(w, r, http.StatusOK, "surveys", "survey.title", page)
}

// resumeCookie keeps an open-link respondent's place between pages.
const resumeCookie = "survey_resume"

// respondentOf is who answers: the signed-in account, the token of the
// link, or the browser's resume secret (made now when it has none).
func respondentOf(w http.ResponseWriter, r *http.Request, token string) Respondent {
	who := Respondent{Token: token}
	if u := web.CurrentUser(r.Context()); u != nil {
		who.UserID = u.ID
	}
	if c, err := r.Cookie(resumeCookie); err == nil && len(c.Value) == 32 {
		who.Resume = c.Value
	} else if w != nil {
		b := make([]byte, 16)
		rand.Read(b)
		who.Resume = hex.EncodeToString(b)
		http.SetCookie(w, &http.Cookie{Name: resumeCookie, Value: who.Resume, Path: "/surveys", MaxAge: 60 * 24 * 3600,
			HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteLaxMode})
	}
	return who
}

// AnswerPage is one page of a survey as the respondent answers it, or a
// notice instead (thanks, already answered, sign in, ...).
type AnswerPage struct {
	Slug, Title, Intro, Section string
	Token                       string
	Page, Pages                 int // 1-based page number and count
	Questions                   []QuestionView
	Errors                      web.FormErrors
	Notice                      string
	SignIn                      bool
	Done                        bool
	Back                        int // the 1-based page to go back to; 0: none
}

func (h *Handler) handleAnswerForm(w http.ResponseWriter, r *http.Request) error {
	slug, token := r.PathValue("slug"), r.URL.Query().Get("token")
	if r.URL.Query().Get("done") == "1" {
		_, x, err := h.Service.Wave(r.Context(), slug)
		if err != nil {
			return err
		}
		return h.render(w, r, http.StatusOK, "answer", "survey.answer.title",
			AnswerPage{Slug: slug, Title: x.Title.In(web.Lang(r.Context())), Done: true})
	}
	resp, _, x, err := h.Service.Start(r.Context(), slug, respondentOf(w, r, token))
	if err != nil {
		return h.notice(w, r, slug, x, err)
	}
	p := resp.NextPage
	if back, err := strconv.Atoi(r.URL.Query().Get("page")); err == nil && back >= 1 && back-1 < p {
		p = back - 1
	}
	return h.showPage(w, r, http.StatusOK, slug, token, x, resp, p, resp.Answers, nil)
}

// notice shows why a respondent cannot answer, with the error's status.
func (h *Handler) notice(w http.ResponseWriter, r *http.Request, slug string, x *Questionnaire, err error) error {
	kind := apperr.KindOf(err)
	if x == nil || (kind != apperr.Unauthenticated && kind != apperr.Forbidden && kind != apperr.Conflict && kind != apperr.NotFound) {
		return err
	}
	page := AnswerPage{Slug: slug, Title: x.Title.In(web.Lang(r.Context())), Notice: h.t(r, apperr.MessageOf(err)),
		SignIn: kind == apperr.Unauthenticated}
	return h.render(w, r, web.StatusOf(err), "answer", "survey.answer.title", page)
}

func (h *Handler) showPage(w http.ResponseWriter, r *http.Request, status int, slug, token string, x *Questionnaire, resp *Response,
	p int, answers map[string]Answer, errs web.FormErrors) error {
	lang := web.Lang(r.Context())
	pages := x.Def.Pages()
	page := AnswerPage{Slug: slug, Title: x.Title.In(lang), Token: token, Page: p + 1, Pages: len(pages), Errors: errs,
		Questions: questionViews(x.Def, p, answersBefore(x.Def, resp.Answers, p), answers, errs, lang, resp.Seed)}
	if sec := x.Def.SectionOf(p); sec >= 0 {
		page.Section = x.Def.Sections[sec].Title.In(lang)
	}
	if p == 0 {
		page.Intro = x.Def.Intro.In(lang)
	} else {
		page.Back = p
	}
	return h.render(w, r, status, "answer", "survey.answer.title", page)
}

func (h *Handler) handleAnswer(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return apperr.Wrap(apperr.Invalid, "survey.error.form", err)
	}
	slug, token := r.PathValue("slug"), r.PostForm.Get("token")
	who := respondentOf(w, r, token)
	_, x, err := h.Service.cachedWave(r.Context(), slug)
	if err != nil {
		return err
	}
	p, err := strconv.Atoi(r.PostForm.Get("page"))
	if err != nil || p < 1 || p > len(x.Def.Pages()) {
		return apperr.E(apperr.Invalid, "survey.error.no_page")
	}
	given, err := ParsePage(x.Def, p-1, r.PostForm)
	if err == nil {
		_, err = h.Service.SavePage(r.Context(), slug, who, p-1, given)
	}
	if err != nil {
		errs, ferr := h.Site.FormError(web.Lang(r.Context()), err)
		if ferr != nil || !apperr.Is(err, apperr.Invalid) {
			return h.notice(w, r, slug, x, cmpErr(ferr, err))
		}
		resp, _, _, serr := h.Service.Start(r.Context(), slug, who)
		if serr != nil {
			return h.notice(w, r, slug, x, serr)
		}
		return h.showPage(w, r, errs.Status(), slug, token, x, resp, p-1, given, errs)
	}
	if p == len(x.Def.Pages()) {
		return seeOther(w, r, "/surveys/"+slug+"?done=1")
	}
	to := "/surveys/" + slug
	if token != "" {
		to += "?token=" + token
	}
	return seeOther(w, r, to)
}

// cmpErr is the first error that is not nil.
func cmpErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}
