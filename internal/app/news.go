package app

import (
	"context"
	"net/http"
	"strings"

	"github.com/civitas-city/civitas/internal/accounts"
	"github.com/civitas-city/civitas/internal/accounts/identity"
	"github.com/civitas-city/civitas/internal/addresses"
	"github.com/civitas-city/civitas/internal/news"
	"github.com/civitas-city/civitas/internal/news/waste"
	"github.com/civitas-city/civitas/internal/web"
)

// wireNews adds the information hub: news, road works, investments and
// events, their feeds and API.
func wireNews(p *platform) (wired, error) {
	svc := &news.Service{DB: p.db, IsDistrict: p.profile.Districts.Has, Log: p.log}
	var districts []news.District
	for _, d := range p.profile.Districts.All() {
		districts = append(districts, news.District{Number: d.Number, Name: d.Name})
	}
	h := &news.Handler{Site: p.site, Service: svc, Districts: districts, BaseURL: strings.TrimRight(baseURL(p.cfg), "/"),
		Location: p.profile.Location, DistrictOf: func(r *http.Request) int {
			u := web.CurrentUser(r.Context())
			if u == nil {
				return 0
			}
			acc, err := p.accounts.FindByID(r.Context(), u.ID)
			if err != nil {
				return 0 // the page still works, without "your district" first
			}
			return acc.District
		}}
	h.Waste = &waste.Service{DB: p.db, StreetKey: addresses.StreetKey, Location: p.profile.Location,
		ParseAddress: func(text string) (string, string, bool) {
			q, ok := addresses.ParseQuery(text)
			return q.Street, q.Number, ok
		},
		Contacts: newsContacts{p.accounts}, Catalog: p.site.Catalog, BaseURL: h.BaseURL}
	h.RegisterPages()
	return wired{
		locales: sub(news.Locales(), "locales"),
		card:    &web.Module{Path: "/news", TitleKey: "news.title", DescKey: "news.desc", InNav: true},
		routes:  h.Routes,
		jobs:    h.Waste.JobHandlers(),
		openapi: news.OpenAPIPaths,
		open:    news.Opener{H: h},
		seed: func(ctx context.Context, demo demoUsers) error {
			if err := news.SeedDemo(ctx, svc, news.DemoOptions{OfficerID: demo[demoOfficer].ID,
				ResidentDistrict: identity.DemoVerified().District, Districts: len(districts)}); err != nil {
				return err
			}
			return waste.SeedDemo(ctx, h.Waste, demo[demoOfficer].ID)
		},
	}, nil
}

// newsContacts gives the waste reminders a resident's address and
// language (accounts); asking for a reminder is their consent to it.
type newsContacts struct{ acc *accounts.Service }

func (c newsContacts) Contact(ctx context.Context, userID string) (waste.Contact, error) {
	u, err := c.acc.FindByID(ctx, userID)
	if err != nil {
		return waste.Contact{}, err
	}
	return waste.Contact{Email: u.Email, Lang: u.Language}, nil
}
