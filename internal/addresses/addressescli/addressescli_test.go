package addressescli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestImportReportsLineAndFieldAndChangesNothing(t *testing.T) {
	dir := t.TempDir()
	dsn := "sqlite:" + filepath.Join(dir, "c.db")
	env := func(string) string { return "" }
	good := filepath.Join(dir, "good.csv")
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(good, []byte("ulica;numer_porzadkowy;kod_pocztowy;szerokosc_geograficzna;dlugosc_geograficzna\nul. Karmelicka;30;31-128;50.066;19.9305\n"), 0o600)
	os.WriteFile(bad, []byte("ulica;numer_porzadkowy;szerokosc_geograficzna;dlugosc_geograficzna\nul. Długa;12;50.06;abc\n"), 0o600)
	var out, errb bytes.Buffer
	if code := Main(context.Background(), []string{"import", "--db", dsn, good}, &out, &errb, env); code != 0 {
		t.Fatalf("good file: exit %d, %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "imported 1 address points") {
		t.Errorf("stdout = %q", out.String())
	}
	out.Reset()
	if code := Main(context.Background(), []string{"import", "--db", dsn, bad}, &out, &errb, env); code != 2 {
		t.Fatalf("bad file: exit %d", code)
	}
	if !strings.Contains(errb.String(), `line 2: dlugosc_geograficzna: "abc" is not a number of degrees`) ||
		!strings.Contains(errb.String(), "nothing was imported") {
		t.Errorf("stderr = %q", errb.String())
	}
	if code := Main(context.Background(), []string{"import", "--db", dsn}, &out, &errb, env); code != 2 {
		t.Errorf("no file: exit %d, want 2", code)
	}
}
