// Package code makes and reads the card's rotating code: what the card page
// shows (digits and QR) and what a partner's terminal sends to the check API.
//
// A code is 15 digits for one time step of a minute:
//
//	NNNNNNNNN OOOOOO
//
// N is the card's 9-digit number, masked for this step (added modulo 10⁹ to
// a mask derived from the server's key and the step), so the digits change
// every minute and a partner cannot follow one card from code to code, yet
// the server can unmask them and find the card. O is a 6-digit one-time
// password: an HMAC-SHA256 of the step under the card's own secret,
// truncated as in RFC 4226, so only the card's holder can make it.
package code

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"strings"
	"time"
)

const (
	// Step is how long one code lasts; a check accepts the current and the
	// previous step.
	Step = time.Minute
	// Digits is a code's length.
	Digits = 15
	// NumberMin and NumberMax bound a card number (9 digits, no leading 0).
	NumberMin = 100_000_000
	NumberMax = 999_999_999
	numberMod = 1_000_000_000
	otpMod    = 1_000_000
)

// StepOf is the time step t falls in.
func StepOf(t time.Time) int64 { return t.Unix() / int64(Step/time.Second) }

// Make is the code of card number (with its secret) in step, under the
// server's key.
func Make(key, secret []byte, number, step int64) string {
	masked := (number + mask(key, step)) % numberMod
	return fmt.Sprintf("%09d%06d", masked, otp(secret, step))
}

// Number unmasks the card number a code carries, assuming it was made in
// step; ok is false when the code is not 15 digits.
func Number(key []byte, c string, step int64) (number int64, ok bool) {
	c = Normalize(c)
	if len(c) != Digits {
		return 0, false
	}
	var masked int64
	for _, d := range c[:9] {
		masked = masked*10 + int64(d-'0')
	}
	return (masked - mask(key, step) + numberMod) % numberMod, true
}

// Valid reports whether code is the card's code for step (compared in
// constant time).
func Valid(key, secret []byte, number, step int64, c string) bool {
	return hmac.Equal([]byte(Make(key, secret, number, step)), []byte(Normalize(c)))
}

// Normalize drops the spaces and dashes people type between groups; it
// returns "" when anything else but digits is left.
func Normalize(c string) string {
	var b strings.Builder
	for _, r := range c {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '-':
		default:
			return ""
		}
	}
	return b.String()
}

// Group writes a code in groups of three digits, for reading aloud.
func Group(c string) string {
	var b strings.Builder
	for i, r := range c {
		if i > 0 && i%3 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func mask(key []byte, step int64) int64 {
	return int64(sum(key, "mask", step) % numberMod)
}

// otp is the RFC 4226 dynamic truncation of HMAC-SHA256(secret, step).
func otp(secret []byte, step int64) int64 {
	m := hmac.New(sha256.New, secret)
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(step))
	m.Write(b[:])
	h := m.Sum(nil)
	off := h[len(h)-1] & 0x0f
	v := binary.BigEndian.Uint32(h[off:off+4]) & 0x7fffffff
	return int64(v % otpMod)
}

func sum(key []byte, label string, step int64) uint64 {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(label))
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(step))
	m.Write(b[:])
	return binary.BigEndian.Uint64(m.Sum(nil)[:8])
}
