package app_test

// Referenda and polls in the authorization table.
func init() {
	routeTable = append(routeTable,
		routeCase{"GET /votes", "public", "/votes"},
		routeCase{"GET /votes/referenda/{slug}", "public", "/votes/referenda/none"},
		routeCase{"GET /votes/referenda/{slug}/results", "public", "/votes/referenda/none/results"},
		routeCase{"GET /votes/referenda/{slug}/results/{file}", "public", "/votes/referenda/none/results/results.csv"},
		routeCase{"GET /votes/referenda/{slug}/ballots", "public", "/votes/referenda/none/ballots"},
		routeCase{"GET /votes/polls/{slug}", "public", "/votes/polls/none"},

		routeCase{"GET /votes/referenda/{slug}/vote", "signed-in", "/votes/referenda/none/vote"},
		routeCase{"POST /votes/referenda/{slug}/vote", "signed-in", "/votes/referenda/none/vote"},
		routeCase{"POST /votes/polls/{slug}", "signed-in", "/votes/polls/none"},

		routeCase{"GET /officer/votes", "officer:votes", "/officer/votes"},
		routeCase{"GET /officer/votes/referenda/new", "officer:votes", "/officer/votes/referenda/new"},
		routeCase{"POST /officer/votes/referenda", "officer:votes", "/officer/votes/referenda"},
		routeCase{"GET /officer/votes/referenda/{slug}/edit", "officer:votes", "/officer/votes/referenda/none/edit"},
		routeCase{"POST /officer/votes/referenda/{slug}/edit", "officer:votes", "/officer/votes/referenda/none/edit"},
		routeCase{"POST /officer/votes/referenda/{slug}/phase", "officer:votes", "/officer/votes/referenda/none/phase"},
		routeCase{"POST /officer/votes/polls", "officer:votes", "/officer/votes/polls"},
		routeCase{"POST /officer/votes/polls/{slug}/close", "officer:votes", "/officer/votes/polls/none/close"},
		routeCase{"GET /officer/votes/referenda/{slug}/paper", "officer:votes", "/officer/votes/referenda/none/paper"},
		routeCase{"POST /officer/votes/referenda/{slug}/paper", "officer:votes", "/officer/votes/referenda/none/paper"},
		routeCase{"POST /officer/votes/referenda/{slug}/paper/{batch}", "officer:votes", "/officer/votes/referenda/none/paper/none"},
		routeCase{"POST /officer/votes/referenda/{slug}/paper/{batch}/discard", "officer:votes", "/officer/votes/referenda/none/paper/none/discard"},
		routeCase{"POST /officer/votes/referenda/{slug}/paper/{batch}/close", "officer:votes", "/officer/votes/referenda/none/paper/none/close"},

		routeCase{"GET /api/v1/votes/referenda", "public", "/api/v1/votes/referenda"},
		routeCase{"GET /api/v1/votes/referenda/{slug}", "public", "/api/v1/votes/referenda/none"},
		routeCase{"GET /api/v1/votes/referenda/{slug}/results", "public", "/api/v1/votes/referenda/none/results"},
		routeCase{"POST /api/v1/votes/referenda/{slug}/ballot", "signed-in", "/api/v1/votes/referenda/none/ballot"},
		routeCase{"GET /api/v1/votes/polls", "public", "/api/v1/votes/polls"},
		routeCase{"GET /api/v1/votes/polls/{slug}/results", "public", "/api/v1/votes/polls/none/results"},
		routeCase{"POST /api/v1/votes/polls/{slug}/answer", "signed-in", "/api/v1/votes/polls/none/answer"},
	)
}
