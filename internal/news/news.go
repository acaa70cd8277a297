// Package news is the city's information hub: articles, road works,
// investments and events, tagged by district and topic, written by
// officers through draft → review → published, read as pages, feeds (Atom,
// RSS, JSON Feed, iCalendar) and the JSON API, and searched with Polish
// diacritics folded.
package news

import (
	"encoding/json"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/web"
)

// Kind is what an item is.
type Kind string

const (
	Article    Kind = "article"
	RoadWork   Kind = "roadwork"
	Investment Kind = "investment"
	Event      Kind = "event"
)

// Kinds lists the kinds in the order filters show them.
var Kinds = []Kind{Article, RoadWork, Investment, Event}

// Valid tells a known kind.
func (k Kind) Valid() bool { return slices.Contains(Kinds, k) }

// Dated tells the kinds that happen at a time (in iCalendar feeds).
func (k Kind) Dated() bool { return k == Event || k == RoadWork }

// Status is where an item is in the editorial workflow.
type Status string

const (
	Draft     Status = "draft"
	Review    Status = "review"
	Published Status = "published"
)

// transitions are the workflow's allowed moves: a draft goes to review;
// review sends it back or publishes it; a published item can be withdrawn
// to a draft.
var transitions = map[Status][]Status{
	Draft:     {Review},
	Review:    {Draft, Published},
	Published: {Draft},
}

// CanMove tells whether the workflow allows from → to.
func CanMove(from, to Status) bool { return slices.Contains(transitions[from], to) }

// Topics are the subjects items are tagged with (a fixed list: each has a
// name in every language, news.topic.<slug>).
var Topics = []string{"transport", "roads", "environment", "culture", "sport", "education", "health", "safety", "social", "city"}

// Item is one piece of news of any kind.
type Item struct {
	ID, Slug string
	Kind     Kind
	Status   Status
	Title    string
	Summary  string
	Body     string // Markdown
	// Districts it is about (none: the whole city) and its topics.
	Districts []int
	Topics    []string
	// PublishAt is a planned publication, UnpublishAt a planned end; ShownAt
	// is when it appears in the feed (set when published).
	PublishAt, UnpublishAt, ShownAt time.Time
	// Events and road works.
	StartsAt, EndsAt time.Time
	// Events.
	Place, Accessibility string
	Price                int64 // grosze; 0 is free
	// Road works: the streets affected, the detour, and where, as a
	// GeoJSON Point or LineString with the same place in words.
	Streets      []string
	Detour       string
	Geometry     string
	GeometryText string
	// Investments.
	Budget     int64 // grosze
	Contractor string
	Progress   int // per cent
	Milestones []Milestone

	CreatedBy            string
	CreatedAt, UpdatedAt time.Time
}

// Milestone is a step of an investment.
type Milestone struct {
	Title string
	Due   time.Time
	Done  bool
}

// Visible tells whether residents see the item at now: published, its
// time come and not yet withdrawn by its schedule.
func (it *Item) Visible(now time.Time) bool {
	return it.Status == Published && !it.ShownAt.IsZero() && !it.ShownAt.After(now) &&
		(it.UnpublishAt.IsZero() || it.UnpublishAt.After(now))
}

// Input is what an officer writes into the editor.
type Input struct {
	Kind                 Kind
	Slug                 string // empty: made from the title
	Title, Summary, Body string
	Districts            []int
	Topics               []string
	PublishAt            time.Time
	UnpublishAt          time.Time
	StartsAt, EndsAt     time.Time
	Place, Accessibility string
	Price                int64
	Streets              []string
	Detour               string
	Geometry             string
	GeometryText         string
	Budget               int64
	Contractor           string
	Progress             int
	Milestones           []Milestone
}

// Limits of the editor's fields.
const (
	maxTitle = 200
	maxShort = 500
	maxBody  = 50_000
)

