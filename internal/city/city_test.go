package city

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/civitas-city/civitas/internal/districts"
)

func TestKrakow(t *testing.T) {
	t.Parallel()
	p := Krakow()
	if p != Krakow() {
		t.Error("Krakow() loaded the profile twice")
	}
	if p.Slug != "krakow" || p.Name != "Kraków" || p.Country != "PL" || p.Currency != "PLN" {
		t.Errorf("got %q %q %q %q, want krakow Kraków PL PLN", p.Slug, p.Name, p.Country, p.Currency)
	}
	if p.TimeZone != "Europe/Warsaw" || p.Location == nil || p.Location.String() != "Europe/Warsaw" {
		t.Errorf("time zone %q, location %v; want Europe/Warsaw", p.TimeZone, p.Location)
	}
	// Summer time applies: 12:00 UTC on 1 July is 14:00 in Kraków.
	if got := time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC).In(p.Location).Hour(); got != 14 {
		t.Errorf("12:00 UTC in July is %d:00 in Kraków, want 14:00", got)
	}
	if want := []string{"pl", "en", "uk"}; !reflect.DeepEqual(p.Languages, want) {
		t.Errorf("Languages = %v, want %v", p.Languages, want)
	}
	if want := map[string]string{"teryt_terc": "1261011", "teryt_simc": "0950463"}; !reflect.DeepEqual(p.Codes, want) {
		t.Errorf("Codes = %v, want %v", p.Codes, want)
	}
	if n := p.Districts.Len(); n != 18 {
		t.Errorf("%d districts, want 18", n)
	}
	if d, ok := p.Districts.Locate(50.0617, 19.9373); !ok || d.Slug != "stare-miasto" {
		t.Errorf("Rynek Główny located in %q, %v; want stare-miasto", d.Slug, ok)
	}
	if len(p.Boundary) != 1 {
		t.Errorf("Boundary has %d polygons, want 1", len(p.Boundary))
	}
	// Wieliczka is outside the city; the boundary agrees with the districts.
	if p.Boundary.Contains(49.987, 20.065) || !p.Boundary.Contains(50.0617, 19.9373) {
		t.Error("city boundary misplaces Wieliczka or Rynek Główny")
	}
	if want := [2]float64{19.9373, 50.0617}; p.Center != want {
		t.Errorf("Center = %v, want %v", p.Center, want)
	}
	if b := p.Bounds; !b.Contains(50.0617, 19.9373) || b.MaxLat-b.MinLat > 0.2 || b.MaxLon-b.MinLon > 0.5 {
		t.Errorf("Bounds = %+v, want a box around Kraków", b)
	}
}

func TestMustLoadPanicsOnBrokenData(t *testing.T) {
	t.Parallel()
	defer func() {
		r := recover()
		if r == nil {
			t.Fatal("mustLoad did not panic")
		}
		if msg, _ := r.(string); !strings.Contains(msg, "built-in city profile is broken") || !strings.Contains(msg, "city.json") {
			t.Errorf("panic %v does not say what broke", r)
		}
	}()
	mustLoad(fstest.MapFS{})
}

// A small imaginary city, to show that any city runs from its own profile:
// two square districts, one a plain Polygon, and a boundary around both.
const (
	testCity = `{
		"slug": "testowo", "name": "Testowo", "country": "DE", "time_zone": "Europe/Berlin",
		"languages": ["de", "en"], "currency": "EUR", "codes": {"ags": "09162000"},
		"map": {"center": [11.5, 48.1]}
	}`
	testDistricts = `{"type":"FeatureCollection","features":[
		{"type":"Feature","properties":{"number":1,"numeral":"1","name":"Nord","slug":"nord"},
		 "geometry":{"type":"Polygon","coordinates":[[[11,48.1],[12,48.1],[12,48.2],[11,48.2],[11,48.1]]]}},
		{"type":"Feature","properties":{"number":2,"numeral":"2","name":"Süd","slug":"sued","population":1200},
		 "geometry":{"type":"MultiPolygon","coordinates":[[[[11,48],[12,48],[12,48.1],[11,48.1],[11,48]]]]}}]}`
	testBoundary = `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},
		"geometry":{"type":"Polygon","coordinates":[[[10.9,47.9],[12.1,47.9],[12.1,48.3],[10.9,48.3],[10.9,47.9]]]}}]}`
)

