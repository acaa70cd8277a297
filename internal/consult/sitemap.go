package consult

import (
	"context"

	"github.com/civitas-city/civitas/internal/web"
)

// Sitemap is the consultations' part of sitemap.xml: every consultation
// residents may see (not a draft).
type Sitemap struct{ S *Service }

var _ web.ItemLister = Sitemap{}

// SitemapItems lists the public consultations' pages.
func (m Sitemap) SitemapItems(ctx context.Context) ([]string, error) {
	list, err := m.S.List(ctx, ListFilter{Public: true})
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(list))
	for _, c := range list {
		out = append(out, "/consultations/"+c.ID)
	}
	return out, nil
}
