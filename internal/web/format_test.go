package web

import "testing"

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
