package e2e

// Verified residency (internal/accounts/identity).
func init() {
	Pages = append(Pages,
		Page{Path: "/account/verify", As: Resident},
		Page{Path: "/officer/residents", As: Admin},
		Page{Path: "/officer/residents/new", As: Admin},
		Page{Path: "/officer/verification/refused", As: Admin},
	)
	ByCrawl = append(ByCrawl, "GET /officer/residents/{id}")
	NotPages = append(NotPages, NotPage{"GET /account/verify/oidc/callback", "OpenID Connect redirect endpoint"})
}
