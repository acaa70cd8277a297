package app_test

// The information hub in the authorization table.
func init() {
	routeTable = append(routeTable,
		routeCase{"GET /news", "public", "/news"},
		routeCase{"GET /news/feed.atom", "public", "/news/feed.atom"},
		routeCase{"GET /news/feed.rss", "public", "/news/feed.rss"},
		routeCase{"GET /news/feed.json", "public", "/news/feed.json"},
		routeCase{"GET /news/calendar.ics", "public", "/news/calendar.ics"},
		routeCase{"GET /news/items/{slug}", "public", "/news/items/none"},
		routeCase{"GET /news/waste", "public", "/news/waste"},
		routeCase{"GET /news/waste/calendar.ics", "public", "/news/waste/calendar.ics?address=Karmelicka+30"},
		routeCase{"POST /news/waste/reminder", "signed-in", "/news/waste/reminder"},
		routeCase{"POST /news/waste/reminder/stop", "signed-in", "/news/waste/reminder/stop"},
		routeCase{"GET /news/newsletter", "public", "/news/newsletter"},
		routeCase{"POST /news/newsletter", "public", "/news/newsletter"},
		routeCase{"GET /news/newsletter/confirm/{token}", "public", "/news/newsletter/confirm/none"},
		routeCase{"POST /news/newsletter/confirm/{token}", "public", "/news/newsletter/confirm/none"},
		routeCase{"GET /news/newsletter/unsubscribe/{token}", "public", "/news/newsletter/unsubscribe/none"},
		routeCase{"POST /news/newsletter/unsubscribe/{token}", "public", "/news/newsletter/unsubscribe/none"},

		routeCase{"GET /officer/news", "officer:news", "/officer/news"},
		routeCase{"GET /officer/news/new", "officer:news", "/officer/news/new"},
		routeCase{"POST /officer/news", "officer:news", "/officer/news"},
		routeCase{"GET /officer/news/{id}", "officer:news", "/officer/news/none"},
		routeCase{"POST /officer/news/{id}", "officer:news", "/officer/news/none"},
		routeCase{"POST /officer/news/{id}/status", "officer:news", "/officer/news/none/status"},
		routeCase{"POST /officer/news/{id}/photos", "officer:news", "/officer/news/none/photos"},
		routeCase{"GET /officer/news/waste", "officer:news", "/officer/news/waste"},
		routeCase{"POST /officer/news/waste/areas", "officer:news", "/officer/news/waste/areas"},
		routeCase{"POST /officer/news/waste/schedule", "officer:news", "/officer/news/waste/schedule"},
		routeCase{"GET /officer/news/newsletter", "officer:news", "/officer/news/newsletter"},
		routeCase{"POST /officer/news/newsletter/digests", "officer:news", "/officer/news/newsletter/digests"},
		routeCase{"POST /officer/news/newsletter/campaigns", "officer:news", "/officer/news/newsletter/campaigns"},
		routeCase{"POST /officer/news/newsletter/import", "officer:news", "/officer/news/newsletter/import"},
		routeCase{"GET /officer/news/newsletter/{id}", "officer:news", "/officer/news/newsletter/none"},
		routeCase{"POST /officer/news/newsletter/{id}/send", "officer:news", "/officer/news/newsletter/none/send"},

		routeCase{"GET /api/v1/news", "public", "/api/v1/news"},
		routeCase{"GET /api/v1/news/{slug}", "public", "/api/v1/news/none"},
	)
}
