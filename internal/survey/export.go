package survey

import (
	"bufio"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/survey/sav"
	"github.com/civitas-city/civitas/internal/survey/stats"
	"github.com/civitas-city/civitas/internal/web"
)

// Exports of a wave's completed responses, pseudonymous: a response is a
// number (its order), never an account, token or address. Every question
// is one or more variables named after its key: key for one value, key_N
// for each option of a multiple choice (1 chosen, 0 not), each row of a
// matrix and each ranked option (its place); key_other for the "other"
// text. resp_id, resp_district, resp_age_band, resp_mode (online or
// interviewer) and resp_weight come first: question keys may not begin
// with resp_.

// variable is one column of the exports.
type variable struct {
	key         string // the question's
	name, label string
	text        bool             // a string variable
	values      []sav.ValueLabel // labels of its codes
	value       func(a Answer) (float64, string, bool)
}

func exportVariables(d Definition, lang string) []variable {
	var out []variable
	labelsOf := func(opts []Option) []sav.ValueLabel {
		var v []sav.ValueLabel
		for _, o := range opts {
			v = append(v, sav.ValueLabel{Value: float64(o.Code), Label: o.Text.In(lang)})
		}
		return v
	}
	for _, pq := range d.Questions() {
		q := pq.Question
		label := q.Text.In(lang)
		switch q.Kind {
		case Single, Likert, NPS:
			labels := labelsOf(q.Options)
			if q.Other {
				labels = append(labels, sav.ValueLabel{Value: OtherCode, Label: "other"})
			}
			out = append(out, variable{key: q.Key, name: q.Key, label: label, values: labels, value: func(a Answer) (float64, string, bool) {
				if len(a.Codes) == 0 {
					return 0, "", false
				}
				return float64(a.Codes[0]), "", true
			}})
		case Multiple:
			opts := slices.Clone(q.Options)
			if q.Other {
				opts = append(opts, Option{Code: OtherCode, Text: Text{"pl": "other"}})
			}
			for _, o := range opts {
				out = append(out, variable{key: q.Key, name: q.Key + "_" + strconv.Itoa(o.Code), label: label + ": " + o.Text.In(lang),
					values: []sav.ValueLabel{{Value: 0, Label: "-"}, {Value: 1, Label: o.Text.In(lang)}},
					value: func(a Answer) (float64, string, bool) {
						if len(a.Codes) == 0 {
							return 0, "", false
						}
						if slices.Contains(a.Codes, o.Code) {
							return 1, "", true
						}
						return 0, "", true
					}})
			}
		case Number:
			out = append(out, variable{key: q.Key, name: q.Key, label: label, value: func(a Answer) (float64, string, bool) {
				if a.Number == nil {
					return 0, "", false
				}
				return *a.Number, "", true
			}})
		case Matrix:
			for _, row := range q.Rows {
				out = append(out, variable{key: q.Key, name: q.Key + "_" + strconv.Itoa(row.Code), label: label + ": " + row.Text.In(lang),
					values: labelsOf(q.Options), value: func(a Answer) (float64, string, bool) {
						c, ok := a.Matrix[row.Code]
						return float64(c), "", ok
					}})
			}
		case Ranking:
			for _, o := range q.Options {
				out = append(out, variable{key: q.Key, name: q.Key + "_" + strconv.Itoa(o.Code), label: label + ": " + o.Text.In(lang),
					value: func(a Answer) (float64, string, bool) {
						i := slices.Index(a.Codes, o.Code)
						return float64(i + 1), "", i >= 0
					}})
			}
		case Date, ShortText, LongText:
			out = append(out, variable{key: q.Key, name: q.Key, label: label, text: true, value: func(a Answer) (float64, string, bool) {
				return 0, a.Text, a.Text != ""
			}})
		}
		if q.Other {
			out = append(out, variable{key: q.Key, name: q.Key + "_other", label: label + ": other", text: true, value: func(a Answer) (float64, string, bool) {
				if slices.Contains(a.Codes, OtherCode) {
					return 0, a.Text, true
				}
				return 0, "", false
			}})
		}
	}
	return out
}

