package news

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/civitas-city/civitas/internal/web"
)

// ItemJSON is an item in the API.
type ItemJSON struct {
	Slug       string          `json:"slug"`
	Kind       Kind            `json:"kind"`
	Title      string          `json:"title"`
	Summary    string          `json:"summary"`
	Body       string          `json:"body_markdown"`
	URL        string          `json:"url"`
	Districts  []int           `json:"districts"`
	Topics     []string        `json:"topics"`
	Published  time.Time       `json:"published"`
	Updated    time.Time       `json:"updated"`
	StartsAt   *time.Time      `json:"starts_at,omitempty"`
	EndsAt     *time.Time      `json:"ends_at,omitempty"`
	Place      string          `json:"place,omitempty"`
	Access     string          `json:"accessibility,omitempty"`
	Price      *int64          `json:"price_grosze,omitempty"`
	Streets    []string        `json:"streets,omitempty"`
	Detour     string          `json:"detour,omitempty"`
	Geometry   json.RawMessage `json:"geometry,omitempty"`
	GeoText    string          `json:"geometry_description,omitempty"`
	Budget     *int64          `json:"budget_grosze,omitempty"`
	Contractor string          `json:"contractor,omitempty"`
	Progress   *int            `json:"progress_percent,omitempty"`
	Milestones []MilestoneJSON `json:"milestones,omitempty"`
}

// MilestoneJSON is an investment's milestone in the API.
type MilestoneJSON struct {
	Title string     `json:"title"`
	Due   *time.Time `json:"due,omitempty"`
	Done  bool       `json:"done"`
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func (h *Handler) itemJSON(it *Item) ItemJSON {
	j := ItemJSON{Slug: it.Slug, Kind: it.Kind, Title: it.Title, Summary: it.Summary, Body: it.Body,
		URL: h.BaseURL + "/news/items/" + it.Slug, Districts: append([]int{}, it.Districts...), Topics: append([]string{}, it.Topics...),
		Published: it.ShownAt, Updated: it.UpdatedAt}
	switch it.Kind {
	case Event:
		j.StartsAt, j.EndsAt, j.Place, j.Access, j.Price = timePtr(it.StartsAt), timePtr(it.EndsAt), it.Place, it.Accessibility, &it.Price
	case RoadWork:
		j.StartsAt, j.EndsAt, j.Streets, j.Detour, j.GeoText = timePtr(it.StartsAt), timePtr(it.EndsAt), it.Streets, it.Detour, it.GeometryText
		if it.Geometry != "" {
			j.Geometry = json.RawMessage(it.Geometry)
		}
	case Investment:
		j.Budget, j.Contractor, j.Progress = &it.Budget, it.Contractor, &it.Progress
		for _, m := range it.Milestones {
			j.Milestones = append(j.Milestones, MilestoneJSON{Title: m.Title, Due: timePtr(m.Due), Done: m.Done})
		}
	}
	return j
}

func (h *Handler) apiList(w http.ResponseWriter, r *http.Request) error {
	f := filterOf(r.URL.Query())
	f.Limit = 100
	items, err := h.Service.List(r.Context(), f)
	if err != nil {
		return err
	}
	out := []ItemJSON{}
	for _, it := range items {
		out = append(out, h.itemJSON(it))
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"items": out})
}

func (h *Handler) apiItem(w http.ResponseWriter, r *http.Request) error {
	it, err := h.Service.Item(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, h.itemJSON(it))
}
