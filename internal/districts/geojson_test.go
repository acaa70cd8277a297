package districts

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// Two small districts side by side: a Polygon (clockwise, to check that the
// winding is normalised) and a MultiPolygon with a hole, with an altitude.
const (
	featureA = `{"type":"Feature","properties":{"number":1,"numeral":"I","name":"Ąłpha","slug":"alpha","population":100,"extra":"ignored"},
		"geometry":{"type":"Polygon","coordinates":[[[19,50],[19,51],[20,51],[20,50],[19,50]]]}}`
	featureB = `{"type":"Feature","properties":{"number":2,"numeral":"II","name":"Beta","slug":"beta"},
		"geometry":{"type":"MultiPolygon","coordinates":[[[[20,50,210],[21,50,210],[21,51,210],[20,51,210],[20,50,210]],
		[[20.4,50.4],[20.4,50.6],[20.6,50.6],[20.6,50.4],[20.4,50.4]]]]}}`
)

func collection(features ...string) string {
	return `{"type":"FeatureCollection","features":[` + strings.Join(features, ",") + `]}`
}

func TestParseGeoJSON(t *testing.T) {
	t.Parallel()
	s, err := ParseGeoJSON(strings.NewReader(collection(featureB, featureA)))
	if err != nil {
		t.Fatal(err)
	}
	all := s.All()
	if len(all) != 2 || all[0].Slug != "alpha" || all[1].Slug != "beta" {
		t.Fatalf("All() = %v, want alpha then beta (by number)", all)
	}
	a := all[0]
	if a.Number != 1 || a.Numeral != "I" || a.Name != "Ąłpha" || a.Population != 100 {
		t.Errorf("district 1 = %+v", a)
	}
	if all[1].Population != 0 {
		t.Errorf("district 2 population = %d, want 0 (unknown)", all[1].Population)
	}
	if got := a.Boundary[0][0].signedArea(); got <= 0 {
		t.Errorf("outer ring area %v: want counterclockwise after parsing", got)
	}
	if got := all[1].Boundary[0][1].signedArea(); got >= 0 {
		t.Errorf("hole area %v: want clockwise after parsing", got)
	}
	if got, want := s.Bounds(), (BBox{MinLon: 19, MinLat: 50, MaxLon: 21, MaxLat: 51}); got != want {
		t.Errorf("Bounds() = %+v, want %+v", got, want)
	}

	tests := []struct {
		name     string
		lat, lon float64
		want     string // slug, "" for outside
	}{
		{"alpha", 50.5, 19.5, "alpha"},
		{"beta", 50.2, 20.8, "beta"},
		{"beta's hole", 50.5, 20.5, ""},
		{"outside", 52, 19.5, ""},
		{"lat and lon swapped", 19.5, 50.5, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, ok := s.Locate(tt.lat, tt.lon)
			if got := d.Slug; got != tt.want || ok != (tt.want != "") {
				t.Errorf("Locate(%v, %v) = %q, %v; want %q", tt.lat, tt.lon, got, ok, tt.want)
			}
		})
	}

	if d, ok := s.ByNumber(2); !ok || d.Slug != "beta" {
		t.Errorf("ByNumber(2) = %q, %v; want beta", d.Slug, ok)
	}
	if _, ok := s.ByNumber(3); ok {
		t.Error("ByNumber(3) found a district")
	}
	if !s.Has(2) || s.Has(3) || s.Has(0) {
		t.Errorf("Has(2), Has(3), Has(0) = %v, %v, %v; want true, false, false", s.Has(2), s.Has(3), s.Has(0))
	}
	if d, ok := s.BySlug("alpha"); !ok || d.Number != 1 {
		t.Errorf("BySlug(alpha) = %d, %v; want 1", d.Number, ok)
	}
	if _, ok := s.BySlug("gamma"); ok {
		t.Error("BySlug(gamma) found a district")
	}
}

