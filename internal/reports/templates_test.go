package reports

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/civitas-city/civitas/internal/web/webtest"
)

// Every template is registered, and every message key the module uses —
// in templates, in Go, and the ones built from statuses and kinds — exists
// in every language.
func TestTemplatesAndMessages(t *testing.T) {
	files := webtest.CheckPages(t, templates, Pages)
	keys := map[string]map[string]json.RawMessage{}
	for _, lang := range []string{"pl", "en", "uk"} {
		b, err := fs.ReadFile(locales, "locales/"+lang+".json")
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]json.RawMessage{}
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s.json: %v", lang, err)
		}
		keys[lang] = m
	}
	used := map[string]bool{}
	tpl := regexp.MustCompile(`\{\{-?\s*(?:t|tn)\s+"([^"]+)"`)
	for _, f := range files {
		b, _ := fs.ReadFile(templates, f)
		for _, m := range tpl.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = true
		}
	}
	goKey := regexp.MustCompile(`"(reports\.[a-z0-9_.]+[a-z0-9_])"`)
	gofiles, _ := filepath.Glob("*.go")
	for _, f := range gofiles {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range goKey.FindAllStringSubmatch(string(b), -1) {
			if m[1] != JobAutoClose {
				used[m[1]] = true
			}
		}
	}
	for _, s := range Statuses {
		used["reports.status."+string(s)] = true
	}
	for _, k := range []string{UpdateSubmitted, UpdateStatus, UpdateNote, UpdateReopened, UpdateUnit, UpdateFeedback} {
		used["reports.update."+k] = true
	}
	for _, c := range []string{ChannelWeb, ChannelPhone, ChannelCounter, ChannelEmail, ChannelOpen311} {
		used["reports.channel."+c] = true
	}
	for _, k := range UnitKinds {
		used["reports.unit.kind."+k] = true
	}
	for _, k := range []string{"page", "page_size"} {
		used["reports.open311.error."+k] = true
	}
	for key := range used {
		for lang, m := range keys {
			if _, ok := m[key]; !ok {
				t.Errorf("%s.json lacks %q", lang, key)
			}
		}
	}
	for lang, m := range keys {
		for key := range m {
			if _, ok := keys["pl"][key]; !ok {
				t.Errorf("%s.json has %q, pl.json does not", lang, key)
			}
		}
	}
}
