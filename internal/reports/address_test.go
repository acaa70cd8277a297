package reports

import (
	"context"
	"strconv"
	"testing"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/db/dbtest"
)

// A report given by address only takes its point and district from the
// gazetteer; an address the gazetteer lacks files as "district unknown"
// (0), never as an error, and an officer assigns the district.
func TestReportByAddress(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := t.Context()
		f.s.Addresses = func(_ context.Context, text string) (float64, float64, bool, error) {
			switch text {
			case "ul. Karmelicka 30":
				return 50.0660, 19.9305, true, nil
			case "os. Centrum A 1":
				return nowaHuta[0], nowaHuta[1], true, nil
			case "Warszawa, Marszałkowska 1": // in the register of another city
				return 52.23, 21.01, true, nil
			}
			return 0, 0, false, nil
		}
		byAddress := func(a string) func(*NewReport) {
			return func(n *NewReport) { n.HasPoint, n.Lat, n.Lon, n.Address = false, 0, 0, a }
		}
		for _, c := range []struct {
			address  string
			district int
			hasPoint bool
		}{
			{"ul. Karmelicka 30", 1, true},
			{"os. Centrum A 1", 18, true},
			{"ul. Nieznana 5", 0, false},
			{"Warszawa, Marszałkowska 1", 0, false},
		} {
			got, err := f.s.Submit(ctx, f.report(byAddress(c.address)))
			if err != nil {
				t.Fatalf("%s: %v", c.address, err)
			}
			if got.District != c.district || got.HasPoint != c.hasPoint || got.Address != c.address {
				t.Errorf("%s: district %d, point %v, address %q; want district %d, point %v", c.address, got.District, got.HasPoint, got.Address, c.district, c.hasPoint)
			}
		}
		unknown, err := f.s.Submit(ctx, f.report(byAddress("ul. Nieznana 7")))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.AssignDistrict(ctx, f.officer, unknown.Number, "no-such-district"); !apperr.Is(err, apperr.Invalid) {
			t.Errorf("unknown slug: %v, want invalid", err)
		}
		if _, err := f.s.AssignDistrict(ctx, f.other, unknown.Number, "krowodrza"); !apperr.Is(err, apperr.Forbidden) {
			t.Errorf("officer of another unit: %v, want forbidden", err)
		}
		if _, err := f.s.AssignDistrict(ctx, f.officer, unknown.Number, "krowodrza"); err != nil {
			t.Fatal(err)
		}
		c, err := f.s.Get(ctx, unknown.Number)
		if err != nil || c.District != 5 {
			t.Fatalf("after assigning: district %d, %v; want 5", c.District, err)
		}
		// A case with a district keeps it.
		if _, err := f.s.AssignDistrict(ctx, f.officer, unknown.Number, "nowa-huta"); !apperr.Is(err, apperr.Conflict) {
			t.Errorf("assigning twice: %v, want conflict", err)
		}
		if n := count(t, d, `SELECT count(*) FROM report_updates WHERE kind = 'district'`); n != 1 {
			t.Errorf("%d district updates in the history, want 1", n)
		}
	})
}

// "Find my case" opens a case only for its number and its reporter's
// email together; everything else is the same nil, and tries are limited.
func TestFindCase(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := t.Context()
		c, err := f.s.Submit(ctx, f.report())
		if err != nil {
			t.Fatal(err)
		}
		num := strconv.FormatInt(c.Number, 10)
		got, err := f.s.FindCase(ctx, "#"+num, " ANNA@example.org", "198.51.100.7")
		if err != nil || got == nil || got.Number != c.Number {
			t.Fatalf("number and email right: %v, %v", got, err)
		}
		for _, tt := range [][2]string{{num, "eve@example.org"}, {"999999", "anna@example.org"}, {num, ""}, {"x", "anna@example.org"}} {
			if got, err := f.s.FindCase(ctx, tt[0], tt[1], "198.51.100.7"); got != nil || err != nil {
				t.Errorf("%q %q: %v, %v; want nothing", tt[0], tt[1], got, err)
			}
		}
		for range 5 {
			f.s.FindCase(ctx, "1", "x@example.org", "198.51.100.7")
		}
		if _, err := f.s.FindCase(ctx, num, "anna@example.org", "198.51.100.7"); !apperr.Is(err, apperr.TooMany) {
			t.Errorf("the 11th try in an hour: %v, want too many", err)
		}
		if got, _ := f.s.FindCase(ctx, num, "anna@example.org", "203.0.113.9"); got == nil {
			t.Error("another address is not limited by the first one's tries")
		}
	})
}