func TestParseGeoJSONErrors(t *testing.T) {
	t.Parallel()
	// feature returns featureA with one substitution made.
	feature := func(old, new string) string {
		if !strings.Contains(featureA, old) {
			panic("test fixture lacks " + old)
		}
		return strings.Replace(featureA, old, new, 1)
	}
	tests := []struct {
		name      string
		in        string
		wantIndex int    // of the *FeatureError; -1 when the error is about the whole file
		wantField string // of the *FeatureError
		wantText  string // in the message
	}{
		{"not JSON", `{"type":`, -1, "", "decode GeoJSON"},
		{"not a collection", `{"type":"Feature"}`, -1, "", "want FeatureCollection"},
		{"no features", collection(), -1, "", "no districts"},
		{"feature not an object", collection(featureA, `42`), 1, "", "cannot unmarshal"},
		{"feature type", collection(feature(`"type":"Feature"`, `"type":"Point"`)), 0, "type", `want Feature, got "Point"`},
		{"no properties", collection(feature(`"properties"`, `"props"`)), 0, "properties", "missing"},
		{"number missing", collection(feature(`"number":1,`, ``)), 0, "properties.number", "missing"},
		{"number a string", collection(feature(`"number":1`, `"number":"1"`)), 0, "properties.number", "want int, got JSON string"},
		{"number a fraction", collection(feature(`"number":1`, `"number":1.5`)), 0, "properties.number", "want int, got JSON number 1.5"},
		{"name a number", collection(feature(`"name":"Ąłpha"`, `"name":7`)), 0, "properties.name", "want string, got JSON number"},
		{"properties an array", collection(`{"type":"Feature","properties":[],"geometry":null}`), 0, "properties", "cannot unmarshal array"},
		{"number zero", collection(feature(`"number":1`, `"number":0`)), 0, "properties.number", "want an integer from 1"},
		{"numeral missing", collection(feature(`"numeral":"I"`, `"numeral":""`)), 0, "properties.numeral", "missing"},
		{"name missing", collection(feature(`"name":"Ąłpha",`, ``)), 0, "properties.name", "missing"},
		{"slug missing", collection(feature(`"slug":"alpha",`, ``)), 0, "properties.slug", "missing"},
		{"slug with capitals", collection(feature(`"slug":"alpha"`, `"slug":"Alpha"`)), 0, "properties.slug", `"Alpha"`},
		{"slug with a space", collection(feature(`"slug":"alpha"`, `"slug":"al pha"`)), 0, "properties.slug", "hyphens"},
		{"negative population", collection(feature(`"population":100`, `"population":-1`)), 0, "properties.population", "want 0 or more"},
		{"duplicate number", collection(featureA, featureB, feature(`"slug":"alpha"`, `"slug":"gamma"`)), 2, "properties.number", "features[0]"},
		{"duplicate slug", collection(featureB, feature(`"number":1`, `"number":3`), feature(`"number":1`, `"number":4`)), 2, "properties.slug", `"alpha" is also the slug of features[1]`},
		{"no geometry", collection(feature(`"geometry"`, `"geom"`)), 0, "geometry", "missing"},
		{"null geometry", collection(`{"type":"Feature","properties":{"number":1,"numeral":"I","name":"A","slug":"a"},"geometry":null}`), 0, "geometry", "missing"},
		{"point geometry", collection(feature(`"type":"Polygon","coordinates":[[[19,50],[19,51],[20,51],[20,50],[19,50]]]`, `"type":"Point","coordinates":[19,50]`)), 0, "geometry.type", `got "Point"`},
		{"no coordinates", collection(feature(`"coordinates"`, `"coords"`)), 0, "geometry.coordinates", "missing"},
		{"coordinates not numbers", collection(feature(`[19,50],[19,51]`, `["19","50"],[19,51]`)), 0, "geometry.coordinates", "cannot unmarshal"},
		{"polygon without rings", collection(feature(`[[[19,50],[19,51],[20,51],[20,50],[19,50]]]`, `[]`)), 0, "geometry.coordinates", "no rings"},
		{"empty multipolygon", collection(feature(`"type":"Polygon","coordinates":[[[19,50],[19,51],[20,51],[20,50],[19,50]]]`, `"type":"MultiPolygon","coordinates":[]`)), 0, "geometry.coordinates", "no polygons"},
		{"ring too short", collection(feature(`[[19,50],[19,51],[20,51],[20,50],[19,50]]`, `[[19,50],[19,51],[19,50]]`)), 0, "geometry.coordinates[0]", "3 positions"},
		{"ring not closed", collection(feature(`[20,50],[19,50]]`, `[20,50],[19,50.5]]`)), 0, "geometry.coordinates[0]", "not closed"},
		{"position with one value", collection(feature(`[19,51]`, `[19]`)), 0, "geometry.coordinates[0][1]", "1 values"},
		{"longitude out of range", collection(feature(`[19,51]`, `[190,51]`)), 0, "geometry.coordinates[0][1]", "longitude 190"},
		{"latitude out of range", collection(feature(`[19,51]`, `[19,91]`)), 0, "geometry.coordinates[0][1]", "latitude 91"},
		{"zero area", collection(feature(`[[19,50],[19,51],[20,51],[20,50],[19,50]]`, `[[19,50],[19,51],[19,52],[19,50]]`)), 0, "geometry.coordinates[0]", "zero area"},
		{"bad ring in a multipolygon", collection(featureA, strings.Replace(featureB, `[20.6,50.4],[20.4,50.4]]`, `[20.6,50.4],[20.4,50.5]]`, 1)), 1, "geometry.coordinates[0][1]", "not closed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseGeoJSON(strings.NewReader(tt.in))
			if err == nil {
				t.Fatal("ParseGeoJSON succeeded, want an error")
			}
			if !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("error %q does not contain %q", err, tt.wantText)
			}
			fe, ok := errors.AsType[*FeatureError](err)
			if tt.wantIndex < 0 {
				if ok {
					t.Errorf("got a FeatureError %q, want a file-level error", err)
				}
				return
			}
			if !ok {
				t.Fatalf("error %q is not a *FeatureError", err)
			}
			if fe.Index != tt.wantIndex || fe.Field != tt.wantField {
				t.Errorf("FeatureError at features[%d].%s, want features[%d].%s (%v)", fe.Index, fe.Field, tt.wantIndex, tt.wantField, err)
			}
		})
	}
}

