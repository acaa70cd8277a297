package consult

import (
	"io/fs"
	"slices"
	"testing"
)

// Every embedded template is registered (an unlisted one would never be
// parsed, so its mistakes would go unnoticed), and every listed one exists.
func TestEveryTemplateRegistered(t *testing.T) {
	files, err := fs.Glob(templates, "templates/*.html")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if !slices.Contains(Pages, f) {
			t.Errorf("%s is not in Pages", f)
		}
	}
	for _, p := range Pages {
		if !slices.Contains(files, p) {
			t.Errorf("Pages lists %s, which does not exist", p)
		}
	}
}
