package budget

import (
	"context"
	"slices"

	"github.com/civitas-city/civitas/internal/web"
	"github.com/civitas-city/civitas/internal/web/backoffice"
)

// Backoffice is the budget's part of the staff's dashboard: for each
// edition the officer coordinates, the projects waiting for review and the
// paper-ballot batches still open.
type Backoffice struct{ S *Service }

var _ backoffice.Section = Backoffice{}

// TitleKey is the section's heading.
func (Backoffice) TitleKey() string { return "budget.title" }

// reviewPhases are the phases in which projects wait for review.
var reviewPhases = []Phase{PhaseSubmission, PhaseReview, PhaseAppeals}

// Queues lists, per edition u manages, the projects to review (submitted
// or appealed) while reviews happen, and the open paper batches while
// votes are cast.
func (b Backoffice) Queues(ctx context.Context, u *web.User) ([]backoffice.Queue, error) {
	if !u.Has(web.RoleOfficer, "budget") {
		return nil, nil
	}
	a := Actor{ID: u.ID, Name: u.Name, Admin: u.Has(web.RoleAdmin, "")}
	list, err := b.S.Editions(ctx)
	if err != nil {
		return nil, err
	}
	lang := web.Lang(ctx)
	t := func(key string, args ...any) string { return b.S.Catalog.T(lang, key, args...) }
	out := []backoffice.Queue{}
	for _, e := range list {
		full, err := b.S.EditionByID(ctx, e.ID)
		if err != nil {
			return nil, err
		}
		if !full.MayManage(a) {
			continue
		}
		base := "/officer/budget/" + full.Slug
		if slices.Contains(reviewPhases, full.Phase) {
			ps, err := b.S.Projects(ctx, ProjectFilter{EditionID: full.ID, Status: []string{StatusSubmitted, StatusAppealed}})
			if err != nil {
				return nil, err
			}
			out = append(out, backoffice.Queue{Title: t("budget.backoffice.review", full.TitleText().For(web.Lang(ctx))), Count: len(ps), URL: base + "/review"})
		}
		if full.Phase == PhaseVoting {
			batches, err := b.S.Batches(ctx, full.ID)
			if err != nil {
				return nil, err
			}
			open := 0
			for _, bt := range batches {
				if bt.Status == BatchOpen {
					open++
				}
			}
			out = append(out, backoffice.Queue{Title: t("budget.backoffice.paper", full.TitleText().For(web.Lang(ctx))), Count: open, URL: base + "/paper"})
		}
	}
	return out, nil
}