// validate checks in against the rules of its kind; isDistrict tells the
// city's district numbers. Every problem is reported at once.
func (in *Input) validate(isDistrict func(int) bool) error {
	f := apperr.Fields{}
	check := func(field, s string, max int, multiline, required bool) {
		switch {
		case required && strings.TrimSpace(s) == "":
			f[field] = "news.error.required"
		case len([]rune(s)) > max:
			f[field] = "news.error.too_long"
		default:
			if err := web.CheckText(field, s, multiline); err != nil {
				f[field] = apperr.MessageOf(err)
			}
		}
	}
	if !in.Kind.Valid() {
		f["kind"] = "news.error.kind"
	}
	check("title", in.Title, maxTitle, false, true)
	check("summary", in.Summary, maxShort, true, false)
	check("body", in.Body, maxBody, true, false)
	check("place", in.Place, maxShort, false, in.Kind == Event)
	check("accessibility", in.Accessibility, maxShort, true, false)
	check("detour", in.Detour, maxShort*4, true, false)
	check("geometry_text", in.GeometryText, maxShort, true, in.Geometry != "")
	check("contractor", in.Contractor, maxTitle, false, false)
	if in.Slug != "" && !validSlug(in.Slug) {
		f["slug"] = "news.error.slug"
	}
	for _, d := range in.Districts {
		if isDistrict != nil && !isDistrict(d) || d <= 0 {
			f["districts"] = "news.error.district"
		}
	}
	for _, t := range in.Topics {
		if !slices.Contains(Topics, t) {
			f["topics"] = "news.error.topic"
		}
	}
	if !in.UnpublishAt.IsZero() && !in.PublishAt.IsZero() && !in.UnpublishAt.After(in.PublishAt) {
		f["unpublish_at"] = "news.error.unpublish_before"
	}
	if in.Kind.Dated() && in.StartsAt.IsZero() {
		f["starts_at"] = "news.error.required"
	}
	if !in.EndsAt.IsZero() && in.EndsAt.Before(in.StartsAt) {
		f["ends_at"] = "news.error.ends_before"
	}
	if in.Price < 0 {
		f["price"] = "news.error.amount"
	}
	if in.Budget < 0 {
		f["budget"] = "news.error.amount"
	}
	if in.Progress < 0 || in.Progress > 100 {
		f["progress"] = "news.error.progress"
	}
	for _, s := range in.Streets {
		check("streets", s, maxTitle, false, true)
	}
	for _, m := range in.Milestones {
		check("milestones", m.Title, maxTitle, false, true)
	}
	if in.Geometry != "" {
		if _, err := ParseGeometry(in.Geometry); err != nil {
			f["geometry"] = apperr.MessageOf(err)
		}
	}
	return f.Err()
}

func validSlug(s string) bool {
	if len(s) > 100 || strings.HasPrefix(s, "-") || strings.HasSuffix(s, "-") {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return s != ""
}

// slugOf makes a slug from a title: its folded words joined by hyphens.
func slugOf(title string) string {
	var words []string
	n := 0
	for _, w := range Words(title) {
		ascii := strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, w)
		if ascii == "" || n+len(ascii) > 80 {
			continue
		}
		words = append(words, ascii)
		n += len(ascii) + 1
	}
	if len(words) == 0 {
		return "item"
	}
	return strings.Join(words, "-")
}

// Geometry is a road work's place on the map: a point or a line, in
// longitude/latitude (WGS 84), as GeoJSON writes them.
type Geometry struct {
	Type string // Point or LineString
	// Points are the coordinates: one for a Point.
	Points [][2]float64
}

// ParseGeometry reads a GeoJSON Point or LineString geometry, or a
// Feature holding one.
func ParseGeometry(src string) (Geometry, error) {
	bad := apperr.Fieldf("geometry", "news.error.geometry")
	var raw struct {
		Type        string          `json:"type"`
		Coordinates json.RawMessage `json:"coordinates"`
		Geometry    json.RawMessage `json:"geometry"`
	}
	if err := json.Unmarshal([]byte(src), &raw); err != nil {
		return Geometry{}, bad
	}
	if raw.Type == "Feature" {
		if len(raw.Geometry) == 0 {
			return Geometry{}, bad
		}
		return ParseGeometry(string(raw.Geometry))
	}
	g := Geometry{Type: raw.Type}
	switch raw.Type {
	case "Point":
		var p []float64
		if json.Unmarshal(raw.Coordinates, &p) != nil || len(p) < 2 {
			return Geometry{}, bad
		}
		g.Points = [][2]float64{{p[0], p[1]}}
	case "LineString":
		var ps [][]float64
		if json.Unmarshal(raw.Coordinates, &ps) != nil || len(ps) < 2 {
			return Geometry{}, bad
		}
		for _, p := range ps {
			if len(p) < 2 {
				return Geometry{}, bad
			}
			g.Points = append(g.Points, [2]float64{p[0], p[1]})
		}
	default:
		return Geometry{}, apperr.Fieldf("geometry", "news.error.geometry_type")
	}
	for _, p := range g.Points {
		if math.IsNaN(p[0]) || math.IsNaN(p[1]) || p[0] < -180 || p[0] > 180 || p[1] < -90 || p[1] > 90 {
			return Geometry{}, bad
		}
	}
	return g, nil
}

// JSON is the geometry as GeoJSON.
func (g Geometry) JSON() string {
	var coords any = g.Points
	if g.Type == "Point" && len(g.Points) == 1 {
		coords = g.Points[0]
	}
	b, _ := json.Marshal(map[string]any{"type": g.Type, "coordinates": coords})
	return string(b)
}
