package e2e

// The city card (internal/card). The demo lists every demo resident as a
// holder (the verified demo resident has a basic and a family card) and a
// catalogue of 50 partners with their offers.
func init() {
	Pages = append(Pages,
		Page{Path: "/card"},
		Page{Path: "/card?q=basen&category=sport&district=3&kind=family"},
		Page{Path: "/card/my", As: Resident},
		Page{Path: "/officer/card/partners", As: Admin},
		Page{Path: "/officer/card", As: Admin},
	)
	NotPages = append(NotPages,
		NotPage{"GET /officer/card/usage.csv", "the analytics' figures as CSV"},
	)
	ByCrawl = append(ByCrawl,
		"GET /officer/card/partners/{id}", // from the list of partners
	)
}
