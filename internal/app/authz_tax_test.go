package app_test

// Local taxes in the authorization table. A resident reaches only their own
// liabilities: the service finds them by the resident's verified PESEL, so
// another's id is not found (TestTaxesAreOnlyTheResidents).
func init() {
	routeTable = append(routeTable,
		routeCase{"GET /taxes", "signed-in", "/taxes"},
		routeCase{"POST /taxes/reminders", "signed-in", "/taxes/reminders"},
		routeCase{"GET /taxes/{id}/pay/{n}", "signed-in", "/taxes/none/pay/1"},
		routeCase{"GET /taxes/{id}/pay/{n}/slip", "signed-in", "/taxes/none/pay/1/slip"},
		routeCase{"GET /taxes/{id}/pay/{n}/qr.png", "signed-in", "/taxes/none/pay/1/qr.png"},
		routeCase{"GET /taxes/{id}/pay/{n}/qr.svg", "signed-in", "/taxes/none/pay/1/qr.svg"},
		routeCase{"GET /officer/taxes", "officer:taxes", "/officer/taxes"},
		routeCase{"POST /officer/taxes/lookup", "officer:taxes", "/officer/taxes/lookup"},
	)
}
