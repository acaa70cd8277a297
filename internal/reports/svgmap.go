package reports

import (
	"fmt"
	"html/template"
	"math"
	"strings"

	"github.com/civitas-city/civitas/internal/districts"
)

// Maps without JavaScript: the districts drawn as SVG once at start-up,
// with report points added per page. The projection is equirectangular,
// scaled by cos(latitude) — fine at a city's size — and the same for the
// picture the "pick a point" form clicks on, so a click's pixel turns back
// into a latitude and longitude exactly.

// Projection maps positions to pixels of a map MapWidth wide.
type Projection struct {
	Bounds districts.BBox
	kx     float64 // cos(mid latitude)
	scale  float64 // pixels per degree of scaled longitude
	Width  float64
	Height float64
}

// MapWidth is the width of the maps in pixels.
const MapWidth = 640

// NewProjection fits b into MapWidth pixels, with a small margin.
func NewProjection(b districts.BBox) Projection {
	padLat, padLon := (b.MaxLat-b.MinLat)*0.02, (b.MaxLon-b.MinLon)*0.02
	b = districts.BBox{MinLon: b.MinLon - padLon, MinLat: b.MinLat - padLat, MaxLon: b.MaxLon + padLon, MaxLat: b.MaxLat + padLat}
	p := Projection{Bounds: b, kx: math.Cos((b.MinLat + b.MaxLat) / 2 * math.Pi / 180), Width: MapWidth}
	if b.MaxLon > b.MinLon {
		p.scale = MapWidth / ((b.MaxLon - b.MinLon) * p.kx)
	}
	p.Height = math.Round((b.MaxLat - b.MinLat) * p.scale)
	return p
}

// XY is the pixel of a position.
func (p Projection) XY(lat, lon float64) (x, y float64) {
	return (lon - p.Bounds.MinLon) * p.kx * p.scale, (p.Bounds.MaxLat - lat) * p.scale
}

// LatLon is the position of a pixel.
func (p Projection) LatLon(x, y float64) (lat, lon float64) {
	if p.scale == 0 {
		return 0, 0
	}
	return p.Bounds.MaxLat - y/p.scale, p.Bounds.MinLon + x/(p.kx*p.scale)
}

// districtPaths draws the districts' outlines as SVG paths.
func districtPaths(p Projection, set *districts.Set) string {
	if set == nil {
		return ""
	}
	var sb strings.Builder
	for _, d := range set.All() {
		sb.WriteString(`<path class="rp-district" d="`)
		for _, poly := range d.Boundary {
			for _, ring := range poly {
				var lastX, lastY float64
				for i, pt := range ring {
					x, y := p.XY(pt[1], pt[0])
					switch {
					case i == 0:
						fmt.Fprintf(&sb, "M%.1f %.1f", x, y)
					case math.Abs(x-lastX) < 2 && math.Abs(y-lastY) < 2 && i < len(ring)-1:
						continue
					default:
						fmt.Fprintf(&sb, "L%.1f %.1f", x, y)
					}
					lastX, lastY = x, y
				}
				sb.WriteString("Z")
			}
		}
		fmt.Fprintf(&sb, `"><title>%s</title></path>`, template.HTMLEscapeString(d.Numeral+" "+d.Name))
	}
	return sb.String()
}

// MapPoint is one report on a map.
type MapPoint struct {
	Lat, Lon float64
	Open     bool
	Title    string
}

// pointsMap draws the districts with report points, as an image with a
// text alternative (the list beside it holds the same reports).
func pointsMap(p Projection, outlines string, points []MapPoint, label string) template.HTML {
	r := 4.0
	if len(points) == 1 {
		r = 7 // one case: make it easy to see
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg class="rp-map" viewBox="0 0 %.0f %.0f" role="img" aria-label="%s">`, p.Width, p.Height, template.HTMLEscapeString(label))
	sb.WriteString(outlines)
	for _, pt := range points {
		x, y := p.XY(pt.Lat, pt.Lon)
		class := "rp-point rp-closed"
		if pt.Open {
			class = "rp-point rp-open"
		}
		fmt.Fprintf(&sb, `<circle class="%s" cx="%.1f" cy="%.1f" r="%.0f"><title>%s</title></circle>`, class, x, y, r, template.HTMLEscapeString(pt.Title))
	}
	sb.WriteString(`</svg>`)
	return template.HTML(sb.String())
}

// pickMap is the standalone SVG a resident clicks to give a point. It has
// a fixed size: the click's coordinates are pixels of this picture.
func pickMap(p Projection, outlines string) []byte {
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f">`, p.Width, p.Height, p.Width, p.Height)
	sb.WriteString(`<rect width="100%" height="100%" fill="#f2f5f9"/><g fill="#dce6f2" stroke="#0b4f9c" stroke-width="1">`)
	sb.WriteString(strings.ReplaceAll(outlines, ` class="rp-district"`, ""))
	sb.WriteString(`</g></svg>`)
	return []byte(sb.String())
}
