package web

import (
	"io/fs"
	"testing"
	"time"

	"github.com/civitas-city/civitas/internal/i18n"
)

func TestFormatInt(t *testing.T) {
	tests := []struct {
		lang string
		n    int64
		want string
	}{
		{"pl", 30609, "30\u00a0609"}, {"pl", 1234, "1234"}, {"en", 1234, "1,234"}, {"en", 1234567, "1,234,567"},
		{"uk", 71752, "71\u00a0752"}, {"pl", -12345, "-12\u00a0345"}, {"en", 12, "12"},
	}
	for _, tt := range tests {
		if got := FormatInt(tt.lang, tt.n); got != tt.want {
			t.Errorf("FormatInt(%s, %d) = %q, want %q", tt.lang, tt.n, got, tt.want)
		}
	}
}

// Dates read as people write them in each language, in the city's zone:
// 20:17 UTC on 6 December is 21:17 in Warsaw.
func TestFormatDateTime(t *testing.T) {
	cat := i18n.New("pl", "en", "uk")
	sub, err := fs.Sub(Locales(), "locales")
	if err != nil {
		t.Fatal(err)
	}
	if err := cat.AddFS(sub); err != nil {
		t.Fatal(err)
	}
	warsaw, err := time.LoadLocation("Europe/Warsaw")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 6, 20, 17, 0, 0, time.UTC)
	for lang, want := range map[string]string{"pl": "6 grudnia 2026, godz. 21:17", "en": "6 December 2026, 21:17", "uk": "6 грудня 2026 о 21:17"} {
		if got := FormatDateTime(cat, lang, warsaw, at); got != want {
			t.Errorf("FormatDateTime(%s) = %q, want %q", lang, got, want)
		}
	}
	// 23:30 UTC on 31 May is already 1 June in Warsaw.
	if got := FormatDate(cat, "pl", warsaw, time.Date(2027, 5, 31, 23, 30, 0, 0, time.UTC)); got != "1 czerwca 2027" {
		t.Errorf("FormatDate = %q, want the city's date, 1 czerwca 2027", got)
	}
}
