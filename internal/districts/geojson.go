package districts

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
)

// A FeatureError reports what is wrong with one feature of a GeoJSON
// FeatureCollection, so that a city can fix its file.
type FeatureError struct {
	Index int    // position in the "features" array, from 0
	Field string // e.g. "properties.slug" or "geometry.coordinates[0][0][3]"; may be empty
	Err   error
}

func (e *FeatureError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("features[%d]: %v", e.Index, e.Err)
	}
	return fmt.Sprintf("features[%d].%s: %v", e.Index, e.Field, e.Err)
}

func (e *FeatureError) Unwrap() error { return e.Err }

// The GeoJSON shapes we read. Coordinates and properties stay raw until the
// geometry type is known, so that errors can name the exact field.
type (
	collectionJSON struct {
		Type     string            `json:"type"`
		Features []json.RawMessage `json:"features"`
	}
	featureJSON struct {
		Type       string          `json:"type"`
		Properties json.RawMessage `json:"properties"`
		Geometry   json.RawMessage `json:"geometry"`
	}
	geometryJSON struct {
		Type        string          `json:"type"`
		Coordinates json.RawMessage `json:"coordinates"`
	}
	propertiesJSON struct {
		Number     *int   `json:"number"`
		Numeral    string `json:"numeral"`
		Name       string `json:"name"`
		Slug       string `json:"slug"`
		Population *int   `json:"population,omitempty"`
	}
)

// slugRE is what a district slug may look like: it goes into URLs.
var slugRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// ParseGeoJSON reads districts from an RFC 7946 FeatureCollection. Each
// feature has a Polygon or MultiPolygon geometry and the properties number
// (integer from 1), numeral, name, slug and optionally population; other
// properties are ignored. Numbers and slugs must be unique. Rings must be
// closed, have at least four positions, a non-zero area and lon/lat within
// range; their winding is normalised to the right-hand rule.
//
// Problems with a feature are reported as a *FeatureError. (orb/geojson
// decodes no faster — BenchmarkParseGeoJSONOrb 15 ms vs 16 ms for all of
// this on Kraków — and its errors do not name the feature and field.)
func ParseGeoJSON(r io.Reader) (*Set, error) {
	var fc collectionJSON
	if err := json.NewDecoder(r).Decode(&fc); err != nil {
		return nil, fmt.Errorf("districts: decode GeoJSON: %w", err)
	}
	if fc.Type != "FeatureCollection" {
		return nil, fmt.Errorf("districts: type: want FeatureCollection, got %q", fc.Type)
	}
	if len(fc.Features) == 0 {
		return nil, errors.New("districts: features: no districts")
	}

	ds := make([]District, 0, len(fc.Features))
	numbers := make(map[int]int) // number -> feature index
	slugs := make(map[string]int)
	for i, raw := range fc.Features {
		d, err := parseDistrict(raw)
		if err != nil {
			err.Index = i
			return nil, fmt.Errorf("districts: %w", err)
		}
		if j, dup := numbers[d.Number]; dup {
			return nil, fmt.Errorf("districts: %w", &FeatureError{i, "properties.number",
				fmt.Errorf("%d is also the number of features[%d]", d.Number, j)})
		}
		if j, dup := slugs[d.Slug]; dup {
			return nil, fmt.Errorf("districts: %w", &FeatureError{i, "properties.slug",
				fmt.Errorf("%q is also the slug of features[%d]", d.Slug, j)})
		}
		numbers[d.Number], slugs[d.Slug] = i, i
		ds = append(ds, d)
	}
	return newSet(ds), nil
}

