package web

import (
	"os"
	"slices"
	"testing"
)

// Every template on disk is embedded and registered: the layout and its
// partials, and the shell's pages. (The shell embeds files by name, so the
// check reads the directory itself.)
func TestEveryTemplateRegistered(t *testing.T) {
	entries, err := os.ReadDir("templates")
	if err != nil {
		t.Fatal(err)
	}
	known := append([]string{"templates/layout.html", "templates/partials.html"}, shellPageFiles...)
	for _, e := range entries {
		if f := "templates/" + e.Name(); !slices.Contains(known, f) {
			t.Errorf("%s is neither the layout, its partials nor a registered shell page", f)
		}
	}
	for _, f := range known {
		if _, err := os.Stat(f); err != nil {
			t.Errorf("%s is registered but missing: %v", f, err)
		}
	}
}
