package e2e

// The browser suite. It needs CIVITAS_E2E=1, Chromium (CIVITAS_CHROMIUM,
// default /usr/bin/chromium) and axe-core from npm (node_modules at the
// repository root: run "npm ci" there). Without CIVITAS_E2E the browser
// tests skip; with it, a missing browser or axe-core fails them.
//
// Set CIVITAS_E2E_SHOTS=DIR to save a screenshot of every listed page.

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/civitas-city/civitas/internal/app"
	"github.com/civitas-city/civitas/internal/app/apptest"
	"github.com/civitas-city/civitas/internal/config"
	"github.com/civitas-city/civitas/internal/web"
)

// The demo accounts (internal/app/demo.go) the viewers sign in as.
var logins = map[Viewer][2]string{
	Resident: {"resident@demo.civitas.local", "demo-resident-2026"},
	Admin:    {"admin@demo.civitas.local", "demo-admin-2026"},
}

const (
	// pageTimeout bounds opening and checking one page.
	pageTimeout = 60 * time.Second
	// crawlPerRoute is how many crawled pages of one route pattern are
	// checked per language: district 1 and 2 use the same template, so a
	// few of them are enough, however long a module's list grows.
	crawlPerRoute = 3
	// maxTabs is how many Tab presses the keyboard test allows to reach
	// the main navigation and the language switch.
	maxTabs = 20
)

var (
	setupOnce sync.Once
	shared    *suite
	setupErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if shared != nil {
		shared.close()
	}
	os.Exit(code)
}

// suite is what the browser tests share: one app, one browser.
type suite struct {
	srv     *app.Server
	axe     string // the source of axe.min.js
	tmp     string
	browser context.Context // a chromedp context whose browser is running

	mu       sync.Mutex
	sessions map[sessionKey]context.Context
	tabs     map[sessionKey]*sync.Mutex // one page at a time per session's tab
	stops    []func()
}

// tabLock is the lock of a session's tab.
func (s *suite) tabLock(k sessionKey) *sync.Mutex {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tabs == nil {
		s.tabs = map[sessionKey]*sync.Mutex{}
	}
	if s.tabs[k] == nil {
		s.tabs[k] = &sync.Mutex{}
	}
	return s.tabs[k]
}

// sessionKey names a browser context: a viewer in a language. Each has its
// own cookies, so the languages can be checked at the same time.
type sessionKey struct {
	as   Viewer
	lang string // the lang cookie; none when empty
}

// gate skips the test unless CIVITAS_E2E=1.
func gate(t *testing.T) {
	t.Helper()
	if os.Getenv("CIVITAS_E2E") != "1" {
		t.Skip("browser tests are off: set CIVITAS_E2E=1 to run them (they need Chromium and `npm ci`)")
	}
}

// start returns the shared suite, setting it up on first use. It skips the
// test unless CIVITAS_E2E=1 and fails it when the browser or axe-core is
// missing.
func start(t *testing.T) *suite {
	t.Helper()
	gate(t)
	setupOnce.Do(func() { shared, setupErr = newSuite() })
	if setupErr != nil {
		t.Fatalf("e2e: %v", setupErr)
	}
	return shared
}

