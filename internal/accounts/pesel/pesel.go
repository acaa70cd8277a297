// Package pesel validates and decodes PESEL numbers, the Polish personal
// identification numbers (docs/polish-formats.md §1), and makes synthetic
// ones for test and demo data. It is pure: no database, no I/O.
//
// A PESEL is personal data. Callers store only a keyed hash of it and never
// log it; String and the error texts here never contain the digits.
package pesel

import (
	"errors"
	"fmt"
	"time"
)

// Len is the number of digits in a PESEL.
const Len = 11

// PESEL is a validated PESEL number.
type PESEL struct {
	digits string
	birth  time.Time
}

// Digits returns the eleven digits. Handle with care: the result is
// personal data.
func (p PESEL) Digits() string { return p.digits }

// BirthDate returns the birth date the number encodes, at midnight UTC.
func (p PESEL) BirthDate() time.Time { return p.birth }

// EvenSexDigit reports whether the sex digit (the tenth) is even, as
// issued. It is part of the number's structure only: the product must not
// use it to infer anybody's gender.
func (p PESEL) EvenSexDigit() bool { return (p.digits[9]-'0')%2 == 0 }

// String masks the number: the birth date part and asterisks, as logs and
// officer pages may show it.
func (p PESEL) String() string {
	if p.digits == "" {
		return ""
	}
	return Mask(p.digits)
}

// Mask shows the first six characters of s (the encoded birth date) and
// hides the rest: "900515*****".
func Mask(s string) string {
	r := []rune(s)
	for i := 6; i < len(r); i++ {
		r[i] = '*'
	}
	return string(r)
}

// Code says why a string is not a valid PESEL.
type Code int

const (
	// ErrLength: not exactly eleven characters.
	ErrLength Code = iota + 1
	// ErrDigits: a character that is not an ASCII digit.
	ErrDigits
	// ErrChecksum: the check digit does not match.
	ErrChecksum
	// ErrMonth: the month is not in any century range.
	ErrMonth
	// ErrDate: the day does not exist in that month and year.
	ErrDate
	// ErrFuture: the birth date is after today.
	ErrFuture
)

// Key is the catalog key of the message that explains the code to a
// resident (each locale of the accounts domain defines it).
func (c Code) Key() string {
	switch c {
	case ErrLength:
		return "pesel.error.length"
	case ErrDigits:
		return "pesel.error.digits"
	case ErrChecksum:
		return "pesel.error.checksum"
	case ErrMonth:
		return "pesel.error.month"
	case ErrDate:
		return "pesel.error.date"
	case ErrFuture:
		return "pesel.error.future"
	}
	return "pesel.error.invalid"
}

// String is a short English reason, for command-line reports.
func (c Code) String() string {
	switch c {
	case ErrLength:
		return "must have 11 digits"
	case ErrDigits:
		return "must contain digits only"
	case ErrChecksum:
		return "the check digit is wrong"
	case ErrMonth:
		return "the month is not valid"
	case ErrDate:
		return "the birth date does not exist"
	case ErrFuture:
		return "the birth date is in the future"
	}
	return "is not valid"
}

// Error is why Parse refused a string. It never contains the input.
type Error struct{ Code Code }

func (e *Error) Error() string { return "pesel: " + e.Code.String() }

// CodeOf returns the code of a Parse error, or 0.
func CodeOf(err error) Code {
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Code
	}
	return 0
}

var weights = [10]int{1, 3, 7, 9, 1, 3, 7, 9, 1, 3}

// checkDigit computes the eleventh digit from the first ten.
func checkDigit(d string) byte {
	sum := 0
	for i, w := range weights {
		sum += int(d[i]-'0') * w
	}
	return byte((10-sum%10)%10) + '0'
}

// Parse validates s: eleven ASCII digits, a matching check digit, a month
// in one of the century ranges, a day that exists, and a birth date not
// after today (the date in UTC). Surrounding spaces are not accepted:
// callers trim input first.
func Parse(s string) (PESEL, error) {
	return ParseAt(s, time.Now())
}

// ParseAt is Parse with "today" given, for tests. A character that is not
// an ASCII digit is reported before a wrong length, so "90-05-15..." reads
// as "digits only".
func ParseAt(s string, now time.Time) (PESEL, error) {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return PESEL{}, &Error{ErrDigits}
		}
	}
	if len(s) != Len {
		return PESEL{}, &Error{ErrLength}
	}
	if checkDigit(s) != s[10] {
		return PESEL{}, &Error{ErrChecksum}
	}
	yy := int(s[0]-'0')*10 + int(s[1]-'0')
	mm := int(s[2]-'0')*10 + int(s[3]-'0')
	dd := int(s[4]-'0')*10 + int(s[5]-'0')
	century, month := 0, mm%20
	switch mm / 20 {
	case 0:
		century = 1900
	case 1:
		century = 2000
	case 2:
		century = 2100
	case 3:
		century = 2200
	case 4:
		century = 1800
	}
	if month < 1 || month > 12 {
		return PESEL{}, &Error{ErrMonth}
	}
	year := century + yy
	birth := time.Date(year, time.Month(month), dd, 0, 0, 0, 0, time.UTC)
	if dd < 1 || birth.Day() != dd || birth.Month() != time.Month(month) {
		return PESEL{}, &Error{ErrDate}
	}
	today := now.UTC()
	if birth.After(time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)) {
		return PESEL{}, &Error{ErrFuture}
	}
	return PESEL{digits: s, birth: birth}, nil
}

// Generate builds a synthetic PESEL for test and demo data: the birth date
// encoded, serial (0..999) as the three serial digits, the sex digit even
// or odd as asked, and the check digit. The numbers are computed, never
// collected; that one coincides with a real person's is chance, so they
// belong only in synthetic data sets. It panics on a year outside
// 1800..2299 or a serial outside 0..999 (a programming error).
func Generate(birth time.Time, serial int, evenSexDigit bool) string {
	y, m, d := birth.Date()
	if y < 1800 || y > 2299 || serial < 0 || serial > 999 {
		panic(fmt.Sprintf("pesel: cannot generate for year %d, serial %d", y, serial))
	}
	offset := map[int]int{18: 80, 19: 0, 20: 20, 21: 40, 22: 60}[y/100]
	sex := (serial % 5) * 2 // an even digit derived from the serial
	if !evenSexDigit {
		sex++
	}
	s := fmt.Sprintf("%02d%02d%02d%03d%d", y%100, int(m)+offset, d, serial, sex)
	return s + string(checkDigit(s))
}
