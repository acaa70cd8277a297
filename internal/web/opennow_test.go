package web

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"
)

type openers []OpenItem

func (o openers) OpenNow(context.Context) ([]OpenItem, error) { return o, nil }

// "Open now" puts the resident's district first, then the whole city,
// then other districts; what closes first comes first, no end last.
func TestOpenNowPutsTheResidentsDistrictFirst(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 12, d, 12, 0, 0, 0, time.UTC) }
	h := &Shell{
		Openers: []Opener{
			openers{{Title: "city, no end"}, {Title: "district 3", District: 3, Closes: day(20)}},
			openers{{Title: "city, ends 10th", Closes: day(10)}, {Title: "district 5", District: 5, Closes: day(30)}, {Title: "district 5, sooner", District: 5, Closes: day(12)}},
		},
		DistrictOf: func(context.Context, string) (int, error) { return 5, nil },
	}
	titles := func(items []OpenItem) []string {
		var out []string
		for _, it := range items {
			out = append(out, it.Title)
		}
		return out
	}
	items, district, err := h.openNow(WithUser(context.Background(), &User{ID: "u1"}))
	if err != nil || district != 5 {
		t.Fatalf("district %d, %v", district, err)
	}
	want := []string{"district 5, sooner", "district 5", "city, ends 10th", "city, no end", "district 3"}
	if got := titles(items); !slices.Equal(got, want) {
		t.Errorf("signed in, district 5: %v, want %v", got, want)
	}
	items, _, _ = h.openNow(context.Background())
	want = []string{"city, ends 10th", "city, no end", "district 5, sooner", "district 3", "district 5"}
	if got := titles(items); !slices.Equal(got, want) {
		t.Errorf("anonymous: %v, want %v", got, want)
	}
}

// countingOpener counts how often the home page asks it.
type countingOpener struct{ calls int }

func (c *countingOpener) OpenNow(ctx context.Context) ([]OpenItem, error) {
	c.calls++
	return []OpenItem{{Title: Lang(ctx), URL: "/x"}}, nil
}

// The modules are asked once per language within openTTL, not on every
// visit; each language keeps its own titles.
func TestOpenNowReusedPerLanguage(t *testing.T) {
	o := &countingOpener{}
	var c openCache
	for range 3 {
		for _, lang := range []string{"pl", "en"} {
			items, err := c.get(WithLang(context.Background(), lang), []Opener{o})
			if err != nil || len(items) != 1 || items[0].Title != lang {
				t.Fatalf("%s: %v %v", lang, items, err)
			}
		}
	}
	if o.calls != 2 {
		t.Errorf("the opener was asked %d times, want 2 (once per language)", o.calls)
	}
	c.entries["pl"] = openEntry{at: time.Now().Add(-openTTL - time.Second), items: nil}
	if items, _ := c.get(WithLang(context.Background(), "pl"), []Opener{o}); len(items) != 1 || o.calls != 3 {
		t.Errorf("a stale copy was used: %v, %d calls", items, o.calls)
	}
}

// askingOpener offers two polls and counts how often it is asked about
// a resident.
type askingOpener struct {
	asked   int
	results int
}

func (a *askingOpener) OpenNow(context.Context) ([]OpenItem, error) {
	return []OpenItem{
		{Title: "poll a", URL: "/a", Ask: &Ask{Key: "a", Question: "A?", Action: "/a"}},
		{Title: "poll b", URL: "/b", Ask: &Ask{Key: "b", Question: "B?", Action: "/b"}},
	}, nil
}

func (a *askingOpener) CanAnswer(_ context.Context, userID string, keys []string) (map[string]bool, error) {
	a.asked++
	return map[string]bool{"a": true, "b": false}, nil // b answered already
}

func (a *askingOpener) AskResults(_ context.Context, userID, key string) (*AskResults, error) {
	a.results++
	if key != "b" {
		return nil, nil
	}
	return &AskResults{Question: "B?", Voters: 3, Rows: []AskRow{{Label: "yes", Votes: 3, Percent: "100,0 %"}}}, nil
}

