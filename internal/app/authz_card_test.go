package app_test

// The city card in the authorization table. A holder reaches only their own
// cards (found by the verified PESEL); the check API is public at the route
// and refuses a request without a valid partner key (403, in the card
// module's tests and TestCardCheckAPI).
func init() {
	routeTable = append(routeTable,
		routeCase{"GET /card/my", "signed-in", "/card/my"},
		routeCase{"POST /api/v1/card/check", "public", "/api/v1/card/check"},
	)
}
