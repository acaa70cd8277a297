package waste

import (
	"bytes"
	"strings"
	"testing"
)

// The readers never panic, and what they accept holds up: every
// collection has a known kind and an area, every range a key and a
// sensible span; a file with errors yields at least one, by line.
func FuzzReadSchedule(f *testing.F) {
	f.Add([]byte("area,kind,date\nA1,mixed,2027-05-11\n"))
	f.Add([]byte("area;kind;date\nA1;paper;2027-13-01\n;;\n"))
	f.Add([]byte("\xef\xbb\xbfarea\tkind\tdate\nA1\tglass\t2027-01-01\nA1\tglass\t2027-01-01\n"))
	f.Add([]byte("kind,date\n"))
	f.Add([]byte("area,kind,date\n\"A1,mixed,2027-05-11\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cs, errs := ReadSchedule(bytes.NewReader(data), nil)
		for _, e := range errs {
			if e.Line < 1 || e.Field == "" || e.Reason == "" {
				t.Fatalf("error without line or field: %+v", e)
			}
		}
		for _, c := range cs {
			if c.Area == "" || c.Day.IsZero() || !strings.Contains(strings.Join(Kinds, ","), c.Kind) || c.Kind == "" {
				t.Fatalf("accepted %+v", c)
			}
		}
	})
}

func FuzzReadAreas(f *testing.F) {
	f.Add([]byte("area,name,street,from,to,parity\nA1,North,ul. Długa,1,,odd\nA2,North,Długa,2,,even\n"))
	f.Add([]byte("area,name,street,from,to,parity\nA1,,Karmelicka,40,1,all\n"))
	f.Add([]byte("area,name,street,from,to,parity\nA1,X,Długa,1,9,\nB,Y,Długa,9,12,odd\n"))
	f.Add([]byte("area,name,street,from,to\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		key := func(s string) string { return strings.ToLower(strings.TrimSpace(s)) }
		rs, errs := ReadAreas(bytes.NewReader(data), key)
		for _, e := range errs {
			if e.Line < 1 || e.Field == "" || e.Reason == "" {
				t.Fatalf("error without line or field: %+v", e)
			}
		}
		for i, r := range rs {
			if r.Area == "" || r.StreetKey == "" || r.From < 1 || r.To != 0 && r.To < r.From {
				t.Fatalf("accepted %+v", r)
			}
			for _, o := range rs[:i] {
				if o.StreetKey == r.StreetKey && overlap(o, r) {
					t.Fatalf("accepted overlapping %+v and %+v", o, r)
				}
			}
		}
	})
}

func TestCovers(t *testing.T) {
	r := Range{From: 3, To: 11, Parity: Odd}
	for n, want := range map[int]bool{1: false, 3: true, 4: false, 11: true, 13: false} {
		if r.Covers(n) != want {
			t.Errorf("%+v covers %d: %v", r, n, !want)
		}
	}
	if !overlap(Range{From: 1, Parity: All}, Range{From: 100, To: 100, Parity: Even}) ||
		overlap(Range{From: 1, Parity: Odd}, Range{From: 1, Parity: Even}) ||
		overlap(Range{From: 2, To: 2, Parity: All}, Range{From: 1, To: 3, Parity: Odd}) {
		t.Error("overlap is wrong")
	}
}