// parseDistrict reads one feature; the caller fills in the error's Index.
func parseDistrict(raw json.RawMessage) (District, *FeatureError) {
	var f featureJSON
	if err := json.Unmarshal(raw, &f); err != nil {
		return District{}, &FeatureError{Err: err}
	}
	if f.Type != "Feature" {
		return District{}, &FeatureError{Field: "type", Err: fmt.Errorf("want Feature, got %q", f.Type)}
	}

	if isNull(f.Properties) {
		return District{}, &FeatureError{Field: "properties", Err: errors.New("missing")}
	}
	var p propertiesJSON
	if err := json.Unmarshal(f.Properties, &p); err != nil {
		return District{}, propertiesError(err)
	}
	propErr := func(field, format string, args ...any) *FeatureError {
		return &FeatureError{Field: "properties." + field, Err: fmt.Errorf(format, args...)}
	}
	switch {
	case p.Number == nil:
		return District{}, propErr("number", "missing")
	case *p.Number < 1:
		return District{}, propErr("number", "want an integer from 1, got %d", *p.Number)
	case p.Numeral == "":
		return District{}, propErr("numeral", "missing")
	case p.Name == "":
		return District{}, propErr("name", "missing")
	case p.Slug == "":
		return District{}, propErr("slug", "missing")
	case !slugRE.MatchString(p.Slug):
		return District{}, propErr("slug", "%q: want lowercase ASCII letters and digits joined by single hyphens", p.Slug)
	case p.Population != nil && *p.Population < 0:
		return District{}, propErr("population", "want 0 or more, got %d", *p.Population)
	}

	m, field, err := parseGeometry(f.Geometry)
	if err != nil {
		return District{}, &FeatureError{Field: field, Err: err}
	}
	d := District{
		Number:   *p.Number,
		Numeral:  p.Numeral,
		Name:     p.Name,
		Slug:     p.Slug,
		Boundary: m,
		Centroid: m.interiorPoint(),
	}
	if p.Population != nil {
		d.Population = *p.Population
	}
	return d, nil
}

// propertiesError names the property that has the wrong JSON type: the
// decoder knows it but only mentions it inside its message.
func propertiesError(err error) *FeatureError {
	if te, ok := errors.AsType[*json.UnmarshalTypeError](err); ok && te.Field != "" {
		return &FeatureError{Field: "properties." + te.Field, Err: fmt.Errorf("want %v, got JSON %s", te.Type, te.Value)}
	}
	return &FeatureError{Field: "properties", Err: err}
}

// ParseBoundary reads a city limit: a FeatureCollection (all its polygons
// together), a single Feature, or a bare Polygon or MultiPolygon geometry.
// Rings are checked and oriented as in ParseGeoJSON.
func ParseBoundary(r io.Reader) (MultiPolygon, error) {
	raw, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("districts: read boundary: %w", err)
	}
	var head struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(raw, &head); err != nil {
		return nil, fmt.Errorf("districts: decode GeoJSON: %w", err)
	}
	switch head.Type {
	case "FeatureCollection":
		var fc collectionJSON
		if err := json.Unmarshal(raw, &fc); err != nil {
			return nil, fmt.Errorf("districts: decode GeoJSON: %w", err)
		}
		if len(fc.Features) == 0 {
			return nil, errors.New("districts: features: no boundary")
		}
		var all MultiPolygon
		for i, f := range fc.Features {
			m, err := parseBoundaryFeature(f)
			if err != nil {
				err.Index = i
				return nil, fmt.Errorf("districts: %w", err)
			}
			all = append(all, m...)
		}
		return all, nil
	case "Feature":
		m, err := parseBoundaryFeature(raw)
		if err != nil {
			return nil, fmt.Errorf("districts: %w", err)
		}
		return m, nil
	default:
		m, field, err := parseGeometry(raw)
		if err != nil {
			return nil, fmt.Errorf("districts: %s: %w", field, err)
		}
		return m, nil
	}
}

func parseBoundaryFeature(raw json.RawMessage) (MultiPolygon, *FeatureError) {
	var f featureJSON
	if err := json.Unmarshal(raw, &f); err != nil {
		return nil, &FeatureError{Err: err}
	}
	if f.Type != "Feature" {
		return nil, &FeatureError{Field: "type", Err: fmt.Errorf("want Feature, got %q", f.Type)}
	}
	m, field, err := parseGeometry(f.Geometry)
	if err != nil {
		return nil, &FeatureError{Field: field, Err: err}
	}
	return m, nil
}

