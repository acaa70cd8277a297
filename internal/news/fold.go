package news

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Search folds text the same way for what is indexed and what is asked, so
// "Żółta łąka", "zolta laka" and "ŻÓŁTA" all find each other, on either
// engine: lower case, diacritics removed from Latin letters (ł, which has
// none to remove in Unicode's sense, by hand), split into words of letters
// and digits. Cyrillic letters stay as they are: ї and і are different
// letters in Ukrainian, not one with an accent.

// foldRune maps the letters Unicode does not decompose.
var foldRune = map[rune]rune{'ł': 'l', 'ø': 'o', 'đ': 'd', 'ß': 's'}

// Words is text folded into search words.
func Words(text string) []string {
	var (
		out []string
		b   strings.Builder
	)
	flush := func() {
		if b.Len() > 0 {
			out = append(out, b.String())
			b.Reset()
		}
	}
	for _, r := range norm.NFC.String(strings.ToLower(text)) {
		switch {
		case unicode.Is(unicode.Mn, r):
			// a combining mark NFC could not join to its letter
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(foldLatin(r))
		default:
			flush()
		}
	}
	flush()
	return out
}

// maxQueryWords bounds a search: more words only narrow it.
const maxQueryWords = 8

// queryWords is what a resident typed, as search words.
func queryWords(q string) []string {
	w := Words(q)
	if len(w) > maxQueryWords {
		w = w[:maxQueryWords]
	}
	return w
}

// foldLatin is a Latin letter without its accents; other runes as they are.
func foldLatin(r rune) rune {
	if f, ok := foldRune[r]; ok {
		return f
	}
	if r < 0x80 || !unicode.Is(unicode.Latin, r) {
		return r
	}
	for _, base := range norm.NFD.String(string(r)) {
		return base // the first rune of the decomposition is the letter
	}
	return r
}
