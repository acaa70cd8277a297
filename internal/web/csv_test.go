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
