package web

import (
	"context"
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