func testProfile() fstest.MapFS {
	return fstest.MapFS{
		CityFile:      {Data: []byte(testCity)},
		DistrictsFile: {Data: []byte(testDistricts)},
		BoundaryFile:  {Data: []byte(testBoundary)},
	}
}

func TestLoad(t *testing.T) {
	t.Parallel()
	p, err := Load(testProfile())
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "Testowo" || p.Location.String() != "Europe/Berlin" || p.Currency != "EUR" || p.Codes["ags"] != "09162000" {
		t.Errorf("got %+v", p)
	}
	if d, ok := p.Districts.Locate(48.05, 11.5); !ok || d.Name != "Süd" || d.Population != 1200 {
		t.Errorf("Locate(48.05, 11.5) = %+v, %v; want Süd", d, ok)
	}
	if want := (districts.BBox{MinLon: 10.9, MinLat: 47.9, MaxLon: 12.1, MaxLat: 48.3}); p.Bounds != want {
		t.Errorf("Bounds = %+v, want the city boundary's %+v", p.Bounds, want)
	}
}

func TestLoadWithoutOptionalParts(t *testing.T) {
	t.Parallel()
	// No boundary, no codes, no map centre.
	p, err := Load(fstest.MapFS{
		CityFile: {Data: []byte(`{"slug": "testowo", "name": "Testowo", "country": "DE",
			"time_zone": "Europe/Berlin", "languages": ["de"], "currency": "EUR"}`)},
		DistrictsFile: {Data: []byte(testDistricts)},
	})
	if err != nil {
		t.Fatal(err)
	}
	if p.Boundary != nil {
		t.Errorf("Boundary = %v, want nil without %s", p.Boundary, BoundaryFile)
	}
	if want := (districts.BBox{MinLon: 11, MinLat: 48, MaxLon: 12, MaxLat: 48.2}); p.Bounds != want {
		t.Errorf("Bounds = %+v, want the districts' %+v", p.Bounds, want)
	}
	if want := [2]float64{11.5, 48.1}; p.Center != want {
		t.Errorf("Center = %v, want the middle of Bounds %v", p.Center, want)
	}
}

