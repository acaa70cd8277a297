package cardcli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func run(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(t.Context(), args, &out, &errb, func(k string) string { return env[k] })
	return code, out.String(), errb.String()
}

func TestImportCommand(t *testing.T) {
	env := map[string]string{"CIVITAS_SECRET_KEY": "a test key of at least thirty-two bytes",
		"CIVITAS_DB": "sqlite:" + filepath.Join(t.TempDir(), "c.db")}
	code, out, errs := run(t, env, "import", "../testdata/eligibility.csv")
	if code != 0 || !strings.Contains(out, "4 cards listed: 4 new, 0 removed") {
		t.Fatalf("import: %d %q %q", code, out, errs)
	}
	if code, out, _ := run(t, env, "import", "../testdata/eligibility.csv"); code != 0 || !strings.Contains(out, "imported already") {
		t.Errorf("the same file again: %d %q", code, out)
	}
	code, out, errs = run(t, env, "simulate", "--days", "20", "--per-day", "30")
	if code != 0 || !strings.Contains(out, "events in") {
		t.Errorf("simulate: %d %q %q", code, out, errs)
	}
	if code, _, _ := run(t, env, "simulate", "--days", "0"); code != 2 {
		t.Errorf("simulate --days 0: %d, want 2", code)
	}
	bad := filepath.Join(t.TempDir(), "bad.csv")
	writeFile(t, bad, "pesel,kind,family_size,valid_from,valid_to\n85030410001,gold,,2027-01-01,2027-12-31\n")
	code, _, errs = run(t, env, "import", bad)
	if code != 2 || !strings.Contains(errs, "line 2: kind: basic or family") || !strings.Contains(errs, "nothing was imported") {
		t.Errorf("a bad file: %d %q", code, errs)
	}
	if code, _, errs := run(t, map[string]string{"CIVITAS_DB": env["CIVITAS_DB"]}, "import", bad); code != 2 || errs == "" {
		t.Errorf("without a key: %d %q, want 2 and a message", code, errs)
	}
}

func writeFile(t *testing.T, path, body string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
}
