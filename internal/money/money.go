// Package money reads and writes amounts of złoty, kept as int64 grosze
// (1/100 zł) everywhere: as people and files write them, and as pages show
// them in each language.
package money

import (
	"errors"
	"strconv"
	"strings"
)

// ErrAmount is a text that is not an amount.
var ErrAmount = errors.New("not an amount in złoty with at most two decimals")

// Parse reads an amount in złoty as people and files write it:
// "1716138.17", "1 716 138,17", "250000", "12,5". Spaces (also no-break)
// and a trailing "zł" or "PLN" are ignored; more than two decimals, signs
// and anything else are refused.
func Parse(s string) (int64, error) {
	s = strings.TrimSpace(s)
	s = strings.TrimSuffix(strings.TrimSuffix(s, "zł"), "PLN")
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\u00a0' || r == '\u202f' {
			return -1
		}
		return r
	}, s)
	s = strings.ReplaceAll(s, ",", ".")
	whole, frac, hasFrac := strings.Cut(s, ".")
	if whole == "" || len(frac) > 2 || (hasFrac && frac == "") {
		return 0, ErrAmount
	}
	for _, r := range whole + frac {
		if r < '0' || r > '9' {
			return 0, ErrAmount
		}
	}
	if len(whole) > 15 {
		return 0, ErrAmount
	}
	zl, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, ErrAmount
	}
	for len(frac) < 2 {
		frac += "0"
	}
	gr, _ := strconv.ParseInt(frac, 10, 64)
	return zl*100 + gr, nil
}

// Format writes grosze for people in lang: "1 716 138,17 zł" in
// Polish and Ukrainian, "PLN 1,716,138.17" in English. Whole amounts have
// no decimals.
func Format(lang string, grosze int64) string {
	neg := grosze < 0
	if neg {
		grosze = -grosze
	}
	group, dec := "\u00a0", ","
	if lang == "en" {
		group, dec = ",", "."
	}
	digits := strconv.FormatInt(grosze/100, 10)
	var b strings.Builder
	for i, r := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteString(group)
		}
		b.WriteRune(r)
	}
	if gr := grosze % 100; gr != 0 {
		b.WriteString(dec)
		b.WriteString(strconv.FormatInt(100+gr, 10)[1:])
	}
	s := b.String()
	if neg {
		s = "-" + s
	}
	if lang == "en" {
		return "PLN\u00a0" + s
	}
	return s + "\u00a0zł"
}
