package money

import "testing"

func TestParse(t *testing.T) {
	for in, want := range map[string]int64{"1716138.17": 171613817, "1 716 138,17": 171613817, "250000": 25000000, "12,5": 1250,
		"0.01": 1, "7 zł": 700, "100\u00a0000 PLN": 10000000} {
		if got, err := Parse(in); err != nil || got != want {
			t.Errorf("Parse(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "-5", "1.234", "1e6", "12,", "abc", "1.2.3", "99999999999999999"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
}

func TestFormat(t *testing.T) {
	for _, tt := range []struct {
		lang string
		g    int64
		want string
	}{
		{"pl", 171613817, "1\u00a0716\u00a0138,17\u00a0zł"},
		{"en", 25000000, "PLN\u00a0250,000"},
		{"uk", 61728, "617,28\u00a0zł"},
		{"pl", 5, "0,05\u00a0zł"},
	} {
		if got := Format(tt.lang, tt.g); got != tt.want {
			t.Errorf("Format(%s, %d) = %q, want %q", tt.lang, tt.g, got, tt.want)
		}
	}
}
