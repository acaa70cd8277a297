package app

import (
	"context"
	"time"

	"github.com/civitas-city/civitas/internal/accounts/identity"
	"github.com/civitas-city/civitas/internal/card"
	"github.com/civitas-city/civitas/internal/web"
)

// wireCard adds the city card: holders from the city's eligibility list,
// the holder's rotating code, the partners' check API.
func wireCard(p *platform) (wired, error) {
	svc := &card.Service{DB: p.db, Key: []byte(p.cfg.SecretKey), Holders: cardHolders{p.residents},
		Catalog: p.site.Catalog, Log: p.log, Location: p.profile.Location, IsDistrict: p.profile.Districts.Has}
	var districts []card.District
	for _, d := range p.profile.Districts.All() {
		districts = append(districts, card.District{Number: d.Number, Name: d.Name})
	}
	h := &card.Handler{Site: p.site, Service: svc, VerifyURL: "/account/verify", Districts: districts}
	h.RegisterPages()
	return wired{
		locales: sub(card.Locales(), "locales"),
		card:    &web.Module{Path: "/card", TitleKey: "card.title", DescKey: "card.desc"},
		routes:  h.Routes,
		openapi: card.OpenAPI(),
		section: card.Section{S: svc},
		seed: func(ctx context.Context, _ demoUsers) error {
			var holders []card.DemoHolder
			for _, r := range identity.DemoRegister() {
				holders = append(holders, card.DemoHolder{PESEL: r.PESEL, District: r.District})
			}
			if err := card.SeedDemo(ctx, svc, holders, time.Now()); err != nil {
				return err
			}
			if _, err := card.SeedCatalogue(ctx, svc, time.Now()); err != nil {
				return err
			}
			return card.SeedUsage(ctx, svc)
		},
	}, nil
}

// cardHolders gives the card module a verified resident's PESEL hash
// (identity's residency).
type cardHolders struct{ ids *identity.Service }

func (c cardHolders) HolderOf(ctx context.Context, userID string) (string, bool, error) {
	r, err := c.ids.Residency(ctx, userID)
	return r.PESELHash, r.Verified, err
}