func newSuite() (s *suite, err error) {
	root, err := repoRoot()
	if err != nil {
		return nil, err
	}
	axePath := filepath.Join(root, "node_modules", "axe-core", "axe.min.js")
	axe, err := os.ReadFile(axePath)
	if err != nil {
		return nil, fmt.Errorf("axe-core is missing (%v): run `npm ci` in %s", err, root)
	}
	chromium := cmp.Or(os.Getenv("CIVITAS_CHROMIUM"), "/usr/bin/chromium")
	if _, err := exec.LookPath(chromium); err != nil {
		return nil, fmt.Errorf("no Chromium at %s (%v): install it (apt-get install chromium) or point CIVITAS_CHROMIUM at it", chromium, err)
	}
	tmp, err := os.MkdirTemp("", "civitas-e2e-")
	if err != nil {
		return nil, err
	}
	s = &suite{axe: string(axe), tmp: tmp, sessions: map[sessionKey]context.Context{}}
	defer func() {
		if err != nil {
			s.close()
		}
	}()

	// The app as "civitas demo" runs it: SQLite and the demo accounts.
	// The environment is not read, so the run does not depend on it.
	cfg, err := config.Load([]string{"demo", "--data", filepath.Join(tmp, "data"), "--addr", "127.0.0.1:0", "--log-level", "error"},
		func(string) string { return "" }, io.Discard)
	if err != nil {
		return nil, err
	}
	cfg.Stdout, cfg.Stderr = io.Discard, os.Stderr
	srv, err := app.Start(context.Background(), cfg)
	if err != nil {
		return nil, fmt.Errorf("start the app: %w", err)
	}
	s.srv = srv
	s.stops = append(s.stops, func() { srv.Shutdown() })

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium),
		chromedp.Headless,
		chromedp.NoSandbox, // the suite runs as root in CI
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(filepath.Join(tmp, "chromium")),
		chromedp.WindowSize(1280, 900),
	)
	actx, stopAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, stopBrowser := chromedp.NewContext(actx)
	s.stops = append(s.stops, stopAlloc, stopBrowser)
	if err := chromedp.Do(bctx); err != nil {
		return nil, fmt.Errorf("start Chromium (%s): %w", chromium, err)
	}
	s.browser = bctx
	return s, nil
}

// close stops everything newSuite and session started, last first.
func (s *suite) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, stop := range slices.Backward(s.stops) {
		stop()
	}
	s.stops = nil
	os.RemoveAll(s.tmp)
}

// repoRoot is the directory of go.mod, found from the working directory
// (the package directory under go test) upwards.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

// session is the browser context of a viewer in a language: a cookie jar
// of its own with the lang cookie, signed in through the real sign-in
// form. Tabs opened from it share the jar.
func (s *suite) session(k sessionKey) (context.Context, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ctx, ok := s.sessions[k]; ok {
		return ctx, nil
	}
	ctx, cancel := chromedp.NewContext(s.browser, chromedp.WithNewBrowserContext())
	s.stops = append(s.stops, cancel)
	if err := chromedp.Do(ctx); err != nil {
		return nil, fmt.Errorf("open a browser context for %s: %w", k.as, err)
	}
	if k.lang != "" {
		if _, err := chromedp.Call(ctx, network.SetCookie, network.SetCookieParams{Name: web.LangCookie, Value: k.lang, URL: s.srv.URL + "/"}); err != nil {
			return nil, fmt.Errorf("set the lang cookie: %w", err)
		}
	}
	if login, ok := logins[k.as]; ok {
		if err := s.signIn(ctx, login[0], login[1]); err != nil {
			return nil, fmt.Errorf("sign in as %s (%s): %w", k.as, login[0], err)
		}
	}
	s.sessions[k] = ctx
	return ctx, nil
}

func (s *suite) signIn(ctx context.Context, email, password string) error {
	ctx, cancel := context.WithTimeout(ctx, pageTimeout)
	defer cancel()
	err := chromedp.Do(ctx,
		chromedp.Navigate(s.srv.URL+"/signin"),
		chromedp.SendKeys(chromedp.CSS("#email"), email),
		chromedp.SendKeys(chromedp.CSS("#password"), password),
		chromedp.Click(chromedp.CSS(`main form[action="/signin"] button[type="submit"]`)),
		chromedp.WaitReady(chromedp.CSS(`form[action="/signout"]`)),
	)
	if errors.Is(err, context.DeadlineExceeded) {
		return errors.New("no sign-out button after submitting the sign-in form: the sign-in failed")
	}
	return err
}

// checked is what opening one page found.
type checked struct {
	Status     int
	MIME       string
	URL        string // where the browser ended, after redirects
	Lang       string // <html lang>
	Violations []violation
	Links      []string // absolute URLs of the page's links
	// DuplicateIDs are ids that more than one element has: a label or
	// an error message may then point at the wrong field.
	DuplicateIDs []string
	// Layout lists what breaks at a phone's or a laptop's width: a page
	// that scrolls sideways, a target smaller than 24×24 px.
	Layout []string
}