func TestLoadErrors(t *testing.T) {
	t.Parallel()
	// edit returns the test profile with one substitution made in one file.
	edit := func(file, old, new string) fstest.MapFS {
		fsys := testProfile()
		data := string(fsys[file].Data)
		if !strings.Contains(data, old) {
			panic("test fixture " + file + " lacks " + old)
		}
		fsys[file] = &fstest.MapFile{Data: []byte(strings.Replace(data, old, new, 1))}
		return fsys
	}
	without := func(file string) fstest.MapFS {
		fsys := testProfile()
		delete(fsys, file)
		return fsys
	}
	tests := []struct {
		name string
		fsys fstest.MapFS
		want []string // all in the message
		// wantFeature, when set, is the features[i].field the error must carry.
		wantFeature string
	}{
		{"no city.json", without(CityFile), []string{"city: city.json:", "file does not exist"}, ""},
		{"city.json not JSON", edit(CityFile, `{`, `[`), []string{"city.json:", "invalid character"}, ""},
		{"misspelt key", edit(CityFile, `"time_zone"`, `"timezone"`), []string{"city.json:", `unknown field "timezone"`}, ""},
		{"bad slug", edit(CityFile, `"testowo"`, `"Testowo"`), []string{"city.json: slug:"}, ""},
		{"no name", edit(CityFile, `"name": "Testowo",`, ``), []string{"city.json: name: missing"}, ""},
		{"bad country", edit(CityFile, `"DE"`, `"Deutschland"`), []string{"country:", "ISO 3166-1"}, ""},
		{"unknown time zone", edit(CityFile, `Europe/Berlin`, `Europe/Atlantis`), []string{"time_zone:", "Europe/Atlantis"}, ""},
		{"no time zone", edit(CityFile, `"time_zone": "Europe/Berlin",`, ``), []string{"time_zone:", "IANA"}, ""},
		{"Local time zone", edit(CityFile, `Europe/Berlin`, `Local`), []string{"time_zone:", `"Local"`}, ""},
		{"no languages", edit(CityFile, `["de", "en"]`, `[]`), []string{"languages: missing"}, ""},
		{"bad language", edit(CityFile, `["de", "en"]`, `["de", "English"]`), []string{"languages[1]:", `"English"`}, ""},
		{"language twice", edit(CityFile, `["de", "en"]`, `["de", "en", "de"]`), []string{"languages[2]:", "listed twice"}, ""},
		{"bad currency", edit(CityFile, `"EUR"`, `"euro"`), []string{"currency:", "ISO 4217"}, ""},
		{"empty code", edit(CityFile, `"09162000"`, `""`), []string{"codes:", `"ags"`}, ""},
		{"centre out of range", edit(CityFile, `[11.5, 48.1]`, `[200, 48.1]`), []string{"map.center:", "out of range"}, ""},
		{"centre as lat, lon", edit(CityFile, `[11.5, 48.1]`, `[48.1, 11.5]`), []string{"city.json: map.center:", "outside the city", "[lon, lat]"}, ""},
		{"every problem at once", edit(CityFile, `"currency": "EUR"`, `"currency": "eur", "country": "x"`), []string{"country:", "currency:"}, ""},
		{"no districts file", without(DistrictsFile), []string{"city: districts.geojson:", "file does not exist"}, ""},
		{"duplicate slug", edit(DistrictsFile, `"slug":"sued"`, `"slug":"nord"`),
			[]string{"city: districts.geojson: districts: features[1].properties.slug:", `"nord" is also the slug of features[0]`}, "features[1].properties.slug"},
		{"ring not closed", edit(DistrictsFile, `[11,48.1]]]}}`, `[11,48.15]]]}}`),
			[]string{"districts.geojson:", "features[0].geometry.coordinates[0]: ring is not closed"}, "features[0].geometry.coordinates"},
		{"lon and lat swapped", edit(DistrictsFile, `[[11,48],[12,48],`, `[[48,11],[12,48],`),
			[]string{"districts.geojson:", "features[1].geometry.coordinates[0][0]"}, "features[1].geometry.coordinates[0][0]"},
		{"boundary broken", edit(BoundaryFile, `[10.9,47.9]]]`, `[10.9,47.95]]]`), []string{"city: city-boundary.geojson:", "not closed"}, ""},
		{"district outside the boundary", edit(BoundaryFile, `[12.1,48.3],[10.9,48.3]`, `[12.1,48.12],[10.9,48.12]`),
			[]string{"city-boundary.geojson:", "district 1 Nord", "outside the city limit"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := Load(tt.fsys)
			if err == nil {
				t.Fatalf("Load succeeded (%+v), want an error", p)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			if tt.wantFeature != "" {
				fe, ok := errors.AsType[*districts.FeatureError](err)
				if !ok {
					t.Fatalf("error %q does not wrap a *districts.FeatureError", err)
				}
				if got := fmt.Sprintf("features[%d].%s", fe.Index, fe.Field); !strings.HasPrefix(got, tt.wantFeature) {
					t.Errorf("FeatureError at %s, want %s", got, tt.wantFeature)
				}
			}
		})
	}
}

func TestLoadDir(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for name, f := range testProfile() {
		if err := os.WriteFile(filepath.Join(dir, name), f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	p, err := LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if p.Slug != "testowo" || p.Districts.Len() != 2 {
		t.Errorf("got %s with %d districts, want testowo with 2", p.Slug, p.Districts.Len())
	}

	// Errors name the file by its full path.
	if err := os.WriteFile(filepath.Join(dir, CityFile), []byte(`{}`), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = LoadDir(dir)
	if want := "city: " + filepath.Join(dir, CityFile) + ": slug:"; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("LoadDir error = %v, want it to start with %q", err, want)
	}
	if _, err := LoadDir(filepath.Join(dir, "missing")); err == nil {
		t.Error("LoadDir of a missing directory succeeded")
	}
	if _, err := LoadDir(""); err == nil {
		t.Error(`LoadDir("") succeeded`)
	}
}
