package web

import (
	"strings"
	"testing"
)

func TestCSV(t *testing.T) {
	row := []string{"=HYPERLINK(\"http://evil.example\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\tx", "-12.5", "+7", "plain", ""}
	var safe, exact strings.Builder
	for _, c := range []struct {
		b    *strings.Builder
		safe bool
	}{{&safe, true}, {&exact, false}} {
		w := NewCSV(c.b, c.safe)
		if err := w.Write(row); err != nil {
			t.Fatal(err)
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
	}
	want := "\"'=HYPERLINK(\"\"http://evil.example\"\")\",'+1+cmd|' /C calc'!A0,'-2+3,'@SUM(A1),'\tx,-12.5,+7,plain,\n"
	if safe.String() != want {
		t.Errorf("safe CSV:\n%q\nwant\n%q", safe.String(), want)
	}
	if !strings.HasPrefix(exact.String(), "\"=HYPERLINK(") || !strings.Contains(exact.String(), ",-2+3,") {
		t.Errorf("exact CSV changed cells: %q", exact.String())
	}
}

func TestNewCSVReaderSkipsTheBOMAndGuessesTheDelimiter(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"\xef\xbb\xbfa;b;c\n1;2,5;3\n", "a|b|c 1|2,5|3"},
		{"a,b\n1,2\n", "a|b 1|2"},
		{"a\tb\n1\t2\n", "a|b 1|2"},
		{"a;b,c\n", "a;b|c"}, // a tie goes to the comma
	} {
		cr := NewCSVReader(strings.NewReader(tt.in))
		var rows []string
		for {
			rec, err := cr.Read()
			if err != nil {
				break
			}
			rows = append(rows, strings.Join(rec, "|"))
		}
		if got := strings.Join(rows, " "); got != tt.want {
			t.Errorf("%q: %q, want %q", tt.in, got, tt.want)
		}
	}
}
