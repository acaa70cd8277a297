package app_test

// The identity routes (internal/accounts/identity) in the authorization
// table.
func init() {
	routeTable = append(routeTable,
		routeCase{"GET /account/verify", "signed-in", "/account/verify"},
		routeCase{"POST /account/verify/census", "signed-in", "/account/verify/census"},
		routeCase{"POST /account/verify/oidc", "signed-in", "/account/verify/oidc"},
		routeCase{"GET /account/verify/oidc/callback", "signed-in", "/account/verify/oidc/callback"},
		routeCase{"GET /officer/residents", "officer:residents", "/officer/residents"},
		routeCase{"POST /officer/residents/search", "officer:residents", "/officer/residents/search"},
		routeCase{"GET /officer/residents/new", "officer:residents", "/officer/residents/new"},
		routeCase{"POST /officer/residents", "officer:residents", "/officer/residents"},
		routeCase{"GET /officer/residents/{id}", "officer:residents", "/officer/residents/no-such-id"},
		routeCase{"POST /officer/residents/{id}/verify", "officer:residents", "/officer/residents/no-such-id/verify"},
		routeCase{"POST /officer/residents/{id}/claim-code", "officer:residents", "/officer/residents/no-such-id/claim-code"},
		routeCase{"POST /officer/residents/{id}/revoke", "officer:residents", "/officer/residents/no-such-id/revoke"},
		routeCase{"GET /officer/verification/refused", "officer:residents", "/officer/verification/refused"},
	)
}
