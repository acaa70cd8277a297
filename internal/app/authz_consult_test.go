package app_test

// The consultations routes (internal/consult) in the authorization table.
// Paths use ids that do not exist: a permitted request gets 404, a refused
// one 401 or 403 before the handler looks anything up.
func init() {
	officer := "officer:consultations"
	routeTable = append(routeTable,
		routeCase{"GET /consultations", "public", "/consultations"},
		routeCase{"GET /consultations/{id}", "public", "/consultations/none"},
		routeCase{"POST /consultations/{id}/meetings/{meeting}/register", "signed-in", "/consultations/none/meetings/none/register"},
		routeCase{"POST /consultations/{id}/meetings/{meeting}/unregister", "signed-in", "/consultations/none/meetings/none/unregister"},
		routeCase{"GET /consultations/{id}/documents/{doc}", "public", "/consultations/none/documents/none"},
		routeCase{"GET /consultations/{id}/documents/{doc}/paragraphs/{n}", "public", "/consultations/none/documents/none/paragraphs/1"},
		routeCase{"POST /consultations/{id}/documents/{doc}/paragraphs/{n}/comments", "signed-in", "/consultations/none/documents/none/paragraphs/1/comments"},
		routeCase{"POST /consultations/{id}/comments/{comment}/flag", "signed-in", "/consultations/none/comments/none/flag"},
		routeCase{"GET /consultations/{id}/conversation", "public", "/consultations/none/conversation"},
		routeCase{"POST /consultations/{id}/conversation/votes", "signed-in", "/consultations/none/conversation/votes"},
		routeCase{"POST /consultations/{id}/conversation/statements", "signed-in", "/consultations/none/conversation/statements"},
		routeCase{"GET /consultations/{id}/conversation/map", "public", "/consultations/none/conversation/map"},
		routeCase{"GET /consultations/{id}/conversation/report", "public", "/consultations/none/conversation/report"},
		routeCase{"GET /consultations/{id}/conversation/export/{file}", "public", "/consultations/none/conversation/export/votes.csv"},
		routeCase{"GET /consultations/{id}/conversation/export.json", "public", "/consultations/none/conversation/export.json"},

		routeCase{"GET /officer/consultations", officer, "/officer/consultations"},
		routeCase{"POST /officer/consultations", officer, "/officer/consultations"},
		routeCase{"GET /officer/consultations/{id}", officer, "/officer/consultations/none"},
		routeCase{"POST /officer/consultations/{id}", officer, "/officer/consultations/none"},
		routeCase{"POST /officer/consultations/{id}/phases", officer, "/officer/consultations/none/phases"},
		routeCase{"POST /officer/consultations/{id}/phases/{phase}/delete", officer, "/officer/consultations/none/phases/none/delete"},
		routeCase{"POST /officer/consultations/{id}/documents", officer, "/officer/consultations/none/documents"},
		routeCase{"GET /officer/consultations/{id}/documents/{doc}", officer, "/officer/consultations/none/documents/none"},
		routeCase{"POST /officer/consultations/{id}/documents/{doc}", officer, "/officer/consultations/none/documents/none"},
		routeCase{"POST /officer/consultations/{id}/meetings", officer, "/officer/consultations/none/meetings"},
		routeCase{"GET /officer/consultations/{id}/meetings/{meeting}", officer, "/officer/consultations/none/meetings/none"},
		routeCase{"POST /officer/consultations/{id}/meetings/{meeting}", officer, "/officer/consultations/none/meetings/none"},
		routeCase{"POST /officer/consultations/{id}/meetings/{meeting}/cancel", officer, "/officer/consultations/none/meetings/none/cancel"},
		routeCase{"POST /officer/consultations/{id}/conversation", officer, "/officer/consultations/none/conversation"},
		routeCase{"POST /officer/consultations/{id}/conversation/statements", officer, "/officer/consultations/none/conversation/statements"},
		routeCase{"POST /officer/consultations/{id}/conversation/map", officer, "/officer/consultations/none/conversation/map"},
		routeCase{"POST /officer/consultations/{id}/report", officer, "/officer/consultations/none/report"},
		routeCase{"GET /officer/consultations/{id}/point", officer, "/officer/consultations/none/point"},
		routeCase{"POST /officer/consultations/{id}/point", officer, "/officer/consultations/none/point"},

		routeCase{"GET /moderation/consultations", "moderator", "/moderation/consultations"},
		routeCase{"POST /moderation/consultations/comments/{comment}", "moderator", "/moderation/consultations/comments/none"},
		routeCase{"POST /moderation/consultations/statements/{conversation}/{tid}", "moderator", "/moderation/consultations/statements/none/0"},
	)
}
