// Package districts holds a city's districts and their boundaries, and finds
// the district a point lies in.
//
// The geometry is pure Go over plain slices: a city has tens of districts and
// thousands of vertices, which needs no spatial index beyond a bounding-box
// check. It is our own rather than github.com/paulmach/orb's because it is
// faster and reads with better errors, measured on Kraków's districts
// (docs/benchmarks-districts.md, orb_test.go): Locate takes 1.9 µs where
// orb's planar.MultiPolygonContains takes 18 µs, and ParseGeoJSON, with
// every check and error naming the feature and field, takes about as long
// (15 ms) as orb/geojson's bare decoding.
package districts

import "slices"

// A District is one administrative district of a city.
type District struct {
	Number     int    // 1, 2, ...; unique in a Set, the stable key
	Numeral    string // as the city writes the number, e.g. "XVIII"
	Name       string // e.g. "Nowa Huta"
	Slug       string // unique in a Set, for URLs: "nowa-huta"
	Population int    // 0 when unknown
	Boundary   MultiPolygon
	// Centroid is a point inside the district as [lon, lat], for map labels
	// and pins: the area centroid, moved inside when the shape is concave.
	Centroid [2]float64
}

// A Set is a city's districts. It is read-only once built and safe for
// concurrent use. Districts share their Boundary slices with the Set: callers
// must not modify them.
type Set struct {
	districts []District // by number
	boxes     []BBox     // boxes[i] bounds districts[i].Boundary
	byNumber  map[int]int
	bySlug    map[string]int
}

// newSet indexes ds, which the caller has validated (unique numbers and
// slugs, non-empty oriented boundaries).
func newSet(ds []District) *Set {
	ds = slices.Clone(ds)
	slices.SortFunc(ds, func(a, b District) int { return a.Number - b.Number })
	s := &Set{
		districts: ds,
		boxes:     make([]BBox, len(ds)),
		byNumber:  make(map[int]int, len(ds)),
		bySlug:    make(map[string]int, len(ds)),
	}
	for i, d := range ds {
		s.boxes[i] = d.Boundary.Bounds()
		s.byNumber[d.Number] = i
		s.bySlug[d.Slug] = i
	}
	return s
}

// All returns the districts ordered by number. The slice is a copy.
func (s *Set) All() []District {
	return slices.Clone(s.districts)
}

// Len returns the number of districts.
func (s *Set) Len() int {
	return len(s.districts)
}

// ByNumber returns the district with number n, or false if there is none.
func (s *Set) ByNumber(n int) (District, bool) {
	i, ok := s.byNumber[n]
	if !ok {
		return District{}, false
	}
	return s.districts[i], true
}

// Has reports whether the city has a district numbered n.
func (s *Set) Has(n int) bool {
	_, ok := s.byNumber[n]
	return ok
}

// BySlug returns the district with the given slug, or false if there is none.
func (s *Set) BySlug(slug string) (District, bool) {
	i, ok := s.bySlug[slug]
	if !ok {
		return District{}, false
	}
	return s.districts[i], true
}

// Locate returns the district containing the point (lat, lon in WGS84
// degrees), or false when the point lies outside every district; callers show
// that as "outside". Should boundaries overlap (imprecise data), the district
// with the lowest number wins.
func (s *Set) Locate(lat, lon float64) (District, bool) {
	for i := range s.districts {
		// The box check skips almost every district in a few comparisons.
		if s.boxes[i].Contains(lat, lon) && s.districts[i].Boundary.Contains(lat, lon) {
			return s.districts[i], true
		}
	}
	return District{}, false
}

// Bounds returns the bounding box of all districts.
func (s *Set) Bounds() BBox {
	var b BBox
	for _, box := range s.boxes {
		b = b.union(box)
	}
	return b
}
