package app

import (
	"fmt"
	"os"
	"strings"

	"github.com/civitas-city/civitas/internal/accounts/census"
	"github.com/civitas-city/civitas/internal/accounts/identity"
)

// newIdentityService is the verified-residency service: PESEL hashes keyed
// with CIVITAS_SECRET_KEY, districts of the city profile. Modules that
// need IsVerifiedResident or FindByPESEL get this value.
func newIdentityService(p *platform) *identity.Service {
	return &identity.Service{
		DB:         p.db,
		Key:        []byte(p.cfg.SecretKey),
		IsDistrict: func(n int) bool { _, ok := p.profile.Districts.ByNumber(n); return ok },
	}
}

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
		Service:    newIdentityService(p),
		Sessions:   p.sessions,
		OIDC:       identity.NewOIDC(oc),
		Districts:  p.profile.Districts,
		BaseURL:    p.cfg.BaseURL,
		TrustProxy: p.cfg.TrustProxy,
	}
	h.RegisterPages()
	return wired{locales: sub(identity.Locales(), "locales"), routes: h.Routes, section: identity.Section{H: h}}, nil
}
