package addresses

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/civitas-city/civitas/internal/city"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/db/dbtest"
)

var now = time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)

func TestFindOnTheDemoSample(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if err := SeedDemo(ctx, d, now); err != nil {
			t.Fatal(err)
		}
		g := &Gazetteer{DB: d}
		krakow := city.Krakow()
		for _, c := range []struct{ text, label, district string }{
			{"ul. Karmelicka 30", "ul. Karmelicka 30", "Stare Miasto"},
			{"Karmelicka 30", "ul. Karmelicka 30", "Stare Miasto"},
			{"KARMELICKA 30, Kraków", "ul. Karmelicka 30", "Stare Miasto"},
			{"Karmelicka 30/2", "ul. Karmelicka 30", "Stare Miasto"},
			{"ul. Dluga 12", "ul. Długa 12", "Stare Miasto"},
			{"Łobzowska 12 A", "ul. Łobzowska 12a", "Stare Miasto"},
			{"Świętego Tomasza 30/2", "ul. Świętego Tomasza 30/2", "Stare Miasto"},
			{"al. Mickiewicza 30", "al. Adama Mickiewicza 30", "Krowodrza"},
			{"Kalwaryjska 50", "ul. Kalwaryjska 50", "Podgórze"},
			{"os. Centrum A 1", "os. Centrum A 1", "Nowa Huta"},
			{"Rynek Główny 1", "Rynek Główny 1", "Stare Miasto"},
		} {
			p, ok, err := g.Find(ctx, c.text)
			if err != nil || !ok || p.Label() != c.label {
				t.Errorf("Find(%q) = %q, %v, %v; want %q", c.text, p.Label(), ok, err, c.label)
				continue
			}
			if d, in := krakow.Districts.Locate(p.Lat, p.Lon); !in || d.Name != c.district {
				t.Errorf("%q lies in %q, want %q", c.text, d.Name, c.district)
			}
		}
		for _, text := range []string{"Karmelicka 31", "Nieistniejąca 1", "Karmelicka", ""} {
			if p, ok, err := g.Find(ctx, text); ok || err != nil {
				t.Errorf("Find(%q) = %+v, %v, %v; want not found", text, p, ok, err)
			}
		}
	})
}

func TestFindRefusesAnAmbiguousShortName(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		in := "ulica,numer,lat,lon\nul. Jana Kowalskiego,3,50.06,19.93\nul. Piotra Kowalskiego,3,50.07,19.94\n"
		if _, err := Import(ctx, d, strings.NewReader(in), "test", now); err != nil {
			t.Fatal(err)
		}
		g := &Gazetteer{DB: d}
		if p, ok, _ := g.Find(ctx, "Kowalskiego 3"); ok {
			t.Errorf("Kowalskiego 3 found %q; two streets end so", p.Label())
		}
		if p, ok, _ := g.Find(ctx, "Piotra Kowalskiego 3"); !ok || p.Street != "ul. Piotra Kowalskiego" {
			t.Errorf("Piotra Kowalskiego 3 = %q, %v", p.Label(), ok)
		}
	})
}

func TestImportIsAllOrNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if err := SeedDemo(ctx, d, now); err != nil {
			t.Fatal(err)
		}
		g := &Gazetteer{DB: d}
		before, _ := g.Count(ctx)
		bad := "ulica,numer,lat,lon\nul. Nowa,1,50.06,19.93\nul. Nowa,x,50.06,19.93\n"
		_, err := Import(ctx, d, strings.NewReader(bad), "test", now)
		var fe *FileError
		if !errors.As(err, &fe) || len(fe.Errors) != 1 || fe.Errors[0].Line != 3 {
			t.Fatalf("err = %v, want one problem on line 3", err)
		}
		if after, _ := g.Count(ctx); after != before {
			t.Errorf("a bad file changed the gazetteer: %d points, had %d", after, before)
		}
		good := "ulica,numer,lat,lon\nul. Nowa,1,50.06,19.93\n"
		rep, err := Import(ctx, d, strings.NewReader(good), "test", now)
		if err != nil || rep.Rows != 1 || rep.Removed != before {
			t.Fatalf("import: %+v %v", rep, err)
		}
		if n, _ := g.Count(ctx); n != 1 {
			t.Errorf("after a good import %d points, want 1 (the file replaces the gazetteer)", n)
		}
		// The demo keeps an imported gazetteer.
		if err := SeedDemo(ctx, d, now); err != nil {
			t.Fatal(err)
		}
		if n, _ := g.Count(ctx); n != 1 {
			t.Errorf("the demo replaced an imported gazetteer: %d points", n)
		}
	})
}
