package app

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/civitas-city/civitas/internal/accounts"
	"github.com/civitas-city/civitas/internal/accounts/identity"
	"github.com/civitas-city/civitas/internal/tax"
	"github.com/civitas-city/civitas/internal/tax/bankqr"
	"github.com/civitas-city/civitas/internal/web"
)

// wireTax adds the residents' local taxes, from the finance system's
// export, with payment by bank QR code.
func wireTax(p *platform) (wired, error) {
	t := p.profile.Taxes
	if t.NIP != "" {
		if _, ok := bankqr.NormalizeNIP(t.NIP); !ok {
			return wired{}, fmt.Errorf("tax: city profile: taxes.nip %q is not a valid NIP", t.NIP)
		}
	}
	svc := &tax.Service{DB: p.db, Key: []byte(p.cfg.SecretKey), Payers: taxPayers{p.residents}, Contacts: taxContacts{p.accounts},
		Catalog: p.site.Catalog, Log: p.log, Location: p.profile.Location, BaseURL: strings.TrimRight(baseURL(p.cfg), "/"),
		Recipient: t.Recipient, RecipientNIP: t.NIP}
	h := &tax.Handler{Site: p.site, Service: svc, VerifyURL: "/account/verify"}
	h.RegisterPages()
	return wired{
		locales: sub(tax.Locales(), "locales"),
		card:    &web.Module{Path: "/taxes", TitleKey: "tax.title", DescKey: "tax.desc"},
		routes:  h.Routes,
		jobs:    svc.JobHandlers(),
		section: tax.Section{S: svc},
		queues:  tax.Backoffice{S: svc},
		seed: func(ctx context.Context, _ demoUsers) error {
			return tax.SeedDemo(ctx, svc, identity.DemoVerified().PESEL, time.Now())
		},
	}, nil
}

// taxPayers gives the tax module a verified resident's PESEL hash
// (identity's residency).
type taxPayers struct{ ids *identity.Service }

func (t taxPayers) PayerOf(ctx context.Context, userID string) (string, bool, error) {
	r, err := t.ids.Residency(ctx, userID)
	return r.PESELHash, r.Verified, err
}

// taxContacts gives a resident's address and language for reminders.
type taxContacts struct{ acc *accounts.Service }

func (t taxContacts) Contact(ctx context.Context, userID string) (string, string, error) {
	u, err := t.acc.FindByID(ctx, userID)
	if err != nil {
		return "", "", err
	}
	return u.Email, u.Language, nil
}
