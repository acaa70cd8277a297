package pesel_test

import (
	"strings"
	"testing"
	"time"

	"github.com/civitas-city/civitas/internal/accounts/pesel"
)

// FuzzParse: Parse never panics; what it accepts is eleven digits whose
// check digit and date are right, and its errors never echo the input.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"90051512357", "85123100020", "04222945684", "21270109912", "99810101045",
		"90051512358", "01223001232", "90131501231", "9005151235", "", "abc", "00000000000", "９００５１５１２３５７"} {
		f.Add(s)
	}
	now := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		p, err := pesel.ParseAt(s, now)
		if err != nil {
			if pesel.CodeOf(err) == 0 {
				t.Fatalf("%q: error without a code: %v", s, err)
			}
			if err.Error() != "pesel: "+pesel.CodeOf(err).String() {
				t.Fatalf("%q: the error is not one of the fixed texts: %v", s, err)
			}
			return
		}
		if len(s) != pesel.Len || strings.Trim(s, "0123456789") != "" {
			t.Fatalf("%q accepted", s)
		}
		if p.Digits() != s || p.BirthDate().After(now) {
			t.Fatalf("%q: digits %q, birth %s", s, p.Digits(), p.BirthDate())
		}
		// Generating from what was decoded gives the same date part back.
		even := p.EvenSexDigit()
		g := pesel.Generate(p.BirthDate(), 0, even)
		if g[:6] != s[:6] {
			t.Fatalf("%q: regenerated date part %q", s, g[:6])
		}
	})
}
