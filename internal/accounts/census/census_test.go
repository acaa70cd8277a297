package census_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/civitas-city/civitas/internal/accounts/census"
	"github.com/civitas-city/civitas/internal/accounts/pesel"
	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/audit"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/db/dbtest"
)

var (
	key   = []byte("census-test-key-census-test-key-0123456789")
	today = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
)

func opts() census.Options {
	return census.Options{Key: key, Now: today, Actor: "test", IsDistrict: func(n int) bool { return n >= 1 && n <= 18 }}
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// person is a synthetic resident.
type person struct {
	pesel    string
	birth    time.Time
	district int
}

func people(n int) []person {
	out := make([]person, n)
	for i := range out {
		b := day(1940+i%70, time.Month(1+i%12), 1+i%28)
		out[i] = person{pesel.Generate(b, i%1000, i%2 == 0), b, 1 + i%18}
	}
	return out
}

func csvOf(ps []person) string {
	var b strings.Builder
	b.WriteString("pesel,birth_date,district,address\n")
	for _, p := range ps {
		fmt.Fprintf(&b, "%s,%s,%d,\"ul. Testowa %d, Kraków\"\n", p.pesel, p.birth.Format(time.DateOnly), p.district, p.district)
	}
	return b.String()
}

func readAll(t *testing.T, in string) (census.ReadResult, []census.Entry) {
	t.Helper()
	var got []census.Entry
	res, err := census.Read(strings.NewReader(in), opts(), func(e census.Entry) error { got = append(got, e); return nil })
	if err != nil {
		t.Fatal(err)
	}
	return res, got
}

func TestReadGoodFile(t *testing.T) {
	t.Parallel()
	ps := people(40)
	res, got := readAll(t, csvOf(ps))
	if len(res.Errors) > 0 || res.Rows != 40 || len(got) != 40 {
		t.Fatalf("rows %d, entries %d, errors %v", res.Rows, len(got), res.Errors)
	}
	for i, e := range got {
		if e.Hash != census.Hash(key, ps[i].pesel) || !e.BirthDate.Equal(ps[i].birth) || e.District != ps[i].district {
			t.Errorf("entry %d = %+v, want %+v", i, e, ps[i])
		}
		if strings.Contains(e.Hash, ps[i].pesel) {
			t.Errorf("hash holds the PESEL")
		}
	}
}

// Columns by name in any order, Polish names, a semicolon-separated
// spreadsheet export with a byte-order mark, extra columns ignored.
func TestReadHeaderVariants(t *testing.T) {
	t.Parallel()
	p := people(1)[0]
	cases := map[string]string{
		"reordered":       "district,pesel,birth_date\n7," + p.pesel + "," + p.birth.Format(time.DateOnly) + "\n",
		"polish":          "\ufeffPESEL;Data_urodzenia;Dzielnica;Adres;Imię\n" + p.pesel + ";" + p.birth.Format(time.DateOnly) + ";7;\"ul. Długa 1; Kraków\";Jan\n",
		"tabs and spaces": " pesel \t birth_date\tdistrict\n " + p.pesel + " \t" + p.birth.Format(time.DateOnly) + "\t 7 \n",
		"crlf":            "pesel,birth_date,district\r\n" + p.pesel + "," + p.birth.Format(time.DateOnly) + ",7\r\n",
	}
	for name, in := range cases {
		res, got := readAll(t, in)
		if len(res.Errors) > 0 || len(got) != 1 || got[0].District != 7 || got[0].Hash != census.Hash(key, p.pesel) {
			t.Errorf("%s: errors %v, entries %+v", name, res.Errors, got)
		}
		if name == "polish" && (len(res.IgnoredColumns) != 1 || res.IgnoredColumns[0] != "Imię") {
			t.Errorf("%s: ignored columns %q", name, res.IgnoredColumns)
		}
	}
}

// Every bad row is reported by line and field, in line order, and none of
// the texts repeats a PESEL.
func TestReadReportsEveryBadRow(t *testing.T) {
	t.Parallel()
	ps := people(7)
	good := func(p person) string {
		return fmt.Sprintf("%s,%s,%d", p.pesel, p.birth.Format(time.DateOnly), p.district)
	}
	bad := ps[1].pesel[:10] + "9"
	if bad == ps[1].pesel {
		bad = ps[1].pesel[:10] + "8"
	}
	lines := []string{
		"pesel,birth_date,district",
		good(ps[0]),                             // 2 ok
		bad + ",1990-01-01,3",                   // 3 checksum
		ps[2].pesel + ",1990-02-30,3",           // 4 bad date
		ps[3].pesel + "," + "2001-01-01" + ",3", // 5 date mismatch
		ps[4].pesel + "," + ps[4].birth.Format(time.DateOnly) + ",19", // 6 unknown district
		good(ps[0]), // 7 duplicate of 2
		ps[5].pesel + "," + ps[5].birth.Format(time.DateOnly) + ",x", // 8 district not a number
		"123,2000-01-01",                // 9 field count
		"",                              // blank: skipped
		"abc,2000-13-01," + ps[5].pesel, // 11 digits, date, district holds a PESEL
		good(ps[6]),                     // 12 ok
	}
	in := strings.Join(lines, "\n") + "\n"
	var calls int
	res, err := census.Read(strings.NewReader(in), opts(), func(census.Entry) error { calls++; return nil })
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range res.Errors {
		got = append(got, e.String())
	}
	want := []string{
		"line 3: pesel: the check digit is wrong",
		"line 4: birth_date: must be a date written YYYY-MM-DD",
		"line 5: birth_date: does not match the birth date in the PESEL",
		"line 6: district: there is no district number 19",
		"line 7: pesel: the same PESEL as line 2",
		"line 8: district: must be a district number (a whole number)",
		"line 9: row: has 2 fields, the header has 3",
		"line 11: pesel: must contain digits only",
		"line 11: birth_date: must be a date written YYYY-MM-DD",
		"line 11: district: is not a district number",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if res.Rows != 10 {
		t.Errorf("rows = %d, want 10", res.Rows)
	}
	if calls != 1 {
		t.Errorf("fn called %d times, want once (only before the first bad row)", calls)
	}
	for _, p := range append(ps, person{pesel: bad}) {
		if strings.Contains(strings.Join(got, "\n"), p.pesel) {
			t.Errorf("a report line repeats a PESEL")
		}
	}
}

func TestReadBadHeaders(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"":                                      "line 1: file: is empty",
		"pesel,birth_date\n":                    "line 1: header: missing column district",
		"pesel,district,dzielnica,birth_date\n": "line 1: header: column district appears twice",
		"pesel,birth_date,district\n":           "line 2: file: has no rows after the header",
		"\"pesel,birth_date,district\n1":        "line 1: header: extraneous or missing \" in quoted-field",
	}
	for in, want := range cases {
		res, _ := readAll(t, in)
		if len(res.Errors) == 0 || !strings.HasPrefix(res.Errors[0].String(), want) {
			t.Errorf("%q: errors %v, want %q", in, res.Errors, want)
		}
	}
	if _, err := census.Read(strings.NewReader("pesel\n"), census.Options{Key: []byte("short")}, nil); !errors.Is(err, census.ErrShortKey) {
		t.Errorf("short key: %v", err)
	}
}

func TestImport(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		ps := people(1200) // more than two INSERT batches
		rep, err := census.Import(ctx, d, strings.NewReader(csvOf(ps)), opts())
		if err != nil {
			t.Fatal(err)
		}
		if rep.Rows != 1200 || rep.Added != 1200 || rep.Removed != 0 || rep.Kept != 0 {
			t.Errorf("first import: %+v", rep)
		}
		e, err := census.Lookup(ctx, d, census.Hash(key, ps[5].pesel))
		if err != nil || e.District != ps[5].district || !e.BirthDate.Equal(ps[5].birth) {
			t.Fatalf("lookup: %+v, %v", e, err)
		}
		if _, err := census.Lookup(ctx, d, census.Hash(key, "90051512357")); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("lookup of an absent PESEL: %v", err)
		}
		sum, err := census.Describe(ctx, d)
		if err != nil || sum.Entries != 1200 || !sum.ImportedAt.Equal(db.TS(today)) {
			t.Errorf("describe: %+v, %v", sum, err)
		}

		// A second import replaces the register: 200 people left, 100
		// arrived, one moved to another district.
		next := append([]person{}, ps[200:]...)
		next = append(next, people(1300)[1200:]...)
		next[0].district = next[0].district%18 + 1
		o := opts()
		o.Now = today.Add(24 * time.Hour)
		rep, err = census.Import(ctx, d, strings.NewReader(csvOf(next)), o)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Rows != 1100 || rep.Added != 100 || rep.Removed != 200 || rep.Kept != 1000 {
			t.Errorf("second import: %+v", rep)
		}
		if _, err := census.Lookup(ctx, d, census.Hash(key, ps[0].pesel)); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("a resident who left is still in the register: %v", err)
		}
		if e, err := census.Lookup(ctx, d, census.Hash(key, next[0].pesel)); err != nil || e.District != next[0].district {
			t.Errorf("moved resident: %+v, %v", e, err)
		}

		// A file with one bad row changes nothing.
		broken := csvOf(people(50)) + "90051512358,1990-05-15,1\n"
		_, err = census.Import(ctx, d, strings.NewReader(broken), opts())
		fe, ok := errors.AsType[*census.FileError](err)
		if !ok || len(fe.Errors) != 1 || fe.Errors[0].Line != 52 {
			t.Fatalf("bad file: %v", err)
		}
		if sum, _ := census.Describe(ctx, d); sum.Entries != 1100 {
			t.Errorf("after a refused import the register has %d entries, want 1100", sum.Entries)
		}
		entries, err := audit.List(ctx, d, audit.Filter{Action: "census.import"})
		if err != nil || len(entries) != 2 || entries[0].Details["removed"] != "200" || entries[0].ActorLabel != "test" {
			t.Errorf("audit: %+v, %v", entries, err)
		}
	})
}