// parseGeometry reads a Polygon or MultiPolygon geometry object. On error it
// also returns the field at fault, relative to the feature ("geometry...").
func parseGeometry(raw json.RawMessage) (MultiPolygon, string, error) {
	if isNull(raw) {
		return nil, "geometry", errors.New("missing")
	}
	var g geometryJSON
	if err := json.Unmarshal(raw, &g); err != nil {
		return nil, "geometry", err
	}
	if isNull(g.Coordinates) {
		return nil, "geometry.coordinates", errors.New("missing")
	}
	var polys [][][][]float64
	switch g.Type {
	case "Polygon":
		var rings [][][]float64
		if err := json.Unmarshal(g.Coordinates, &rings); err != nil {
			return nil, "geometry.coordinates", err
		}
		polys = [][][][]float64{rings}
	case "MultiPolygon":
		if err := json.Unmarshal(g.Coordinates, &polys); err != nil {
			return nil, "geometry.coordinates", err
		}
		if len(polys) == 0 {
			return nil, "geometry.coordinates", errors.New("no polygons")
		}
	default:
		return nil, "geometry.type", fmt.Errorf("want Polygon or MultiPolygon, got %q", g.Type)
	}

	m := make(MultiPolygon, len(polys))
	for pi, rings := range polys {
		// Name positions as the file does: a Polygon has one level less.
		at := func(idx ...int) string {
			s := "geometry.coordinates"
			if g.Type == "MultiPolygon" {
				s += fmt.Sprintf("[%d]", pi)
			}
			for _, i := range idx {
				s += fmt.Sprintf("[%d]", i)
			}
			return s
		}
		if len(rings) == 0 {
			return nil, at(), errors.New("polygon has no rings")
		}
		p := make(Polygon, len(rings))
		for ri, ring := range rings {
			r, k, err := parseRing(ring)
			if err != nil {
				if k >= 0 {
					return nil, at(ri, k), err
				}
				return nil, at(ri), err
			}
			p[ri] = r
		}
		m[pi] = p.orient()
	}
	return m, "", nil
}

// parseRing checks one linear ring. On error, k is the index of the position
// at fault, or -1 when the ring as a whole is.
func parseRing(ring [][]float64) (r Ring, k int, err error) {
	if len(ring) < 4 {
		return nil, -1, fmt.Errorf("ring has %d positions, want at least 4", len(ring))
	}
	r = make(Ring, len(ring))
	for i, pos := range ring {
		if len(pos) < 2 || len(pos) > 3 { // a third value is an altitude: ignored
			return nil, i, fmt.Errorf("position has %d values, want [lon, lat]", len(pos))
		}
		lon, lat := pos[0], pos[1]
		if math.IsNaN(lon) || lon < -180 || lon > 180 {
			return nil, i, fmt.Errorf("longitude %v out of range [-180, 180]", lon)
		}
		if math.IsNaN(lat) || lat < -90 || lat > 90 {
			return nil, i, fmt.Errorf("latitude %v out of range [-90, 90] (are lon and lat swapped?)", lat)
		}
		r[i] = [2]float64{lon, lat}
	}
	if r[0] != r[len(r)-1] {
		return nil, -1, fmt.Errorf("ring is not closed: first position %v, last %v", r[0], r[len(r)-1])
	}
	if r.signedArea() == 0 {
		return nil, -1, errors.New("ring has zero area")
	}
	return r, -1, nil
}

// isNull reports whether a JSON member is absent or null.
func isNull(raw json.RawMessage) bool {
	return raw == nil || string(raw) == "null"
}

// GeoJSON writes the districts as an RFC 7946 FeatureCollection, ordered by
// number, with properties number, numeral, name, slug and population (left out
// when unknown), and MultiPolygon geometries.
func (s *Set) GeoJSON(w io.Writer) error {
	type geometry struct {
		Type        string       `json:"type"`
		Coordinates MultiPolygon `json:"coordinates"`
	}
	type feature struct {
		Type       string         `json:"type"`
		ID         int            `json:"id"`
		Properties propertiesJSON `json:"properties"`
		Geometry   geometry       `json:"geometry"`
	}
	fc := struct {
		Type     string    `json:"type"`
		Features []feature `json:"features"`
	}{Type: "FeatureCollection", Features: make([]feature, len(s.districts))}
	for i, d := range s.districts {
		p := propertiesJSON{Number: &d.Number, Numeral: d.Numeral, Name: d.Name, Slug: d.Slug}
		if d.Population > 0 {
			p.Population = &d.Population
		}
		fc.Features[i] = feature{
			Type:       "Feature",
			ID:         d.Number,
			Properties: p,
			Geometry:   geometry{Type: "MultiPolygon", Coordinates: d.Boundary},
		}
	}
	if err := json.NewEncoder(w).Encode(fc); err != nil {
		return fmt.Errorf("districts: write GeoJSON: %w", err)
	}
	return nil
}
