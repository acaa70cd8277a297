package addresses

import (
	"strings"
	"testing"
)

// FuzzRead: any input is read without panicking, every problem names a
// line and a field, and a point handed over has its keys.
func FuzzRead(f *testing.F) {
	f.Add("ulica;numer_porzadkowy;szerokosc_geograficzna;dlugosc_geograficzna\nul. Karmelicka;30;50.066;19.93\n")
	f.Add("street,number,lat,lon\n\"ul. \"\"X\",12a,1e400,NaN\n")
	f.Add("\xef\xbb\xbflat\tlon\tulica\tnumer\n-91\t181\t\t\n")
	f.Fuzz(func(t *testing.T, in string) {
		res, err := Read(strings.NewReader(in), func(p Point) error {
			if StreetKey(p.Street) == "" || NumberKey(p.Number) == "" {
				t.Errorf("point without keys: %+v", p)
			}
			return nil
		})
		if err != nil {
			t.Fatalf("Read of a string failed: %v", err)
		}
		for _, e := range res.Errors {
			if e.Line < 1 || e.Field == "" || e.Reason == "" {
				t.Errorf("problem without line or field: %+v", e)
			}
		}
	})
}

// FuzzParseQuery: any text parses without panicking, and a parsed query
// has a street and a house number.
func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{"ul. Karmelicka 30/2", "Łobzowska 12 A", "os. Centrum A 1, 31-923 Kraków", "12 m 4"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		if q, ok := ParseQuery(in); ok && (q.Street == "" || !houseNumberRE.MatchString(q.Number) || q.Building == "") {
			t.Errorf("ParseQuery(%q) = %+v", in, q)
		}
	})
}
