package e2e

import (
	"testing"

	"github.com/civitas-city/civitas/internal/budget"
)

// TestBudgetFlows walks the participatory budget's forms in a browser with
// JavaScript off, in every language: a resident votes (first a ballot with
// one project twice, refused with the reason, then a valid one, answered
// with a receipt) and saves a draft local initiative (first with a cost
// that is not a number); an officer records a negative decision without
// reasons (refused), opens a paper-ballot batch and keys sheets (a wrong
// PESEL, then a real one). Every page on the way must pass axe-core.
func TestBudgetFlows(t *testing.T) {
	s := start(t)
	cur := "/budget/" + budget.DemoCurrentSlug
	for _, lang := range s.srv.Catalog.Languages() {
		t.Run(lang, func(t *testing.T) {
			t.Run("vote", func(t *testing.T) {
				f := s.startFlow(t, Resident, lang)
				f.open(cur + "/vote/miasto")
				first := f.value(`#rank1 option:nth-child(2)`)
				second := f.value(`#rank1 option:nth-child(3)`)
				f.choose("#rank1", first)
				f.choose("#rank2", first)
				f.press(`main form[action$="/vote/miasto"] button[type="submit"]`, ".error-summary")
				f.page("a ballot with one project twice")
				f.choose("#rank1", first)
				f.choose("#rank2", second)
				f.press(`main form[action$="/vote/miasto"] button[type="submit"]`, "strong.token")
				f.page("the confirmation")
				if code := f.text("strong.token"); len(code) != 11 {
					t.Errorf("receipt code %q, want 11 characters like K7QH2-M9XPD", code)
				}
			})
			t.Run("submit a local initiative", func(t *testing.T) {
				f := s.startFlow(t, Resident, lang)
				f.open("/budget/" + budget.DemoLocalSlug + "/submit")
				f.fill("#title", "Ławki na skwerze ("+lang+")")
				f.fill("#description", "Trzy **ławki** i kosz na śmieci.")
				f.fill("#address", "ul. Floriańska 1")
				f.fill("#cost_label_0", "Ławki")
				f.fill("#cost_amount_0", "cztery tysiące")
				save := `main form[action$="/projects"] button[value="save"]`
				f.press(save, ".error-summary")
				f.page("a draft with a cost in words")
				f.fill("#cost_amount_0", "4500")
				f.press(save, `main .notice[role="status"]`)
				f.page("the saved draft")
				f.absent(".error-summary")
			})
			t.Run("review a local initiative", func(t *testing.T) {
				f := s.startFlow(t, Admin, lang)
				f.open("/officer/budget/" + budget.DemoLocalSlug + "/review")
				f.page("the review queue")
				f.open(f.attr(`main a[href*="/projects/"]`, "href"))
				f.click("#outcome-negative")
				f.press(`main form[aria-labelledby="review-heading"] button[type="submit"]`, ".error-summary")
				f.page("a negative decision without reasons")
			})
			t.Run("key paper ballots", func(t *testing.T) {
				f := s.startFlow(t, Admin, lang)
				f.open("/officer/budget/" + budget.DemoCurrentSlug + "/paper")
				f.choose("#pool", "miasto")
				f.fill("#booth", "Urząd Dzielnicy I ("+lang+")")
				f.fill("#label", "e2e-"+lang)
				f.press(`main form[aria-labelledby="new-batch"] button[type="submit"]`, "#pesel")
				f.page("the new batch")
				entry := `main form[aria-labelledby="entry-heading"] button[type="submit"]`
				f.fill("#pesel", "90031600127") // wrong check digit
				f.choose("#rank1", f.value(`#rank1 option:nth-child(2)`))
				f.press(entry, ".error-summary")
				f.page("a sheet with a wrong PESEL")
				f.fill("#pesel", "90031600128") // in the demo register
				f.choose("#rank1", f.value(`#rank1 option:nth-child(2)`))
				f.press(entry, "#pesel")
				f.page("a keyed sheet")
				f.absent(".error-summary")
			})
		})
	}
}
