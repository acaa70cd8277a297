package e2e

import (
	"strings"
	"testing"

	"github.com/civitas-city/civitas/internal/budget"
)

// TestBudgetAnalysisPages opens a counted pool's analysis, from the link on its results,
// and its comparison of greedy counting and Equal Shares, in a browser with JavaScript off,
// in every language: the heading is in the page's language, every chart is an SVG image
// with a title and a table beside it, the comparison says why each differing project
// differs, and axe-core finds nothing.
func TestBudgetAnalysisPages(t *testing.T) {
	s := start(t)
	results := "/budget/" + budget.DemoPastSlug + "/results/stare-miasto"
	const pool = "Dzielnica I Stare Miasto"
	for _, lang := range s.srv.Catalog.Languages() {
		t.Run(lang, func(t *testing.T) {
			f := s.startFlow(t, Anonymous, lang)
			f.open(results)
			f.open(f.attr(`main a[href$="/analysis"]`, "href"))
			f.page("the analysis")
			if got, want := f.text("h1"), s.srv.Catalog.T(lang, "budget.analysis.heading", pool); got != want {
				t.Errorf("heading %q, want %q", got, want)
			}
			if f.attr("main ul.chart", "aria-labelledby") == "" || f.text("main table caption") == "" {
				t.Error("the analysis has no labelled chart or no captioned table")
			}
			f.open(f.attr(`main a[href$="/compare"]`, "href"))
			f.page("the comparison")
			if got, want := f.text("h1"), s.srv.Catalog.T(lang, "budget.compare.heading", pool); got != want {
				t.Errorf("heading %q, want %q", got, want)
			}
			if why := f.text("main ul.differences li"); !strings.Contains(why, "BO.D1.") {
				t.Errorf("first difference %q does not name a project", why)
			}
		})
	}
}
