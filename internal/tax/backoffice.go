package tax

import (
	"context"

	"github.com/civitas-city/civitas/internal/web"
	"github.com/civitas-city/civitas/internal/web/backoffice"
)

// Backoffice is the module's part of the staff's dashboard: the way in to
// the tax officers' desk, with the refused files since the last import.
type Backoffice struct{ S *Service }

var _ backoffice.Section = Backoffice{}

// TitleKey is the section's heading.
func (Backoffice) TitleKey() string { return "tax.profile.title" }

// Queues lists the desk for tax officers, counting refused files newer
// than the latest import (each needs the finance system to send it again).
func (b Backoffice) Queues(ctx context.Context, u *web.User) ([]backoffice.Queue, error) {
	if !u.Has(web.RoleOfficer, "taxes") {
		return nil, nil
	}
	runs, refusals, err := b.S.Runs(ctx)
	if err != nil {
		return nil, err
	}
	n := 0
	for _, r := range refusals {
		if len(runs) == 0 || r.AttemptedAt.After(runs[0].ImportedAt) {
			n++
		}
	}
	return []backoffice.Queue{{Title: b.S.Catalog.T(web.Lang(ctx), "tax.backoffice.title"), Count: n, URL: "/officer/taxes"}}, nil
}
