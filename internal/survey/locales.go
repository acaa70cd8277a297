package survey

import (
	"embed"
	"io/fs"
)

//go:embed locales/*.json
var locales embed.FS

// Locales are the module's messages (pl, en, uk).
func Locales() fs.FS {
	sub, _ := fs.Sub(locales, "locales")
	return sub
}
