// Package bankqr builds the payload of a Polish bank-transfer QR code, as
// the Polish Bank Association's recommendation "Standard 2D" (Rekomendacja
// ZBP, 2013-12-03) defines it, and draws it as PNG and SVG; it also checks
// the account numbers (NRB) and tax numbers (NIP) that go into it.
//
// The payload is nine fields joined by "|": recipient NIP (10 digits, may
// be empty), country code ("PL"), the recipient's account (26 digits, the
// NRB without "PL"), the amount in grosze (exactly 6 digits, so at most
// 9 999,99 zł), the recipient's name (≤ 20 characters), the title (≤ 32),
// and three reserved fields (≤ 20, ≤ 12, ≤ 24). At most 160 characters,
// encoded as a QR code in byte mode at error-correction level L.
package bankqr

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Field limits of the recommendation, in characters.
const (
	MaxName      = 20
	MaxTitle     = 32
	MaxReserved1 = 20
	MaxReserved2 = 12
	MaxReserved3 = 24
	MaxPayload   = 160
	// MaxAmount is the largest amount the 6-digit field holds, in grosze.
	MaxAmount = 999999
)

// Transfer is what the code pre-fills in a banking app.
type Transfer struct {
	NIP     string // the recipient's, optional
	Account string // NRB, 26 digits (spaces and a "PL" prefix allowed)
	// Amount in grosze; 0 leaves the amount for the payer to type (the
	// field is then "000000").
	Amount int64
	Name   string // the recipient's name
	Title  string
	// Reserved1 is used by some issuers for a payment identifier.
	Reserved1, Reserved2, Reserved3 string
}

// Errors of Payload.
var (
	ErrAccount     = errors.New("bankqr: the account number is not a valid NRB")
	ErrNIP         = errors.New("bankqr: the NIP is not valid")
	ErrAmountRange = errors.New("bankqr: the amount does not fit the code's 6-digit field (at most 9 999,99 zł)")
	ErrPipe        = errors.New("bankqr: a field holds the separator '|'")
	ErrTooLong     = errors.New("bankqr: a field is longer than the recommendation allows")
)

// Payload is the text of the code. Names and titles longer than their
// field are cut to it (the recommendation's limits; the printed slip keeps
// the whole title); an amount above MaxAmount is an error, never cut —
// callers offer a code without the amount instead (Amount 0).
func (t Transfer) Payload() (string, error) {
	account, ok := NormalizeNRB(t.Account)
	if !ok {
		return "", ErrAccount
	}
	nip := ""
	if strings.TrimSpace(t.NIP) != "" {
		if nip, ok = NormalizeNIP(t.NIP); !ok {
			return "", ErrNIP
		}
	}
	if t.Amount < 0 || t.Amount > MaxAmount {
		return "", ErrAmountRange
	}
	fields := []string{nip, "PL", account, fmt.Sprintf("%06d", t.Amount),
		cut(clean(t.Name), MaxName), cut(clean(t.Title), MaxTitle)}
	for _, r := range []struct {
		v   string
		max int
	}{{t.Reserved1, MaxReserved1}, {t.Reserved2, MaxReserved2}, {t.Reserved3, MaxReserved3}} {
		v := clean(r.v)
		if utf8.RuneCountInString(v) > r.max {
			return "", ErrTooLong
		}
		fields = append(fields, v)
	}
	for _, f := range fields {
		if strings.Contains(f, "|") {
			return "", ErrPipe
		}
	}
	p := strings.Join(fields, "|")
	if utf8.RuneCountInString(p) > MaxPayload {
		return "", ErrTooLong
	}
	return p, nil
}

// clean makes one line of s: control characters and runs of spaces become
// one space.
func clean(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r < 0x20 || r == ' ' || r == 0x7f }), " ")
}

// cut shortens s to at most n characters.
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return strings.TrimSpace(string([]rune(s)[:n]))
}

// NormalizeNRB strips spaces, dashes and a "PL" prefix from an account
// number and checks it: 26 digits whose IBAN ("PL" + NRB) passes the ISO
// 7064 mod 97-10 check.
func NormalizeNRB(s string) (string, bool) {
	s = strings.ToUpper(strings.NewReplacer(" ", "", "-", "", "\u00a0", "").Replace(strings.TrimSpace(s)))
	s = strings.TrimPrefix(s, "PL")
	if len(s) != 26 || !digits(s) {
		return "", false
	}
	// IBAN check: the account, then "PL" as 25 21, then the check digits.
	rearranged := s[2:] + "2521" + s[:2]
	rem := 0
	for i := 0; i < len(rearranged); i++ {
		rem = (rem*10 + int(rearranged[i]-'0')) % 97
	}
	return s, rem == 1
}

// NormalizeNIP strips separators and a "PL" prefix from a NIP and checks
// its control digit (weights 6 5 7 2 3 4 5 6 7, sum mod 11; 10 is never
// issued).
func NormalizeNIP(s string) (string, bool) {
	s = strings.ToUpper(strings.NewReplacer(" ", "", "-", "").Replace(strings.TrimSpace(s)))
	s = strings.TrimPrefix(s, "PL")
	if len(s) != 10 || !digits(s) {
		return "", false
	}
	weights := [9]int{6, 5, 7, 2, 3, 4, 5, 6, 7}
	sum := 0
	for i, w := range weights {
		sum += w * int(s[i]-'0')
	}
	c := sum % 11
	return s, c != 10 && c == int(s[9]-'0')
}

// FormatNRB groups an account number as people write it: "96 1234 5678 …".
func FormatNRB(nrb string) string {
	if len(nrb) != 26 {
		return nrb
	}
	var b strings.Builder
	b.WriteString(nrb[:2])
	for i := 2; i < 26; i += 4 {
		b.WriteString(" " + nrb[i:i+4])
	}
	return b.String()
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
