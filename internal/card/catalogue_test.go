package card

import (
	"testing"
	"time"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/db/dbtest"
)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestCatalogueFilters(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d)
		ctx := t.Context()
		museum, err := s.CreatePartner(ctx, nil, "Muzeum Krakowa", "culture")
		if err != nil {
			t.Fatal(err)
		}
		pool, err := s.CreatePartner(ctx, nil, "Park Wodny — Łaźnia", "sport")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddLocation(ctx, nil, Location{PartnerID: museum.ID, Name: "Pałac Krzysztofory", Address: "Rynek Główny 35", District: 1}); err != nil {
			t.Fatal(err)
		}
		add := func(o Offer) Offer {
			t.Helper()
			o, err := s.AddOffer(ctx, nil, o)
			if err != nil {
				t.Fatal(err)
			}
			return o
		}
		year := Offer{ValidFrom: date(2027, 1, 1), ValidTo: date(2027, 12, 31)}
		o1 := year
		o1.PartnerID, o1.Title, o1.Discount, o1.Kinds = museum.ID, "Bilety wstępu", "-50%", []Kind{Basic, Family}
		add(o1)
		o2 := year
		o2.PartnerID, o2.Title, o2.Discount, o2.Kinds, o2.Districts = pool.ID, "Basen rodzinny", "-30%", []Kind{Family}, []int{14, 3, 14}
		pool2 := add(o2)
		old := Offer{PartnerID: museum.ID, Title: "Lato 2026", Discount: "-10%", Kinds: []Kind{Basic}, ValidFrom: date(2026, 6, 1), ValidTo: date(2026, 8, 31)}
		add(old)
		if len(pool2.Districts) != 2 {
			t.Errorf("districts %v, want 3 and 14 once", pool2.Districts)
		}
		titles := func(f Filter) []string {
			t.Helper()
			offers, err := s.Catalogue(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, o := range offers {
				out = append(out, o.Title)
			}
			return out
		}
		for name, tc := range map[string]struct {
			f    Filter
			want []string
		}{
			"all current":             {Filter{}, []string{"Bilety wstępu", "Basen rodzinny"}},
			"search, Polish letters":  {Filter{Query: "ŁAŹNIA"}, []string{"Basen rodzinny"}},
			"search, % is literal":    {Filter{Query: "50%"}, []string{"Bilety wstępu"}},
			"search, nothing":         {Filter{Query: "_"}, nil},
			"category":                {Filter{Category: "culture"}, []string{"Bilety wstępu"}},
			"district, city-wide too": {Filter{District: 3}, []string{"Bilety wstępu", "Basen rodzinny"}},
			"district, not listed":    {Filter{District: 5}, []string{"Bilety wstępu"}},
			"kind basic":              {Filter{Kind: Basic}, []string{"Bilety wstępu"}},
			"kind family":             {Filter{Kind: Family}, []string{"Bilety wstępu", "Basen rodzinny"}},
		} {
			got := titles(tc.f)
			if len(got) != len(tc.want) {
				t.Errorf("%s: %v, want %v", name, got, tc.want)
				continue
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("%s: %v, want %v", name, got, tc.want)
				}
			}
		}
		all, err := s.Catalogue(ctx, Filter{Category: "culture"})
		if err != nil {
			t.Fatal(err)
		}
		if len(all[0].Locations) != 1 || all[0].Locations[0].Address != "Rynek Główny 35" || all[0].Partner.Name != "Muzeum Krakowa" {
			t.Errorf("the museum's offer: %+v", all[0])
		}

		bad := Offer{PartnerID: museum.ID, Kinds: []Kind{"gold"}, ValidFrom: date(2027, 2, 1), ValidTo: date(2027, 1, 1), Districts: []int{99}}
		_, err = s.AddOffer(ctx, nil, bad)
		f := apperr.FieldsOf(err)
		for _, field := range []string{"title", "discount", "kinds", "valid_to", "districts"} {
			if f[field] == "" {
				t.Errorf("a bad offer: no problem with %s in %v", field, f)
			}
		}
		if _, err := s.AddOffer(ctx, nil, Offer{PartnerID: "none", Title: "x", Discount: "x", Kinds: []Kind{Basic}, ValidFrom: date(2027, 1, 1), ValidTo: date(2027, 1, 1)}); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("an offer of no partner: %v, want NotFound", err)
		}
	})
}

func TestSeedCatalogue(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d)
		ids, err := SeedCatalogue(t.Context(), s, testNow)
		if err != nil {
			t.Fatal(err)
		}
		offers, err := s.Catalogue(t.Context(), Filter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(ids) != 50 || len(offers) != 50 {
			t.Errorf("%d partners, %d offers listed, want 50 and 50", len(ids), len(offers))
		}
		again, err := SeedCatalogue(t.Context(), s, testNow)
		if err != nil || len(again) != 0 || count(t, d, `SELECT count(*) FROM card_partners`) != 50 {
			t.Errorf("seeding again: %v %v, want nothing added", again, err)
		}
	})
}
