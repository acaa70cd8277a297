// Package survey is the city's surveys: questionnaires in versions, waves
// that run them, distribution (an open link, panel tokens, interviewer
// entry), answers saved page by page, and the results. The statistics are
// in survey/stats, the SPSS export in survey/sav.
package survey

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/civitas-city/civitas/internal/apperr"
)

// Languages are the languages every text of a questionnaire is written in;
// the first is the one a missing translation falls back to.
var Languages = []string{"pl", "en", "uk"}

// Text is a text in each language, by language code.
type Text map[string]string

// In is t in lang, or in Polish when it has no such translation.
func (t Text) In(lang string) string {
	if s := t[lang]; s != "" {
		return s
	}
	return t[Languages[0]]
}

// Kind is a kind of question.
type Kind string

const (
	Single    Kind = "single"   // one option
	Multiple  Kind = "multiple" // any number of options
	Likert    Kind = "likert"   // a labelled scale of 5 or 7 points, 1..Points
	NPS       Kind = "nps"      // 0–10
	Number    Kind = "number"   // a number within [Min, Max]
	Date      Kind = "date"     // YYYY-MM-DD
	ShortText Kind = "short_text"
	LongText  Kind = "long_text"
	Matrix    Kind = "matrix"  // rows, each rated on one scale (the options)
	Ranking   Kind = "ranking" // every option given a distinct rank 1..n
)

// Kinds lists the kinds of question in the builder's order.
var Kinds = []Kind{Single, Multiple, Likert, NPS, Number, Date, ShortText, LongText, Matrix, Ranking}

// Limits of answers.
const (
	MaxShortText = 200
	MaxLongText  = 5000
)

// Option is one answer a question offers; Code is what is stored and
// exported (1, 2, ...), so reordering or relabelling keeps old answers.
type Option struct {
	Code int  `json:"code"`
	Text Text `json:"text"`
}

// Condition shows a question only when an earlier question (on an earlier
// page) was answered with one of the codes (for a single, multiple, Likert
// or NPS question: option codes or the score).
type Condition struct {
	Question string `json:"question"`
	AnyOf    []int  `json:"any_of"`
}

// Question is one question of a questionnaire.
type Question struct {
	Key      string `json:"key"` // the variable name in exports: letters, digits, _
	Kind     Kind   `json:"kind"`
	Text     Text   `json:"text"`
	Help     Text   `json:"help,omitempty"`
	Required bool   `json:"required,omitempty"`
	// Options of a single, multiple, ranking question, the scale of a
	// matrix, or the labels of a Likert scale's points (Code 1..Points).
	Options []Option `json:"options,omitempty"`
	Rows    []Option `json:"rows,omitempty"` // a matrix's rows
	// Other adds "other, please specify" to a single or multiple question:
	// the answer OtherCode with a text.
	Other     bool       `json:"other,omitempty"`
	Randomize bool       `json:"randomize,omitempty"` // show options in a random order (per respondent)
	Points    int        `json:"points,omitempty"`    // a Likert scale's: 5 or 7
	Min       *float64   `json:"min,omitempty"`       // a number's range
	Max       *float64   `json:"max,omitempty"`
	ShowIf    *Condition `json:"show_if,omitempty"`
}

// OtherCode is the code of "other, please specify".
const OtherCode = 99

// Page is what a respondent answers at once.
type Page struct {
	Questions []Question `json:"questions"`
}

// Section groups pages under a title.
type Section struct {
	Title Text   `json:"title"`
	Pages []Page `json:"pages"`
}

// Definition is the content of a questionnaire.
type Definition struct {
	Intro    Text      `json:"intro,omitempty"`
	Sections []Section `json:"sections"`
}

// Pages are the definition's pages in order, across sections.
func (d *Definition) Pages() []Page {
	var out []Page
	for _, s := range d.Sections {
		out = append(out, s.Pages...)
	}
	return out
}

// SectionOf is the section of page p (0-based across sections).
func (d *Definition) SectionOf(p int) int {
	for i, s := range d.Sections {
		if p < len(s.Pages) {
			return i
		}
		p -= len(s.Pages)
	}
	return -1
}

// Questions are every question in order, with the page each is on.
func (d *Definition) Questions() []PagedQuestion {
	var out []PagedQuestion
	for p, pg := range d.Pages() {
		for _, q := range pg.Questions {
			out = append(out, PagedQuestion{Question: q, Page: p})
		}
	}
	return out
}

// PagedQuestion is a question and its page.
type PagedQuestion struct {
	Question
	Page int
}

