package app

import (
	"context"
	"maps"
	"net/http"
	"strconv"
	"strings"

	"github.com/civitas-city/civitas/internal/accounts"
	"github.com/civitas-city/civitas/internal/accounts/identity"
	"github.com/civitas-city/civitas/internal/addresses"
	"github.com/civitas-city/civitas/internal/jobs"
	"github.com/civitas-city/civitas/internal/news"
	"github.com/civitas-city/civitas/internal/news/newsletter"
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
	h.Newsletter = &newsletter.Service{DB: p.db, Key: []byte(p.cfg.SecretKey), Mailer: p.mailer, Catalog: p.site.Catalog,
		BaseURL: h.BaseURL, IsDistrict: p.profile.Districts.Has, Topics: news.Topics, Items: h.DigestItems,
		// Two send jobs a mailing, each at most 1,000 messages a second:
		// measured 1,081/s for both on a loaded 2-core machine (docs/benchmarks.md).
		Workers: 2, Rate: 1000,
		DistrictName: func(n int) string {
			if d, ok := p.profile.Districts.ByNumber(n); ok {
				return d.Name
			}
			return strconv.Itoa(n)
		}, Log: p.log}
	h.Account = func(r *http.Request) (news.Account, error) {
		u, err := p.accounts.FindByID(r.Context(), web.CurrentUser(r.Context()).ID)
		if err != nil {
			return news.Account{}, err
		}
		return news.Account{ID: u.ID, Email: u.Email, Confirmed: u.EmailConfirmed}, nil
	}
	h.Preferences = func(ctx context.Context) ([]newsletter.Preference, error) {
		prefs, err := p.accounts.NewsPreferences(ctx)
		var out []newsletter.Preference
		for _, x := range prefs {
			out = append(out, newsletter.Preference{UserID: x.UserID, Email: x.Email, Lang: x.Language, Districts: x.Districts})
		}
		return out, err
	}
	h.RegisterPages()
	return wired{
		locales: sub(news.Locales(), "locales"),
		card:    &web.Module{Path: "/news", TitleKey: "news.title", DescKey: "news.desc", InNav: true},
		routes:  h.Routes,
		jobs:    merge(svc.IngestJobs(), h.Waste.JobHandlers(), h.Newsletter.JobHandlers()),
		openapi: news.OpenAPIPaths,
		open:    news.Opener{H: h},
		section: news.Section{H: h},
		// Mail clients POST one-click unsubscribes from anywhere (RFC 8058);
		// the signed token in the path is the proof.
		crossOriginExempt: []string{news.UnsubscribePattern},
		seed: func(ctx context.Context, demo demoUsers) error {
			if err := news.SeedDemo(ctx, svc, news.DemoOptions{OfficerID: demo[demoOfficer].ID,
				ResidentDistrict: identity.DemoVerified().District, Districts: len(districts)}); err != nil {
				return err
			}
			if err := waste.SeedDemo(ctx, h.Waste, demo[demoOfficer].ID); err != nil {
				return err
			}
			return newsletter.SeedDemo(ctx, h.Newsletter, demo[demoOfficer].ID, identity.DemoVerified().District)
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

// merge joins job handler maps.
func merge(ms ...map[string]jobs.Handler) map[string]jobs.Handler {
	out := map[string]jobs.Handler{}
	for _, m := range ms {
		maps.Copy(out, m)
	}
	return out
}
