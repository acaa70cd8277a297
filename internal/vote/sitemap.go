package vote

import (
	"context"

	"github.com/civitas-city/civitas/internal/web"
)

// Sitemap is the votes' part of sitemap.xml: every referendum (public from
// its announcement) and the polls the list shows (open or over).
type Sitemap struct{ S *Service }

var _ web.ItemLister = Sitemap{}

// SitemapItems lists the referenda's and polls' pages.
func (m Sitemap) SitemapItems(ctx context.Context) ([]string, error) {
	refs, err := m.S.Referenda(ctx)
	if err != nil {
		return nil, err
	}
	polls, err := m.S.Polls(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(refs)+len(polls))
	for _, r := range refs {
		out = append(out, "/votes/referenda/"+r.Slug)
	}
	now := m.S.now()
	for _, p := range polls {
		if p.Open(now) || p.Over(now) {
			out = append(out, "/votes/polls/"+p.Slug)
		}
	}
	return out, nil
}