// violation is one failed axe rule with the elements that fail it.
type violation struct {
	ID      string `json:"id"`
	Impact  string `json:"impact"`
	Help    string `json:"help"`
	HelpURL string `json:"helpUrl"`
	Nodes   []struct {
		Target  []string `json:"target"`
		HTML    string   `json:"html"`
		Summary string   `json:"summary"`
	} `json:"nodes"`
}

// axeRun runs axe-core on the page for WCAG 2.0 and 2.1, levels A and AA,
// and keeps what a report needs.
const axeRun = `axe.run(document, {
  runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
  resultTypes: ['violations'],
})` + axeViolations

// axeViolations turns axe-core's result into []violation.
const axeViolations = `.then(r => r.violations.map(v => ({
  id: v.id, impact: v.impact || '', help: v.help, helpUrl: v.helpUrl,
  nodes: v.nodes.map(n => ({
    target: n.target.map(t => Array.isArray(t) ? t.join(' >>> ') : String(t)),
    html: n.html, summary: n.failureSummary || '',
  })),
})))`

// linksJS lists the page's links (HTML and SVG) as absolute URLs.
const linksJS = `Array.from(document.querySelectorAll('a[href]'), a => {
  try { return new URL(a.getAttribute('href'), document.baseURI).href } catch (e) { return '' }
}).filter(Boolean)`

