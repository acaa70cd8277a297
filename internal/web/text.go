package web

import (
	"unicode/utf8"

	"github.com/civitas-city/civitas/internal/apperr"
)

// CheckText refuses text that would be stored broken or shown deceptively:
// bytes that are not UTF-8, NUL and other control characters (tab and line
// breaks are allowed in multiline text), and the invisible characters that
// reorder text (bidirectional overrides and isolates), which can make a
// name or title read differently from what it is. field names the form
// field for the error.
func CheckText(field, s string, multiline bool) error {
	if !utf8.ValidString(s) {
		return apperr.Fieldf(field, "error.text_encoding")
	}
	for _, r := range s {
		if multiline && (r == '\n' || r == '\r' || r == '\t') {
			continue
		}
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || bidiControl(r) {
			return apperr.Fieldf(field, "error.text_control")
		}
	}
	return nil
}

// bidiControl reports the explicit directional formatting characters of
// Unicode's bidirectional algorithm (UAX #9): embeddings, overrides,
// isolates and their terminators.
func bidiControl(r rune) bool {
	return (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)
}