// Anonymous visitors see the polls as links and cost the module nothing;
// a signed-in resident gets a form for each poll they may still answer
// (the module asked once per visit), and the poll just answered shows its
// notice and results instead.
func TestOpenLinesAskOncePerVisit(t *testing.T) {
	o := &askingOpener{}
	h := &Shell{Openers: []Opener{openers{{Title: "consultation", URL: "/c"}}, o}}
	ctx := WithLang(context.Background(), "en")
	items, _, err := h.openNow(ctx)
	if err != nil {
		t.Fatal(err)
	}
	lines, err := h.openLines(ctx, items, "b")
	if err != nil || len(lines) != 3 {
		t.Fatalf("%v %v", lines, err)
	}
	for _, l := range lines {
		if l.AskView != nil {
			t.Errorf("an anonymous visitor got the form or notice of %q", l.Title)
		}
	}
	if o.asked+o.results != 0 {
		t.Errorf("an anonymous visit asked the module %d times", o.asked+o.results)
	}

	resident := WithUser(ctx, &User{ID: "u1"})
	items, _, _ = h.openNow(resident)
	lines, err = h.openLines(resident, items, "b")
	if err != nil {
		t.Fatal(err)
	}
	byTitle := map[string]*AskView{}
	for _, l := range lines {
		byTitle[l.Title] = l.AskView
	}
	if a := byTitle["poll a"]; a == nil || !a.CanAnswer || a.Answered || a.Next != "/" || a.Action != "/a" {
		t.Errorf("poll a: %+v, want its form coming back home", a)
	}
	if b := byTitle["poll b"]; b == nil || !b.Answered || b.CanAnswer || b.Results == nil || b.Results.Voters != 3 || b.Question != "B?" {
		t.Errorf("poll b, just answered: %+v, want the notice and results", b)
	}
	if byTitle["consultation"] != nil {
		t.Error("an item without a question got a form")
	}
	if o.asked != 1 || o.results != 1 {
		t.Errorf("the module was asked %d times which polls are open to the resident and %d times for results, want 1 and 1", o.asked, o.results)
	}
	// Without an answered poll in the query, no results are asked for;
	// an answered poll no longer open to them is a plain link.
	lines, _ = h.openLines(resident, items, "")
	if o.results != 1 || lines[2].AskView != nil {
		t.Errorf("results asked %d times; poll b's line %+v", o.results, lines[2].AskView)
	}
}

func TestAnsweredURLStaysOnTheSite(t *testing.T) {
	for next, want := range map[string]string{
		"/":                     "/?answered=poll-x#ask-poll-x",
		"/account?tab=1#votes":  "/account?answered=poll-x&tab=1#ask-poll-x",
		"//evil.example/":       "/?answered=poll-x#ask-poll-x",
		"https://evil.example/": "/?answered=poll-x#ask-poll-x",
	} {
		if got := AnsweredURL(next, "poll-x"); got != want {
			t.Errorf("AnsweredURL(%q) = %q, want %q", next, got, want)
		}
	}
}

// The anonymous home page is rendered once per language and openTTL.
func TestPageCacheRendersOncePerLanguage(t *testing.T) {
	var c pageCache
	renders := 0
	render := func(body string) func() ([]byte, error) {
		return func() ([]byte, error) { renders++; return []byte(body), nil }
	}
	for range 3 {
		if b, err := c.get("pl", render("strona")); err != nil || string(b) != "strona" {
			t.Fatalf("pl: %q %v", b, err)
		}
	}
	if b, _ := c.get("en", render("page")); string(b) != "page" {
		t.Errorf("en: %q", b)
	}
	if renders != 2 {
		t.Errorf("%d renders, want one per language", renders)
	}
	c.pages["pl"] = cachedPage{body: []byte("old"), at: time.Now().Add(-openTTL)}
	if b, _ := c.get("pl", render("nowa")); string(b) != "nowa" {
		t.Errorf("an expired page is served: %q", b)
	}
	if _, err := c.get("uk", func() ([]byte, error) { return nil, errors.New("boom") }); err == nil {
		t.Error("a failed render is not an error")
	}
	if _, ok := c.pages["uk"]; ok {
		t.Error("a failed render is kept")
	}
}
