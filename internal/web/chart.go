package web

import (
	"fmt"
	"html/template"
	"strings"
)

// Charts are drawn on the server as HTML with SVG bars, with no script and
// no inline style (the CSP forbids both). Every chart has a title for
// assistive technology, and the page puts the same numbers in a table
// beside it.

// Bar is one bar of a horizontal bar chart.
type Bar struct {
	Label      string
	Value      float64
	ValueLabel string
	// Highlight draws the bar in the "selected" colour.
	Highlight bool
}

// BarChart draws bars as a list titled title: each item is the label (as
// text, so it wraps and keeps its size on a phone), an SVG bar scaled to
// the largest value, and the value. id must be unique on the page. The
// bars' colours come from the stylesheet (.chart rect, .chart .win rect).
func BarChart(id, title string, bars []Bar) template.HTML {
	maxV := 0.0
	for _, b := range bars {
		maxV = max(maxV, b.Value)
	}
	var sb strings.Builder
	esc := template.HTMLEscapeString
	fmt.Fprintf(&sb, `<p class="visually-hidden" id="%s">%s</p><ul class="chart" aria-labelledby="%s">`, esc(id), esc(title), esc(id))
	for _, b := range bars {
		w := 0.0
		if maxV > 0 {
			w = b.Value / maxV * 100
		}
		class := ""
		if b.Highlight {
			class = ` class="win"`
		}
		fmt.Fprintf(&sb, `<li%s><span class="label">%s</span>`, class, esc(b.Label))
		fmt.Fprintf(&sb, `<svg viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true" focusable="false"><rect width="%.2f" height="10"></rect></svg>`, max(w, 0.5))
		fmt.Fprintf(&sb, `<span class="value">%s</span></li>`, esc(b.ValueLabel))
	}
	sb.WriteString(`</ul>`)
	return template.HTML(sb.String())
}
