package survey

import (
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/civitas-city/civitas/internal/apperr"
)

// QuestionView is a question as a form shows it, in one language, with
// what was answered (or submitted) and its error.
type QuestionView struct {
	Key, Kind, Label, Help string
	Required               bool
	Options                []OptionView
	Rows                   []RowView
	Other                  bool
	OtherChecked           bool
	OtherText              string
	Value                  string // number, date, text
	Error                  string
	Min, Max               string
}

// OptionView is an option of a question.
type OptionView struct {
	Code    int
	Label   string
	Checked bool
	Rank    string // a ranking's submitted place
}

// RowView is a matrix row with its scale.
type RowView struct {
	Code    int
	Label   string
	Options []OptionView
}

// IsChoice, IsScale... tell the template which control to draw.
func (v QuestionView) IsChoice() bool { return v.Kind == string(Single) || v.Kind == string(Multiple) }
func (v QuestionView) IsScale() bool  { return v.Kind == string(Likert) || v.Kind == string(NPS) }
func (v QuestionView) InputType() string {
	if v.Kind == string(Multiple) {
		return "checkbox"
	}
	return "radio"
}

// questionViews are the questions of page p shown to a respondent: the
// ones their earlier answers do not hide (all when earlier is nil), in lang, options in the order of
// seed, with the answers a and the errors.
func questionViews(d Definition, p int, earlier, a map[string]Answer, errs map[string]string, lang, seed string) []QuestionView {
	var out []QuestionView
	for _, q := range d.Pages()[p].Questions {
		if earlier != nil && !q.Visible(earlier) {
			continue
		}
		out = append(out, questionView(q, a[q.Key], errs[q.Key], lang, seed))
	}
	return out
}

func questionView(q Question, a Answer, err, lang, seed string) QuestionView {
	v := QuestionView{Key: q.Key, Kind: string(q.Kind), Label: q.Text.In(lang), Help: q.Help.In(lang), Required: q.Required,
		Other: q.Other, OtherChecked: slices.Contains(a.Codes, OtherCode), Error: err}
	if q.Other || q.Kind == Date || q.Kind == ShortText || q.Kind == LongText {
		if v.OtherChecked || !q.Other {
			v.Value, v.OtherText = a.Text, a.Text
		}
	}
	if a.Number != nil {
		v.Value = strconv.FormatFloat(*a.Number, 'f', -1, 64)
	}
	if q.Min != nil {
		v.Min = strconv.FormatFloat(*q.Min, 'f', -1, 64)
	}
	if q.Max != nil {
		v.Max = strconv.FormatFloat(*q.Max, 'f', -1, 64)
	}
	switch q.Kind {
	case NPS, Likert:
		for _, l := range levelsOf(q, lang) {
			v.Options = append(v.Options, OptionView{Code: l.Code, Label: l.Label, Checked: slices.Contains(a.Codes, l.Code)})
		}
	case Matrix:
		for _, row := range q.Rows {
			rv := RowView{Code: row.Code, Label: row.Text.In(lang)}
			for _, o := range q.Options {
				rv.Options = append(rv.Options, OptionView{Code: o.Code, Label: o.Text.In(lang), Checked: a.Matrix[row.Code] == o.Code && a.Matrix != nil})
			}
			v.Rows = append(v.Rows, rv)
		}
	default:
		for _, o := range q.Shown(seed) {
			ov := OptionView{Code: o.Code, Label: o.Text.In(lang), Checked: slices.Contains(a.Codes, o.Code)}
			if i := slices.Index(a.Codes, o.Code); q.Kind == Ranking && i >= 0 {
				ov.Rank, ov.Checked = strconv.Itoa(i+1), false
			}
			v.Options = append(v.Options, ov)
		}
	}
	return v
}

// ParsePage reads the answers to page p's questions from a submitted
// form: a question's key names its field (several values for a multiple
// choice), key_other the "other" text, key_ROW a matrix row, key_CODE a
// ranked option's place. A field that cannot be read (a number that is
// not one) is an error of that question.
func ParsePage(d Definition, p int, form url.Values) (map[string]Answer, error) {
	out := map[string]Answer{}
	bad := apperr.Fields{}
	pages := d.Pages()
	if p < 0 || p >= len(pages) {
		return nil, apperr.E(apperr.NotFound, "survey.error.no_page")
	}
	for _, q := range pages[p].Questions {
		var a Answer
		switch q.Kind {
		case Single, Multiple, Likert, NPS:
			for _, s := range form[q.Key] {
				c, err := strconv.Atoi(strings.TrimSpace(s))
				if err != nil {
					bad[q.Key] = "survey.error.out_of_range"
				}
				a.Codes = append(a.Codes, c)
			}
			if q.Other && slices.Contains(a.Codes, OtherCode) {
				a.Text = strings.TrimSpace(form.Get(q.Key + "_other"))
			}
		case Number:
			if s := strings.TrimSpace(strings.ReplaceAll(form.Get(q.Key), ",", ".")); s != "" {
				x, err := strconv.ParseFloat(s, 64)
				if err != nil {
					bad[q.Key] = "survey.error.not_a_number"
				}
				a.Number = &x
			}
		case Date, ShortText, LongText:
			a.Text = strings.TrimSpace(form.Get(q.Key))
		case Matrix:
			for _, row := range q.Rows {
				if s := form.Get(q.Key + "_" + strconv.Itoa(row.Code)); s != "" {
					c, err := strconv.Atoi(s)
					if err != nil {
						bad[q.Key] = "survey.error.out_of_range"
					}
					if a.Matrix == nil {
						a.Matrix = map[int]int{}
					}
					a.Matrix[row.Code] = c
				}
			}
		case Ranking:
			ranked := make([]int, len(q.Options))
			given := false
			for _, o := range q.Options {
				s := strings.TrimSpace(form.Get(q.Key + "_" + strconv.Itoa(o.Code)))
				if s == "" {
					continue
				}
				given = true
				r, err := strconv.Atoi(s)
				if err != nil || r < 1 || r > len(q.Options) || ranked[r-1] != 0 {
					bad[q.Key] = "survey.error.rank_all"
					continue
				}
				ranked[r-1] = o.Code
			}
			if given {
				a.Codes = slices.DeleteFunc(ranked, func(c int) bool { return c == 0 })
			}
		}
		if !a.Empty() {
			out[q.Key] = a
		}
	}
	return out, bad.Err()
}