func (h *Handler) handleExport(w http.ResponseWriter, r *http.Request) error {
	wave, x, err := h.Service.Wave(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	lang := web.Lang(r.Context())
	res, err := h.Service.Results(r.Context(), wave, x, lang)
	if err != nil {
		return err
	}
	vars := exportVariables(x.Def, lang)
	file := r.PathValue("file")
	switch file {
	case "responses.csv", "codebook.csv":
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	case "responses.sav":
		w.Header().Set("Content-Type", "application/x-spss-sav")
	default:
		return apperr.E(apperr.NotFound, "error.not_found")
	}
	w.Header().Set("Content-Disposition", `attachment; filename="`+wave.Slug+"-"+file+`"`)
	weight := func(i int) float64 {
		if res.Weighting.Weights == nil {
			return 1
		}
		return res.Weighting.Weights[i]
	}
	switch file {
	case "codebook.csv":
		c := web.NewCSV(w, true)
		c.Write([]string{"variable", "label", "type", "values"})
		c.Write([]string{"resp_id", "Response number", "numeric", ""})
		c.Write([]string{"resp_district", "District (0 unknown)", "numeric", ""})
		c.Write([]string{"resp_age_band", "Age band", "string", strings.Join(AgeBands, "; ")})
		c.Write([]string{"resp_mode", "How the answers came in", "string", Online + "; " + Interviewer})
		c.Write([]string{"resp_weight", "Weight raked to district and age band (0: not weighted)", "numeric", ""})
		for _, v := range vars {
			kind, values := "numeric", []string{}
			if v.text {
				kind = "string"
			}
			for _, l := range v.values {
				values = append(values, strconv.FormatFloat(l.Value, 'f', -1, 64)+"="+l.Label)
			}
			c.Write([]string{v.name, v.label, kind, strings.Join(values, "; ")})
		}
		return c.Flush()
	case "responses.csv":
		c := web.NewCSV(w, true)
		head := []string{"resp_id", "resp_district", "resp_age_band", "resp_mode", "resp_weight"}
		for _, v := range vars {
			head = append(head, v.name)
		}
		c.Write(head)
		for i, resp := range res.Responses {
			row := []string{strconv.Itoa(i + 1), strconv.Itoa(resp.District), resp.AgeBand, resp.Channel, strconv.FormatFloat(weight(i), 'g', 10, 64)}
			for _, v := range vars {
				n, s, ok := v.value(resp.Answers[v.key])
				switch {
				case !ok:
					row = append(row, "")
				case v.text:
					row = append(row, s)
				default:
					row = append(row, strconv.FormatFloat(n, 'f', -1, 64))
				}
			}
			c.Write(row)
		}
		return c.Flush()
	}
	savVars := []sav.Variable{{Name: "resp_id", Label: "Response number"}, {Name: "resp_district", Label: "District"},
		{Name: "resp_age_band", Label: "Age band", Width: 8}, {Name: "resp_mode", Label: "How the answers came in", Width: 12},
		{Name: "resp_weight", Label: "Weight raked to district and age band", Decimals: 4}}
	for _, v := range vars {
		sv := sav.Variable{Name: v.name, Label: v.label, ValueLabels: v.values}
		if v.text {
			sv.Width, sv.ValueLabels = sav.MaxStringWidth, nil
		}
		savVars = append(savVars, sv)
	}
	bw := bufio.NewWriter(w)
	sw, err := sav.NewWriter(bw, savVars, x.Title.In(lang)+" — "+wave.Name, h.Service.now(), len(res.Responses))
	if err != nil {
		return fmt.Errorf("survey: export: %w", err)
	}
	for i, resp := range res.Responses {
		row := []sav.Value{sav.Num(float64(i + 1)), sav.Num(float64(resp.District)), sav.Str(resp.AgeBand), sav.Str(resp.Channel), sav.Num(weight(i))}
		for _, v := range vars {
			n, s, ok := v.value(resp.Answers[v.key])
			switch {
			case v.text:
				row = append(row, sav.Str(s))
			case !ok:
				row = append(row, sav.Missing())
			default:
				row = append(row, sav.Num(n))
			}
		}
		if err := sw.WriteCase(row); err != nil {
			return err
		}
	}
	if err := sw.Close(); err != nil {
		return err
	}
	return bw.Flush()
}

// handleOpenData serves a finished wave's published results as CSV (open
// data): every answer level's count and shares with their intervals, and
// each NPS and mean; what the page hides (fewer than k) is left out here
// too.
func (h *Handler) handleOpenData(w http.ResponseWriter, r *http.Request) error {
	wave, x, err := h.Service.Wave(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	now := h.Service.now()
	if wave.Open(now) || now.Before(wave.OpensAt) {
		return apperr.E(apperr.NotFound, "survey.error.no_results_yet")
	}
	lang := web.Lang(r.Context())
	res, err := h.Service.Results(r.Context(), wave, x, lang)
	if err != nil {
		return err
	}
	k := h.Service.minCell()
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+wave.Slug+`-results.csv"`)
	c := web.NewCSV(w, true)
	c.Write([]string{"question", "figure", "answer", "n", "value", "lo", "hi", "weighted", "weighted_lo", "weighted_hi"})
	f := func(x float64) string { return strconv.FormatFloat(x, 'f', 4, 64) }
	est := func(e stats.Estimate) []string {
		if e.N == 0 {
			return []string{"", "", ""}
		}
		if !e.HasInterval() {
			return []string{f(e.Value), "", ""}
		}
		return []string{f(e.Value), f(e.Lo), f(e.Hi)}
	}
	for _, q := range res.Results {
		if q.Answered < k {
			continue
		}
		for _, l := range q.Levels {
			if l.Suppressed {
				continue
			}
			row := append([]string{q.Question.Key, "share", strconv.Itoa(l.Code), strconv.Itoa(l.N)}, est(l.Share)...)
			c.Write(append(row, est(l.Weighted)...))
		}
		if q.HasNPS {
			c.Write(append(append([]string{q.Question.Key, "nps", "", strconv.Itoa(q.NPS.N)}, est(q.NPS)...), est(q.WNPS)...))
		}
		if q.HasMean {
			c.Write(append(append([]string{q.Question.Key, "mean", "", strconv.Itoa(q.Mean.N)}, est(q.Mean)...), est(q.WMean)...))
		}
	}
	return c.Flush()
}
