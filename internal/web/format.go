package web

import (
	"fmt"
	"strconv"
	"time"

	"github.com/civitas-city/civitas/internal/i18n"
)

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

// FormatDate writes t as people read a date in lang, in the city's zone
// loc: "6 grudnia 2026", "6 December 2026", "6 грудня 2026". Month names
// come from the catalog (date.month.1 … date.month.12, in the genitive
// where the language declines them).
func FormatDate(cat *i18n.Catalog, lang string, loc *time.Location, t time.Time) string {
	t = t.In(loc)
	return fmt.Sprintf("%d %s %d", t.Day(), cat.T(lang, "date.month."+strconv.Itoa(int(t.Month()))), t.Year())
}

// FormatDateTime is FormatDate with the time of day on a 24-hour clock:
// "6 grudnia 2026, 21:17".
func FormatDateTime(cat *i18n.Catalog, lang string, loc *time.Location, t time.Time) string {
	return cat.T(lang, "date.at", FormatDate(cat, lang, loc, t), t.In(loc).Format("15:04"))
}
