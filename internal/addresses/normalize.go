package addresses

import (
	"regexp"
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Matching keys. A street and a house number are compared by key, never as
// written: "ul. Karmelicka", "Karmelicka" and "KARMELICKA" share the key
// "karmelicka"; "Długa" and "Dluga" share "dluga"; "12 A" and "12a" share
// "12a".

// streetTypes are the words (and abbreviations) of the street types the
// register writes before a name (TERYT's "cecha"). A leading one is dropped
// from the key, so a name is found with or without it.
var streetTypes = map[string]bool{
	"ul": true, "ulica": true,
	"al": true, "aleja": true, "aleje": true, "alei": true,
	"os": true, "osiedle": true,
	"pl": true, "plac": true,
	"rondo": true, "skwer": true, "bulw": true, "bulwar": true,
	"rynek": true, "park": true, "wyb": true, "wybrzeze": true,
}

// flatWords introduce a flat number after the house number ("12 m. 4",
// "12 lok. 4"); they and what follows are dropped.
var flatWords = map[string]bool{"m": true, "lok": true, "lokal": true, "mieszkanie": true, "mieszk": true}

var (
	houseNumberRE    = regexp.MustCompile(`^[0-9]+[a-z]?(/[0-9]+[a-z]?)?$`)
	postalCodeRE     = regexp.MustCompile(`\b[0-9]{2}-[0-9]{3}\b`)
	postalCodeOnlyRE = regexp.MustCompile(`^[0-9]{2}-[0-9]{3}$`)
	digitsRE         = regexp.MustCompile(`^[0-9]+$`)
)

// fold lowercases s and removes diacritics: "Łobzowska" → "lobzowska",
// "Św. Gertrudy" → "sw. gertrudy". ł and ø have no decomposition, so they
// are mapped by hand.
func fold(s string) string {
	s = strings.ToLower(s)
	s = strings.NewReplacer("ł", "l", "ø", "o", "ß", "ss").Replace(s)
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		return s
	}
	return out
}

// words splits folded text into words of letters and digits; every other
// character separates words, except "/" inside a number ("30/2").
func words(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '/')
	})
}

// StreetKey is the matching key of a street name: folded, punctuation
// gone, a leading street type dropped ("ul. Świętego Tomasza" →
// "swietego tomasza"). A name that is only a type word keeps it.
func StreetKey(street string) string {
	w := words(fold(street))
	if len(w) > 1 && streetTypes[w[0]] {
		w = w[1:]
	}
	return strings.Join(w, " ")
}

// NumberKey is the matching key of a house number: folded, spaces gone
// ("12 A" → "12a", "30/2" stays "30/2").
func NumberKey(number string) string {
	return strings.Join(words(fold(number)), "")
}

// A Query is an address typed by a person, split into the keys it is
// looked up by.
type Query struct {
	Street string // StreetKey of the street part
	Number string // NumberKey of the house number: "12a", "30/2"
	// Building is Number without what follows "/" ("30" for "30/2"):
	// "30/2" is most often flat 2 of building 30, but some buildings are
	// numbered "12/14", so both are tried, the whole first.
	Building string
}

// ParseQuery reads "ul. Karmelicka 30", "Karmelicka 30/2, Kraków",
// "al. 29 Listopada 104 m. 5" or "os. Centrum A 1, 31-923 Kraków" into a
// street and a house number. ok is false when there is no street or no
// number.
func ParseQuery(text string) (q Query, ok bool) {
	text = postalCodeRE.ReplaceAllString(text, " ")
	// The street and number come first; after a comma come the city,
	// a flat, a district.
	parts := strings.Split(text, ",")
	for _, part := range parts {
		if q, ok = parsePart(part); ok {
			return q, true
		}
	}
	return Query{}, false
}

func parsePart(part string) (Query, bool) {
	w := words(fold(part))
	// Drop a flat after the house number: "12 m 4", "12 lok 4".
	for i := 1; i < len(w); i++ {
		if flatWords[w[i]] && houseNumberRE.MatchString(w[i-1]) {
			w = w[:i]
			break
		}
	}
	if len(w) < 2 {
		return Query{}, false
	}
	// A single letter after a number belongs to it: "12 a" is "12a".
	last := len(w) - 1
	num := w[last]
	if len(num) == 1 && unicode.IsLetter(rune(num[0])) && len(w) > 2 && digitsRE.MatchString(w[last-1]) {
		num = w[last-1] + num
		last--
	}
	if !houseNumberRE.MatchString(num) {
		return Query{}, false
	}
	street := w[:last]
	if len(street) > 1 && streetTypes[street[0]] {
		street = street[1:]
	}
	if len(street) == 0 || (len(street) == 1 && streetTypes[street[0]]) {
		return Query{}, false
	}
	q := Query{Street: strings.Join(street, " "), Number: num, Building: num}
	if i := strings.IndexByte(num, '/'); i > 0 {
		q.Building = num[:i]
	}
	return q, true
}
