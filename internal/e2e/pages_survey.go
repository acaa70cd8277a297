package e2e

import (
	"net/http"

	"github.com/civitas-city/civitas/internal/survey"
)

// Surveys (internal/survey). The demo has the customer-satisfaction
// questionnaire with a closed 2024 wave (results) and an open 2025 wave,
// an open quality-of-life survey and a panel survey (token only).
func init() {
	Pages = append(Pages,
		Page{Path: "/surveys"},
		Page{Path: "/surveys/" + survey.DemoWave2025},
		Page{Path: "/surveys/" + survey.DemoOpen},
		Page{Path: "/surveys/" + survey.DemoPanel, Status: http.StatusNotFound}, // no token
		Page{Path: "/surveys/no-such", Status: http.StatusNotFound},
		Page{Path: "/surveys/" + survey.DemoWave2024 + "/results"},
		Page{Path: "/surveys/" + survey.DemoWave2025 + "/results", Status: http.StatusNotFound},
		Page{Path: "/officer/surveys", As: Admin},
		Page{Path: "/officer/surveys/waves/" + survey.DemoWave2025, As: Admin},
		Page{Path: "/officer/surveys/waves/" + survey.DemoPanel, As: Admin},
		Page{Path: "/officer/surveys/waves/" + survey.DemoWave2025 + "/interview", As: Admin},
	)
	ByCrawl = append(ByCrawl, "GET /officer/surveys/questionnaires/{id}") // ids made when the demo is seeded
	NotPages = append(NotPages,
		NotPage{"GET /surveys/{slug}/results.csv", "a finished wave's published results as CSV (open data)"},
		NotPage{"GET /officer/surveys/waves/{slug}/export/{file}", "a wave's responses as CSV, codebook or SPSS file"},
	)
}
