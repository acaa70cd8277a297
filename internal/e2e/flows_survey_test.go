package e2e

import (
	"testing"

	"github.com/civitas-city/civitas/internal/survey"
)

// TestSurveyFlows answers the open customer-satisfaction survey in a
// browser with JavaScript off, in every language, as a visitor without an
// account (each language a new browser, so a new respondent): sending page
// 1 empty is refused with the reasons; a detractor's score brings page 2
// with the "what to improve" question, required; the answers are sent and
// thanked for; the survey cannot be answered again. Then an officer opens
// the wave's results, enters a phone interview (refused without the
// detractor's reason first), opens the questionnaire's preview and adds a
// question with the builder (refused with a bad key first). Every page on the
// way must pass axe-core.
func TestSurveyFlows(t *testing.T) {
	s := start(t)
	path := "/surveys/" + survey.DemoWave2025
	submit := `main form[action="` + path + `"] button[type="submit"]`
	for _, lang := range s.srv.Catalog.Languages() {
		t.Run(lang, func(t *testing.T) {
			f := s.startFlow(t, Anonymous, lang)
			f.open(path)
			f.page("page 1 of the survey")
			f.press(submit, ".error-summary")
			f.page("page 1 sent empty")
			f.click(`#channel-1`)
			f.click(`#nps-3`)
			f.press(submit, `#why_low`)
			f.page("page 2 for a detractor")
			f.press(submit, ".error-summary")
			f.page("page 2 without the required answer")
			f.fill(`#why_low`, "kolejka")
			f.click(`#courtesy-4`)
			f.fill(`#visits`, "2")
			f.press(submit, `main .notice[role="status"]`)
			f.page("the thanks")
			f.open(path)
			f.page("the survey answered already")
			f.absent(`main form[action="` + path + `"]`)
		})
	}
	t.Run("officer", func(t *testing.T) {
		f := s.startFlow(t, Admin, "pl")
		f.open("/officer/surveys/waves/" + survey.DemoWave2025)
		f.page("the wave's results")
		if f.text("main table caption") == "" {
			t.Error("no results table")
		}
		f.open("/officer/surveys/waves/" + survey.DemoWave2025 + "/interview")
		f.page("the interviewer's form")
		interview := `main form[action$="/interview"] button[type="submit"]`
		f.click(`#channel-1`)
		f.click(`#nps-2`)
		f.press(interview, ".error-summary")
		f.page("an interview of a detractor without the reason")
		f.fill(`#why_low`, "telefonicznie: długo czekał")
		f.choose(`#age_band`, "60-74")
		f.press(interview, `main .notice[role="status"]`)
		f.page("the interview saved")
		f.open("/officer/surveys")
		f.press(`main table a[href^="/officer/surveys/waves/"]`, "main h1")
		f.open("/officer/surveys")
		f.press(`main ul a[href^="/officer/surveys/questionnaires/"]`, ".survey-preview")
		f.page("a questionnaire's preview")
		add := `main form[action$="/questions"] button[type="submit"]`
		f.fill(`#q_key`, "Bad Key")
		f.fill(`#q_text_pl`, "Czy coś jeszcze?")
		f.press(add, ".error-summary")
		f.page("a question with a bad key")
		f.fill(`#q_key`, "extra")
		f.choose(`#q_kind`, "long_text")
		f.press(add, "#q-extra")
		f.page("the preview with the added question")
	})
}
