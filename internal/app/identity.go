package app

import (
	"context"
	"fmt"

	"github.com/civitas-city/civitas/internal/accounts/census"
	"github.com/civitas-city/civitas/internal/accounts/identity"
)

// wireIdentity adds verified residency: /account/verify (register, OpenID
// Connect), the officers' residents desk with managed profiles, and the
// residency part of "my profile".
func wireIdentity(p *platform) (wired, error) {
	if len(p.cfg.SecretKey) < census.MinKeyLen {
		return wired{}, fmt.Errorf("identity: %w", census.ErrShortKey)
	}
	h := &identity.Handler{
		Site:       p.site,
		Service:    p.residents,
		Sessions:   p.sessions,
		OIDC:       identity.NewOIDC(identity.OIDCConfig(p.cfg.OIDC)),
		Districts:  p.profile.Districts,
		BaseURL:    p.cfg.BaseURL,
		TrustProxy: p.cfg.TrustProxy,
	}
	h.RegisterPages()
	return wired{
		locales: sub(identity.Locales(), "locales"),
		routes:  h.Routes,
		section: identity.Section{H: h},
		// The synthetic register; the demo resident is verified against it.
		seed: func(ctx context.Context, demo demoUsers) error {
			return identity.SeedDemo(ctx, p.db, []byte(p.cfg.SecretKey), demo[demoResident].ID)
		},
	}, nil
}
