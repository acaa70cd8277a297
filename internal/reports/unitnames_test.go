package reports

import (
	"testing"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/db/dbtest"
	"github.com/civitas-city/civitas/internal/i18n"
)

// A unit's name in other languages reaches the cases it works; a name over
// the limit or of another field is refused and changes nothing.
func TestUnitNamesInOtherLanguages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := t.Context()
		roads := f.units["Roads"]
		good := i18n.Versions{}
		good.Set("name", "en", "Roads Department")
		must(t, f.s.SetUnitNames(ctx, f.admin, roads, good))
		long := i18n.Versions{}
		long.Set("name", "uk", string(make([]rune, 201)))
		for _, bad := range []i18n.Versions{long, {"email": {"en": "x"}}} {
			if err := f.s.SetUnitNames(ctx, f.admin, roads, bad); !apperr.Is(err, apperr.Invalid) {
				t.Errorf("names %v: %v, want invalid", bad, err)
			}
		}
		if err := f.s.SetUnitNames(ctx, f.admin, "no-such-unit", good); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("names of no unit: %v", err)
		}
		c, err := f.s.Submit(ctx, f.report())
		if err != nil {
			t.Fatal(err)
		}
		got, err := getCase(ctx, d, c.Number)
		if err != nil {
			t.Fatal(err)
		}
		if got.UnitID != roads {
			t.Fatalf("the case went to unit %q, want Roads", got.UnitID)
		}
		name := got.UnitNameText()
		if en := name.For("en"); en != "Roads Department" {
			t.Errorf("the unit in English: %q", en)
		}
		if uk, fellBack := name.In("uk"); uk != "Roads" || !fellBack {
			t.Errorf("the unit in Ukrainian: %q (fell back %v), want the source name", uk, fellBack)
		}
	})
}
