package e2e

import (
	"net/http"

	"github.com/civitas-city/civitas/internal/budget"
)

// The participatory budget's pages (internal/budget). The demo has a past
// Kraków edition imported from Pabulib (results, realization), an edition
// open for voting with a city pool and 18 district pools, and local
// initiatives taking submissions. Admins pass every budget officer check.
func init() {
	past, cur, local := "/budget/"+budget.DemoPastSlug, "/budget/"+budget.DemoCurrentSlug, "/budget/"+budget.DemoLocalSlug
	project := cur + "/projects/" + budget.DemoProjectID
	Pages = append(Pages,
		// Everyone: editions, projects (filtered, empty, bad), a project.
		Page{Path: "/budget"},
		Page{Path: past},
		Page{Path: cur},
		Page{Path: local},
		Page{Path: "/budget/no-such-edition", Status: http.StatusNotFound},
		Page{Path: cur + "/projects"},
		Page{Path: cur + "/projects?pool=d01&status=accepted"},
		Page{Path: cur + "/projects?status=rejected"},
		Page{Path: cur + "/projects?q=no+such+project"},
		Page{Path: cur + "/projects?pool=atlantis", Status: http.StatusBadRequest},
		Page{Path: project},
		Page{Path: past + "/projects"},
		// Results, the published ballots, a receipt check.
		Page{Path: past + "/results"},
		Page{Path: past + "/results/stare-miasto"},
		Page{Path: past + "/results/stare-miasto/analysis"},
		Page{Path: past + "/results/stare-miasto/compare"},
		Page{Path: cur + "/results/miasto/analysis", Status: http.StatusNotFound},
		Page{Path: cur + "/results", Status: http.StatusNotFound},
		Page{Path: past + "/ballots"},
		Page{Path: past + "/ballots?receipt=AAAAA-AAAAA"},
		Page{Path: cur + "/ballots"},
		// Residents: submission, a draft, voting.
		Page{Path: local + "/submit", As: Resident},
		Page{Path: cur + "/submit", As: Resident},
		Page{Path: local + "/projects/" + budget.DemoDraftID + "/edit", As: Resident},
		Page{Path: cur + "/vote", As: Resident},
		Page{Path: cur + "/vote/miasto", As: Resident},
		Page{Path: cur + "/vote/d01", As: Resident},
		Page{Path: cur + "/vote/miasto/done", As: Resident},
		Page{Path: project, As: Resident},
		// Officers.
		Page{Path: "/officer/budget", As: Admin},
		Page{Path: "/officer/budget/new", As: Admin},
		Page{Path: "/officer/budget/" + budget.DemoCurrentSlug, As: Admin},
		Page{Path: "/officer/budget/" + budget.DemoLocalSlug, As: Admin},
		Page{Path: "/officer/budget/" + budget.DemoCurrentSlug + "/review", As: Admin},
		Page{Path: "/officer/budget/" + budget.DemoCurrentSlug + "/review?status=rejected", As: Admin},
		Page{Path: "/officer/budget/" + budget.DemoCurrentSlug + "/projects/" + budget.DemoProjectID, As: Admin},
		Page{Path: "/officer/budget/" + budget.DemoCurrentSlug + "/paper", As: Admin},
		Page{Path: "/officer/budget/" + budget.DemoCurrentSlug + "/paper/" + budget.DemoBatchID, As: Admin},
	)
	NotPages = append(NotPages,
		NotPage{"GET /budget/{edition}/results/{pool}/{file}", "a pool's result as a Pabulib, CSV or JSON file"},
	)
}
