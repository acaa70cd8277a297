package i18n

import "testing"

func TestTextFallsBackToTheSource(t *testing.T) {
	v, err := ParseVersions(`{"title":{"en":"Civic budget","uk":""}}`)
	if err != nil {
		t.Fatal(err)
	}
	title := v.Text("title", "Budżet obywatelski")
	for _, tt := range []struct {
		lang, want string
		fellBack   bool
	}{
		{"en", "Civic budget", false},
		{"uk", "Budżet obywatelski", true}, // an empty version is no version
		{"pl", "Budżet obywatelski", true},
	} {
		if got, fb := title.In(tt.lang); got != tt.want || fb != tt.fellBack {
			t.Errorf("In(%s) = %q, %v; want %q, %v", tt.lang, got, fb, tt.want, tt.fellBack)
		}
	}
	if got := v.Text("description", "Opis").Versions; len(got) != 0 {
		t.Errorf("a field without versions has %v", got)
	}
}

func TestVersionsRoundTrip(t *testing.T) {
	v := Versions{}
	v.Set("title", "en", "  Park  ")
	v.Set("title", "uk", "Парк")
	v.Set("summary", "en", " ")
	v.Set("title", "uk", "")
	if got, want := v.JSON(), `{"title":{"en":"Park"}}`; got != want {
		t.Errorf("JSON() = %s, want %s", got, want)
	}
	back, err := ParseVersions(v.JSON())
	if err != nil || back.Text("title", "").Versions["en"] != "Park" {
		t.Errorf("round trip: %v %v", back, err)
	}
	if empty, err := ParseVersions(""); err != nil || len(empty) != 0 {
		t.Errorf("empty column: %v %v", empty, err)
	}
	if _, err := ParseVersions("{not json"); err == nil {
		t.Error("a broken column parses")
	}
}
