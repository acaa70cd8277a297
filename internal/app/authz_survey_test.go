package app_test

// Surveys in the authorization table. Who may answer a wave is the wave's
// rule (anyone, signed-in, verified, panel token), decided by the service.
func init() {
	routeTable = append(routeTable,
		routeCase{"GET /surveys", "public", "/surveys"},
		routeCase{"GET /surveys/{slug}", "public", "/surveys/none"},
		routeCase{"POST /surveys/{slug}", "public", "/surveys/none"},
		routeCase{"GET /surveys/{slug}/results", "public", "/surveys/none/results"},
		routeCase{"GET /surveys/{slug}/results.csv", "public", "/surveys/none/results.csv"},

		routeCase{"GET /officer/surveys", "officer:surveys", "/officer/surveys"},
		routeCase{"POST /officer/surveys", "officer:surveys", "/officer/surveys"},
		routeCase{"GET /officer/surveys/questionnaires/{id}", "officer:surveys", "/officer/surveys/questionnaires/none"},
		routeCase{"POST /officer/surveys/questionnaires/{id}", "officer:surveys", "/officer/surveys/questionnaires/none"},
		routeCase{"POST /officer/surveys/questionnaires/{id}/questions", "officer:surveys", "/officer/surveys/questionnaires/none/questions"},
		routeCase{"POST /officer/surveys/questionnaires/{id}/waves", "officer:surveys", "/officer/surveys/questionnaires/none/waves"},
		routeCase{"GET /officer/surveys/waves/{slug}", "officer:surveys", "/officer/surveys/waves/none"},
		routeCase{"POST /officer/surveys/waves/{slug}/invite", "officer:surveys", "/officer/surveys/waves/none/invite"},
		routeCase{"POST /officer/surveys/waves/{slug}/close", "officer:surveys", "/officer/surveys/waves/none/close"},
		routeCase{"GET /officer/surveys/waves/{slug}/interview", "officer:surveys", "/officer/surveys/waves/none/interview"},
		routeCase{"POST /officer/surveys/waves/{slug}/interview", "officer:surveys", "/officer/surveys/waves/none/interview"},
		routeCase{"GET /officer/surveys/waves/{slug}/export/{file}", "officer:surveys", "/officer/surveys/waves/none/export/responses.csv"},
	)
}
