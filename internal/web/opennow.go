package web

import (
	"cmp"
	"context"
	"slices"
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
	var items []OpenItem
	for _, o := range h.Openers {
		its, err := o.OpenNow(ctx)
		if err != nil {
			return nil, 0, err
		}
		items = append(items, its...)
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
