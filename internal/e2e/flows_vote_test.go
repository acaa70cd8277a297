package e2e

import (
	"testing"

	"github.com/civitas-city/civitas/internal/vote"
)

// TestVoteFlows walks a referendum and a quick poll in a browser with
// JavaScript off, in every language, as the demo resident (who lives in
// the open referendum's district): a ballot with too many choices is
// refused with the reason; the first language's valid ballot is answered
// with a receipt per question, the next languages' with "already voted";
// a poll answered with nothing chosen is refused, then answered, and shows
// its results. Every page on the way must pass axe-core.
func TestVoteFlows(t *testing.T) {
	s := start(t)
	open := "/votes/referenda/" + vote.DemoOpenSlug
	langs := s.srv.Catalog.Languages()
	for i, lang := range langs {
		first := i == 0
		t.Run(lang, func(t *testing.T) {
			t.Run("vote in a referendum", func(t *testing.T) {
				f := s.startFlow(t, Resident, lang)
				f.open(open)
				f.page("the referendum")
				f.open(open + "/vote")
				f.page("the ballot")
				submit := `main form[action$="/vote"] button[type="submit"]`
				f.click(`main form fieldset:nth-of-type(1) div.check:nth-of-type(1) input`)
				for n := 1; n <= 3; n++ {
					f.click(`main form fieldset:nth-of-type(2) div.check:nth-of-type(` + string(rune('0'+n)) + `) input`)
				}
				f.press(submit, ".error-summary")
				f.page("a ballot with three answers where two are allowed")
				f.click(`main form fieldset:nth-of-type(2) div.check:nth-of-type(3) input`) // unticks the third
				if first {
					f.press(submit, "strong.token")
					f.page("the receipts")
					if code := f.text("strong.token"); len(code) != 11 {
						t.Errorf("receipt %q, want 11 characters like K7QH2-M9XPD", code)
					}
					f.open(open)
					f.page("the referendum with the resident's receipts")
					f.absent(`main a[href$="/vote"]`)
				} else {
					f.press(submit, ".error-summary")
					f.page("a second ballot of the same resident")
				}
			})
			t.Run("answer a poll", func(t *testing.T) {
				f := s.startFlow(t, Resident, lang)
				f.open("/votes/polls/" + vote.DemoFireworks)
				if first {
					f.press(`main form button[type="submit"]`, ".error-summary")
					f.page("a poll answered with nothing chosen")
					f.click(`main form div.check:nth-of-type(2) input`)
					f.press(`main form button[type="submit"]`, `main .notice[role="status"]`)
				}
				f.page("the poll answered, with its results")
				f.absent(`main form[action^="/votes/polls/"]`)
				if f.text("main table caption") == "" {
					t.Error("no results table after answering")
				}
			})
		})
	}
}
