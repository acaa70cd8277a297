package app_test

// The city card in the authorization table. A holder reaches only their own
// cards (found by the verified PESEL); the check API is public at the route
// and refuses a request without a valid partner key (403, in the card
// module's tests and TestCardCheckAPI).
func init() {
	routeTable = append(routeTable,
		routeCase{"GET /card", "public", "/card"},
		routeCase{"GET /card/my", "signed-in", "/card/my"},
		routeCase{"POST /api/v1/card/check", "public", "/api/v1/card/check"},
		routeCase{"POST /api/v1/card/events", "public", "/api/v1/card/events"},
		routeCase{"GET /officer/card", "officer:card", "/officer/card"},
		routeCase{"GET /officer/card/usage.csv", "officer:card", "/officer/card/usage.csv"},
		routeCase{"GET /officer/card/partners", "officer:card", "/officer/card/partners"},
		routeCase{"POST /officer/card/partners", "officer:card", "/officer/card/partners"},
		routeCase{"GET /officer/card/partners/{id}", "officer:card", "/officer/card/partners/none"},
		routeCase{"POST /officer/card/partners/{id}/locations", "officer:card", "/officer/card/partners/none/locations"},
		routeCase{"POST /officer/card/partners/{id}/offers", "officer:card", "/officer/card/partners/none/offers"},
		routeCase{"POST /officer/card/partners/{id}/keys", "officer:card", "/officer/card/partners/none/keys"},
		routeCase{"POST /officer/card/partners/{id}/keys/{key}/revoke", "officer:card", "/officer/card/partners/none/keys/none/revoke"},
	)
}