func TestHashIsKeyed(t *testing.T) {
	t.Parallel()
	a := census.Hash(key, "90051512357")
	if a == census.Hash([]byte("another-key-another-key-another-key"), "90051512357") || a == census.Hash(key, "85123100020") {
		t.Error("hashes collide across keys or numbers")
	}
	if len(a) != 64 || strings.Contains(a, "90051512357") {
		t.Errorf("hash %q", a)
	}
}

// TestCountByBirthYear: the counts by district and year of birth add up
// to the register and match the people imported.
func TestCountByBirthYear(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ps := people(300)
		if _, err := census.Import(t.Context(), d, strings.NewReader(csvOf(ps)), opts()); err != nil {
			t.Fatal(err)
		}
		want := map[[2]int]int{}
		for _, p := range ps {
			want[[2]int{p.district, p.birth.Year()}]++
		}
		got, err := census.CountByBirthYear(t.Context(), d)
		if err != nil {
			t.Fatal(err)
		}
		total := 0
		for _, c := range got {
			total += c.N
			if want[[2]int{c.District, c.BirthYear}] != c.N {
				t.Errorf("district %d, born %d: %d, want %d", c.District, c.BirthYear, c.N, want[[2]int{c.District, c.BirthYear}])
			}
		}
		if total != 300 || len(got) != len(want) {
			t.Errorf("%d people in %d groups, want 300 in %d", total, len(got), len(want))
		}
	})
}
