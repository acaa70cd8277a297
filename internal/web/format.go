package web

import "strconv"

// FormatInt writes n with the thousands separator of lang: a no-break
// space in Polish and Ukrainian (12 345), a comma in English (12,345).
// Polish style leaves four-digit numbers ungrouped.
func FormatInt(lang string, n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := n < 0
	if neg {
		s = s[1:]
	}
	sep := "\u00a0"
	if lang == "en" {
		sep = ","
	}
	if len(s) > 4 || (lang == "en" && len(s) > 3) {
		var out []byte
		for i := range len(s) {
			if i > 0 && (len(s)-i)%3 == 0 {
				out = append(out, sep...)
			}
			out = append(out, s[i])
		}
		s = string(out)
	}
	if neg {
		s = "-" + s
	}
	return s
}
