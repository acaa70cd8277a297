package e2e

import (
	"net/http"
	"net/url"

	"github.com/civitas-city/civitas/internal/news"
	"github.com/civitas-city/civitas/internal/news/waste"
)

// The information hub (internal/news). The demo has items of every kind,
// two road works with a geometry, a draft and an item in review.
func init() {
	Pages = append(Pages,
		Page{Path: "/news"},
		Page{Path: "/news?district=13&kind=roadwork"},
		Page{Path: "/news?q=zolta+laka"},
		Page{Path: "/news?topic=nope", Status: http.StatusBadRequest},
		Page{Path: "/news", As: Resident},
		Page{Path: "/news/items/" + news.DemoRoadWork},
		Page{Path: "/news/items/" + news.DemoInvestment},
		Page{Path: "/news/items/" + news.DemoEvent},
		Page{Path: "/news/items/" + news.DemoArticle},
		Page{Path: "/news/items/no-such", Status: http.StatusNotFound},
		Page{Path: "/officer/news", As: Admin},
		Page{Path: "/officer/news/new?kind=roadwork", As: Admin},
		Page{Path: "/news/waste"},
		Page{Path: "/news/waste?address=" + url.QueryEscape(waste.DemoAddress)},
		Page{Path: "/news/waste?address=" + url.QueryEscape(waste.DemoAddress), As: Resident},
		Page{Path: "/news/waste?address=Marsza%C5%82kowska+1", Status: http.StatusBadRequest}, // outside the city
		Page{Path: "/news/waste?address=Karmelicka", Status: http.StatusBadRequest},           // no number
		Page{Path: "/officer/news/waste", As: Admin},
		Page{Path: "/news/newsletter"},
		Page{Path: "/news/newsletter", As: Resident},
		Page{Path: "/news/newsletter/confirm/x.forged"},     // the button; the POST refuses it
		Page{Path: "/news/newsletter/unsubscribe/x.forged"}, // likewise
		Page{Path: "/officer/news/newsletter", As: Admin},
		Page{Path: "/officer/news/sources", As: Admin},
	)
	NotPages = append(NotPages,
		NotPage{"GET /news/feed.atom", "an Atom feed"},
		NotPage{"GET /news/feed.rss", "an RSS feed"},
		NotPage{"GET /news/feed.json", "a JSON Feed"},
		NotPage{"GET /news/calendar.ics", "an iCalendar file"},
		NotPage{"GET /news/waste/calendar.ics", "an address's collections as an iCalendar file"},
	)
	ByCrawl = append(ByCrawl,
		"GET /officer/news/{id}",            // an item's editor, from /officer/news
		"GET /officer/news/newsletter/{id}", // a mailing, from /officer/news/newsletter (the demo sent a digest)
	)
}
