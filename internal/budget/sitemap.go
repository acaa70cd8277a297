package budget

import (
	"context"

	"github.com/civitas-city/civitas/internal/web"
)

// Sitemap is the budget's part of sitemap.xml: each edition past its draft
// with its project list, every public project, and the results once out.
type Sitemap struct{ S *Service }

var _ web.ItemLister = Sitemap{}

// SitemapItems lists the budget's public item pages.
func (m Sitemap) SitemapItems(ctx context.Context) ([]string, error) {
	editions, err := m.S.Editions(ctx)
	if err != nil {
		return nil, err
	}
	slugs := map[string]string{} // edition ID -> slug, for the public ones
	var out []string
	for _, e := range editions {
		if e.Phase == PhaseDraft {
			continue
		}
		base := "/budget/" + e.Slug
		slugs[e.ID] = e.Slug
		out = append(out, base, base+"/projects")
		if e.Votes() && e.Phase.Index() >= PhaseResults.Index() {
			out = append(out, base+"/results")
		}
	}
	projects, err := m.S.Projects(ctx, ProjectFilter{Public: true})
	if err != nil {
		return nil, err
	}
	for _, p := range projects {
		if slug, ok := slugs[p.EditionID]; ok {
			out = append(out, "/budget/"+slug+"/projects/"+p.ID)
		}
	}
	return out, nil
}
