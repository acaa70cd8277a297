package weightcli

import (
	"bytes"
	"errors"
	"testing"

	"github.com/civitas-city/civitas/internal/web"
)

// FuzzReadMargins: any input either reads into margins whose levels and
// targets match, each target a finite number ≥ 0, or fails with row errors
// naming a line; it never panics.
func FuzzReadMargins(f *testing.F) {
	for _, s := range []string{margins2, "", "variable;level;count\nsex;K;1,5\n", "\xef\xbb\xbfvariable,level,count\n\"a\"\"\",b,1e3\n", "count,variable,level\n1,x,y\n", "variable,level,count\nx,\"y\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ReadMargins(bytes.NewReader(data))
		if err != nil {
			if fe, ok := errors.AsType[*web.FileError](err); ok && (len(fe.Errors) == 0 || fe.Errors[0].Line < 1) {
				t.Fatalf("file error without a line: %v", fe)
			}
			return
		}
		for _, v := range m.Vars {
			if len(v.Levels) != len(v.Targets) || len(v.Levels) == 0 {
				t.Fatalf("margin %s: %d levels, %d targets", v.Name, len(v.Levels), len(v.Targets))
			}
			for _, x := range v.Targets {
				if !(x >= 0) {
					t.Fatalf("margin %s: target %v", v.Name, x)
				}
			}
		}
	})
}

// FuzzReadResponses: any input either reads into responses with unique,
// non-empty ids and every code a level of its margin, or fails with row
// errors; it never panics.
func FuzzReadResponses(f *testing.F) {
	for _, s := range []string{"id,sex,age\n1,K,young\n2,M,old\n", "", "ID;Age;sex\n1;young;K\n", "id,sex,age\n1,K\n", "id,sex,age\n1,K,young\n1,K,young\n", "sex,age,id\n\"K\",old,\"x\"\"y\"\n"} {
		f.Add([]byte(s))
	}
	m, err := ReadMargins(bytes.NewReader([]byte(margins2)))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := ReadResponses(bytes.NewReader(data), m)
		if err != nil {
			return
		}
		seen := map[string]bool{}
		for i, id := range r.IDs {
			if id == "" || seen[id] {
				t.Fatalf("id %q empty or repeated", id)
			}
			seen[id] = true
			for v, codes := range r.Codes {
				if c := codes[i]; c < 0 || int(c) >= len(m.Vars[v].Levels) {
					t.Fatalf("response %d: code %d of %s out of range", i, c, m.Vars[v].Name)
				}
			}
		}
	})
}
