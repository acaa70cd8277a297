package e2e

import "net/http"

// The reports module's pages (internal/reports). The suite runs on the
// demo, which has reports 1 to 200 and makes the demo officer a member of
// every unit; admins pass every officer check.
func init() {
	Pages = append(Pages,
		// The public list and map, with filters.
		Page{Path: "/reports"},
		Page{Path: "/reports?district=stare-miasto"},
		Page{Path: "/reports?status=open&category=pothole"},
		Page{Path: "/reports?status=closed&page=2"},
		Page{Path: "/reports?category=vehicle&status=rejected"}, // nothing to list (the demo is the same every time)
		Page{Path: "/reports?category=no-such-category", Status: http.StatusBadRequest},
		Page{Path: "/reports?district=atlantis", Status: http.StatusBadRequest},
		Page{Path: "/reports/stats"},
		// A case, publicly and as a resident (the support form).
		Page{Path: "/reports/1"},
		Page{Path: "/reports/2", As: Resident},
		Page{Path: "/reports/999999", Status: http.StatusNotFound},
		// Reporting: step 1, step 2 with and without a point, errors.
		Page{Path: "/reports/new"},
		Page{Path: "/reports/new/details?category=pothole&lat=50.0617&lon=19.9373"},
		Page{Path: "/reports/new/details?category=dumping&address=Bulwar+Czerwie%C5%84ski"},
		Page{Path: "/reports/new/details?category=graffiti&lat=50.0617&lon=19.9373", As: Resident},
		Page{Path: "/reports/new/details", Status: http.StatusBadRequest},
		Page{Path: "/reports/new/details?category=pothole&lat=abc&lon=1", Status: http.StatusBadRequest},
		Page{Path: "/reports/mine", As: Resident},
		// Reporting by address (the gazetteer), and finding a case again.
		Page{Path: "/reports/new/details?category=pothole&address=ul.+D%C5%82uga+12"},
		Page{Path: "/reports/new/details?category=pothole&address=ul.+Nieznana+5"}, // district unknown
		Page{Path: "/reports/find"},
		// Officers: the queue, a case, the contact centre.
		Page{Path: "/reports/officer", As: Admin},
		Page{Path: "/reports/officer?status=closed", As: Admin},
		Page{Path: "/reports/officer/cases/1", As: Admin},
		Page{Path: "/reports/officer/new", As: Admin},
		// Administration.
		Page{Path: "/admin/reports", As: Admin},
		Page{Path: "/admin/reports/units", As: Admin},
		Page{Path: "/admin/reports/routing", As: Admin},
		Page{Path: "/admin/reports/categories", As: Admin},
		Page{Path: "/admin/reports/categories/dumping", As: Admin},
		Page{Path: "/admin/reports/categories/new", As: Admin},
		Page{Path: "/admin/reports/keys", As: Admin},
	)
	NotPages = append(NotPages,
		NotPage{"GET /open311/", "the Open311 GeoReport v2 API: XML and JSON"},
		NotPage{"GET /reports/feed/{file}", "Atom feeds of new reports"},
		NotPage{"GET /reports/map.svg", "the map picture the location form's image button shows"},
	)
}
