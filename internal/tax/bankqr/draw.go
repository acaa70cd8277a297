package bankqr

import "github.com/civitas-city/civitas/internal/web/qr"

// The recommendation asks for byte mode at error-correction level L.
const level = qr.Low

// PNG draws payload as a PNG image with each module scale pixels wide
// (with the quiet zone).
func PNG(payload string, scale int) ([]byte, error) { return qr.PNG(payload, level, scale) }

// SVG draws payload as an SVG image (qr.SVG); title is its accessible name.
func SVG(payload, title string) (string, error) { return qr.SVG(payload, title, level) }