func TestFeatureErrorMessage(t *testing.T) {
	t.Parallel()
	_, err := ParseGeoJSON(strings.NewReader(collection(featureA, strings.Replace(featureB, `"slug":"beta"`, `"slug":"Beta"`, 1))))
	want := `districts: features[1].properties.slug: "Beta": want lowercase ASCII letters and digits joined by single hyphens`
	if err == nil || err.Error() != want {
		t.Errorf("error = %v, want %s", err, want)
	}
}

func TestGeoJSONRoundTrip(t *testing.T) {
	t.Parallel()
	s, err := ParseGeoJSON(strings.NewReader(collection(featureA, featureB)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := s.GeoJSON(&buf); err != nil {
		t.Fatal(err)
	}

	// The output is RFC 7946 with exactly the documented properties.
	var out struct {
		Type     string `json:"type"`
		Features []struct {
			Type       string         `json:"type"`
			ID         int            `json:"id"`
			Properties map[string]any `json:"properties"`
			Geometry   struct {
				Type string `json:"type"`
			} `json:"geometry"`
		} `json:"features"`
	}
	if err := json.Unmarshal(buf.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	if out.Type != "FeatureCollection" || len(out.Features) != 2 {
		t.Fatalf("output: type %q with %d features", out.Type, len(out.Features))
	}
	wantProps := []map[string]any{
		{"number": 1.0, "numeral": "I", "name": "Ąłpha", "slug": "alpha", "population": 100.0},
		{"number": 2.0, "numeral": "II", "name": "Beta", "slug": "beta"}, // population unknown: left out
	}
	for i, f := range out.Features {
		if f.Type != "Feature" || f.ID != i+1 || f.Geometry.Type != "MultiPolygon" {
			t.Errorf("feature %d: type %q, id %d, geometry %q", i, f.Type, f.ID, f.Geometry.Type)
		}
		if !reflect.DeepEqual(f.Properties, wantProps[i]) {
			t.Errorf("feature %d properties = %v, want %v", i, f.Properties, wantProps[i])
		}
	}

	// Reading the output back gives the same districts.
	again, err := ParseGeoJSON(&buf)
	if err != nil {
		t.Fatalf("re-parse: %v", err)
	}
	if got, want := again.All(), s.All(); !reflect.DeepEqual(got, want) {
		t.Errorf("round trip changed the districts:\n got %+v\nwant %+v", got, want)
	}
}

func TestParseBoundary(t *testing.T) {
	t.Parallel()
	polygon := `{"type":"Polygon","coordinates":[[[19,50],[19,51],[21,51],[21,50],[19,50]]]}`
	tests := []struct {
		name      string
		in        string
		wantParts int
		wantErr   string
	}{
		{"bare polygon", polygon, 1, ""},
		{"feature", `{"type":"Feature","properties":{},"geometry":` + polygon + `}`, 1, ""},
		{"collection of two", collection(featureA, featureB), 2, ""},
		{"not JSON", `[`, 0, "decode GeoJSON"},
		{"empty collection", collection(), 0, "no boundary"},
		{"point", `{"type":"Point","coordinates":[19,50]}`, 0, `geometry.type: want Polygon or MultiPolygon, got "Point"`},
		{"feature without geometry", `{"type":"Feature","properties":{}}`, 0, "geometry: missing"},
		{"bad ring in a collection", collection(featureA, strings.Replace(featureB, `[20.4,50.4]]]]`, `[20.4,50.5]]]]`, 1)), 0,
			"features[1].geometry.coordinates[0][1]: ring is not closed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := ParseBoundary(strings.NewReader(tt.in))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(m) != tt.wantParts {
				t.Errorf("got %d polygons, want %d", len(m), tt.wantParts)
			}
			if !m.Contains(50.5, 19.5) {
				t.Error("boundary does not contain (50.5, 19.5)")
			}
		})
	}
}

func ExampleSet_Locate() {
	s, err := ParseGeoJSON(strings.NewReader(collection(featureA, featureB)))
	if err != nil {
		panic(err)
	}
	for _, p := range [][2]float64{{50.5, 19.5}, {52.23, 21.01}} {
		if d, ok := s.Locate(p[0], p[1]); ok {
			fmt.Printf("%v, %v: %s %s\n", p[0], p[1], d.Numeral, d.Name)
		} else {
			fmt.Printf("%v, %v: outside\n", p[0], p[1])
		}
	}
	// Output:
	// 50.5, 19.5: I Ąłpha
	// 52.23, 21.01: outside
}
