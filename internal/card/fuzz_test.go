package card

import (
	"bytes"
	"os"
	"testing"
)

// The reader never panics, a file it accepts has no problem listed, and it
// hands on exactly the rows it counts as good.
func FuzzRead(f *testing.F) {
	good, _ := os.ReadFile("testdata/eligibility.csv")
	f.Add(good)
	f.Add([]byte("pesel,kind\n85030410001,basic\n"))
	f.Add([]byte("pesel,kind,family_size,valid_from,valid_to,district\n85030410001,basic,,2027-01-01,2027-01-01,19\n"))
	f.Add([]byte("\ufeffpesel;kind;family_size;valid_from;valid_to\n85030410001;family;3;2027-01-01;2027-01-01\n"))
	f.Add([]byte("pesel,kind,family_size,valid_from,valid_to\n\"8503\n0410001\",basic,,,\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var emitted int
		n, errs, err := read(bytes.NewReader(data), []byte(testKey), func(d int) bool { return d >= 1 && d <= 18 }, func(eligible) error { emitted++; return nil })
		if err != nil {
			t.Fatal(err)
		}
		if n != emitted {
			t.Errorf("%d rows counted, %d handed on", n, emitted)
		}
		for _, e := range errs {
			if e.Line < 1 || e.Field == "" || e.Reason == "" {
				t.Errorf("a problem without line, field or reason: %+v", e)
			}
		}
	})
}
