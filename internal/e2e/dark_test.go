package e2e

import (
	"context"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// darkPages are pages that together use every part of the stylesheet:
// the header and footer, cards, forms and their errors, tables, charts,
// maps, badges and status labels.
var darkPages = []string{
	"/",
	"/signin",
	"/budget/bo-krakow-2027",
	"/budget/bo-krakow-2025/results/stare-miasto",
	"/consultations",
	"/reports",
	"/reports/new",
	"/reports/stats",
	"/districts",
	"/privacy",
}

// TestDarkScheme renders pages with the system set to dark
// (prefers-color-scheme: dark) and runs axe-core's WCAG 2.0/2.1 A and AA
// rules, contrast among them: the dark scheme must be as readable as the
// light one.
func TestDarkScheme(t *testing.T) {
	s := start(t)
	ctx, cancel := chromedp.NewContext(s.browser, chromedp.WithNewBrowserContext())
	defer cancel()
	if err := chromedp.Do(ctx); err != nil {
		t.Fatal(err)
	}
	dark := emulation.SetEmulatedMediaParams{Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}}}
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, dark); err != nil {
		t.Fatal(err)
	}
	for _, path := range darkPages {
		t.Run(path, func(t *testing.T) {
			pctx, cancel := context.WithTimeout(ctx, pageTimeout)
			defer cancel()
			if err := chromedp.Do(pctx, chromedp.Navigate(s.srv.URL+path)); err != nil {
				t.Fatal(err)
			}
			bg, err := chromedp.Run(pctx, chromedp.Evaluate[string](`getComputedStyle(document.documentElement).backgroundColor`))
			if err != nil {
				t.Fatal(err)
			}
			if bg == "rgb(255, 255, 255)" {
				t.Fatalf("the page is white with the system set to dark: no dark scheme")
			}
			if _, err := chromedp.Run(pctx, chromedp.Evaluate[bool](s.axe+"\n;true")); err != nil {
				t.Fatal(err)
			}
			vs, err := chromedp.Run(pctx, chromedp.Evaluate[[]violation](axeRun, chromedp.EvalAwaitPromise))
			if err != nil {
				t.Fatal(err)
			}
			if len(vs) > 0 {
				t.Errorf("%d axe-core violations in the dark scheme:%s", len(vs), report(vs))
			}
		})
	}
}