// check opens u in the tab of the viewer's browser context for lang (none
// when lang is empty), and runs axe-core on it when it is HTML. The tab is
// reused from page to page: opening a tab per page cost more than axe.
func (s *suite) check(v Viewer, lang, u string) (*checked, error) {
	k := sessionKey{v, lang}
	tab, err := s.session(k)
	if err != nil {
		return nil, err
	}
	mu := s.tabLock(k)
	mu.Lock()
	defer mu.Unlock()
	ctx, cancel := context.WithTimeout(tab, pageTimeout)
	defer cancel()
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(u))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", u, err)
	}
	c := &checked{Status: int(resp.Status), MIME: resp.MimeType, URL: resp.URL}
	if c.MIME != "text/html" {
		return c, nil
	}
	if err := s.inspect(ctx, c); err != nil {
		return nil, fmt.Errorf("%s: %w", u, err)
	}
	if dir := os.Getenv("CIVITAS_E2E_SHOTS"); dir != "" && lang != "" {
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(dir, shotName(v, lang, u)), png, 0o644); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// inspect fills in what the page open in ctx shows: its language, its
// axe-core violations and its links.
func (s *suite) inspect(ctx context.Context, c *checked) (err error) {
	if c.Lang, err = chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.lang`)); err != nil {
		return err
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](s.axe+"\n;true")); err != nil {
		return fmt.Errorf("load axe-core: %w", err)
	}
	if c.Violations, err = chromedp.Run(ctx, chromedp.Evaluate[[]violation](axeRun, chromedp.EvalAwaitPromise)); err != nil {
		return fmt.Errorf("run axe-core: %w", err)
	}
	if c.DuplicateIDs, err = chromedp.Run(ctx, chromedp.Evaluate[[]string](duplicateIDsJS)); err != nil {
		return err
	}
	if c.Links, err = chromedp.Run(ctx, chromedp.Evaluate[[]string](linksJS)); err != nil {
		return err
	}
	c.Layout, err = s.layout(ctx)
	return err
}

// layoutWidths are the viewport widths every page is checked at: the
// narrowest phone WCAG's reflow asks for, a common phone and a laptop.
var layoutWidths = []int64{320, 375, 1366}

// layout renders the page open in ctx at each of layoutWidths and lists
// what breaks there: the page scrolling sideways (and the elements that
// stick out), and axe-core's target-size rule (WCAG 2.2, 2.5.8: 24×24 px,
// with the exceptions WCAG makes for links in running text and for
// targets spaced well apart).
func (s *suite) layout(ctx context.Context) ([]string, error) {
	var problems []string
	defer chromedp.Call(ctx, emulation.ClearDeviceMetricsOverride, cdp.Empty{})
	for _, w := range layoutWidths {
		metrics := emulation.SetDeviceMetricsOverrideParams{Width: w, Height: 800, DeviceScaleFactor: 1, Mobile: w < 800}
		if _, err := chromedp.Call(ctx, emulation.SetDeviceMetricsOverride, metrics); err != nil {
			return nil, fmt.Errorf("set the width to %d px: %w", w, err)
		}
		o, err := chromedp.Run(ctx, chromedp.Evaluate[overflow](overflowJS))
		if err != nil {
			return nil, err
		}
		if o.ScrollWidth > o.ClientWidth {
			problems = append(problems, fmt.Sprintf("at %d px the page scrolls sideways (%d px wide in %d px); sticking out: %s",
				w, o.ScrollWidth, o.ClientWidth, strings.Join(o.Culprits, ", ")))
		}
		vs, err := chromedp.Run(ctx, chromedp.Evaluate[[]violation](targetSizeRun, chromedp.EvalAwaitPromise))
		if err != nil {
			return nil, fmt.Errorf("run axe-core's target-size rule: %w", err)
		}
		if len(vs) > 0 {
			problems = append(problems, fmt.Sprintf("at %d px targets are smaller than 24×24 px:%s", w, report(vs)))
		}
	}
	return problems, nil
}

// overflow is how wide the page is against the viewport, and the
// innermost elements that stick out on the right.
type overflow struct {
	ScrollWidth int      `json:"scrollWidth"`
	ClientWidth int      `json:"clientWidth"`
	Culprits    []string `json:"culprits"`
}

// overflowJS measures the page and names the innermost elements that stick
// out; one inside a container that scrolls sideways itself (a wide table in
// its wrapper) does not count.
const overflowJS = `(() => {
  const de = document.documentElement, cw = de.clientWidth, out = [];
  const scrolls = e => { for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
    const o = getComputedStyle(p).overflowX; if (o === 'auto' || o === 'scroll' || o === 'hidden') return true; } return false; };
  if (de.scrollWidth > cw) for (const e of document.body.querySelectorAll('*')) {
    if (out.length >= 5) break;
    const out1 = x => x.getBoundingClientRect().right > cw + 1 && x.checkVisibility() && !scrolls(x);
    if (out1(e) && !Array.from(e.children).some(out1))
      out.push(e.outerHTML.slice(0, 120) + ' in <' + e.parentElement.tagName.toLowerCase() + ' class="' + e.parentElement.className + '"> (' + Math.round(e.getBoundingClientRect().right) + ' px)');
  }
  return {scrollWidth: de.scrollWidth, clientWidth: cw, culprits: out};
})()`

// targetSizeRun runs axe-core's WCAG 2.2 target-size rule alone.
const targetSizeRun = `axe.run(document, {
  runOnly: {type: 'rule', values: ['target-size']},
  resultTypes: ['violations'],
})` + axeViolations

// duplicateIDsJS lists the ids that more than one element has.
const duplicateIDsJS = `(() => {
  const seen = new Set(), dup = new Set();
  for (const e of document.querySelectorAll('[id]')) { if (seen.has(e.id)) dup.add(e.id); seen.add(e.id); }
  return Array.from(dup);
})()`

var (
	unsafeName = regexp.MustCompile(`[^a-zA-Z0-9.-]+`)
	// download is a path the crawl does not open: a file, not a page.
	download = regexp.MustCompile(`(?i)\.(json|geojson|csv|xml|zip|pdf|ics|rss|atom|pb|txt|png|jpe?g|svg)$`)
)

func shotName(v Viewer, lang, u string) string {
	p, _ := url.Parse(u)
	name := strings.Trim(unsafeName.ReplaceAllString(p.RequestURI(), "_"), "_")
	return fmt.Sprintf("%s-%s-%s.png", lang, v, cmp.Or(name, "home"))
}

// report describes violations so that a developer can find and fix them:
// the rule, its impact and help page, and the first few elements.
func report(vs []violation) string {
	const maxNodes = 3
	var b strings.Builder
	for _, v := range vs {
		fmt.Fprintf(&b, "\n  %s (%s): %s\n    %s\n", v.ID, cmp.Or(v.Impact, "no impact"), v.Help, v.HelpURL)
		for i, n := range v.Nodes {
			if i == maxNodes {
				fmt.Fprintf(&b, "    … and %d more elements\n", len(v.Nodes)-maxNodes)
				break
			}
			fmt.Fprintf(&b, "    at %s\n      %s\n", strings.Join(n.Target, " "), clip(n.HTML, 240))
			if n.Summary != "" {
				fmt.Fprintf(&b, "      %s\n", strings.ReplaceAll(clip(n.Summary, 400), "\n", "\n      "))
			}
		}
	}
	return b.String()
}

func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// TestAxe opens every listed page in every language as its viewer, then
// crawls the same-origin links they lead to, and runs axe-core on each.
// Any WCAG 2.0/2.1 A or AA violation fails the page.
func TestAxe(t *testing.T) {
	s := start(t)
	routes := routeMux(s.srv.Routes)
	for _, lang := range s.srv.Catalog.Languages() {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			type link struct {
				url, from string
				as        Viewer
			}
			seen := map[string]bool{}    // request URIs checked, by any viewer
			perRoute := map[string]int{} // pages checked per route pattern
			var queue []link
			accept := func(v Viewer, from string, c *checked) {
				for _, l := range c.Links {
					queue = append(queue, link{l, from, v})
				}
			}

			for _, p := range Pages {
				t.Run(p.As.String()+" "+p.Path, func(t *testing.T) {
					c, err := s.check(p.As, lang, s.srv.URL+p.Path)
					if err != nil {
						t.Fatal(err)
					}
					seen[p.Path] = true
					perRoute[patternOf(routes, p.Path)]++
					if c.Status != p.WantStatus() {
						t.Errorf("status %d, want %d", c.Status, p.WantStatus())
					}
					if c.URL != s.srv.URL+p.Path {
						t.Errorf("ended at %s: a redirect, so the page itself was not checked (is %s signed in?)", c.URL, p.As)
					}
					if c.MIME != "text/html" {
						t.Fatalf("content type %s: not a page; list the route in NotPages instead", c.MIME)
					}
					if c.Lang != lang {
						t.Errorf(`<html lang=%q>, want %q`, c.Lang, lang)
					}
					if len(c.Violations) > 0 {
						t.Errorf("%d axe-core violations (WCAG 2.0/2.1 A, AA):%s", len(c.Violations), report(c.Violations))
					}
					if len(c.DuplicateIDs) > 0 {
						t.Errorf("ids used more than once: %v", c.DuplicateIDs)
					}
					for _, p := range c.Layout {
						t.Error(p)
					}
					accept(p.As, p.Path, c)
				})
			}

			// The crawl: pages linked from the listed ones (and from
			// those), each checked once per language by the first
			// viewer that finds it, a few per route.
			crawled := 0
			for len(queue) > 0 {
				l := queue[0]
				queue = queue[1:]
				u, err := url.Parse(l.url)
				if err != nil || u.Scheme+"://"+u.Host != s.srv.URL {
					continue // another site
				}
				u.Fragment = ""
				path := u.RequestURI()
				pattern := patternOf(routes, u.Path)
				if _, ok := notPage(pattern); ok || download.MatchString(u.Path) || seen[path] || perRoute[pattern] >= crawlPerRoute {
					continue
				}
				seen[path] = true
				perRoute[pattern]++
				crawled++
				t.Run("crawl "+l.as.String()+" "+path, func(t *testing.T) {
					c, err := s.check(l.as, lang, s.srv.URL+path)
					if err != nil {
						t.Fatal(err)
					}
					if c.Status >= 400 {
						t.Errorf("status %d: a broken link on %s", c.Status, l.from)
					}
					if c.MIME == "text/html" && c.Lang != lang {
						t.Errorf(`<html lang=%q>, want %q`, c.Lang, lang)
					}
					if len(c.Violations) > 0 {
						t.Errorf("%d axe-core violations (WCAG 2.0/2.1 A, AA), linked from %s:%s", len(c.Violations), l.from, report(c.Violations))
					}
					if len(c.DuplicateIDs) > 0 {
						t.Errorf("ids used more than once (linked from %s): %v", l.from, c.DuplicateIDs)
					}
					for _, p := range c.Layout {
						t.Errorf("%s (linked from %s)", p, l.from)
					}
					accept(l.as, path, c)
				})
			}
			for _, pattern := range ByCrawl {
				if perRoute[pattern] == 0 {
					t.Errorf("the crawl reached no page of %q (listed in ByCrawl): link one from a listed page, or list one in Pages", pattern)
				}
			}
			t.Logf("%s: %d listed pages and %d crawled pages checked", lang, len(Pages), crawled)
		})
	}
}

// broken is a page with three known WCAG failures.
const broken = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Broken on purpose</title></head>
<body>
<main>
<h1>Broken on purpose</h1>
<img src="data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7" width="40" height="40">
<form><input type="text" name="q"></form>
<p style="color: #c8c8c8; background: #fff">Pale grey on white.</p>
</main>
</body>
</html>`

