// Package qr draws QR codes for pages: as SVG (a path of unit squares that
// scales to any size, with an accessible name) or as PNG. The bank-transfer
// QR of the tax module and the city card's rotating code both use it.
package qr

import (
	"fmt"
	"strings"

	qrcode "github.com/skip2/go-qrcode"
)

// Level is a QR error-correction level.
type Level = qrcode.RecoveryLevel

// Error-correction levels.
const (
	Low    = qrcode.Low
	Medium = qrcode.Medium
)

// PNG draws payload as a PNG image with each module scale pixels wide
// (with the quiet zone).
func PNG(payload string, level Level, scale int) ([]byte, error) {
	q, err := qrcode.New(payload, level)
	if err != nil {
		return nil, fmt.Errorf("qr: %w", err)
	}
	return q.PNG(-scale)
}

// SVG draws payload as an SVG image: one path of unit squares in a viewBox
// of modules, so it scales to any size; title is its accessible name.
func SVG(payload, title string, level Level) (string, error) {
	q, err := qrcode.New(payload, level)
	if err != nil {
		return "", fmt.Errorf("qr: %w", err)
	}
	bits := q.Bitmap()
	n := len(bits)
	var path strings.Builder
	for y, row := range bits {
		for x := 0; x < len(row); x++ {
			if !row[x] {
				continue
			}
			start := x
			for x+1 < len(row) && row[x+1] {
				x++
			}
			fmt.Fprintf(&path, "M%d %dh%dv1h-%dz", start, y, x-start+1, x-start+1)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" role="img" aria-label="%s" shape-rendering="crispEdges">`, n, n, escapeAttr(title))
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="%s"/></svg>`, n, n, path.String())
	return b.String(), nil
}

func escapeAttr(s string) string {
	return strings.NewReplacer(`&`, "&amp;", `"`, "&quot;", `<`, "&lt;", `>`, "&gt;").Replace(s)
}
