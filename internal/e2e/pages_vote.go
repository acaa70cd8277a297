package e2e

import (
	"net/http"

	"github.com/civitas-city/civitas/internal/vote"
)

// Referenda and polls (internal/vote). The demo has a referendum open in
// the demo resident's district, a closed one with results, two open polls
// and a closed one.
func init() {
	open, closed := "/votes/referenda/"+vote.DemoOpenSlug, "/votes/referenda/"+vote.DemoClosedSlug
	Pages = append(Pages,
		Page{Path: "/votes"},
		Page{Path: open},
		Page{Path: closed},
		Page{Path: "/votes/referenda/no-such", Status: http.StatusNotFound},
		Page{Path: closed + "/results"},
		Page{Path: open + "/results", Status: http.StatusNotFound},
		Page{Path: closed + "/ballots"},
		Page{Path: "/votes/polls/" + vote.DemoFireworks},
		Page{Path: "/votes/polls/" + vote.DemoPastPoll},
		Page{Path: "/votes/polls/" + vote.DemoAlcohol, As: Resident},
		Page{Path: open + "/vote", As: Resident},
		Page{Path: "/officer/votes", As: Admin},
		Page{Path: "/officer/votes/referenda/" + vote.DemoOpenSlug + "/paper", As: Admin},
		Page{Path: "/officer/votes/referenda/new", As: Admin},
		// Voting has started: the referendum can no longer be changed, and the page says why.
		Page{Path: "/officer/votes/referenda/" + vote.DemoOpenSlug + "/edit", As: Admin, Status: http.StatusConflict},
	)
	NotPages = append(NotPages,
		NotPage{"GET /votes/referenda/{slug}/results/{file}", "a referendum's result as a CSV or JSON file"},
	)
}
