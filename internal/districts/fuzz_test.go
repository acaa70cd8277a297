package districts

import (
	"bytes"
	"math"
	"reflect"
	"testing"
)

// FuzzParseGeoJSON checks that no input makes ParseGeoJSON panic, and that a
// Set it accepts can be searched and written back without trouble.
func FuzzParseGeoJSON(f *testing.F) {
	for _, seed := range []string{
		collection(featureA, featureB),
		collection(featureA),
		collection(),
		`{"type":"FeatureCollection","features":[null]}`,
		`{"type":"FeatureCollection","features":[{"type":"Feature","properties":null,"geometry":null}]}`,
		// A bow tie: self-intersecting, yet a non-zero signed area.
		collection(`{"type":"Feature","properties":{"number":1,"numeral":"I","name":"X","slug":"x"},
			"geometry":{"type":"Polygon","coordinates":[[[0,0],[2,2],[2,0],[0,2],[0,0],[0,0]]]}}`),
		// A hole as large as its polygon: zero net area.
		collection(`{"type":"Feature","properties":{"number":1,"numeral":"I","name":"X","slug":"x"},
			"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]],[[0,0],[1,0],[1,1],[0,0]]]}}`),
		collection(`{"type":"Feature","properties":{"number":1,"numeral":"I","name":"X","slug":"x"},
			"geometry":{"type":"Polygon","coordinates":[[[-180,-90],[180,-90],[180,90],[-180,-90]]]}}`),
		`{"type":"Feature"}`,
		`[]`,
		``,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseGeoJSON(bytes.NewReader(data))
		if err != nil {
			return
		}
		b := s.Bounds()
		points := [][2]float64{
			{b.MinLat, b.MinLon}, {b.MaxLat, b.MaxLon}, {(b.MinLat + b.MaxLat) / 2, (b.MinLon + b.MaxLon) / 2},
			{0, 0}, {math.NaN(), 0}, {math.Inf(1), math.Inf(-1)},
		}
		for _, d := range s.All() {
			points = append(points, [2]float64{d.Centroid[1], d.Centroid[0]})
			if _, ok := s.ByNumber(d.Number); !ok {
				t.Errorf("ByNumber(%d) failed for a listed district", d.Number)
			}
			if _, ok := s.BySlug(d.Slug); !ok {
				t.Errorf("BySlug(%q) failed for a listed district", d.Slug)
			}
		}
		for _, p := range points {
			if d, ok := s.Locate(p[0], p[1]); ok && !d.Boundary.Contains(p[0], p[1]) {
				t.Errorf("Locate(%v, %v) = %q, which does not contain the point", p[0], p[1], d.Slug)
			}
		}

		var buf bytes.Buffer
		if err := s.GeoJSON(&buf); err != nil {
			t.Fatalf("GeoJSON: %v", err)
		}
		again, err := ParseGeoJSON(&buf)
		if err != nil {
			t.Fatalf("re-parse of our own output: %v", err)
		}
		if !reflect.DeepEqual(again.All(), s.All()) {
			t.Errorf("round trip changed the districts")
		}
	})
}
