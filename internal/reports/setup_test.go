package reports

import (
	"slices"
	"testing"

	"github.com/civitas-city/civitas/internal/districts"
)

func TestSetup(t *testing.T) {
	b := AreaAround(districts.BBox{MinLon: 19.79, MinLat: 49.97, MaxLon: 20.22, MaxLat: 50.13})
	if !b.Contains(49.93, 19.75) || b.Contains(49.90, 19.75) {
		t.Errorf("AreaAround = %+v: want about 5 km (0.05°) around the box", b)
	}
	if got := Jurisdictions("krakow", "https://www.civitas.krakow.pl/x"); !slices.Equal(got, []string{"krakow", "www.civitas.krakow.pl", "civitas.krakow.pl"}) {
		t.Errorf("Jurisdictions = %v", got)
	}
	if got := Jurisdictions("krakow", ""); !slices.Equal(got, []string{"krakow"}) {
		t.Errorf("Jurisdictions without a base URL = %v", got)
	}
	if got := PhotoLimit(1 << 20); got != 1<<20-16<<10 {
		t.Errorf("PhotoLimit(1 MiB) = %d: want room for the rest of the form", got)
	}
	if slices.Equal(SecretFrom("a"), SecretFrom("b")) || len(SecretFrom("a")) != 32 {
		t.Error("SecretFrom does not derive a 32-byte key per secret")
	}
}
