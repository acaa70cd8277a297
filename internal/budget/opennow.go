package budget

import (
	"context"

	"github.com/civitas-city/civitas/internal/web"
)

// OpenNow is the budget's part of the home page's "open now": editions
// taking votes, and editions taking project submissions, with the planned
// end of that phase.
type OpenNow struct{ S *Service }

var _ web.Opener = OpenNow{}

// OpenNow lists the editions open for votes or submissions.
func (o OpenNow) OpenNow(ctx context.Context) ([]web.OpenItem, error) {
	list, err := o.S.Editions(ctx)
	if err != nil {
		return nil, err
	}
	lang := web.Lang(ctx)
	var out []web.OpenItem
	for _, e := range list {
		full, err := o.S.EditionByID(ctx, e.ID)
		if err != nil {
			return nil, err
		}
		base := "/budget/" + full.Slug
		switch full.Phase {
		case PhaseVoting:
			out = append(out, web.OpenItem{Title: o.S.Catalog.T(lang, "budget.open.vote", full.TitleText().For(lang)), URL: base + "/vote", Closes: full.Starts[PhaseResults]})
		case PhaseSubmission:
			out = append(out, web.OpenItem{Title: o.S.Catalog.T(lang, "budget.open.submit", full.TitleText().For(lang)), URL: base + "/submit", Closes: full.Starts[PhaseReview]})
		}
	}
	return out, nil
}
