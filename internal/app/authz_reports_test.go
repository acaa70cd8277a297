package app_test

// The reports module's routes in the authorization table.
func init() {
	routeTable = append(routeTable,
		routeCase{"GET /reports", "public", "/reports"},
		routeCase{"GET /reports/new", "public", "/reports/new"},
		routeCase{"GET /reports/new/details", "public", "/reports/new/details"},
		routeCase{"POST /reports/new", "public", "/reports/new"},
		routeCase{"GET /reports/mine", "signed-in", "/reports/mine"},
		routeCase{"GET /reports/find", "public", "/reports/find"},
		routeCase{"POST /reports/find", "public", "/reports/find"},
		routeCase{"GET /reports/stats", "public", "/reports/stats"},
		routeCase{"GET /reports/feed/{file}", "public", "/reports/feed/all.atom"},
		routeCase{"GET /reports/map.svg", "public", "/reports/map.svg"},
		routeCase{"GET /reports/{number}", "public", "/reports/1"},
		routeCase{"POST /reports/{number}/support", "signed-in", "/reports/1/support"},
		routeCase{"POST /reports/{number}/reopen", "public", "/reports/1/reopen"},
		routeCase{"POST /reports/{number}/feedback", "public", "/reports/1/feedback"},

		routeCase{"GET /reports/officer", "officer:reports", "/reports/officer"},
		routeCase{"GET /reports/officer/cases/{number}", "officer:reports", "/reports/officer/cases/1"},
		routeCase{"POST /reports/officer/cases/{number}/status", "officer:reports", "/reports/officer/cases/1/status"},
		routeCase{"POST /reports/officer/cases/{number}/note", "officer:reports", "/reports/officer/cases/1/note"},
		routeCase{"POST /reports/officer/cases/{number}/unit", "officer:reports", "/reports/officer/cases/1/unit"},
		routeCase{"POST /reports/officer/cases/{number}/district", "officer:reports", "/reports/officer/cases/1/district"},
		routeCase{"GET /reports/officer/new", "officer:reports", "/reports/officer/new"},
		routeCase{"POST /reports/officer/new", "officer:reports", "/reports/officer/new"},

		routeCase{"GET /admin/reports", "admin", "/admin/reports"},
		routeCase{"POST /admin/reports/settings", "admin", "/admin/reports/settings"},
		routeCase{"GET /admin/reports/units", "admin", "/admin/reports/units"},
		routeCase{"POST /admin/reports/units", "admin", "/admin/reports/units"},
		routeCase{"POST /admin/reports/units/{id}/members", "admin", "/admin/reports/units/x/members"},
		routeCase{"POST /admin/reports/units/{id}/names", "admin", "/admin/reports/units/x/names"},
		routeCase{"POST /admin/reports/units/{id}/members/remove", "admin", "/admin/reports/units/x/members/remove"},
		routeCase{"GET /admin/reports/routing", "admin", "/admin/reports/routing"},
		routeCase{"POST /admin/reports/routing", "admin", "/admin/reports/routing"},
		routeCase{"GET /admin/reports/categories", "admin", "/admin/reports/categories"},
		routeCase{"GET /admin/reports/categories/{code}", "admin", "/admin/reports/categories/new"},
		routeCase{"POST /admin/reports/categories", "admin", "/admin/reports/categories"},
		routeCase{"GET /admin/reports/keys", "admin", "/admin/reports/keys"},
		routeCase{"POST /admin/reports/keys", "admin", "/admin/reports/keys"},
		routeCase{"POST /admin/reports/keys/{id}/revoke", "admin", "/admin/reports/keys/x/revoke"},

		// Open311: reading is public; POST checks the api_key itself (a
		// missing key is the spec's 403), so its row uses a resource
		// that does not exist.
		routeCase{"GET /open311/v2/{file}", "public", "/open311/v2/discovery.xml"},
		routeCase{"POST /open311/v2/{file}", "public", "/open311/v2/nothing.json"},
		routeCase{"GET /open311/v2/services/{file}", "public", "/open311/v2/services/pothole.xml"},
		routeCase{"GET /open311/v2/requests/{file}", "public", "/open311/v2/requests/1.json"},
		routeCase{"GET /open311/v2/tokens/{file}", "public", "/open311/v2/tokens/x.json"},
	)
}
