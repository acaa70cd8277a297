package app

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/civitas-city/civitas/internal/accounts/census"
	"github.com/civitas-city/civitas/internal/accounts/identity"
)

// oidcConfig is the identity provider's configuration. Until
// config.Config carries it, it is read from the CIVITAS_OIDC_* variables
// here; every problem is reported at start.
func oidcConfig(p *platform) (identity.OIDCConfig, error) {
	c, problems := identity.OIDCConfigFromEnv(os.Getenv)
	if len(problems) > 0 {
		return c, fmt.Errorf("invalid configuration:\n  %s", strings.Join(problems, "\n  "))
	}
	return c, nil
}

// wireIdentity adds verified residency: /account/verify (register, OpenID
// Connect), the officers' residents desk with managed profiles, and the
// residency part of "my profile".
func wireIdentity(p *platform) (wired, error) {
	if len(p.cfg.SecretKey) < census.MinKeyLen {
		return wired{}, fmt.Errorf("identity: %w", census.ErrShortKey)
	}
	oc, err := oidcConfig(p)
	if err != nil {
		return wired{}, err
	}
	h := &identity.Handler{
		Site:       p.site,
		Service:    p.residents,
		Sessions:   p.sessions,
		OIDC:       identity.NewOIDC(oc),
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
			return identity.SeedDemo(ctx, p.db, []byte(p.cfg.SecretKey), demo.id(demoResident))
		},
	}, nil
}
