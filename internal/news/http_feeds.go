package news

import (
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/civitas-city/civitas/internal/news/feeds"
	"github.com/civitas-city/civitas/internal/web"
)

// The feeds of /news: the same filter as the page (district, topic, kind,
// search), the latest 50 items, or up to 500 dated ones for a calendar.

// feedOf builds the syndication feed of a request's filter.
func (h *Handler) feedOf(r *http.Request, self string) (feeds.Feed, error) {
	f := filterOf(r.URL.Query())
	f.Limit = 50
	items, err := h.Service.List(r.Context(), f)
	if err != nil {
		return feeds.Feed{}, err
	}
	q := f.query()
	if q != "" {
		q = "?" + q
	}
	out := feeds.Feed{Title: h.feedTitle(r, f), Subtitle: h.t(r, "news.intro"), Link: h.BaseURL + "/news" + q,
		Self: h.BaseURL + self + q, Lang: web.Lang(r.Context()), Updated: h.Service.now()}
	for i, it := range items {
		if i == 0 || it.UpdatedAt.After(out.Updated) {
			out.Updated = it.UpdatedAt
		}
		url := h.BaseURL + "/news/items/" + it.Slug
		out.Entries = append(out.Entries, feeds.Entry{ID: url, URL: url, Title: it.Title, Summary: it.Summary,
			ContentHTML: string(web.Markdown(it.Body, 1)), Published: it.ShownAt, Updated: it.UpdatedAt,
			Categories: append([]string{string(it.Kind)}, it.Topics...)})
	}
	return out, nil
}

// feedTitle names a filter: "News — Podgórze — road works".
func (h *Handler) feedTitle(r *http.Request, f Filter) string {
	parts := []string{h.t(r, "news.title")}
	if f.District != 0 {
		parts = append(parts, h.districtName(f.District))
	}
	if f.Topic != "" {
		parts = append(parts, h.t(r, "news.topic."+f.Topic))
	}
	if f.Kind != "" {
		parts = append(parts, h.t(r, "news.kinds."+string(f.Kind)))
	}
	if f.Query != "" {
		parts = append(parts, "“"+f.Query+"”")
	}
	return strings.Join(parts, " — ")
}

func (h *Handler) writeFeed(w http.ResponseWriter, r *http.Request, self, contentType string, write func(io.Writer, feeds.Feed) error) error {
	f, err := h.feedOf(r, self)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", contentType)
	return write(w, f)
}

func (h *Handler) handleAtom(w http.ResponseWriter, r *http.Request) error {
	return h.writeFeed(w, r, "/news/feed.atom", "application/atom+xml; charset=utf-8", feeds.WriteAtom)
}

func (h *Handler) handleRSS(w http.ResponseWriter, r *http.Request) error {
	return h.writeFeed(w, r, "/news/feed.rss", "application/rss+xml; charset=utf-8", feeds.WriteRSS)
}

func (h *Handler) handleJSONFeed(w http.ResponseWriter, r *http.Request) error {
	return h.writeFeed(w, r, "/news/feed.json", "application/feed+json; charset=utf-8", feeds.WriteJSONFeed)
}

// handleCalendar is the iCalendar of events and road works of a filter:
// those still running or to come, and those of the last 30 days.
func (h *Handler) handleCalendar(w http.ResponseWriter, r *http.Request) error {
	f := filterOf(r.URL.Query())
	f.Limit = 500
	f.From = h.Service.now().Add(-30 * 24 * time.Hour)
	items, err := h.Service.List(r.Context(), f)
	if err != nil {
		return err
	}
	cal := feeds.Calendar{Name: h.feedTitle(r, f), ProdID: "-//Civitas//News//" + strings.ToUpper(web.Lang(r.Context()))}
	for _, it := range items {
		if !it.Kind.Dated() || it.StartsAt.IsZero() {
			continue
		}
		cal.Events = append(cal.Events, h.calEvent(r, it))
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Content-Disposition", `inline; filename="news.ics"`)
	return feeds.WriteICalendar(w, cal)
}

// calEvent is an event or road work as a calendar entry: the place is the
// event's place or the road work's streets, with its point when it has one.
func (h *Handler) calEvent(r *http.Request, it *Item) feeds.CalEvent {
	e := feeds.CalEvent{UID: it.ID + "@" + hostOf(h.BaseURL), Summary: it.Title, Description: it.Summary,
		URL: h.BaseURL + "/news/items/" + it.Slug, Start: it.StartsAt, End: it.EndsAt, Stamp: it.UpdatedAt,
		Categories: []string{h.t(r, "news.kinds."+string(it.Kind))}}
	switch it.Kind {
	case Event:
		e.Location = it.Place
	case RoadWork:
		e.Location = strings.Join(it.Streets, ", ")
		if it.Detour != "" {
			e.Description = strings.TrimSpace(e.Description + "\n" + h.t(r, "news.detour") + ": " + it.Detour)
		}
	}
	if g, err := ParseGeometry(it.Geometry); err == nil && it.Geometry != "" {
		p := g.Points[0]
		e.Geo = &[2]float64{p[1], p[0]} // GeoJSON is lon, lat; GEO is lat;lon
	}
	return e
}

// hostOf is the host of a base URL, for calendar UIDs.
func hostOf(base string) string {
	return strings.TrimPrefix(strings.TrimPrefix(base, "https://"), "http://")
}