// fixture serves page from a server of its own for the test and returns
// its URL.
func fixture(t *testing.T, page string) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, page)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/"
}

// TestHarnessCatchesViolations proves that the harness fails a page that
// is not accessible: the image without alt text, the input without a
// label and the low-contrast text are all reported.
func TestHarnessCatchesViolations(t *testing.T) {
	s := start(t)
	c, err := s.check(Anonymous, "", fixture(t, broken))
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, v := range c.Violations {
		ids = append(ids, v.ID)
	}
	for _, want := range []string{"image-alt", "label", "color-contrast"} {
		if !slices.Contains(ids, want) {
			t.Errorf("axe-core did not report %s on the broken page; it reported %v", want, ids)
		}
	}
	got := report(c.Violations)
	for _, want := range []string{"image-alt (critical)", "<img src=", `<input type="text" name="q">`, "dequeuniversity.com"} {
		if !strings.Contains(got, want) {
			t.Errorf("the report lacks %q:%s", want, got)
		}
	}
	if !t.Failed() {
		t.Logf("the broken page's report, as a developer would see it:%s", got)
	}
}

// brokenLayout is a page that fails at a phone's width twice: a block
// wider than the screen and two tiny buttons side by side.
const brokenLayout = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Too wide</title></head>
<body><main><h1>Too wide</h1>
<div id="wide" style="width: 600px">A fixed-width block.</div>
<p><button style="width: 12px; height: 12px; padding: 0"></button><button style="width: 12px; height: 12px; padding: 0" aria-label="Two"></button></p>
<div style="overflow-x: auto"><div style="width: 900px">Wide, but scrolls in its own box.</div></div>
</main></body>
</html>`

// TestHarnessCatchesLayout proves that the width checks fail a page that
// scrolls sideways at 320 and 375 px, naming the element, and one whose
// targets are under 24×24 px, while a wide box that scrolls itself passes.
func TestHarnessCatchesLayout(t *testing.T) {
	s := start(t)
	c, err := s.check(Anonymous, "", fixture(t, brokenLayout))
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(c.Layout, "\n")
	for _, want := range []string{"at 320 px the page scrolls sideways", "at 375 px the page scrolls sideways", `<div id="wide"`, "target-size"} {
		if !strings.Contains(got, want) {
			t.Errorf("the layout report lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "at 1366 px the page scrolls") || strings.Contains(got, "900px") {
		t.Errorf("a page that fits, or a box that scrolls itself, is reported:\n%s", got)
	}
}

// focus is the focused element after a key press.
type focus struct {
	Tag          string  `json:"tag"`
	Text         string  `json:"text"`
	Skip         bool    `json:"skip"`   // a link to the <main> element
	Nav          string  `json:"nav"`    // the label of the header's <nav> it is in
	InLang       bool    `json:"inLang"` // in the language switch
	OutlineStyle string  `json:"outlineStyle"`
	OutlineWidth float64 `json:"outlineWidth"`
	BoxShadow    string  `json:"boxShadow"`
	OnScreen     bool    `json:"onScreen"`
}

const focusJS = `(() => {
  const el = document.activeElement;
  if (!el || el === document.body) return {tag: 'body'};
  const cs = getComputedStyle(el), r = el.getBoundingClientRect();
  const href = el.getAttribute('href') || '';
  const target = href.startsWith('#') ? document.getElementById(href.slice(1)) : null;
  const nav = el.closest('header nav');
  return {
    tag: el.tagName.toLowerCase(),
    text: (el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 60),
    skip: !!target && target.tagName === 'MAIN',
    nav: nav ? (nav.getAttribute('aria-label') || 'unlabelled nav') : '',
    inLang: !!el.closest('form[action="/lang"]'),
    outlineStyle: cs.outlineStyle,
    outlineWidth: parseFloat(cs.outlineWidth) || 0,
    boxShadow: cs.boxShadow,
    onScreen: r.width > 0 && r.height > 0 && r.right > 0 && r.bottom > 0 && r.left < innerWidth && r.top < innerHeight,
  };
})()`

func (f focus) String() string { return fmt.Sprintf("<%s> %q", f.Tag, f.Text) }

// visible reports whether the focus can be seen: an outline or a shadow,
// on the screen.
func (f focus) visible() error {
	if !f.OnScreen {
		return errors.New("it is off the screen")
	}
	if (f.OutlineStyle == "none" || f.OutlineWidth <= 0) && (f.BoxShadow == "" || f.BoxShadow == "none") {
		return fmt.Errorf("no focus indicator: outline %s %gpx, box-shadow %s", f.OutlineStyle, f.OutlineWidth, f.BoxShadow)
	}
	return nil
}

// TestKeyboard presses Tab from the top of the home page: the first stop
// is the skip link, then the main navigation and the language switch come
// within a few presses, each with a visible focus indicator; the skip link
// moves the focus to the main content.
func TestKeyboard(t *testing.T) {
	s := start(t)
	ctx, cancel := chromedp.NewContext(s.browser, chromedp.WithNewBrowserContext())
	defer cancel()
	if err := chromedp.Do(ctx); err != nil {
		t.Fatal(err)
	}
	ctx, cancelT := context.WithTimeout(ctx, 2*pageTimeout)
	defer cancelT()
	if err := chromedp.Do(ctx, chromedp.Navigate(s.srv.URL+"/")); err != nil {
		t.Fatal(err)
	}
	tab := func() focus {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.KeyEvent("\t")); err != nil {
			t.Fatal(err)
		}
		f, err := chromedp.Run(ctx, chromedp.Evaluate[focus](focusJS))
		if err != nil {
			t.Fatal(err)
		}
		return f
	}

	var path []focus
	var nav, lang *focus
	for len(path) < maxTabs && (nav == nil || lang == nil) {
		f := tab()
		path = append(path, f)
		switch {
		case nav == nil && f.Nav != "" && f.Tag == "a":
			nav = &path[len(path)-1]
		case lang == nil && f.InLang && f.Tag == "button":
			lang = &path[len(path)-1]
		}
	}
	t.Logf("Tab order: %v", path)
	if !path[0].Skip {
		t.Errorf("the first Tab stop is %v, want the skip link to the main content", path[0])
	} else if err := path[0].visible(); err != nil {
		t.Errorf("the skip link's focus is not visible: %v", err)
	}
	if nav == nil {
		t.Errorf("%d Tab presses did not reach a link of the main navigation", maxTabs)
	} else if err := nav.visible(); err != nil {
		t.Errorf("the focus on %v in the main navigation is not visible: %v", nav, err)
	}
	if lang == nil {
		t.Errorf("%d Tab presses did not reach the language switch", maxTabs)
	} else if err := lang.visible(); err != nil {
		t.Errorf("the focus on %v in the language switch is not visible: %v", lang, err)
	}

	// Enter on the skip link moves the focus to <main>.
	if err := chromedp.Do(ctx, chromedp.Navigate(s.srv.URL+"/")); err != nil {
		t.Fatal(err)
	}
	if f := tab(); f.Skip {
		if err := chromedp.Do(ctx, chromedp.KeyEvent("\r")); err != nil {
			t.Fatal(err)
		}
		got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement.tagName`))
		if err != nil {
			t.Fatal(err)
		}
		if got != "MAIN" {
			t.Errorf("after Enter on the skip link the focus is on <%s>, want <main>", strings.ToLower(got))
		}
	}
}

