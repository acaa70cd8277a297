package e2e

import "net/http"

// The consultations module's pages (internal/consult). The suite runs on
// the demo, which has the consultation "Nocna sprzedaż alkoholu" at a
// fixed id with a document, a meeting and a conversation loaded from a
// Pol.is export (so the map page draws real groups); admins pass every
// officer and moderator check.
func init() {
	const demo = "/consultations/krakow-nocna-sprzedaz-alkoholu"
	Pages = append(Pages,
		// The list, with filters and an empty result.
		Page{Path: "/consultations"},
		Page{Path: "/consultations?district=1&status=open"},
		Page{Path: "/consultations?status=closed"},
		// A consultation, as the public and as a resident (meeting registration).
		Page{Path: demo},
		Page{Path: demo, As: Resident},
		Page{Path: "/consultations/no-such-consultation", Status: http.StatusNotFound},
		// The conversation: the ballot signed out and in, a chosen
		// statement, the opinion map and the report.
		Page{Path: demo + "/conversation"},
		Page{Path: demo + "/conversation", As: Resident},
		Page{Path: demo + "/conversation?statement=3", As: Resident},
		Page{Path: demo + "/conversation/map"},
		Page{Path: demo + "/conversation/report"},
		// Officers and moderators.
		Page{Path: "/officer/consultations", As: Admin},
		Page{Path: "/officer" + demo, As: Admin},
		Page{Path: "/officer" + demo + "/point", As: Admin},
		Page{Path: "/moderation/consultations", As: Admin},
	)
	ByCrawl = append(ByCrawl,
		"GET /consultations/{id}/documents/{doc}",                // from the consultation's page
		"GET /consultations/{id}/documents/{doc}/paragraphs/{n}", // from the document
		"GET /officer/consultations/{id}/documents/{doc}",        // from the officer's page
		"GET /officer/consultations/{id}/meetings/{meeting}",     // from the officer's page
	)
	NotPages = append(NotPages,
		NotPage{"GET /consultations/{id}/conversation/export/{file}", "a conversation in Pol.is's CSV export format"},
		NotPage{"GET /consultations/{id}/conversation/export.json", "a conversation as JSON"},
	)
}
