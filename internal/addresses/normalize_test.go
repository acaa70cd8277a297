package addresses

import "testing"

// The forms below are how Kraków's streets are written by residents, in
// the register (with the type "ul.", "al.", "os.", "pl."), and in reports.
func TestStreetKeyFoldsTypeCaseAndDiacritics(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"ul. Karmelicka", "karmelicka"},
		{"Karmelicka", "karmelicka"},
		{"KARMELICKA", "karmelicka"},
		{"ulica Karmelicka", "karmelicka"},
		{"ul. Długa", "dluga"},
		{"Dluga", "dluga"},
		{"ul. Łobzowska", "lobzowska"},
		{"ul. Świętego Tomasza", "swietego tomasza"},
		{"ul. Św. Tomasza", "sw tomasza"},
		{"al. Adama Mickiewicza", "adama mickiewicza"},
		{"Aleja Adama Mickiewicza", "adama mickiewicza"},
		{"al. 29 Listopada", "29 listopada"},
		{"os. Centrum A", "centrum a"},
		{"osiedle Centrum A", "centrum a"},
		{"pl. Wszystkich Świętych", "wszystkich swietych"},
		{"plac Wszystkich Świętych", "wszystkich swietych"},
		{"Rynek Główny", "glowny"},
		{"rynek główny", "glowny"},
		{"ul. Bieżanowska", "biezanowska"},
		{"al. Jana Pawła II", "jana pawla ii"},
		{"ul.  Zakopiańska ", "zakopianska"},
		{"Rondo", "rondo"}, // a name that is only a type word keeps it
	} {
		if got := StreetKey(c.in); got != c.want {
			t.Errorf("StreetKey(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestParseQueryReadsStreetAndNumber(t *testing.T) {
	for _, c := range []struct {
		in                       string
		street, number, building string
	}{
		{"ul. Karmelicka 30", "karmelicka", "30", "30"},
		{"Karmelicka 30", "karmelicka", "30", "30"},
		{"karmelicka 30, Kraków", "karmelicka", "30", "30"},
		{"ul. Karmelicka 30, 31-128 Kraków", "karmelicka", "30", "30"},
		{"Karmelicka 30/2", "karmelicka", "30/2", "30"},
		{"ul. Karmelicka 30 m. 2", "karmelicka", "30", "30"},
		{"ul. Karmelicka 30 lok. 2", "karmelicka", "30", "30"},
		{"ul. Długa 12", "dluga", "12", "12"},
		{"Łobzowska 12a", "lobzowska", "12a", "12a"},
		{"Łobzowska 12 A", "lobzowska", "12a", "12a"},
		{"ŁOBZOWSKA 12A", "lobzowska", "12a", "12a"},
		{"al. 29 Listopada 50", "29 listopada", "50", "50"},
		{"29 Listopada 50", "29 listopada", "50", "50"},
		{"os. Centrum A 1", "centrum a", "1", "1"},
		{"Rynek Główny 1", "glowny", "1", "1"},
		{"al. Mickiewicza 30", "mickiewicza", "30", "30"},
		{"Kraków, ul. Józefa 12", "jozefa", "12", "12"},
	} {
		q, ok := ParseQuery(c.in)
		if !ok || q.Street != c.street || q.Number != c.number || q.Building != c.building {
			t.Errorf("ParseQuery(%q) = %+v, %v; want street %q number %q building %q", c.in, q, ok, c.street, c.number, c.building)
		}
	}
}

func TestParseQueryRefusesTextWithoutStreetOrNumber(t *testing.T) {
	for _, in := range []string{"", "Karmelicka", "30", "ul. 30", "near the church", "Kraków", "ul."} {
		if q, ok := ParseQuery(in); ok {
			t.Errorf("ParseQuery(%q) = %+v, want no address", in, q)
		}
	}
}
