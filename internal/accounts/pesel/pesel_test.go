package pesel_test

import (
	"strings"
	"testing"
	"time"

	"github.com/civitas-city/civitas/internal/accounts/pesel"
)

var today = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// withCheck appends the check digit to ten digits (docs/polish-formats.md §1).
func withCheck(ten string) string {
	w := []int{1, 3, 7, 9, 1, 3, 7, 9, 1, 3}
	sum := 0
	for i, c := range ten {
		sum += int(c-'0') * w[i]
	}
	return ten + string(rune('0'+(10-sum%10)%10))
}

// The synthetic vectors of docs/polish-formats.md §1, and a few more.
func TestParseValid(t *testing.T) {
	t.Parallel()
	valid := []struct {
		in    string
		birth time.Time
		even  bool
	}{
		{"90051512357", day(1990, 5, 15), false},
		{"85123100020", day(1985, 12, 31), true},
		{"04222945684", day(2004, 2, 29), true},
		{"21270109912", day(2021, 7, 1), false},
		{"99810101045", day(1899, 1, 1), true},
		{withCheck("0022290123"), day(2000, 2, 29), false}, // 2000 is a leap year
		{withCheck("2631200000"), day(2026, 11, 20), true}, // born today
	}
	for _, c := range valid {
		p, err := pesel.ParseAt(c.in, today)
		if err != nil {
			t.Errorf("%s: %v", c.in, err)
			continue
		}
		if !p.BirthDate().Equal(c.birth) || p.EvenSexDigit() != c.even || p.Digits() != c.in {
			t.Errorf("%s: birth %s even %v", c.in, p.BirthDate(), p.EvenSexDigit())
		}
		if s := p.String(); s != c.in[:6]+"*****" {
			t.Errorf("%s: String() = %q, want the number masked", c.in, s)
		}
	}
}

func TestParseInvalid(t *testing.T) {
	t.Parallel()
	invalid := []struct {
		name, in string
		code     pesel.Code
	}{
		{"last digit changed", "90051512358", pesel.ErrChecksum},
		{"two digits swapped", "90051512375", pesel.ErrChecksum},
		{"30 February", "01223001232", pesel.ErrDate},
		{"month 13", "90131501231", pesel.ErrMonth},
		{"month 0", withCheck("9000150123"), pesel.ErrMonth},
		{"month 93", withCheck("9093150123"), pesel.ErrMonth},
		{"day 0", withCheck("9005000123"), pesel.ErrDate},
		{"31 April", withCheck("9004310123"), pesel.ErrDate},
		{"29 February 1900", withCheck("0002290123"), pesel.ErrDate},
		{"29 February 2100", withCheck("0042290123"), pesel.ErrDate},
		{"born tomorrow", withCheck("2631210000"), pesel.ErrFuture},
		{"22nd century", withCheck("0141010123"), pesel.ErrFuture},
		{"10 digits", "9005151235", pesel.ErrLength},
		{"12 digits", "900515123577", pesel.ErrLength},
		{"empty", "", pesel.ErrLength},
		{"a letter", "9005151235a", pesel.ErrDigits},
		{"dashes", "90-05-15123", pesel.ErrDigits},
		{"leading space", " 90051512357", pesel.ErrDigits},
		{"full-width digits", "９００５１５１２３５７", pesel.ErrDigits},
	}
	for _, c := range invalid {
		_, err := pesel.ParseAt(c.in, today)
		if got := pesel.CodeOf(err); got != c.code {
			t.Errorf("%s (%q): code %v (%v), want %v", c.name, c.in, got, err, c.code)
			continue
		}
		if c.in != "" && strings.Contains(err.Error(), c.in) {
			t.Errorf("%s: the error %q repeats the input", c.name, err)
		}
		if key := c.code.Key(); !strings.HasPrefix(key, "pesel.error.") || key == "pesel.error.invalid" {
			t.Errorf("%s: catalog key %q", c.name, key)
		}
	}
}

// Every generated number parses back to its birth date and sex digit,
// across all five centuries and around leap days.
func TestGenerateRoundTrip(t *testing.T) {
	t.Parallel()
	births := []time.Time{day(1800, 1, 1), day(1899, 12, 31), day(1900, 2, 28), day(1996, 2, 29),
		day(2000, 2, 29), day(2026, 11, 20), day(2150, 6, 15), day(2299, 12, 31)}
	far := day(2300, 1, 1)
	for _, b := range births {
		for serial := 0; serial < 1000; serial += 37 {
			for _, even := range []bool{true, false} {
				s := pesel.Generate(b, serial, even)
				p, err := pesel.ParseAt(s, far)
				if err != nil {
					t.Fatalf("Generate(%s, %d, %v) = %s: %v", b.Format(time.DateOnly), serial, even, s, err)
				}
				if !p.BirthDate().Equal(b) || p.EvenSexDigit() != even {
					t.Fatalf("Generate(%s, %d, %v) = %s decodes to %s, even %v", b.Format(time.DateOnly), serial, even, s, p.BirthDate(), p.EvenSexDigit())
				}
			}
		}
	}
}

// Changing any single digit of a valid number breaks its checksum: the
// weights 1 3 7 9 are all coprime to 10.
func TestSingleDigitErrorsAreCaught(t *testing.T) {
	t.Parallel()
	const good = "90051512357"
	for i := range pesel.Len {
		for d := byte('0'); d <= '9'; d++ {
			if d == good[i] {
				continue
			}
			b := []byte(good)
			b[i] = d
			if _, err := pesel.ParseAt(string(b), today); err == nil {
				t.Errorf("%s (digit %d changed) parses", b, i+1)
			}
		}
	}
}

func TestGeneratePanicsOutsideRange(t *testing.T) {
	t.Parallel()
	defer func() {
		if recover() == nil {
			t.Error("no panic for year 1799")
		}
	}()
	pesel.Generate(day(1799, 1, 1), 0, true)
}
