package budget

import (
	"github.com/civitas-city/civitas/internal/money"
	"math/big"
	"strconv"
	"strings"
)

// Money is kept as int64 grosze (1/100 zł) everywhere; the counting engine
// takes exact rationals, and the conversion is exact both ways.

var errMoney = money.ErrAmount

// ParseMoney reads an amount in złoty (money.Parse).
func ParseMoney(s string) (int64, error) { return money.Parse(s) }

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

// FormatMoney writes grosze for people in lang (money.Format).
func FormatMoney(lang string, grosze int64) string { return money.Format(lang, grosze) }

// FormatInt writes n with the digit grouping of lang.
func FormatInt(lang string, n int) string {
	s := FormatMoney(lang, int64(n)*100)
	s = strings.TrimSuffix(strings.TrimPrefix(s, "PLN\u00a0"), "\u00a0zł")
	return s
}
