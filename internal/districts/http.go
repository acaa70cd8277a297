package districts

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/web"
)

//go:embed templates/*.html
var templates embed.FS

//go:embed locales/*.json
var locales embed.FS

// OpenAPIPaths is this module's part of /api/v1/openapi.json.
//
//go:embed openapi.json
var OpenAPIPaths []byte

// Locales are the districts messages, for the catalog.
func Locales() embed.FS { return locales }

// AddressFinder finds an address typed as text ("ul. Karmelicka 30") in
// the city's gazetteer: its point, and its label as the register writes it.
type AddressFinder func(ctx context.Context, text string) (label string, lat, lon float64, ok bool, err error)

// Handler serves the district pages and the districts API.
type Handler struct {
	Site *web.Site
	Set  *Set
	// Addresses lets "which district am I in" take an address; nil: only
	// coordinates.
	Addresses AddressFinder
	// Boundary is the city limit (may be nil): a point inside it but in no
	// district is "in a gap", not "outside the city".
	Boundary MultiPolygon
	geojson  []byte
	mapSVG   template.HTML
}

// Pages lists the page templates.
var Pages = []string{"templates/districts.html", "templates/district.html"}

// RegisterPages registers the page templates and prepares what never
// changes: the GeoJSON document and the SVG map.
func (h *Handler) RegisterPages() error {
	h.Site.Renderer.Register("districts", templates, Pages...)
	var buf bytes.Buffer
	if err := h.Set.GeoJSON(&buf); err != nil {
		return err
	}
	h.geojson = buf.Bytes()
	h.mapSVG = svgMap(h.Set)
	return nil
}

// Routes registers the districts routes.
func (h *Handler) Routes(handle web.Registrar) {
	handle("GET /districts", web.Public, h.handleList)
	handle("GET /districts/{slug}", web.Public, h.handleShow)
	handle("GET /api/v1/districts", web.Public, h.handleGeoJSON)
}

// ListPage is the data of /districts.
type ListPage struct {
	Districts []District
	Map       template.HTML
	// The "which district am I in" forms and their answer.
	ByAddress bool // the address form is offered
	Address   string
	// AddressFound is the address as the register writes it, when the
	// search was by address and found it.
	AddressFound string
	NotFound     bool // an address the gazetteer does not hold
	Lat, Lon     string
	Searched     bool
	Found        *District
	Outside      bool
	Error        string
}

func (h *Handler) handleList(w http.ResponseWriter, r *http.Request) error {
	p := ListPage{Districts: h.Set.All(), Map: h.mapSVG, ByAddress: h.Addresses != nil}
	q := r.URL.Query()
	if p.ByAddress && q.Has("address") {
		p.Searched, p.Address = true, strings.TrimSpace(q.Get("address"))
		if p.Address == "" || len(p.Address) > 300 {
			p.Error = h.Site.Catalog.T(web.Lang(r.Context()), "districts.error.address")
			return h.Site.Render(w, r, http.StatusBadRequest, "districts/districts", "districts.title", p)
		}
		label, lat, lon, ok, err := h.Addresses(r.Context(), p.Address)
		if err != nil {
			return err
		}
		if !ok {
			p.NotFound = true
			return h.Site.Render(w, r, http.StatusOK, "districts/districts", "districts.title", p)
		}
		p.AddressFound = label
		if d, ok := h.Set.Locate(lat, lon); ok {
			p.Found = &d
		} else {
			p.Outside = true
		}
	} else if q.Has("lat") || q.Has("lon") {
		p.Searched, p.Lat, p.Lon = true, q.Get("lat"), q.Get("lon")
		lat, lon, err := parseLatLon(p.Lat, p.Lon)
		if err != nil {
			p.Error = h.Site.Catalog.T(web.Lang(r.Context()), apperr.MessageOf(err))
			return h.Site.Render(w, r, http.StatusBadRequest, "districts/districts", "districts.title", p)
		}
		if d, ok := h.Set.Locate(lat, lon); ok {
			p.Found = &d
		} else {
			p.Outside = true
		}
	}
	return h.Site.Render(w, r, http.StatusOK, "districts/districts", "districts.title", p)
}

func parseLatLon(a, b string) (lat, lon float64, err error) {
	bad := apperr.E(apperr.Invalid, "districts.error.coordinates")
	lat, err1 := strconv.ParseFloat(strings.ReplaceAll(strings.TrimSpace(a), ",", "."), 64)
	lon, err2 := strconv.ParseFloat(strings.ReplaceAll(strings.TrimSpace(b), ",", "."), 64)
	if err1 != nil || err2 != nil || lat < -90 || lat > 90 || lon < -180 || lon > 180 || math.IsNaN(lat) || math.IsNaN(lon) {
		return 0, 0, bad
	}
	return lat, lon, nil
}

// ShowPage is the data of one district's page.
type ShowPage struct {
	District District
}

func (h *Handler) handleShow(w http.ResponseWriter, r *http.Request) error {
	d, ok := h.Set.BySlug(r.PathValue("slug"))
	if !ok {
		return apperr.E(apperr.NotFound, "districts.error.not_found")
	}
	return h.Site.Render(w, r, http.StatusOK, "districts/district", "districts.title", ShowPage{District: d})
}

func (h *Handler) handleGeoJSON(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/geo+json")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, err := w.Write(h.geojson)
	return err
}

// svgMap draws the districts as an SVG, each a link to its page, so the
// map needs no JavaScript. Coordinates use an equirectangular projection
// scaled by cos(latitude), fine at a city's size.
func svgMap(s *Set) template.HTML {
	b := s.Bounds()
	midLat := (b.MinLat + b.MaxLat) / 2
	kx := math.Cos(midLat * math.Pi / 180)
	const width = 640.0
	scale := width / ((b.MaxLon - b.MinLon) * kx)
	height := (b.MaxLat - b.MinLat) * scale
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg class="district-map" viewBox="0 0 %.0f %.0f" role="group" aria-labelledby="district-map-caption">`, width, height)
	for _, d := range s.All() {
		label := template.HTMLEscapeString(d.Numeral + " " + d.Name)
		fmt.Fprintf(&sb, `<a href="/districts/%s" aria-label="%s"><path d="`, template.HTMLEscapeString(d.Slug), label)
		for _, poly := range d.Boundary {
			for _, ring := range poly {
				var lastX, lastY float64
				for i, pt := range ring {
					x := (pt[0] - b.MinLon) * kx * scale
					y := (b.MaxLat - pt[1]) * scale
					switch {
					case i == 0:
						fmt.Fprintf(&sb, "M%.1f %.1f", x, y)
					case math.Abs(x-lastX) < 1.5 && math.Abs(y-lastY) < 1.5 && i < len(ring)-1:
						continue // under a pixel and a half at this size: invisible, only weight
					default:
						fmt.Fprintf(&sb, "L%.1f %.1f", x, y)
					}
					lastX, lastY = x, y
				}
				sb.WriteString("Z")
			}
		}
		fmt.Fprintf(&sb, `"><title>%s</title></path></a>`, label)
	}
	sb.WriteString(`</svg>`)
	return template.HTML(sb.String())
}
