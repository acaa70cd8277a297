package files

import (
	"embed"
	"mime"
	"net/http"
	"net/url"

	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/web"
)

// Handler serves stored files. File ids are random (UUIDv7 with 74 random
// bits), so they cannot be enumerated; modules link only files that are
// public.
type Handler struct{ DB *db.DB }

// Routes registers the file route.
func (h *Handler) Routes(handle web.Registrar) {
	handle("GET /files/{id}/{name}", web.Public, h.handleGet)
}

func (h *Handler) handleGet(w http.ResponseWriter, r *http.Request) error {
	f, err := Get(r.Context(), h.DB, r.PathValue("id"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", f.ContentType)
	// Never rendered as a page of ours: no script can run from an upload.
	w.Header().Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox")
	disposition := "inline"
	if f.ContentType == "application/pdf" {
		disposition = "attachment"
	}
	w.Header().Set("Content-Disposition", mime.FormatMediaType(disposition, map[string]string{"filename": f.Name}))
	w.Header().Set("Cache-Control", "public, max-age=86400")
	w.Header().Set("ETag", `"`+f.SHA256+`"`)
	_, err = w.Write(f.Data)
	return err
}

// URL is where a file is served.
func URL(f File) string { return "/files/" + f.ID + "/" + url.PathEscape(f.Name) }

//go:embed locales/*.json
var locales embed.FS

// Locales are the upload error messages.
func Locales() embed.FS { return locales }
