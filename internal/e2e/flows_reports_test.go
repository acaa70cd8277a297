package e2e

import (
	"fmt"
	"net/url"
	"regexp"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/civitas-city/civitas/internal/budget"
)

// phone makes the flow's window a 375-px phone.
func (f *flow) phone() {
	f.t.Helper()
	if _, err := chromedp.Call(f.ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
		Width: 375, Height: 812, DeviceScaleFactor: 2, Mobile: true}); err != nil {
		f.t.Fatal(err)
	}
}

// location is the path and query of the page the flow is on.
func (f *flow) location() *url.URL {
	f.t.Helper()
	u, err := url.Parse(get(f, chromedp.Location()))
	if err != nil {
		f.t.Fatal(err)
	}
	return u
}

// TestReportByAddressFlow: on a phone, with JavaScript off, in every
// language, an anonymous resident reports a problem by address without
// the map, and later — in a fresh browser, without the link from the mail —
// finds the case again by its number and email. The address lands in its
// district through the gazetteer.
func TestReportByAddressFlow(t *testing.T) {
	s := start(t)
	caseNumber := regexp.MustCompile(`^/reports/([0-9]+)$`)
	for _, lang := range s.srv.Catalog.Languages() {
		t.Run(lang, func(t *testing.T) {
			email := fmt.Sprintf("flow-%s@example.org", lang)
			f := s.startFlow(t, Anonymous, lang)
			f.phone()
			f.open("/reports/new/details?category=pothole&address=" + url.QueryEscape("Karmelicka 30"))
			f.page("step 2 of a report by address")
			if got := f.text(`main .rp-facts`); !regexp.MustCompile(`I Stare Miasto`).MatchString(got) {
				t.Errorf("step 2 does not name the address's district: %q", got)
			}
			f.fill("#description", "Dziura w jezdni przy przystanku.")
			f.fill("#email", email)
			f.press(`main form[action="/reports/new"] button[type="submit"]`, `main .notice[role="status"]`)
			f.page("the new case")
			m := caseNumber.FindStringSubmatch(f.location().Path)
			if m == nil {
				t.Fatalf("after filing, at %s, not a case page", f.location())
			}

			g := s.startFlow(t, Anonymous, lang)
			g.phone()
			g.open("/reports")
			g.open(g.attr(`main a[href="/reports/find"]`, "href"))
			g.page("find my report")
			g.fill("#number", m[1])
			g.fill("#email", "someone-else@example.org")
			g.press(`main form[action="/reports/find"] button[type="submit"]`, `main .notice[role="status"]`)
			g.page("find my report, not found")
			g.fill("#email", email)
			g.press(`main form[action="/reports/find"] button[type="submit"]`, `main h1`)
			g.page("the case, found again")
			if loc := g.location(); loc.Path != "/reports/"+m[1] || loc.Query().Get("key") == "" {
				t.Errorf("found at %s, want the case with the reporter's key", loc)
			}
			if got := g.text(`main .rp-facts`); !regexp.MustCompile(`I Stare Miasto`).MatchString(got) {
				t.Errorf("the case is not in district I Stare Miasto: %q", got)
			}
		})
	}
}

// TestOfficerFromBackOffice: on a phone, with JavaScript off, in every
// language, an officer goes from their profile's back-office link to the
// dashboard, from there to the projects waiting for review, and opens one.
// The demo has one local initiative waiting, so the decision is recorded
// once, in the last language, after which it has left the queue. On the
// way, a phase change stops at its confirmation page.
func TestOfficerFromBackOffice(t *testing.T) {
	s := start(t)
	langs := s.srv.Catalog.Languages()
	queue := `main a[href="/officer/budget/` + budget.DemoLocalSlug + `/review"]`
	for i, lang := range langs {
		t.Run(lang, func(t *testing.T) {
			f := s.startFlow(t, Admin, lang)
			f.phone()
			f.open("/account")
			f.open(f.attr(`main a[href="/officer"]`, "href"))
			f.page("the back office")
			if got := f.text(queue + " + strong"); got != "1" {
				t.Fatalf("the dashboard counts %q projects to review, want 1", got)
			}
			f.open(f.attr(queue, "href"))
			f.page("the review queue, from the back office")
			f.open(f.attr(`main a[href*="/projects/"]`, "href"))
			f.page("a project to review")
			// A phase change asks first (no script): the confirmation page,
			// left by its cancel link.
			f.open("/officer/budget/" + budget.DemoLocalSlug)
			f.choose("#phase", "realization")
			f.press(`main form[aria-labelledby="phase-heading"] button[type="submit"]`, `main input[name="confirm"]`)
			f.page("the phase change's confirmation")
			if i < len(langs)-1 {
				return
			}
			f.open("/officer")
			f.open(f.attr(queue, "href"))
			f.open(f.attr(`main a[href*="/projects/"]`, "href"))
			f.click("#outcome-positive")
			f.fill("#reasons", "Zgodny z zasadami.")
			f.press(`main form[aria-labelledby="review-heading"] button[type="submit"]`, "main h1")
			f.page("after the decision")
			f.absent(".error-summary")
			f.open("/officer")
			if got := f.text(queue + " + strong"); got != "0" {
				t.Errorf("after the decision the dashboard counts %q projects to review, want 0", got)
			}
		})
	}
}
