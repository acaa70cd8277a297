package census_test

import (
	"strings"
	"testing"

	"github.com/civitas-city/civitas/internal/accounts/census"
)

// FuzzImport fuzzes the importer's reader: it never panics; the entries it
// hands on are unique, in known districts and never after a bad row; every
// problem names a line and a field; no report line repeats an 11-digit
// number from the input.
func FuzzImport(f *testing.F) {
	f.Add(csvOf(people(3)))
	f.Add("pesel;data_urodzenia;dzielnica\n90051512357;1990-05-15;3\n")
	f.Add("pesel,birth_date,district\n90051512357,1990-05-15,3\n90051512357,1990-05-15,3\n")
	f.Add("pesel,birth_date,district\n\"9005\n1512357\",1990-05-15,3\n")
	f.Add("pesel,birth_date,district\n90051512358,1990-05-15,99\nx\n")
	f.Add("\ufeffdistrict\tpesel\tbirth_date\n1\t85123100020\t1985-12-31\n")
	f.Add("")
	f.Fuzz(func(t *testing.T, in string) {
		seen := map[string]bool{}
		var entries int
		res, err := census.Read(strings.NewReader(in), opts(), func(e census.Entry) error {
			entries++
			if seen[e.Hash] || len(e.Hash) != 64 || e.District < 1 || e.District > 18 || e.BirthDate.IsZero() {
				t.Fatalf("bad entry %+v", e)
			}
			seen[e.Hash] = true
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if entries > res.Rows {
			t.Fatalf("%d entries from %d rows", entries, res.Rows)
		}
		if len(res.Errors) == 0 && entries != res.Rows {
			t.Fatalf("no errors but %d entries from %d rows", entries, res.Rows)
		}
		for _, e := range res.Errors {
			if e.Line < 1 || e.Field == "" || e.Reason == "" {
				t.Fatalf("problem without a place: %+v", e)
			}
			for _, digits := range elevenDigitRuns(in) {
				if strings.Contains(e.String(), digits) {
					t.Fatalf("report %q repeats %s", e, digits)
				}
			}
		}
	})
}

func elevenDigitRuns(s string) []string {
	var out []string
	run := 0
	for i := 0; i <= len(s); i++ {
		if i < len(s) && s[i] >= '0' && s[i] <= '9' {
			run++
			continue
		}
		if run >= 11 {
			out = append(out, s[i-run:i])
		}
		run = 0
	}
	return out
}
