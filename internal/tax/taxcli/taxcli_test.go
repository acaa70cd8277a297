package taxcli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The command imports a good file, says so when the same file comes again,
// and names every bad row of a bad one by line and field with status 2.
func TestImportCommand(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"CIVITAS_DB": "sqlite:" + filepath.Join(dir, "c.db"), "CIVITAS_SECRET_KEY": "a test key of at least thirty-two bytes"}
	getenv := func(k string) string { return env[k] }
	run := func(args ...string) (int, string, string) {
		var out, errOut bytes.Buffer
		code := Main(context.Background(), args, &out, &errOut, getenv)
		return code, out.String(), errOut.String()
	}
	good := filepath.Join("..", "testdata", "finance-export.csv")
	if code, out, errOut := run("import", "--as-of", "2027-04-01", good); code != 0 || !strings.Contains(out, "imported 4 liabilities, 9 instalments and 3 payments as of 2027-04-01") {
		t.Fatalf("good file: %d %q %q", code, out, errOut)
	}
	if code, out, _ := run("import", "--as-of", "2027-04-01", good); code != 0 || !strings.Contains(out, "imported already") {
		t.Errorf("the same file again: %d %q", code, out)
	}
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("record,liability,pesel,nip,kind,year,decision,account,amount,arrears,interest,instalment,date\n"+
		"L,X,85030412348,,property,2027,D/1,96123456780000000000000001,-3,,,,\nI,Y,,,,,,,1.00,,,1,2027-01-01\n"), 0o600)
	code, _, errOut := run("import", bad)
	if code != 2 || !strings.Contains(errOut, "bad.csv: line 2: amount: a negative amount is not allowed") ||
		!strings.Contains(errOut, "bad.csv: line 3: liability:") || !strings.Contains(errOut, "the tax data are unchanged") {
		t.Errorf("bad file: %d %q", code, errOut)
	}
	if code, _, errOut := run("import", "--as-of", "1 April", good); code != 2 || !strings.Contains(errOut, "--as-of") {
		t.Errorf("a bad date: %d %q", code, errOut)
	}
	if code, _, _ := run("export"); code != 2 {
		t.Errorf("an unknown command: %d", code)
	}
	delete(env, "CIVITAS_SECRET_KEY")
	if code, _, errOut := run("import", good); code != 2 || errOut == "" {
		t.Errorf("no key: %d %q", code, errOut)
	}
}
