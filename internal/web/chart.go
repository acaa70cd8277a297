package web

import (
	"fmt"
	"html/template"
	"strings"
)

// Charts are drawn on the server as SVG, with no script and no inline
// style (the CSP forbids both): colours are presentation attributes. Every
// chart has a title for assistive technology, and the page puts the same
// numbers in a table beside it.

// Bar is one bar of a horizontal bar chart.
type Bar struct {
	Label      string
	Value      float64
	ValueLabel string
	// Highlight draws the bar in the "selected" colour.
	Highlight bool
}

const (
	chartWidth  = 640
	labelWidth  = 250
	valueWidth  = 90
	barHeight   = 22
	barGap      = 8
	colorBar    = "#5a6472"
	colorWin    = "#0b6e2e"
	colorText   = "#1a1a1a"
	maxLabelLen = 38
)

// BarChart draws bars as an SVG image titled title; id must be unique on
// the page.
func BarChart(id, title string, bars []Bar) template.HTML {
	maxV := 0.0
	for _, b := range bars {
		maxV = max(maxV, b.Value)
	}
	height := len(bars)*(barHeight+barGap) + barGap
	var sb strings.Builder
	esc := template.HTMLEscapeString
	fmt.Fprintf(&sb, `<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="100%%" role="img" aria-labelledby="%s">`,
		chartWidth, height, esc(id))
	fmt.Fprintf(&sb, `<title id="%s">%s</title>`, esc(id), esc(title))
	span := float64(chartWidth - labelWidth - valueWidth)
	for i, b := range bars {
		y := barGap + i*(barHeight+barGap)
		w := 0.0
		if maxV > 0 {
			w = b.Value / maxV * span
		}
		color := colorBar
		if b.Highlight {
			color = colorWin
		}
		label := b.Label
		if r := []rune(label); len(r) > maxLabelLen {
			label = string(r[:maxLabelLen-1]) + "…"
		}
		fmt.Fprintf(&sb, `<text x="%d" y="%d" font-size="13" fill="%s" text-anchor="end">%s</text>`,
			labelWidth-6, y+barHeight-6, colorText, esc(label))
		fmt.Fprintf(&sb, `<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"></rect>`, labelWidth, y, max(w, 1), barHeight, color)
		fmt.Fprintf(&sb, `<text x="%.1f" y="%d" font-size="13" fill="%s">%s</text>`,
			float64(labelWidth)+max(w, 1)+6, y+barHeight-6, colorText, esc(b.ValueLabel))
	}
	sb.WriteString(`</svg>`)
	return template.HTML(sb.String())
}
