package web

import (
	"net/http"
	"strings"

	"github.com/civitas-city/civitas/internal/i18n"
)

// LangFields are an item's texts in one of the site's other languages as an
// officer types them: a form shows one group per language, its inputs
// named PREFIX+FIELD+"_"+LANG ("title_en", "phase_title_uk").
type LangFields struct {
	Lang, Name string            // Name: the language's own name ("English")
	Texts      map[string]string // by field
}

// LangFieldsOf fills the groups of every language after the default one
// from saved versions.
func (s *Site) LangFieldsOf(saved i18n.Versions, fields ...string) []LangFields {
	var out []LangFields
	for _, lang := range s.Catalog.Languages()[1:] {
		lf := LangFields{Lang: lang, Name: s.Catalog.T(lang, "lang.name"), Texts: map[string]string{}}
		for _, f := range fields {
			lf.Texts[f] = saved[f][lang]
		}
		out = append(out, lf)
	}
	return out
}

// ReadLangFields reads the groups from a posted form: as typed (to show
// again) and as versions (empty texts left out).
func (s *Site) ReadLangFields(r *http.Request, prefix string, fields ...string) ([]LangFields, i18n.Versions) {
	groups, v := s.LangFieldsOf(nil, fields...), i18n.Versions{}
	for _, g := range groups {
		for _, f := range fields {
			text := strings.TrimSpace(r.PostFormValue(prefix + f + "_" + g.Lang))
			g.Texts[f] = text
			v.Set(f, g.Lang, text)
		}
	}
	return groups, v
}
