package app

import (
	"context"

	"github.com/civitas-city/civitas/internal/accounts"
	"github.com/civitas-city/civitas/internal/consult"
	"github.com/civitas-city/civitas/internal/jobs"
	"github.com/civitas-city/civitas/internal/web"
)

// wireConsult adds consultations: processes with phases, documents
// commented paragraph by paragraph, meetings, the final report, and a
// Pol.is-style conversation per process whose opinion map a debounced job
// recomputes (consult.JobMap). Verified residency comes from identity;
// officers act for managed residents from the identity residents desk.
func wireConsult(p *platform) (wired, error) {
	svc := &consult.Service{
		DB:         p.db,
		Residents:  p.residents,
		IsDistrict: p.profile.Districts.Has,
		Location:   p.profile.Location,
		Contacts:   consultContacts{p.accounts},
		Catalog:    p.site.Catalog,
		BaseURL:    baseURL(p.cfg),
		Log:        p.log,
	}
	h := &consult.Handler{Site: p.site, Service: svc, Location: p.profile.Location,
		ResidentsDesk: "/officer/residents", VerifyURL: "/account/verify"}
	for _, d := range p.profile.Districts.All() {
		h.Districts = append(h.Districts, consult.DistrictOption{Number: d.Number, Label: d.Numeral + " " + d.Name})
	}
	h.RegisterPages()
	return wired{
		locales: consult.Locales(),
		card:    &web.Module{Path: "/consultations", TitleKey: "consult.title", DescKey: "consult.desc", InNav: true},
		routes:  h.Routes,
		jobs:    map[string]jobs.Handler{consult.JobMap: svc.MapJobHandler()},
		section: consult.Section{H: h},
		queues:  consult.Backoffice{S: h.Service},
		open:    consult.OpenNow{S: h.Service},
		items:   consult.Sitemap{S: h.Service},
		// The demo consultation "Nocna sprzedaż alkoholu", whose conversation
		// is a real Pol.is conversation (internal/consult/demo).
		seed: func(ctx context.Context, _ demoUsers) error { return consult.SeedDemo(ctx, p.db) },
	}, nil
}

// consultContacts finds the email and language of those registered for a
// meeting (accounts).
type consultContacts struct{ acc *accounts.Service }

func (c consultContacts) Contact(ctx context.Context, userID string) (consult.Contact, error) {
	u, err := c.acc.FindByID(ctx, userID)
	if err != nil {
		return consult.Contact{}, err
	}
	return consult.Contact{Email: u.Email, Lang: u.Language}, nil
}
