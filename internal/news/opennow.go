package news

import (
	"context"
	"time"

	"github.com/civitas-city/civitas/internal/web"
)

// Opener is the news's part of the home page's "open now": events of the
// coming fortnight and road works under way. The shell puts the signed-in
// resident's district first.
type Opener struct{ H *Handler }

var _ web.Opener = Opener{}

// openAhead is how far ahead events count as "now".
const openAhead = 14 * 24 * time.Hour

// OpenNow lists them, at most ten of each kind. An item of several
// districts counts for the whole city (an OpenItem has one district).
func (o Opener) OpenNow(ctx context.Context) ([]web.OpenItem, error) {
	now := o.H.Service.now()
	lang := web.Lang(ctx)
	var out []web.OpenItem
	for _, kind := range []Kind{Event, RoadWork} {
		items, err := o.H.Service.List(ctx, Filter{Kind: kind, From: now, To: now.Add(openAhead), Limit: 10})
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			district := 0
			if len(it.Districts) == 1 {
				district = it.Districts[0]
			}
			closes := it.EndsAt
			if kind == Event && closes.IsZero() {
				closes = it.StartsAt
			}
			out = append(out, web.OpenItem{Title: o.H.Site.Catalog.T(lang, "news.open."+string(kind), it.Title),
				URL: "/news/items/" + it.Slug, Closes: closes, District: district})
		}
	}
	return out, nil
}
