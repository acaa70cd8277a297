package i18n

import (
	"testing"
	"testing/fstest"
)

func TestPluralCategory(t *testing.T) {
	tests := []struct {
		lang string
		n    int
		want string
	}{
		{"pl", 1, "one"}, {"pl", 2, "few"}, {"pl", 4, "few"}, {"pl", 5, "many"}, {"pl", 12, "many"},
		{"pl", 22, "few"}, {"pl", 25, "many"}, {"pl", 0, "many"}, {"pl", 112, "many"},
		{"uk", 1, "one"}, {"uk", 21, "one"}, {"uk", 11, "many"}, {"uk", 3, "few"}, {"uk", 14, "many"},
		{"en", 1, "one"}, {"en", 0, "other"}, {"en", 2, "other"},
		// Region subtags, negative and large numbers, and languages we do not
		// ship follow CLDR too.
		{"pl-PL", 3, "few"}, {"pl", -2, "few"}, {"pl", 1_000_002, "few"}, {"uk", 111, "many"}, {"uk", 1001, "one"},
		{"ru", 21, "one"}, {"fr", 0, "one"}, {"cs", 3, "few"},
	}
	for _, tt := range tests {
		if got := PluralCategory(tt.lang, tt.n); got != tt.want {
			t.Errorf("PluralCategory(%s, %d) = %s, want %s", tt.lang, tt.n, got, tt.want)
		}
	}
}

func TestCatalog(t *testing.T) {
	c := New("pl", "en")
	err := c.AddFS(fstest.MapFS{
		"pl.json": {Data: []byte(`{"hello": "Dzień dobry, %s", "people": {"one": "%d osoba", "few": "%d osoby", "many": "%d osób"}, "only.pl": "x"}`)},
		"en.json": {Data: []byte(`{"hello": "Hello, %s", "people": {"one": "%d person", "other": "%d people"}}`)},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.T("en", "hello", "Ala"); got != "Hello, Ala" {
		t.Errorf("T = %q", got)
	}
	if got := c.N("pl", "people", 3); got != "3 osoby" {
		t.Errorf("N(pl, 3) = %q", got)
	}
	if got := c.N("pl", "people", 5); got != "5 osób" {
		t.Errorf("N(pl, 5) = %q", got)
	}
	if got := c.N("en", "people", 1); got != "1 person" {
		t.Errorf("N(en, 1) = %q", got)
	}
	if got := c.T("en", "only.pl"); got != "x" {
		t.Errorf("fallback to the default language: %q", got)
	}
	if m := c.Missing(); len(m) != 1 || m[0] != "en: only.pl" {
		t.Errorf("Missing = %v", m)
	}
	if err := c.AddFS(fstest.MapFS{"pl.json": {Data: []byte(`{"hello": "again"}`)}, "en.json": {Data: []byte(`{}`)}}); err == nil {
		t.Error("a key defined twice was accepted")
	}
}
