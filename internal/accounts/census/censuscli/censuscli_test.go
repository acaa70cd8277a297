package censuscli_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/civitas-city/civitas/internal/accounts/census"
	"github.com/civitas-city/civitas/internal/accounts/census/censuscli"
	"github.com/civitas-city/civitas/internal/accounts/pesel"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/db/dbtest"
)

const key = "censuscli-test-key-censuscli-test-key-01"

func run(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := censuscli.Main(t.Context(), args, &out, &errb, func(k string) string { return env[k] })
	return code, out.String(), errb.String()
}

func writeFile(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "register.csv")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func register(n int) (string, []string) {
	var (
		b  strings.Builder
		ps []string
	)
	b.WriteString("pesel,birth_date,district,address\n")
	for i := range n {
		birth := time.Date(1960+i%40, time.Month(1+i%12), 1+i%28, 0, 0, 0, 0, time.UTC)
		p := pesel.Generate(birth, i, i%3 == 0)
		ps = append(ps, p)
		fmt.Fprintf(&b, "%s,%s,%d,ul. Prosta %d\n", p, birth.Format(time.DateOnly), 1+i%18, i)
	}
	return b.String(), ps
}

func TestImportCommand(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			dsn := dbtest.DSN(t, engine)
			env := map[string]string{"CIVITAS_DB": dsn, "CIVITAS_SECRET_KEY": key}
			content, ps := register(100)
			code, out, errs := run(t, env, "import", writeFile(t, content))
			if code != 0 || !strings.Contains(out, "imported 100 residents: 100 added, 0 removed, 0 kept") {
				t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, out, errs)
			}
			d, err := db.Open(t.Context(), dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			if _, err := census.Lookup(t.Context(), d, census.Hash([]byte(key), ps[42])); err != nil {
				t.Errorf("entry 42: %v", err)
			}

			// A bad file: every problem, by line, and nothing changes.
			bad := content + ps[0] + ",1960-01-01,1,\n" + "90051512358,1990-05-15,19,\n"
			code, out, errs = run(t, env, "import", writeFile(t, bad))
			if code != 2 || out != "" {
				t.Fatalf("bad file: exit %d, stdout %q", code, out)
			}
			for _, want := range []string{"line 102: pesel: the same PESEL as line 2", "line 103: pesel: the check digit is wrong",
				"line 103: district: there is no district number 19", "3 problem(s)", "nothing was imported"} {
				if !strings.Contains(errs, want) {
					t.Errorf("stderr lacks %q:\n%s", want, errs)
				}
			}
			for _, p := range append(ps, "90051512358") {
				if strings.Contains(out+errs, p) {
					t.Fatalf("the output shows a PESEL")
				}
			}
			sum, _ := census.Describe(t.Context(), d)
			if sum.Entries != 100 {
				t.Errorf("register has %d entries after a bad file", sum.Entries)
			}

			// A semicolon file from stdin is not supported in this test;
			// the --db flag wins over CIVITAS_DB.
			code, out, _ = run(t, map[string]string{"CIVITAS_DB": "sqlite:/nonexistent/dir/x.db", "CIVITAS_SECRET_KEY": key},
				"import", "--db", dsn, writeFile(t, strings.Join(strings.Split(content, "\n")[:51], "\n")+"\n"))
			if code != 0 || !strings.Contains(out, "50 kept") || !strings.Contains(out, "50 removed") {
				t.Errorf("second import: exit %d, %s", code, out)
			}
		})
	}
}

func TestUsage(t *testing.T) {
	t.Parallel()
	file := writeFile(t, "pesel,birth_date,district\n")
	cases := []struct {
		name string
		env  map[string]string
		args []string
		code int
		want string
	}{
		{"no command", nil, nil, 2, "Usage:"},
		{"help", nil, []string{"help"}, 0, "Usage:"},
		{"unknown", nil, []string{"export"}, 2, `unknown command "export"`},
		{"no file", map[string]string{"CIVITAS_SECRET_KEY": key}, []string{"import"}, 2, "name one CSV file"},
		{"no key", nil, []string{"import", file}, 2, "CIVITAS_SECRET_KEY"},
		{"short key", map[string]string{"CIVITAS_SECRET_KEY": "short"}, []string{"import", file}, 2, "at least 32"},
		{"missing file", map[string]string{"CIVITAS_SECRET_KEY": key}, []string{"import", "/no/such/file.csv"}, 2, "no such file"},
		{"empty register", map[string]string{"CIVITAS_SECRET_KEY": key, "CIVITAS_DB": dbtest.DSN(t, db.SQLite)}, []string{"import", file}, 2,
			"line 2: file: has no rows"},
	}
	for _, c := range cases {
		code, out, errs := run(t, c.env, c.args...)
		if code != c.code || !strings.Contains(out+errs, c.want) {
			t.Errorf("%s: exit %d, output %q %q; want %d and %q", c.name, code, out, errs, c.code, c.want)
		}
	}
}
