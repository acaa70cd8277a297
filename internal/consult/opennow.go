package consult

import (
	"context"
	"time"

	"github.com/civitas-city/civitas/internal/web"
)

// OpenNow is the consultations' part of the home page's "open now": the
// open consultations, each closing at the end of its last dated phase.
type OpenNow struct{ S *Service }

var _ web.Opener = OpenNow{}

// OpenNow lists the open consultations with their closing dates.
func (o OpenNow) OpenNow(ctx context.Context) ([]web.OpenItem, error) {
	list, err := o.S.List(ctx, ListFilter{Public: true, Status: StatusOpen})
	if err != nil {
		return nil, err
	}
	lang := web.Lang(ctx)
	out := make([]web.OpenItem, 0, len(list))
	for _, c := range list {
		phases, err := o.S.Phases(ctx, c.ID)
		if err != nil {
			return nil, err
		}
		var closes time.Time
		for _, p := range phases {
			if p.EndsAt.After(closes) {
				closes = p.EndsAt
			}
		}
		out = append(out, web.OpenItem{Title: o.S.Catalog.T(lang, "consult.open.item", c.TitleText().For(lang)), URL: consultationURL(c.ID), Closes: closes, District: c.District})
	}
	return out, nil
}
