package news

import (
	"slices"
	"testing"
)

func TestWordsFoldPolishDiacritics(t *testing.T) {
	cases := []struct {
		in   string
		want []string
	}{
		{"Żółta łąka", []string{"zolta", "laka"}},
		{"ZAŻÓŁĆ GĘŚLĄ JAŹŃ", []string{"zazolc", "gesla", "jazn"}},
		{"ul. Św. Gertrudy 7-9", []string{"ul", "sw", "gertrudy", "7", "9"}},
		{"Київ, вулиця Хрещатик", []string{"київ", "вулиця", "хрещатик"}},
		{"  ", nil},
	}
	for _, c := range cases {
		if got := Words(c.in); !slices.Equal(got, c.want) {
			t.Errorf("Words(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
