package web

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"time"
)

// OpenItem is something residents can take part in now, for the home
// page's "open now": a vote, a call for projects, a consultation.
type OpenItem struct {
	Title string // already translated, in the request's language
	URL   string
	// Closes is when it ends; zero when no end is planned.
	Closes time.Time
	// District is the district it is for; 0 for the whole city.
	District int
	// Ask is a question a signed-in resident answers right there (a quick
	// poll); its Opener must be an Asker.
	Ask *Ask

	from int // which Opener gave it, to ask that one about its Asks
}

// OpenLine is an open item as the home page shows it to one visitor: with
// the form of its Ask when they may answer it, or the notice of the
// answer they have just given.
type OpenLine struct {
	OpenItem
	AskView *AskView
}

// Opener is one module's part of "open now". Modules implement it in
// their own package; app hands them to the Shell.
type Opener interface {
	OpenNow(ctx context.Context) ([]OpenItem, error)
}

// openNow gathers what is open now, the resident's own district first,
// then the whole city, then other districts; within each, what closes
// first comes first (no end planned: last).
func (h *Shell) openNow(ctx context.Context) ([]OpenItem, int, error) {
	items, err := h.openCache.get(ctx, h.Openers)
	if err != nil {
		return nil, 0, err
	}
	district := 0
	if u := CurrentUser(ctx); u != nil && h.DistrictOf != nil {
		d, err := h.DistrictOf(ctx, u.ID)
		if err != nil {
			return nil, 0, err
		}
		district = d
	}
	rank := func(it OpenItem) int {
		switch {
		case district != 0 && it.District == district:
			return 0
		case it.District == 0:
			return 1
		}
		return 2
	}
	slices.SortStableFunc(items, func(a, b OpenItem) int {
		if c := cmp.Compare(rank(a), rank(b)); c != 0 {
			return c
		}
		switch {
		case a.Closes.IsZero() != b.Closes.IsZero():
			if a.Closes.IsZero() {
				return 1
			}
			return -1
		}
		return a.Closes.Compare(b.Closes)
	})
	return items, district, nil
}

// openTTL is how long the home page reuses what the modules said is open:
// asking every module on each visit cost the home page seven eighths of
// its throughput (8,117 to 1,068 requests/s on SQLite), and a vote that
// opened a few seconds ago can wait that long to be listed.
const openTTL = 5 * time.Second

// openCache keeps the modules' open items per language for openTTL. It is
// a copy of public listings, not state: any node may hold its own.
type openCache struct {
	mu      sync.Mutex
	entries map[string]openEntry
}

type openEntry struct {
	at    time.Time
	items []OpenItem
}

// get returns a fresh copy of the items for the request's language, asking
// the modules when the kept one is older than openTTL.
func (c *openCache) get(ctx context.Context, openers []Opener) ([]OpenItem, error) {
	lang := Lang(ctx)
	c.mu.Lock()
	e, ok := c.entries[lang]
	c.mu.Unlock()
	if !ok || time.Since(e.at) > openTTL {
		var items []OpenItem
		for i, o := range openers {
			its, err := o.OpenNow(ctx)
			if err != nil {
				return nil, err
			}
			for _, it := range its {
				it.from = i
				items = append(items, it)
			}
		}
		e = openEntry{at: time.Now(), items: items}
		c.mu.Lock()
		if c.entries == nil {
			c.entries = map[string]openEntry{}
		}
		c.entries[lang] = e
		c.mu.Unlock()
	}
	return slices.Clone(e.items), nil // the caller sorts its own copy
}

// openLines makes the visitor's lines of items. Anonymous visitors get
// the items alone: their Asks cost no query. For a signed-in resident each
// Opener with Asks among the items is asked once which of them they may
// still answer; the Ask named answered (just answered, from the page's
// query) shows its notice and results instead of its form.
func (h *Shell) openLines(ctx context.Context, items []OpenItem, answered string) ([]OpenLine, error) {
	lines := make([]OpenLine, len(items))
	keys := map[int][]string{} // by Opener
	for i, it := range items {
		lines[i].OpenItem = it
		if it.Ask != nil {
			keys[it.from] = append(keys[it.from], it.Ask.Key)
		}
	}
	u := Participant(ctx) // an officer acting for a resident answers for them
	if u == nil || len(keys) == 0 {
		return lines, nil
	}
	open := map[string]bool{}
	for from, ks := range keys {
		asker, ok := h.Openers[from].(Asker)
		if !ok {
			continue
		}
		can, err := asker.CanAnswer(ctx, u.ID, ks)
		if err != nil {
			return nil, err
		}
		for k, v := range can {
			open[k] = v
		}
		if slices.Contains(ks, answered) {
			if err := h.answered(ctx, lines, asker, u.ID, answered); err != nil {
				return nil, err
			}
		}
	}
	for i := range lines {
		if ask := lines[i].Ask; ask != nil && lines[i].AskView == nil && open[ask.Key] {
			lines[i].AskView = &AskView{Ask: *ask, CanAnswer: true, Next: "/"}
		}
	}
	return lines, nil
}

// answered puts the notice and results of the Ask key the resident has
// just answered on its line.
func (h *Shell) answered(ctx context.Context, lines []OpenLine, r AskResulter, userID, key string) error {
	v, err := AnsweredView(ctx, []AskResulter{r}, userID, key)
	if err != nil || v == nil {
		return err
	}
	for i := range lines {
		if ask := lines[i].Ask; ask != nil && ask.Key == key {
			v.Ask = *ask
			lines[i].AskView = v
		}
	}
	return nil
}

// pageCache keeps a rendered page per language for openTTL (the anonymous
// home page). Two requests missing it at once may both render it; the
// later one is kept.
type pageCache struct {
	mu    sync.Mutex
	pages map[string]cachedPage
}

type cachedPage struct {
	body []byte
	at   time.Time
}

func (c *pageCache) get(lang string, render func() ([]byte, error)) ([]byte, error) {
	c.mu.Lock()
	p, ok := c.pages[lang]
	c.mu.Unlock()
	if ok && time.Since(p.at) < openTTL {
		return p.body, nil
	}
	body, err := render()
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.pages == nil {
		c.pages = map[string]cachedPage{}
	}
	c.pages[lang] = cachedPage{body: body, at: time.Now()}
	c.mu.Unlock()
	return body, nil
}
