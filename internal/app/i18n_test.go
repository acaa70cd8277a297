package app_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Every message exists in every language.
func TestNoTranslationMissing(t *testing.T) {
	srv := startSQLite(t)
	for _, m := range srv.Catalog.Missing() {
		t.Errorf("missing translation %s", m)
	}
}

// Every key a template uses exists in the catalog, so no page shows a raw
// key. The templates are read from the source tree.
func TestTemplatesUseKnownKeys(t *testing.T) {
	srv := startSQLite(t)
	use := regexp.MustCompile(`\{\{-?\s*(?:t|tn)\s+"([^"]+)"`)
	// Safe messages of apperr errors are catalog keys too.
	goUse := regexp.MustCompile(`apperr\.(?:E|Wrap|Fieldf)\([^"\n]*"([a-z0-9_]+\.[a-z0-9_.]+)"`)
	root := filepath.Join("..")
	n := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		pattern := use
		switch {
		case filepath.Ext(path) == ".html" && filepath.Base(filepath.Dir(path)) == "templates":
		case filepath.Ext(path) == ".go" && !strings.HasSuffix(path, "_test.go"):
			pattern = goUse
		default:
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range pattern.FindAllStringSubmatch(string(b), -1) {
			n++
			if !srv.Catalog.Has(m[1]) {
				t.Errorf("%s uses %q, which no catalog defines", path, m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 50 {
		t.Errorf("found only %d uses of t/tn: is the pattern still right?", n)
	}
	for _, m := range srv.Site.Modules {
		for _, k := range []string{m.TitleKey, m.DescKey} {
			if !srv.Catalog.Has(k) {
				t.Errorf("module %s uses unknown key %q", m.Path, k)
			}
		}
	}
}
