package app

import (
	"context"
	"strings"

	"github.com/civitas-city/civitas/internal/accounts"
	"github.com/civitas-city/civitas/internal/accounts/identity"
	"github.com/civitas-city/civitas/internal/budget"
	"github.com/civitas-city/civitas/internal/web"
)

// wireBudget adds the participatory budget: editions, projects, review,
// the vote online and on paper, results and realization.
func wireBudget(p *platform) (wired, error) {
	svc := &budget.Service{
		DB: p.db, Key: []byte(p.cfg.SecretKey), Residents: budgetResidents{p.residents}, People: budgetPeople{p.accounts},
		Catalog: p.site.Catalog, IsDistrict: p.profile.Districts.Has, BaseURL: strings.TrimRight(baseURL(p.cfg), "/"),
		Country: "Poland", Unit: p.profile.Name, Log: p.log,
	}
	var districts []budget.District
	for _, d := range p.profile.Districts.All() {
		districts = append(districts, budget.District{Number: d.Number, Name: d.Name, Population: d.Population})
	}
	h := &budget.Handler{Site: p.site, Service: svc, Districts: districts}
	h.RegisterPages()
	return wired{
		locales: sub(budget.Locales(), "locales"),
		card:    &web.Module{Path: "/budget", TitleKey: "budget.title", DescKey: "budget.desc", InNav: true},
		routes:  h.Routes,
		jobs:    svc.JobHandlers(),
		openapi: budget.OpenAPIPaths,
		section: budget.Section{S: svc},
		queues:  budget.Backoffice{S: svc},
		open:    budget.OpenNow{S: svc},
		items:   budget.Sitemap{S: svc},
		seed: func(ctx context.Context, demo demoUsers) error {
			return budget.SeedDemo(ctx, svc, budget.DemoOptions{
				Districts: districts, ResidentID: demo[demoResident].ID, OfficerID: demo[demoOfficer].ID,
			})
		},
	}, nil
}

// budgetResidents hands identity's residency to the budget in the
// budget's own terms.
type budgetResidents struct{ ids *identity.Service }

func (r budgetResidents) Residency(ctx context.Context, userID string) (budget.Residency, error) {
	res, err := r.ids.Residency(ctx, userID)
	return budgetResidency(res), err
}

func (r budgetResidents) ByPESEL(ctx context.Context, pesel string) (string, budget.Residency, error) {
	userID, res, err := r.ids.FindByPESEL(ctx, pesel)
	return userID, budgetResidency(res), err
}

func budgetResidency(r identity.Residency) budget.Residency {
	return budget.Residency{Verified: r.Verified, District: r.District, BirthDate: r.BirthDate, Person: r.PESELHash}
}

// budgetPeople finds account holders for the budget.
type budgetPeople struct{ acc *accounts.Service }

func (p budgetPeople) Contact(ctx context.Context, userID string) (budget.Contact, error) {
	u, err := p.acc.FindByID(ctx, userID)
	if err != nil {
		return budget.Contact{}, err
	}
	return budget.Contact{Email: u.Email, Name: u.DisplayName, Lang: u.Language, Notify: u.NotifyEmail}, nil
}

func (p budgetPeople) UserByEmail(ctx context.Context, email string) (string, error) {
	u, err := p.acc.FindByEmail(ctx, email)
	if err != nil {
		return "", err
	}
	return u.ID, nil
}
