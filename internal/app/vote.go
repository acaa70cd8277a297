package app

import (
	"context"
	"strings"

	"github.com/civitas-city/civitas/internal/accounts"
	"github.com/civitas-city/civitas/internal/accounts/identity"
	"github.com/civitas-city/civitas/internal/vote"
	"github.com/civitas-city/civitas/internal/web"
)

// wireVote adds referenda and quick polls, on the shared ballot box.
func wireVote(p *platform) (wired, error) {
	svc := &vote.Service{DB: p.db, Key: []byte(p.cfg.SecretKey), Residents: voteResidents{p.residents},
		IsDistrict: p.profile.Districts.Has, Recipients: voteRecipients{p.residents, p.accounts},
		Catalog: p.site.Catalog, BaseURL: strings.TrimRight(baseURL(p.cfg), "/"), Location: p.profile.Location, Log: p.log}
	var districts []vote.District
	for _, d := range p.profile.Districts.All() {
		districts = append(districts, vote.District{Number: d.Number, Name: d.Name})
	}
	h := &vote.Handler{Site: p.site, Service: svc, Districts: districts, Location: p.profile.Location}
	h.RegisterPages()
	return wired{
		locales: sub(vote.Locales(), "locales"),
		card:    &web.Module{Path: "/votes", TitleKey: "vote.title", DescKey: "vote.desc", InNav: true},
		routes:  h.Routes,
		jobs:    svc.JobHandlers(),
		openapi: vote.OpenAPIPaths,
		section: vote.Section{S: svc},
		items:   vote.Sitemap{S: svc},
		open:    vote.OpenNow{S: svc},
		seed: func(ctx context.Context, demo demoUsers) error {
			return vote.SeedDemo(ctx, svc, vote.DemoOptions{OfficerID: demo[demoOfficer].ID,
				ResidentDistrict: identity.DemoVerified().District})
		},
	}, nil
}

// voteResidents hands identity's residency to the vote in its own terms.
type voteResidents struct{ ids *identity.Service }

func (r voteResidents) Residency(ctx context.Context, userID string) (vote.Residency, error) {
	res, err := r.ids.Residency(ctx, userID)
	return voteResidency(res), err
}

func (r voteResidents) ByPESEL(ctx context.Context, pesel string) (string, vote.Residency, error) {
	userID, res, err := r.ids.FindByPESEL(ctx, pesel)
	return userID, voteResidency(res), err
}

func voteResidency(r identity.Residency) vote.Residency {
	return vote.Residency{Verified: r.Verified, District: r.District, BirthDate: r.BirthDate, Person: r.PESELHash}
}

// voteRecipients lists the verified residents of a district (identity)
// who asked for mail, with their address and language (accounts).
type voteRecipients struct {
	ids *identity.Service
	acc *accounts.Service
}

func (r voteRecipients) Recipients(ctx context.Context, district int) ([]vote.Recipient, error) {
	ids, err := r.ids.ResidentsOf(ctx, district)
	if err != nil {
		return nil, err
	}
	var out []vote.Recipient
	for _, id := range ids {
		u, err := r.acc.FindByID(ctx, id)
		if err != nil {
			return nil, err
		}
		if u.NotifyEmail && u.Email != "" {
			out = append(out, vote.Recipient{Email: u.Email, Lang: u.Language})
		}
	}
	return out, nil
}
