package survey

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/civitas-city/civitas/internal/apperr"
)

// The builder's "add a question" form: a question made from plain fields
// (no JSON, no JavaScript) and appended to a page of the definition.

// QuestionForm is the add-a-question form's values.
type QuestionForm struct {
	Page, Key, Kind, TextPL, TextEN, TextUK, Options, Rows string
	Points, Min, Max, ShowIfQuestion, ShowIfCodes          string
	Required, Other, Randomize                             bool
}

func questionFormOf(f url.Values) QuestionForm {
	return QuestionForm{Page: f.Get("q_page"), Key: strings.TrimSpace(f.Get("q_key")), Kind: f.Get("q_kind"),
		TextPL: f.Get("q_text_pl"), TextEN: f.Get("q_text_en"), TextUK: f.Get("q_text_uk"),
		Options: f.Get("q_options"), Rows: f.Get("q_rows"), Points: f.Get("q_points"), Min: f.Get("q_min"), Max: f.Get("q_max"),
		ShowIfQuestion: strings.TrimSpace(f.Get("q_show_if")), ShowIfCodes: f.Get("q_show_if_codes"),
		Required: f.Get("q_required") != "", Other: f.Get("q_other") != "", Randomize: f.Get("q_randomize") != ""}
}

// optionLines reads options written one a line, "polski | English |
// українська" (the translations optional), coded 1, 2, ... in order.
func optionLines(s string) []Option {
	var out []Option
	for _, line := range strings.Split(s, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		parts := strings.Split(line, "|")
		t := Text{}
		for i, lang := range Languages {
			if i < len(parts) {
				if v := strings.TrimSpace(parts[i]); v != "" {
					t[lang] = v
				}
			}
		}
		out = append(out, Option{Code: len(out) + 1, Text: t})
	}
	return out
}

// AddQuestion appends the question of the form to d: to page "N" (1-based)
// or, with "new", to a new page of the last section. The whole definition
// is checked again by the caller (Validate); this reports the fields it
// cannot read, keyed by the form's field names.
func AddQuestion(d Definition, f QuestionForm) (Definition, error) {
	bad := apperr.Fields{}
	q := Question{Key: f.Key, Kind: Kind(f.Kind), Required: f.Required, Other: f.Other, Randomize: f.Randomize,
		Text:    Text{"pl": strings.TrimSpace(f.TextPL), "en": strings.TrimSpace(f.TextEN), "uk": strings.TrimSpace(f.TextUK)},
		Options: optionLines(f.Options), Rows: optionLines(f.Rows)}
	number := func(field, s string) *float64 {
		s = strings.TrimSpace(strings.ReplaceAll(s, ",", "."))
		if s == "" {
			return nil
		}
		x, err := strconv.ParseFloat(s, 64)
		if err != nil {
			bad[field] = "survey.error.not_a_number"
			return nil
		}
		return &x
	}
	q.Min, q.Max = number("q_min", f.Min), number("q_max", f.Max)
	if q.Kind == Likert {
		q.Points, _ = strconv.Atoi(strings.TrimSpace(f.Points))
		q.Options = nil // a scale's points are 1..Points
	}
	if f.ShowIfQuestion != "" {
		c := &Condition{Question: f.ShowIfQuestion}
		for _, s := range strings.FieldsFunc(f.ShowIfCodes, func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
			n, err := strconv.Atoi(s)
			if err != nil {
				bad["q_show_if_codes"] = "survey.error.not_a_number"
			}
			c.AnyOf = append(c.AnyOf, n)
		}
		q.ShowIf = c
	}
	d = cloneDefinition(d)
	if len(d.Sections) == 0 {
		d.Sections = []Section{{Title: Text{"pl": "1"}}}
	}
	if f.Page == "new" {
		last := &d.Sections[len(d.Sections)-1]
		last.Pages = append(last.Pages, Page{Questions: []Question{q}})
		return d, bad.Err()
	}
	p, err := strconv.Atoi(f.Page)
	if err != nil || p < 1 || p > len(d.Pages()) {
		bad["q_page"] = "survey.error.no_page"
		return d, bad.Err()
	}
	for s := range d.Sections {
		if p <= len(d.Sections[s].Pages) {
			pg := &d.Sections[s].Pages[p-1]
			pg.Questions = append(pg.Questions, q)
			break
		}
		p -= len(d.Sections[s].Pages)
	}
	return d, bad.Err()
}

// cloneDefinition copies the sections and pages (questions are values).
func cloneDefinition(d Definition) Definition {
	out := Definition{Intro: d.Intro}
	for _, s := range d.Sections {
		ns := Section{Title: s.Title}
		for _, p := range s.Pages {
			ns.Pages = append(ns.Pages, Page{Questions: append([]Question(nil), p.Questions...)})
		}
		out.Sections = append(out.Sections, ns)
	}
	return out
}
