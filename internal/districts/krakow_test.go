package districts_test

import (
	"bytes"
	"testing"

	"github.com/civitas-city/civitas/internal/city"
	"github.com/civitas-city/civitas/internal/districts"
)

// The Kraków tests use the built-in profile, the data the city actually runs on.
func krakow(t testing.TB) *districts.Set {
	t.Helper()
	return city.Krakow().Districts
}

func TestLocateKrakow(t *testing.T) {
	t.Parallel()
	s := krakow(t)
	// Points at least ~250 m inside their district in this data set, except
	// where noted; the data is not authoritative near borders (SOURCES.md).
	tests := []struct {
		name     string
		lat, lon float64
		want     string // slug; "" for outside every district
	}{
		{"Rynek Główny", 50.0617, 19.9373, "stare-miasto"},
		{"Wawel", 50.0541, 19.9355, "stare-miasto"},
		{"Kazimierz, plac Nowy", 50.0515, 19.9446, "stare-miasto"},
		{"Podgórze, Rynek Podgórski", 50.0443, 19.9510, "podgorze"},
		{"Podgórze, east of Rynek Podgórski", 50.0410, 19.9600, "podgorze"},
		{"Bronowice", 50.0850, 19.8780, "bronowice"},
		{"Nowa Huta, plac Centralny", 50.0719, 20.0378, "nowa-huta"},
		{"Nowa Huta, steelworks gate", 50.0740, 20.0680, "nowa-huta"},
		{"Kopiec Kościuszki", 50.0549, 19.8932, "zwierzyniec"},
		{"Tyniec", 50.0160, 19.8260, "debniki"},
		{"Łagiewniki sanctuary", 50.0196, 19.9317, "lagiewniki-borek-falecki"},
		{"Warsaw", 52.23, 21.01, ""},
		{"Wieliczka", 49.987, 20.065, ""},
		{"Balice airport", 50.0777, 19.7848, ""},
		{"lat and lon swapped (Rynek)", 19.9373, 50.0617, ""},
		{"null island", 0, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d, ok := s.Locate(tt.lat, tt.lon)
			got := d.Slug
			if !ok {
				got = ""
			}
			if got != tt.want || ok != (tt.want != "") {
				t.Errorf("Locate(%v, %v) = %q, %v; want %q", tt.lat, tt.lon, got, ok, tt.want)
			}
		})
	}

	t.Run("plac Centralny is district XVIII", func(t *testing.T) {
		d, _ := s.Locate(50.0719, 20.0378)
		if d.Number != 18 || d.Numeral != "XVIII" || d.Name != "Nowa Huta" {
			t.Errorf("got %d %s %s, want 18 XVIII Nowa Huta", d.Number, d.Numeral, d.Name)
		}
	})
}

// Interior points and official figures of every district, copied from the
// project's reference districts.csv (centroid_lat, centroid_lon, population_2019_registered).
var krakowDistricts = []struct {
	number     int
	numeral    string
	name, slug string
	lat, lon   float64
	population int
}{
	{1, "I", "Stare Miasto", "stare-miasto", 50.063184, 19.935714, 30609},
	{2, "II", "Grzegórzki", "grzegorzki", 50.064749, 19.968939, 29741},
	{3, "III", "Prądnik Czerwony", "pradnik-czerwony", 50.086175, 19.965125, 46599},
	{4, "IV", "Prądnik Biały", "pradnik-bialy", 50.102336, 19.950682, 71752},
	{5, "V", "Krowodrza", "krowodrza", 50.070674, 19.916246, 30184},
	{6, "VI", "Bronowice", "bronowice", 50.083405, 19.865131, 23931},
	{7, "VII", "Zwierzyniec", "zwierzyniec", 50.060209, 19.863295, 20555},
	{8, "VIII", "Dębniki", "debniki", 50.012956, 19.849106, 62615},
	{9, "IX", "Łagiewniki-Borek Fałęcki", "lagiewniki-borek-falecki", 50.015901, 19.92676, 15235},
	{10, "X", "Swoszowice", "swoszowice", 49.988627, 19.95793, 28176},
	{11, "XI", "Podgórze Duchackie", "podgorze-duchackie", 50.016558, 19.959953, 54324},
	{12, "XII", "Bieżanów-Prokocim", "biezanow-prokocim", 50.016618, 20.022492, 63277},
	{13, "XIII", "Podgórze", "podgorze", 50.042815, 20.011959, 38423},
	{14, "XIV", "Czyżyny", "czyzyny", 50.06648, 20.009525, 30946},
	{15, "XV", "Mistrzejowice", "mistrzejowice", 50.097018, 20.009639, 51795},
	{16, "XVI", "Bieńczyce", "bienczyce", 50.086087, 20.029065, 40632},
	{17, "XVII", "Wzgórza Krzesławickie", "wzgorza-krzeslawickie", 50.09847, 20.091463, 20214},
	{18, "XVIII", "Nowa Huta", "nowa-huta", 50.080607, 20.128985, 50392},
}

