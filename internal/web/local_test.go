package web

import (
	"html/template"
	"strings"
	"testing"
	"time"

	"github.com/civitas-city/civitas/internal/i18n"
)

// What an officer wrote shows in the page's language when it has a version
// in it; otherwise in Polish, marked lang="pl" where markup may go.
func TestLocalTexts(t *testing.T) {
	r := NewRenderer(i18n.New("pl", "en", "uk"), nil, time.UTC)
	title := i18n.Text{Source: "Park <Krzesławicki>", Versions: map[string]string{"en": "Krzesławice Park"}}
	render := func(lang, tmpl string, data any) string {
		t.Helper()
		var b strings.Builder
		if err := template.Must(template.New("x").Funcs(r.funcs(lang)).Parse(tmpl)).Execute(&b, data); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	for _, tt := range []struct{ lang, tmpl, want string }{
		{"en", `<h1>{{local .}}</h1>`, `<h1>Krzesławice Park</h1>`},
		{"uk", `<h1>{{local .}}</h1>`, `<h1><span lang="pl">Park &lt;Krzesławicki&gt;</span></h1>`},
		{"pl", `<h1>{{local .}}</h1>`, `<h1>Park &lt;Krzesławicki&gt;</h1>`},
		{"uk", `<title>{{localText .}}</title>`, `<title>Park &lt;Krzesławicki&gt;</title>`},
		{"en", `<option>{{localText .}}</option>`, `<option>Krzesławice Park</option>`},
		{"uk", `{{localMarkdown . 0}}`, "<div lang=\"pl\"><p>Park &lt;Krzesławicki&gt;</p>\n</div>"},
		{"en", `{{localMarkdown . 0}}`, "<p>Krzesławice Park</p>\n"},
	} {
		if got := render(tt.lang, tt.tmpl, title); got != tt.want {
			t.Errorf("%s %s = %q, want %q", tt.lang, tt.tmpl, got, tt.want)
		}
	}
	if got := render("uk", `{{local .}}`, i18n.Text{}); got != "" {
		t.Errorf("an empty text renders %q", got)
	}
}
