package e2e

import (
	"testing"

	"github.com/civitas-city/civitas/internal/news"
)

// TestNewsFlows: with JavaScript off, in every language, an officer writes
// an event in the editor (first refused: no place), sends it to review and
// publishes it; a resident finds it by a search without diacritics and
// opens it. Every page on the way must pass axe-core.
func TestNewsFlows(t *testing.T) {
	s := start(t)
	for _, lang := range s.srv.Catalog.Languages() {
		t.Run(lang, func(t *testing.T) {
			title := "Piknik sąsiedzki " + lang
			f := s.startFlow(t, Admin, lang)
			f.open("/officer/news/new?kind=event")
			f.page("a new event's editor")
			f.fill("#title", title)
			f.fill("#starts_at", "2030-06-01T15:00")
			f.press(`main form button.primary`, ".error-summary")
			f.page("an event without its place")
			f.fill("#place", "Skwer przy ulicy Żółkiewskiego")
			f.fill("#accessibility", "Teren płaski, bez schodów.")
			f.press(`main form button.primary`, `form[action$="/status"]`)
			f.page("the saved draft")
			f.press(`form[action$="/status"] button`, `form[action$="/status"]`)
			f.page("the event in review")
			f.press(`form[action$="/status"] input[value="published"] + button`, `main a[href^="/news/items/"]`)
			f.page("the published event")

			r := s.startFlow(t, Resident, lang)
			r.open("/news")
			r.page("the news, the resident's district first")
			r.fill("#q", "piknik sasiedzki "+lang)
			r.press(`main form.filters button`, "main")
			r.page("search results")
			link := `main .news-list a[href^="/news/items/piknik-sasiedzki"]`
			if got := r.text(link); got != title {
				t.Fatalf("the search found %q, want %q", got, title)
			}
			r.open(r.attr(link, "href"))
			r.page("the event's page")
			r.open("/news/items/" + news.DemoInvestment)
			r.page("an investment with its milestones")
			if r.text("main table") == "" {
				t.Error("no milestones table")
			}
		})
	}
}