func TestKrakowDistricts(t *testing.T) {
	t.Parallel()
	s := krakow(t)
	all := s.All()
	if len(all) != len(krakowDistricts) {
		t.Fatalf("got %d districts, want %d", len(all), len(krakowDistricts))
	}
	for i, want := range krakowDistricts {
		t.Run(want.name, func(t *testing.T) {
			got := all[i]
			if got.Number != want.number || got.Numeral != want.numeral || got.Name != want.name ||
				got.Slug != want.slug || got.Population != want.population {
				t.Errorf("All()[%d] = %d %s %s %s pop %d; want %d %s %s %s pop %d", i,
					got.Number, got.Numeral, got.Name, got.Slug, got.Population,
					want.number, want.numeral, want.name, want.slug, want.population)
			}
			if d, ok := s.Locate(want.lat, want.lon); !ok || d.Number != want.number {
				t.Errorf("reference interior point (%v, %v) located in %q, %v; want %s", want.lat, want.lon, d.Name, ok, want.name)
			}
			if d, ok := s.Locate(got.Centroid[1], got.Centroid[0]); !ok || d.Number != want.number {
				t.Errorf("Centroid %v located in %q, %v; want %s", got.Centroid, d.Name, ok, want.name)
			}
			if d, ok := s.ByNumber(want.number); !ok || d.Slug != want.slug {
				t.Errorf("ByNumber(%d) = %q, %v", want.number, d.Slug, ok)
			}
			if d, ok := s.BySlug(want.slug); !ok || d.Number != want.number {
				t.Errorf("BySlug(%q) = %d, %v", want.slug, d.Number, ok)
			}
		})
	}
}

// krakowPoints are the points BenchmarkLocate cycles through: a mix of
// districts early and late in the search, and misses.
var krakowPoints = [][2]float64{
	{50.0617, 19.9373}, // Stare Miasto: first district
	{50.0719, 20.0378}, // Nowa Huta: last district
	{50.0443, 19.9510}, // Podgórze
	{50.0850, 19.8780}, // Bronowice
	{50.0160, 19.8260}, // Dębniki: the largest ring
	{49.9890, 19.9540}, // Swoszowice
	{50.0980, 20.0070}, // Mistrzejowice
	{49.987, 20.065},   // Wieliczka: outside, but inside some boxes
	{52.23, 21.01},     // Warsaw: outside every box
}

// BenchmarkLocate measures one Locate call, averaged over krakowPoints.
func BenchmarkLocate(b *testing.B) {
	s := krakow(b)
	i := 0
	for b.Loop() {
		p := krakowPoints[i%len(krakowPoints)]
		s.Locate(p[0], p[1])
		i++
	}
}

// BenchmarkGeoJSON measures writing all districts, as /api/v1/districts does.
func BenchmarkGeoJSON(b *testing.B) {
	s := krakow(b)
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := s.GeoJSON(&buf); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(buf.Len()))
}
