package app

import (
	"context"
	"net/http"
	"strings"

	"github.com/civitas-city/civitas/internal/accounts/identity"
	"github.com/civitas-city/civitas/internal/news"
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
	h.RegisterPages()
	return wired{
		locales: sub(news.Locales(), "locales"),
		card:    &web.Module{Path: "/news", TitleKey: "news.title", DescKey: "news.desc", InNav: true},
		routes:  h.Routes,
		openapi: news.OpenAPIPaths,
		open:    news.Opener{H: h},
		seed: func(ctx context.Context, demo demoUsers) error {
			return news.SeedDemo(ctx, svc, news.DemoOptions{OfficerID: demo[demoOfficer].ID,
				ResidentDistrict: identity.DemoVerified().District, Districts: len(districts)})
		},
	}, nil
}
