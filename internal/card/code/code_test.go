package code

import (
	"testing"
	"time"
)

var (
	key    = []byte("a test key of at least thirty-two bytes")
	secret = []byte("the card's own secret")
)

func TestMakeAndRead(t *testing.T) {
	now := time.Date(2027, 5, 1, 10, 30, 15, 0, time.UTC)
	step := StepOf(now)
	if StepOf(now.Add(44*time.Second)) != step || StepOf(now.Add(45*time.Second)) != step+1 {
		t.Fatalf("a step is not one minute long")
	}
	for _, number := range []int64{NumberMin, 123_456_789, NumberMax} {
		c := Make(key, secret, number, step)
		if len(c) != Digits || Normalize(c) != c {
			t.Fatalf("code %q: want %d digits", c, Digits)
		}
		if n, ok := Number(key, c, step); !ok || n != number {
			t.Errorf("number of %q in its step: %d %v, want %d", c, n, ok, number)
		}
		if !Valid(key, secret, number, step, Group(c)) {
			t.Errorf("code %q (grouped %q) is not valid in its own step", c, Group(c))
		}
		if Valid(key, secret, number, step+1, c) || Valid(key, []byte("another card"), number, step, c) {
			t.Errorf("code %q is valid in another step or for another card's secret", c)
		}
		if Valid([]byte("another server key, 32 bytes long!"), secret, number, step, c) {
			t.Errorf("code %q is valid under another key", c)
		}
	}
}

// The digits change from step to step, including the part that carries the
// number, so a partner cannot follow one card.
func TestCodeRotates(t *testing.T) {
	const number = 555_000_111
	seen := map[string]bool{}
	prefixes := map[string]bool{}
	for step := int64(29_000_000); step < 29_000_100; step++ {
		c := Make(key, secret, number, step)
		seen[c] = true
		prefixes[c[:9]] = true
	}
	if len(seen) != 100 || len(prefixes) < 99 {
		t.Errorf("100 steps gave %d codes and %d number parts, want 100 and about 100", len(seen), len(prefixes))
	}
}

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"123 456-789 012 345": "123456789012345",
		"12a":                 "",
		"":                    "",
		"１２３":                 "", // full-width digits are not digits here
	} {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
	if _, ok := Number(key, "12345", 1); ok {
		t.Error("a 5-digit code was read as a number")
	}
}

// RFC 4226's truncation over HMAC-SHA256 (RFC 6238 appendix B, SHA-256,
// time 59 s: step 1, secret "12345678901234567890123456789012", TOTP
// 46119246 in 8 digits; the last six are 119246).
func TestOTPMatchesRFC6238(t *testing.T) {
	if got := otp([]byte("12345678901234567890123456789012"), 1); got != 119246 {
		t.Errorf("otp = %06d, want 119246", got)
	}
}
