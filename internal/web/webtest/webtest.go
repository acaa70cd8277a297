// Package webtest holds checks that every module's web tests share.
package webtest

import (
	"io/fs"
	"slices"
	"testing"
)

// CheckPages checks that a module's page list (what it registers with the
// renderer) and its embedded templates/*.html are the same files: an
// unlisted template is never parsed, so its mistakes would go unnoticed.
// It returns the template files.
func CheckPages(t testing.TB, templates fs.FS, pages []string) []string {
	t.Helper()
	files, err := fs.Glob(templates, "templates/*.html")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if !slices.Contains(pages, f) {
			t.Errorf("%s is not in Pages", f)
		}
	}
	for _, p := range pages {
		if !slices.Contains(files, p) {
			t.Errorf("Pages lists %s, which does not exist", p)
		}
	}
	return files
}
