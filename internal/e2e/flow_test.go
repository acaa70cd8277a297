package e2e

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/civitas-city/civitas/internal/web"
)

// flow drives one viewer through forms, in a browser context of its own
// (so its cookies and changes stay apart from the page checks) with the
// page's JavaScript switched off: every flow must work with HTML alone.
// Filling in fields goes through the DevTools protocol, as a person's
// typing and choosing would, not through the page's scripts.
type flow struct {
	t    *testing.T
	s    *suite
	ctx  context.Context
	lang string
}

// startFlow opens a fresh browser context for v in lang, with scripts off,
// signed in through the sign-in form.
func (s *suite) startFlow(t *testing.T, v Viewer, lang string) *flow {
	t.Helper()
	ctx, cancel := chromedp.NewContext(s.browser, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, network.SetCookie, network.SetCookieParams{Name: web.LangCookie, Value: lang, URL: s.srv.URL + "/"}); err != nil {
		t.Fatal(err)
	}
	if login, ok := logins[v]; ok {
		if err := s.signIn(ctx, login[0], login[1]); err != nil {
			t.Fatalf("sign in as %s: %v", v, err)
		}
	}
	f := &flow{t: t, s: s, ctx: ctx, lang: lang}
	f.scripts(false)
	return f
}

// scripts switches the page's JavaScript on or off.
func (f *flow) scripts(on bool) {
	f.t.Helper()
	if _, err := chromedp.Call(f.ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !on}); err != nil {
		f.t.Fatal(err)
	}
}

func (f *flow) do(actions ...chromedp.Action[chromedp.Void]) {
	f.t.Helper()
	ctx, cancel := context.WithTimeout(f.ctx, pageTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		f.t.Fatal(err)
	}
}

// open navigates to path and waits for the page.
func (f *flow) open(path string) {
	f.t.Helper()
	f.do(chromedp.Navigate(f.s.srv.URL+path), chromedp.WaitReady(chromedp.CSS("main")))
}

// fill replaces the text of the input or text area sel.
func (f *flow) fill(sel, text string) {
	f.t.Helper()
	f.do(chromedp.SetValue(chromedp.CSS(sel), text))
}

// choose selects the option with value in the select sel.
func (f *flow) choose(sel, value string) {
	f.t.Helper()
	f.do(chromedp.SetValue(chromedp.CSS(sel), value))
}

// click clicks the element sel (a radio button, a check box).
func (f *flow) click(sel string) {
	f.t.Helper()
	f.do(chromedp.Click(chromedp.CSS(sel)))
}

// attr is the attribute name of the element sel.
func (f *flow) attr(sel, name string) string {
	f.t.Helper()
	return get(f, chromedp.Evaluate[string](`document.querySelector(`+jsString(sel)+`).getAttribute(`+jsString(name)+`)`))
}

// value is the value attribute of the element sel.
func (f *flow) value(sel string) string {
	f.t.Helper()
	return get(f, chromedp.Value(chromedp.CSS(sel)))
}

// text is the visible text of the element sel.
func (f *flow) text(sel string) string {
	f.t.Helper()
	return get(f, chromedp.Text(chromedp.CSS(sel)))
}

// press clicks the submit button sel and waits until the next page has
// loaded and shows wait.
func (f *flow) press(button, wait string) {
	f.t.Helper()
	// A new document has a new time origin: the way to tell the next page
	// from this one when both show wait.
	const origin = `performance.timeOrigin`
	before := get(f, chromedp.Evaluate[float64](origin))
	f.do(chromedp.Click(chromedp.CSS(button)))
	ctx, cancel := context.WithTimeout(f.ctx, pageTimeout)
	defer cancel()
	for {
		now, err := chromedp.Run(ctx, chromedp.Evaluate[float64](origin))
		if err == nil && now != before {
			break
		}
		if ctx.Err() != nil {
			f.t.Fatalf("no new page after pressing %s", button)
		}
		time.Sleep(20 * time.Millisecond)
	}
	f.do(chromedp.WaitReady(chromedp.CSS(wait)))
}

// absent fails the test when the page has an element sel.
func (f *flow) absent(sel string) {
	f.t.Helper()
	if n := get(f, chromedp.Evaluate[int](`document.querySelectorAll(`+jsString(sel)+`).length`)); n > 0 {
		f.t.Errorf("the page has %s: %s", sel, f.text(sel))
	}
}

// page checks the page the flow is on (what names it in messages): its
// language, no scripts, zero axe-core violations.
func (f *flow) page(what string) {
	f.t.Helper()
	ctx, cancel := context.WithTimeout(f.ctx, pageTimeout)
	defer cancel()
	if scripts := get(f, chromedp.Evaluate[int](`document.scripts.length`)); scripts > 0 {
		f.t.Errorf("%s: %d scripts on a page that must work without them", what, scripts)
	}
	// axe-core is a script: let it run for the check, then switch off again.
	f.scripts(true)
	var c checked
	err := f.s.inspect(ctx, &c)
	f.scripts(false)
	if err != nil {
		f.t.Fatalf("%s: %v", what, err)
	}
	if c.Lang != f.lang {
		f.t.Errorf(`%s: <html lang=%q>, want %q`, what, c.Lang, f.lang)
	}
	if len(c.DuplicateIDs) > 0 {
		f.t.Errorf("%s: ids used more than once: %v", what, c.DuplicateIDs)
	}
	if len(c.Violations) > 0 {
		f.t.Errorf("%s: %d axe-core violations (WCAG 2.0/2.1 A, AA):%s", what, len(c.Violations), report(c.Violations))
	}
}

// get runs an action that reads something from the page.
func get[T any](f *flow, a chromedp.Action[T]) T {
	f.t.Helper()
	ctx, cancel := context.WithTimeout(f.ctx, pageTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		f.t.Fatal(err)
	}
	return v
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// fits fails the test when the page scrolls sideways or has too small
// targets at any checked width (after page, which loads axe-core), then
// makes the window narrow again.
func (f *flow) fits(what string) {
	f.t.Helper()
	ctx, cancel := context.WithTimeout(f.ctx, pageTimeout)
	defer cancel()
	// axe-core (loaded by page) checks the targets: a script, on for that.
	f.scripts(true)
	problems, err := f.s.layout(ctx)
	f.scripts(false)
	if err != nil {
		f.t.Fatal(err)
	}
	for _, p := range problems {
		f.t.Errorf("%s: %s", what, p)
	}
	f.narrow()
}
