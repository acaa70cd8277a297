package budget_test

import (
	"context"
	"slices"
	"testing"

	"github.com/civitas-city/civitas/internal/budget"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/db/dbtest"
)

// The sitemap lists each public edition, its project list and its public
// projects; a draft edition and a project still in draft stay out.
func TestSitemapItems(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, res, _ := newService(t, d)
		res.add("author", "00000000000", 1, adult)
		e := submissionEdition(t, s, cityConfig("bo-map"))
		accepted := acceptedProject(t, s, e, "author", "city", "Zielony skwer przy szkole", "100000")
		draft, err := s.SaveProject(ctx, budget.Actor{ID: "author"}, "author", e.ID, "", budget.ProjectInput{
			Pool: "city", Title: "Szkic projektu", Description: "Jeszcze niegotowy opis projektu, który autor dopiero pisze.",
			Category: "zieleń", CostItems: []budget.CostItemInput{{Label: "Prace", Amount: "1000"}}}, false)
		if err != nil {
			t.Fatal(err)
		}
		if draft.Status != budget.StatusDraft {
			t.Fatalf("a project saved without sending is %s, want a draft", draft.Status)
		}
		draftEdition, err := s.CreateEdition(ctx, officer, cityConfig("bo-draft"))
		if err != nil {
			t.Fatal(err)
		}
		items, err := budget.Sitemap{S: s}.SitemapItems(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"/budget/bo-map", "/budget/bo-map/projects", "/budget/bo-map/projects/" + accepted.ID}
		for _, w := range want {
			if !slices.Contains(items, w) {
				t.Errorf("the sitemap lacks %s", w)
			}
		}
		for _, item := range items {
			if item == "/budget/"+draftEdition.Slug || item == "/budget/bo-map/projects/"+draft.ID {
				t.Errorf("the sitemap lists %s, which residents cannot see", item)
			}
		}
		if len(items) != len(want) {
			t.Errorf("the sitemap has %d budget items, want %d: %v", len(items), len(want), items)
		}
	})
}
