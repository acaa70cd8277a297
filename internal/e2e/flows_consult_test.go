package e2e

import "testing"

// TestConsultMeetingFlows walks an officer's meeting forms with JavaScript
// off, in every language: a change that empties the title and a
// cancellation without a reason, both refused with the reason (the demo
// meeting stays as it is). Every page on the way must pass axe-core.
func TestConsultMeetingFlows(t *testing.T) {
	s := start(t)
	for _, lang := range s.srv.Catalog.Languages() {
		t.Run(lang, func(t *testing.T) {
			f := s.startFlow(t, Admin, lang)
			f.open("/officer/consultations/krakow-nocna-sprzedaz-alkoholu")
			f.page("the consultation's management page")
			f.open(f.attr(`main #meetings a[href*="/meetings/"]`, "href"))
			f.page("a meeting")
			f.fill("#meeting_title", " ")
			f.press(`main section[aria-labelledby="change-heading"] button[type="submit"]`, ".error-summary")
			f.page("a change without a title")
			f.fill("#cancel_reason", " ")
			f.press(`main form[action$="/cancel"] button[type="submit"]`, ".error-summary")
			f.page("a cancellation without a reason")
		})
	}
}
