package e2e

import (
	"testing"

	"github.com/civitas-city/civitas/internal/accounts/identity"
)

// TestIdentityFlows walks an officer's residency forms with JavaScript off,
// in every language: finding a resident by PESEL, opening the verified
// resident, and a revocation without a real reason (refused, nothing
// revoked). Every page on the way must pass axe-core.
func TestIdentityFlows(t *testing.T) {
	s := start(t)
	for _, lang := range s.srv.Catalog.Languages() {
		t.Run(lang, func(t *testing.T) {
			f := s.startFlow(t, Admin, lang)
			f.open("/officer/residents")
			f.fill("#q", identity.DemoVerified().PESEL)
			f.press(`main form[role="search"] button[type="submit"]`, `main table a[href^="/officer/residents/"]`)
			f.page("the search result")
			f.open(f.attr(`main table a[href^="/officer/residents/"]`, "href"))
			f.page("a verified resident")
			f.fill("#reason", "   ")
			f.press(`main form[action$="/revoke"] button[type="submit"]`, ".error-summary")
			f.page("a revocation without a reason")
		})
	}
}
