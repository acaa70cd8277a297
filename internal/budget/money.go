package budget

import (
	"errors"
	"math/big"
	"strconv"
	"strings"
)

// Money is kept as int64 grosze (1/100 zł) everywhere; the counting engine
// takes exact rationals, and the conversion is exact both ways.

var errMoney = errors.New("budget: not an amount in złoty with at most two decimals")

// ParseMoney reads an amount in złoty as people and files write it:
// "1716138.17", "1 716 138,17", "250000", "12,5". Spaces (also no-break)
// and a trailing "zł" or "PLN" are ignored; more than two decimals, signs
// and anything else are refused.
func ParseMoney(s string) (int64, error) {
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
		return 0, errMoney
	}
	for _, r := range whole + frac {
		if r < '0' || r > '9' {
			return 0, errMoney
		}
	}
	if len(whole) > 15 {
		return 0, errMoney
	}
	zl, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, errMoney
	}
	for len(frac) < 2 {
		frac += "0"
	}
	gr, _ := strconv.ParseInt(frac, 10, 64)
	return zl*100 + gr, nil
}

// MoneyRat is grosze as an exact number of złoty, for the engine.
func MoneyRat(grosze int64) *big.Rat { return big.NewRat(grosze, 100) }

// RatMoney converts an exact number of złoty to grosze; it fails when the
// value is negative, has a fraction of a grosz or does not fit.
func RatMoney(r *big.Rat) (int64, error) {
	g := new(big.Rat).Mul(r, big.NewRat(100, 1))
	if g.Sign() < 0 || !g.IsInt() || !g.Num().IsInt64() {
		return 0, errMoney
	}
	return g.Num().Int64(), nil
}

// MoneyDecimal writes grosze as the plain decimal the Pabulib format and
// the exports use: "1716138.17", "250000".
func MoneyDecimal(grosze int64) string {
	neg := grosze < 0
	if neg {
		grosze = -grosze
	}
	s := strconv.FormatInt(grosze/100, 10)
	if gr := grosze % 100; gr != 0 {
		s += "." + strings.TrimRight(strconv.FormatInt(100+gr, 10)[1:], "0")
	}
	if neg {
		s = "-" + s
	}
	return s
}

// FormatMoney writes grosze for people in lang: "1 716 138,17 zł" in
// Polish and Ukrainian, "PLN 1,716,138.17" in English. Whole amounts have
// no decimals.
func FormatMoney(lang string, grosze int64) string {
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

// FormatInt writes n with the digit grouping of lang.
func FormatInt(lang string, n int) string {
	s := FormatMoney(lang, int64(n)*100)
	s = strings.TrimSuffix(strings.TrimPrefix(s, "PLN\u00a0"), "\u00a0zł")
	return s
}
