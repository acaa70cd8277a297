package reports

import (
	"context"

	"github.com/civitas-city/civitas/internal/web"
	"github.com/civitas-city/civitas/internal/web/backoffice"
)

// Backoffice is the reports' part of the staff's dashboard: the open cases
// of the officer's units, by status.
type Backoffice struct{ S *Service }

var _ backoffice.Section = Backoffice{}

// TitleKey is the section's heading.
func (Backoffice) TitleKey() string { return "reports.title" }

// Queues counts the open cases of u's units (every unit for an admin),
// one line per open status, each a link to the unit queue.
func (b Backoffice) Queues(ctx context.Context, u *web.User) ([]backoffice.Queue, error) {
	if !u.Has(web.RoleOfficer, "reports") {
		return nil, nil
	}
	units, err := b.S.UnitsOf(ctx, u)
	if err != nil {
		return nil, err
	}
	if u.Has(web.RoleAdmin, "") {
		all, err := b.S.Units(ctx)
		if err != nil {
			return nil, err
		}
		units = units[:0]
		for _, un := range all {
			units = append(units, un.ID)
		}
	}
	lang := web.Lang(ctx)
	if len(units) == 0 {
		return []backoffice.Queue{{Title: b.S.t(lang, "reports.queue.no_units_short"), URL: "/reports/officer"}}, nil
	}
	var out []backoffice.Queue
	for _, st := range OpenStatuses {
		n, err := b.S.Count(ctx, Filter{UnitIDs: units, Statuses: []Status{st}})
		if err != nil {
			return nil, err
		}
		out = append(out, backoffice.Queue{Title: b.S.t(lang, "reports.backoffice.status", b.S.t(lang, "reports.status."+string(st))), Count: n, URL: "/reports/officer"})
	}
	return out, nil
}
