package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/civitas-city/civitas/internal/i18n"
)

// Renderer parses every page once at start-up, one template set per page and
// language (so "t" translates without a per-request lookup), and renders
// pages into the shared layout.
type Renderer struct {
	cat    *i18n.Catalog
	assets *Assets
	loc    *time.Location
	pages  map[string]map[string]*template.Template // page -> lang -> set
}

// NewRenderer makes a renderer whose layout comes from this package.
func NewRenderer(cat *i18n.Catalog, assets *Assets, loc *time.Location) *Renderer {
	return &Renderer{cat: cat, assets: assets, loc: loc, pages: map[string]map[string]*template.Template{}}
}

// Location is the city's time zone, in which pages show times.
func (r *Renderer) Location() *time.Location { return r.loc }

// Register parses pages from fsys: each file defines "content" (and
// optionally "head") and is known as "namespace/base-name" — accounts'
// templates/signin.html is "accounts/signin". It panics on a parse error or
// a duplicate, at start-up.
func (r *Renderer) Register(namespace string, fsys fs.FS, files ...string) {
	r.RegisterWith(namespace, fsys, nil, files...)
}

// RegisterWith is Register with a module's partials: files of fsys whose
// {{define}} blocks every page of the module may use. Keep them out of the
// page list's directory (e.g. templates/partials/) so they are not pages.
func (r *Renderer) RegisterWith(namespace string, fsys fs.FS, partials []string, files ...string) {
	for _, name := range files {
		key := namespace + "/" + strings.TrimSuffix(path.Base(name), ".html")
		if _, dup := r.pages[key]; dup {
			panic("web: page registered twice: " + key)
		}
		sets := map[string]*template.Template{}
		for _, lang := range r.cat.Languages() {
			t := template.New("layout.html").Funcs(r.funcs(lang))
			template.Must(t.ParseFS(layoutFS, "templates/layout.html", "templates/partials.html"))
			if len(partials) > 0 {
				template.Must(t.ParseFS(fsys, partials...))
			}
			template.Must(t.ParseFS(fsys, name))
			sets[lang] = t
		}
		r.pages[key] = sets
	}
}

// RegisterStatic adds the files of a module's static/ folder (fsys holds
// it, as //go:embed static gives it) to the site's (see Assets.Add): its
// pages link them with {{asset "namespace/NAME"}}. It panics on an error,
// at start-up.
func (r *Renderer) RegisterStatic(namespace string, fsys fs.FS) {
	sub, err := fs.Sub(fsys, "static")
	if err == nil {
		err = r.assets.Add(namespace, sub)
	}
	if err != nil {
		panic(err)
	}
}

// Pages lists the registered page names.
func (r *Renderer) Pages() []string {
	out := make([]string, 0, len(r.pages))
	for k := range r.pages {
		out = append(out, k)
	}
	return out
}

func (r *Renderer) funcs(lang string) template.FuncMap {
	return template.FuncMap{
		"t":  func(key string, args ...any) string { return r.cat.T(lang, key, args...) },
		"tn": func(key string, n int, args ...any) string { return r.cat.N(lang, key, n, args...) },
		"asset": func(name string) string {
			return r.assets.URL(name)
		},
		"date": func(t time.Time) string { return FormatDate(r.cat, lang, r.loc, t) },
		"num": func(n any) (string, error) {
			switch v := n.(type) {
			case int:
				return FormatInt(lang, int64(v)), nil
			case int64:
				return FormatInt(lang, v), nil
			}
			return "", fmt.Errorf("num: %T is not an integer", n)
		},
		"short": func(id string) string {
			if len(id) > 8 {
				return id[:8] + "…"
			}
			return id
		},
		"datetime": func(t time.Time) string { return FormatDateTime(r.cat, lang, r.loc, t) },
		"isoTime":  func(t time.Time) string { return t.In(r.loc).Format(time.RFC3339) },
		// ordinal is a range index as people count: 1 for the first.
		"ordinal": func(i int) int { return i + 1 },
		// local, localText and localMarkdown show what an officer wrote
		// (i18n.Text) in the page's language, or in the default language
		// when it has no version in this one: local and localMarkdown then
		// mark it with its lang, so screen readers switch voice; localText
		// is for where no markup may go (<title>, attributes, <option>).
		"local": func(t i18n.Text) template.HTML {
			text, fellBack := t.In(lang)
			if fellBack && lang != r.cat.Default() && text != "" {
				return template.HTML(`<span lang="` + r.cat.Default() + `">` + template.HTMLEscapeString(text) + `</span>`)
			}
			return template.HTML(template.HTMLEscapeString(text))
		},
		"localText": func(t i18n.Text) string {
			text, _ := t.In(lang)
			return text
		},
		"localMarkdown": func(t i18n.Text, shift int) template.HTML {
			text, fellBack := t.In(lang)
			html := Markdown(text, shift)
			if fellBack && lang != r.cat.Default() && text != "" {
				return `<div lang="` + template.HTML(r.cat.Default()) + `">` + html + `</div>`
			}
			return html
		},
	}
}

// Layout is what the shared layout needs on every page.
type Layout struct {
	Lang      string
	Languages []LangOption
	Title     string
	User      *User
	Nav       []NavItem
	Path      string
	// Next is where the language switch returns (see backTo).
	Next string
	// Failed marks a page answering with an error (a form shown again
	// with its problems, an error page): its title says so first.
	Failed    bool
	RequestID string
	SiteName  string
}

// LangOption is one entry of the language switch.
type LangOption struct {
	Code, Name string
	Current    bool
}

// NavItem is one entry of the main navigation.
type NavItem struct {
	Path, Label string
	Current     bool
}

// View is what a page template receives: the layout and the page's own
// data (one struct type per page).
type View struct {
	L Layout
	D any
}

// render writes page with status into w, buffering so a template error
// becomes a clean 500 instead of half a page.
func (r *Renderer) render(w http.ResponseWriter, status int, page, lang string, v View) error {
	b, err := r.html(page, lang, v)
	if err != nil {
		return err
	}
	return writeHTML(w, status, b)
}

// html renders page in the layout, whole, so a template error never
// leaves half a page.
func (r *Renderer) html(page, lang string, v View) ([]byte, error) {
	sets, ok := r.pages[page]
	if !ok {
		return nil, fmt.Errorf("web: unknown page %q", page)
	}
	t := sets[lang]
	if t == nil {
		t = sets[r.cat.Default()]
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", v); err != nil {
		return nil, fmt.Errorf("web: render %s: %w", page, err)
	}
	return buf.Bytes(), nil
}

// writeHTML answers with a rendered page.
func writeHTML(w http.ResponseWriter, status int, page []byte) error {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, err := w.Write(page)
	return err
}
