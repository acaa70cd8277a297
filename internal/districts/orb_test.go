package districts_test

import (
	"bytes"
	"os"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"

	"github.com/civitas-city/civitas/internal/districts"
)

// The benchmarks below measure our geometry against github.com/paulmach/orb,
// the maintained Go geometry library, on Kraków's districts: the figures
// (docs/benchmarks-districts.md) are why districts keeps its own
// point-in-polygon and GeoJSON reader. TestOrbAgrees checks that both
// answer alike, so the comparison is of equals.

// orbDistricts is the Kraków set as orb geometry, with each district's box
// computed once, as Set does.
type orbDistrict struct {
	number int
	bound  orb.Bound
	shape  orb.MultiPolygon
}

func toOrb(s *districts.Set) []orbDistrict {
	var out []orbDistrict
	for _, d := range s.All() {
		var mp orb.MultiPolygon
		for _, p := range d.Boundary {
			var poly orb.Polygon
			for _, r := range p {
				ring := make(orb.Ring, len(r))
				for i, pt := range r {
					ring[i] = orb.Point(pt)
				}
				poly = append(poly, ring)
			}
			mp = append(mp, poly)
		}
		out = append(out, orbDistrict{number: d.Number, bound: mp.Bound(), shape: mp})
	}
	return out
}

// orbLocate is Set.Locate written with orb: the box first, then the shape.
func orbLocate(ds []orbDistrict, lat, lon float64) (int, bool) {
	pt := orb.Point{lon, lat}
	for _, d := range ds {
		if d.bound.Contains(pt) && planar.MultiPolygonContains(d.shape, pt) {
			return d.number, true
		}
	}
	return 0, false
}

func TestOrbAgrees(t *testing.T) {
	s := krakow(t)
	ds := toOrb(s)
	b := s.Bounds()
	// A grid over the city's box, about 300 m apart: inside, outside and
	// between districts.
	for lat := b.MinLat; lat <= b.MaxLat; lat += 0.0027 {
		for lon := b.MinLon; lon <= b.MaxLon; lon += 0.0042 {
			d, ok := s.Locate(lat, lon)
			n, orbOK := orbLocate(ds, lat, lon)
			if ok != orbOK || d.Number != n {
				t.Errorf("(%v, %v): Locate = %d %v, orb = %d %v", lat, lon, d.Number, ok, n, orbOK)
			}
		}
	}
}

// BenchmarkLocateOrb is BenchmarkLocate with orb's planar.MultiPolygonContains.
func BenchmarkLocateOrb(b *testing.B) {
	ds := toOrb(krakow(b))
	i := 0
	for b.Loop() {
		p := krakowPoints[i%len(krakowPoints)]
		orbLocate(ds, p[0], p[1])
		i++
	}
}

func krakowFile(b *testing.B) []byte {
	data, err := os.ReadFile("../city/krakow/districts.geojson")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	return data
}

// BenchmarkParseGeoJSON reads Kraków's districts file: decoding, every
// check of ParseGeoJSON, ring orientation and the label points.
func BenchmarkParseGeoJSON(b *testing.B) {
	data := krakowFile(b)
	for b.Loop() {
		if _, err := districts.ParseGeoJSON(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseGeoJSONOrb only decodes the same file with orb/geojson:
// none of the checks, and errors that do not name the feature and field.
func BenchmarkParseGeoJSONOrb(b *testing.B) {
	data := krakowFile(b)
	for b.Loop() {
		if _, err := geojson.UnmarshalFeatureCollection(data); err != nil {
			b.Fatal(err)
		}
	}
}
