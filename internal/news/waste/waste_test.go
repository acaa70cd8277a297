package waste_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/civitas-city/civitas/internal/addresses"
	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/db/dbtest"
	"github.com/civitas-city/civitas/internal/i18n"
	"github.com/civitas-city/civitas/internal/news/waste"
	"github.com/civitas-city/civitas/internal/web"
)

var warsaw, _ = time.LoadLocation("Europe/Warsaw")

func parse(text string) (string, string, bool) {
	q, ok := addresses.ParseQuery(text)
	return q.Street, q.Number, ok
}

type contacts map[string]waste.Contact

func (c contacts) Contact(_ context.Context, id string) (waste.Contact, error) { return c[id], nil }

func newService(t *testing.T, d *db.DB, now time.Time) *waste.Service {
	cat := i18n.New("pl", "en", "uk")
	shell, err := fs.Sub(web.Locales(), "locales")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []fs.FS{shell, os.DirFS("../locales")} {
		if err := cat.AddFS(f); err != nil {
			t.Fatal(err)
		}
	}
	return &waste.Service{DB: d, ParseAddress: parse, StreetKey: addresses.StreetKey, Location: warsaw, Catalog: cat,
		Contacts: contacts{"u1": {Email: "anna@example.org", Lang: "pl"}, "u2": {Email: "olha@example.org", Lang: "uk"}},
		BaseURL:  "https://civitas.example", Now: func() time.Time { return now }}
}

func importDemo(t *testing.T, s *waste.Service) {
	t.Helper()
	for _, f := range []struct {
		path string
		fn   func(context.Context, string, *os.File) (int, error)
	}{
		{"testdata/areas.csv", func(ctx context.Context, a string, r *os.File) (int, error) { return s.ImportAreas(ctx, a, r) }},
		{"testdata/schedule.csv", func(ctx context.Context, a string, r *os.File) (int, error) { return s.ImportSchedule(ctx, a, r) }},
	} {
		r, err := os.Open(f.path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.fn(t.Context(), "officer", r); err != nil {
			t.Fatalf("%s: %v", f.path, err)
		}
		r.Close()
	}
}

func TestLookupAndSchedule(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d, time.Date(2027, 5, 10, 12, 0, 0, 0, time.UTC))
		importDemo(t, s)
		for _, c := range []struct {
			address, area, err string
		}{
			{"ul. Długa 13", "A1", ""},
			{"DLUGA 12a, Kraków", "A2", ""},
			{"Karmelicka 30/2", "A1", ""},
			{"Karmelicka 41", "", "news.waste.error.no_area"},
			{"ul. Marszałkowska 1", "", "news.waste.error.outside"},
			{"Długa", "", "news.waste.error.address"},
			{"", "", "news.waste.error.address"},
		} {
			a, err := s.Lookup(t.Context(), c.address)
			if c.err != "" {
				if apperr.FieldsOf(err)["address"] != c.err {
					t.Errorf("%q: %v, want %s", c.address, err, c.err)
				}
				continue
			}
			if err != nil || a.Code != c.area {
				t.Errorf("%q: area %q (%v), want %s", c.address, a.Code, err, c.area)
			}
		}
		got, err := s.Schedule(t.Context(), "A1", s.Today(), 10)
		if err != nil {
			t.Fatal(err)
		}
		var lines []string
		for _, c := range got {
			lines = append(lines, c.Day.Format(time.DateOnly)+" "+c.Kind)
		}
		want := []string{"2027-05-11 mixed", "2027-05-11 paper", "2027-05-18 glass"}
		if !slices.Equal(lines, want) {
			t.Errorf("schedule %v, want %v", lines, want)
		}
	})
}

func TestBadFilesChangeNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d, time.Date(2027, 5, 10, 12, 0, 0, 0, time.UTC))
		importDemo(t, s)
		bad := "area,kind,date\nA1,mixed,2027-06-01\nZZ,paper,2027-06-02\nA1,metal,2027-06-03\nA2,glass,2027-13-01\n"
		_, err := s.ImportSchedule(t.Context(), "officer", strings.NewReader(bad))
		var fe *web.FileError
		if !errors.As(err, &fe) {
			t.Fatalf("bad schedule: %v", err)
		}
		var got []string
		for _, e := range fe.Errors {
			got = append(got, e.String())
		}
		want := []string{`line 3: area: unknown area "ZZ" (import the areas first)`, `line 4: kind: "metal" is not one of mixed, paper, plastic, glass, bio, bulky`,
			`line 5: date: "2027-13-01" is not a date YYYY-MM-DD`}
		if !slices.Equal(got, want) {
			t.Errorf("errors:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		if cs, _ := s.Schedule(t.Context(), "A1", time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC), 10); len(cs) != 0 {
			t.Errorf("a refused file changed the schedule: %v", cs)
		}
		if _, err := s.ImportAreas(t.Context(), "officer", strings.NewReader("area,name,street,from,to,parity\nX,X,Długa,1,9,all\n")); err != nil {
			t.Fatalf("a good areas file: %v", err)
		}
		_, err = s.ImportAreas(t.Context(), "officer", strings.NewReader("area,name,street,from,to,parity\nX,X,Długa,1,9,all\nY,Y,ul. Długa,5,20,odd\n"))
		if !errors.As(err, &fe) || fe.Errors[0].String() != "line 3: from: numbers of ul. Długa already in area X" {
			t.Errorf("overlapping ranges: %v", err)
		}
		if a, err := s.Lookup(t.Context(), "Długa 3"); err != nil || a.Code != "X" {
			t.Errorf("after the refused file, Długa 3 is in %q (%v), want X from the last good import", a.Code, err)
		}
	})
}

// TestRemindersOncePerDay: the evening before a collection each resident
// with a reminder in that area gets one mail in their language, however
// often (and on however many nodes) the day's job runs.
func TestRemindersOncePerDay(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d, time.Date(2027, 5, 10, 12, 0, 0, 0, time.UTC))
		importDemo(t, s)
		if _, err := s.Remind(t.Context(), "u1", "Długa 13"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Remind(t.Context(), "u2", "Kalwaryjska 50"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Remind(t.Context(), "u3", "Marszałkowska 1"); apperr.FieldsOf(err)["address"] != "news.waste.error.outside" {
			t.Errorf("a reminder outside the city: %v", err)
		}
		runAt, err := db.Query(t.Context(), d, func(row db.Scanner) (time.Time, error) {
			var at db.Time
			err := row.Scan(&at)
			return at.Time, err
		}, `SELECT run_at FROM jobs WHERE kind = $1`, waste.JobRemind)
		if err != nil || len(runAt) != 1 || !runAt[0].Equal(time.Date(2027, 5, 10, 16, 0, 0, 0, time.UTC)) {
			t.Errorf("reminder jobs queued at %v (%v), want one at 18:00 in Kraków", runAt, err)
		}
		day := time.Date(2027, 5, 11, 0, 0, 0, 0, time.UTC)
		for range 2 {
			if err := s.RunReminders(t.Context(), day); err != nil {
				t.Fatal(err)
			}
		}
		mails, err := db.Query(t.Context(), d, db.Value[string], `SELECT payload FROM jobs WHERE kind = 'mail.send' ORDER BY payload`)
		if err != nil {
			t.Fatal(err)
		}
		if len(mails) != 2 || !strings.Contains(mails[0], "anna@example.org") || !strings.Contains(mails[0], "zmieszane") ||
			!strings.Contains(mails[1], "olha@example.org") || !strings.Contains(mails[1], "біо") {
			t.Errorf("mails:\n%s", strings.Join(mails, "\n"))
		}
	})
}