// Question returns the question with key, and its page.
func (d *Definition) Question(key string) (PagedQuestion, bool) {
	for _, q := range d.Questions() {
		if q.Key == key {
			return q, true
		}
	}
	return PagedQuestion{}, false
}

// Validate checks a definition: field keys are "title" for the whole and
// the question's key for a question; the messages are translation keys.
func (d *Definition) Validate() error {
	bad := apperr.Fields{}
	if len(d.Pages()) == 0 {
		bad["definition"] = "survey.error.no_pages"
	}
	seen := map[string]PagedQuestion{}
	for _, q := range d.Questions() {
		if msg := q.check(seen); msg != "" {
			if _, dup := bad[q.Key]; !dup {
				bad[q.Key] = msg
			}
		}
		seen[q.Key] = q
	}
	for _, s := range d.Sections {
		for _, p := range s.Pages {
			if len(p.Questions) == 0 {
				bad["definition"] = "survey.error.empty_page"
			}
		}
	}
	return bad.Err()
}

// check returns what is wrong with q given the questions before it, or "".
func (q PagedQuestion) check(before map[string]PagedQuestion) string {
	switch {
	case !validKey(q.Key) || strings.HasPrefix(q.Key, "resp_"):
		return "survey.error.bad_key"
	case before[q.Key].Key != "":
		return "survey.error.duplicate_key"
	case !slices.Contains(Kinds, q.Kind):
		return "survey.error.bad_kind"
	case strings.TrimSpace(q.Text.In("pl")) == "":
		return "survey.error.no_text"
	}
	switch q.Kind {
	case Single, Multiple, Ranking, Matrix:
		if len(q.Options) < 2 {
			return "survey.error.few_options"
		}
	case Likert:
		if q.Points != 5 && q.Points != 7 {
			return "survey.error.likert_points"
		}
		for _, o := range q.Options {
			if o.Code < 1 || o.Code > q.Points {
				return "survey.error.bad_code"
			}
		}
	case Number:
		if q.Min != nil && q.Max != nil && *q.Min > *q.Max {
			return "survey.error.bad_range"
		}
	}
	if q.Kind == Matrix && len(q.Rows) == 0 {
		return "survey.error.no_rows"
	}
	if q.Other && q.Kind != Single && q.Kind != Multiple {
		return "survey.error.other_kind"
	}
	codes := map[int]bool{}
	for _, o := range append(slices.Clone(q.Options), q.Rows...) {
		if q.Kind != Matrix && codes[o.Code] || o.Code <= 0 || o.Code == OtherCode && q.Other {
			return "survey.error.bad_code"
		}
		codes[o.Code] = true
	}
	if c := q.ShowIf; c != nil {
		on, ok := before[c.Question]
		if !ok || on.Page >= q.Page || len(c.AnyOf) == 0 {
			return "survey.error.bad_condition" // conditions look back to earlier pages only
		}
		switch on.Kind {
		case Single, Multiple, Likert, NPS:
		default:
			return "survey.error.bad_condition"
		}
	}
	return ""
}

