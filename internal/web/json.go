package web

import (
	"encoding/json"
	"errors"
	"mime"
	"net/http"

	"github.com/civitas-city/civitas/internal/apperr"
)

// DecodeJSON reads a strict JSON request body into v: the body must be
// declared as application/json (415 otherwise, so a cross-site form posting
// text/plain can never pass for an API call) and unknown fields are an
// error (400).
func DecodeJSON(r *http.Request, v any) error {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return apperr.E(apperr.Unsupported, "error.json_content_type")
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return err
		}
		return apperr.Wrap(apperr.Invalid, "error.bad_json", err)
	}
	return nil
}
