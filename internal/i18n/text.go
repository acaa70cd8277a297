package i18n

import (
	"encoding/json"
	"maps"
	"strings"
)

// Text is content an officer writes — a name, a description — in the
// site's default language (its source), with the versions in other
// languages they add. A page in a language without a version shows the
// source, marked as such so screen readers switch voice (web's "local").
type Text struct {
	Source   string
	Versions map[string]string // language → text, never the default language
}

// In is the text for a page in lang: its version in lang, or the source
// (fellBack true) when there is none — also for the default language,
// whose text is always the source.
func (t Text) In(lang string) (text string, fellBack bool) {
	if v := t.Versions[lang]; v != "" {
		return v, false
	}
	return t.Source, true
}

// For is the text for lang, falling back to the source, for strings built
// in Go (a chart's title, a mail); templates use web's "local", which also
// marks a fallback's language.
func (t Text) For(lang string) string {
	s, _ := t.In(lang)
	return s
}

// Versions are the other-language versions of an item's texts, by field
// ("title", "description") and language, as one JSON column keeps them.
type Versions map[string]map[string]string

// ParseVersions reads the JSON column; empty means none.
func ParseVersions(s string) (Versions, error) {
	v := Versions{}
	if strings.TrimSpace(s) == "" {
		return v, nil
	}
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		return nil, err
	}
	return v, nil
}

// JSON is the column's value, with empty texts left out.
func (v Versions) JSON() string {
	clean := Versions{}
	for field, byLang := range v {
		for lang, text := range byLang {
			if text = strings.TrimSpace(text); text != "" {
				if clean[field] == nil {
					clean[field] = map[string]string{}
				}
				clean[field][lang] = text
			}
		}
	}
	b, _ := json.Marshal(clean) // maps of strings always encode
	return string(b)
}

// Text is field's text with source as its default-language version.
func (v Versions) Text(field, source string) Text {
	return Text{Source: source, Versions: v[field]}
}

// Set puts field's version in lang (an empty text removes it).
func (v Versions) Set(field, lang, text string) {
	text = strings.TrimSpace(text)
	if text == "" {
		delete(v[field], lang)
		return
	}
	if v[field] == nil {
		v[field] = map[string]string{}
	}
	v[field][lang] = text
}

// Clone is a deep copy.
func (v Versions) Clone() Versions {
	out := Versions{}
	for field, byLang := range v {
		out[field] = maps.Clone(byLang)
	}
	return out
}