func validKey(s string) bool {
	if s == "" || len(s) > 32 || !(s[0] >= 'a' && s[0] <= 'z') {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// Answer is one question's answer. Which fields are used depends on the
// kind: Codes for single (one), multiple, Likert (one), NPS (one, the
// score) and ranking (the option codes, best first); Number; Text for
// texts, dates and "other"; Matrix a code of the scale per row code.
type Answer struct {
	Codes  []int       `json:"codes,omitempty"`
	Number *float64    `json:"number,omitempty"`
	Text   string      `json:"text,omitempty"`
	Matrix map[int]int `json:"matrix,omitempty"`
}

// Empty reports whether nothing was answered.
func (a Answer) Empty() bool {
	return len(a.Codes) == 0 && a.Number == nil && strings.TrimSpace(a.Text) == "" && len(a.Matrix) == 0
}

// Visible reports whether q is shown given the answers so far.
func (q Question) Visible(answers map[string]Answer) bool {
	if q.ShowIf == nil {
		return true
	}
	for _, c := range answers[q.ShowIf.Question].Codes {
		if slices.Contains(q.ShowIf.AnyOf, c) {
			return true
		}
	}
	return false
}

// Check checks a (non-empty) answer to q and returns the translation key
// of what is wrong with it, or "".
func (q Question) Check(a Answer) string {
	hasOption := func(c int) bool {
		return slices.ContainsFunc(q.Options, func(o Option) bool { return o.Code == c }) || q.Other && c == OtherCode
	}
	one := func() string {
		if len(a.Codes) != 1 {
			return "survey.error.one_answer"
		}
		return ""
	}
	switch q.Kind {
	case Single:
		if m := one(); m != "" {
			return m
		}
		if !hasOption(a.Codes[0]) {
			return "survey.error.out_of_range"
		}
	case Multiple:
		seen := map[int]bool{}
		for _, c := range a.Codes {
			if !hasOption(c) || seen[c] {
				return "survey.error.out_of_range"
			}
			seen[c] = true
		}
	case Likert, NPS:
		if m := one(); m != "" {
			return m
		}
		lo, hi := 1, q.Points
		if q.Kind == NPS {
			lo, hi = 0, 10
		}
		if a.Codes[0] < lo || a.Codes[0] > hi {
			return "survey.error.out_of_range"
		}
	case Ranking:
		if len(a.Codes) != len(q.Options) {
			return "survey.error.rank_all"
		}
		seen := map[int]bool{}
		for _, c := range a.Codes {
			if !hasOption(c) || seen[c] {
				return "survey.error.rank_all"
			}
			seen[c] = true
		}
	case Number:
		switch x := a.Number; {
		case x == nil || math.IsNaN(*x) || math.IsInf(*x, 0):
			return "survey.error.not_a_number"
		case q.Min != nil && *x < *q.Min, q.Max != nil && *x > *q.Max:
			return "survey.error.out_of_range"
		}
	case Date:
		if _, err := time.Parse(time.DateOnly, strings.TrimSpace(a.Text)); err != nil {
			return "survey.error.not_a_date"
		}
	case ShortText, LongText:
		limit := MaxShortText
		if q.Kind == LongText {
			limit = MaxLongText
		}
		if len([]rune(a.Text)) > limit {
			return "survey.error.too_long"
		}
	case Matrix:
		for row, c := range a.Matrix {
			if !slices.ContainsFunc(q.Rows, func(o Option) bool { return o.Code == row }) || !hasOption(c) {
				return "survey.error.out_of_range"
			}
		}
		if q.Required && len(a.Matrix) != len(q.Rows) {
			return "survey.error.matrix_all"
		}
	}
	if q.Other && slices.Contains(a.Codes, OtherCode) && strings.TrimSpace(a.Text) == "" {
		return "survey.error.other_text"
	}
	if q.Kind != Date && q.Kind != ShortText && q.Kind != LongText && !slices.Contains(a.Codes, OtherCode) && a.Text != "" {
		return "survey.error.out_of_range"
	}
	return ""
}

// CheckPage checks the answers given on page p of d, with the answers of
// the earlier pages: every question of the page must be answered when
// shown and required, not answered when hidden, and within range; no
// answer may name a question not on the page. The problems are keyed by
// question.
func (d *Definition) CheckPage(p int, earlier, given map[string]Answer) error {
	pages := d.Pages()
	if p < 0 || p >= len(pages) {
		return apperr.E(apperr.NotFound, "survey.error.no_page")
	}
	bad := apperr.Fields{}
	on := map[string]bool{}
	for _, q := range pages[p].Questions {
		on[q.Key] = true
		a, answered := given[q.Key]
		answered = answered && !a.Empty()
		switch {
		case !q.Visible(earlier) && answered:
			bad[q.Key] = "survey.error.hidden"
		case !q.Visible(earlier):
		case !answered && q.Required:
			bad[q.Key] = "survey.error.required"
		case answered:
			if msg := q.Check(a); msg != "" {
				bad[q.Key] = msg
			}
		}
	}
	for k := range given {
		if !on[k] {
			bad[k] = "survey.error.not_on_page"
		}
	}
	return bad.Err()
}

// String names a question for logs.
func (q Question) String() string { return fmt.Sprintf("%s (%s)", q.Key, q.Kind) }

// Shown are q's options in the order a respondent sees them: as written,
// or shuffled when q.Randomize, the same way every time for one response
// (seed is the response's id), so a page shown again does not move. A
// Likert scale keeps its order whatever the setting.
func (q Question) Shown(seed string) []Option {
	out := slices.Clone(q.Options)
	if !q.Randomize || q.Kind == Likert || q.Kind == Matrix {
		return out
	}
	sum := sha256.Sum256([]byte(seed + "\x00" + q.Key))
	rng := rand.New(rand.NewPCG(binary.LittleEndian.Uint64(sum[:8]), binary.LittleEndian.Uint64(sum[8:16])))
	rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}