// TestEveryPageIsListed checks that every GET route the app registers is
// served by some page of Pages or is listed in NotPages with a reason, so
// that a module cannot add a page the browser suite never opens. It needs
// no browser, so it runs in every plain `go test` too.
func TestEveryPageIsListed(t *testing.T) {
	srv := startPlain(t)
	routes := routeMux(srv.Routes)
	covered := map[string]bool{}
	for _, p := range Pages {
		u, err := url.Parse(p.Path)
		if err != nil || !strings.HasPrefix(p.Path, "/") {
			t.Errorf("page %q: want a path starting with /", p.Path)
			continue
		}
		pattern := patternOf(routes, u.Path)
		if np, ok := notPage(pattern); ok {
			t.Errorf("page %q is served by %q, which NotPages leaves out (%s)", p.Path, pattern, np.Reason)
		}
		covered[pattern] = true
	}
	for _, pattern := range ByCrawl {
		if !slices.ContainsFunc(srv.Routes, func(r web.Route) bool { return r.Pattern == pattern }) {
			t.Errorf("ByCrawl: %q matches no route; remove it", pattern)
		}
		covered[pattern] = true
	}
	used := map[string]bool{}
	for _, r := range srv.Routes {
		method, _, _ := strings.Cut(r.Pattern, " ")
		if strings.HasPrefix(r.Pattern, "/") {
			method = "" // no method: it answers GET too
		}
		if method != "" && method != http.MethodGet {
			continue
		}
		if np, ok := notPage(r.Pattern); ok {
			used[np.Pattern] = true
			continue
		}
		if !covered[r.Pattern] {
			t.Errorf("route %q (%s) is not checked by the browser suite: add a page it serves to Pages in internal/e2e/pages.go, or add it to NotPages there with the reason it is not a page", r.Pattern, r.Access)
		}
	}
	for _, np := range NotPages {
		switch {
		case np.Reason == "":
			t.Errorf("NotPages: %q has no reason", np.Pattern)
		case np.Pattern == "GET /" || !strings.HasPrefix(np.Pattern, "GET /"):
			t.Errorf("NotPages: %q: want \"GET /path\" or a prefix like \"GET /api/\"", np.Pattern)
		case !used[np.Pattern]:
			t.Errorf("NotPages: %q matches no route; remove it", np.Pattern)
		}
	}
}

// startPlain starts the app on a fresh SQLite database, without demo
// content, for tests that need only its routes.
func startPlain(t *testing.T) *app.Server {
	t.Helper()
	return apptest.Start(t, "sqlite:"+filepath.Join(t.TempDir(), "e2e.db"))
}

// routeMux is a mux with the app's route patterns, to tell which pattern
// serves a path.
func routeMux(routes []web.Route) *http.ServeMux {
	mux := http.NewServeMux()
	for _, r := range routes {
		mux.Handle(r.Pattern, http.NotFoundHandler())
	}
	return mux
}

// patternOf is the pattern that serves a GET of path.
func patternOf(mux *http.ServeMux, path string) string {
	_, pattern := mux.Handler(httptest.NewRequest(http.MethodGet, path, nil))
	return pattern
}

// notPage finds the NotPages entry for a route pattern.
func notPage(pattern string) (NotPage, bool) {
	for _, np := range NotPages {
		prefix := strings.HasSuffix(np.Pattern, "/") && np.Pattern != "GET /"
		if pattern == np.Pattern || prefix && strings.HasPrefix(pattern, np.Pattern) {
			return np, true
		}
	}
	return NotPage{}, false
}
