package web

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/civitas-city/civitas/internal/apperr"
)

// FormErrors are the messages of a form that did not pass, by field, already
// translated. The empty key holds a message about the whole form.
type FormErrors map[string]string

// Has reports whether there is any error.
func (f FormErrors) Has() bool { return len(f) > 0 }

// Status is the HTTP status of a page showing the form: 422 Unprocessable
// Entity when it has errors, else 200.
func (f FormErrors) Status() int {
	if f.Has() {
		return http.StatusUnprocessableEntity
	}
	return http.StatusOK
}

// formKinds are the errors every form shows beside its fields: problems the
// resident puts right on the form.
var formKinds = []apperr.Kind{apperr.Invalid, apperr.Conflict, apperr.TooLarge, apperr.TooMany}

// FormError turns err into form errors when it is a problem the resident
// can put right on the form — invalid or conflicting input, a file too
// large, too many attempts, a NotFound that names a field (an unknown
// category) — or of a kind in also, which a form may show too (a sign-in
// form shows Unauthenticated, a participation form Forbidden). Every field
// at fault is kept (see apperr.FieldsOf), its message translated; a message
// the catalog lacks shows as the generic one of its status. Any other
// error comes back as is, for the error page.
func (s *Site) FormError(lang string, err error, also ...apperr.Kind) (FormErrors, error) {
	e, ok := errors.AsType[*apperr.Error](err)
	if !ok {
		return nil, err
	}
	show := slices.Contains(formKinds, e.Kind) || slices.Contains(also, e.Kind) ||
		(e.Kind == apperr.NotFound && e.Field != "")
	if !show {
		return nil, err
	}
	out := FormErrors{}
	for field, key := range apperr.FieldsOf(err) {
		if key == "" || !s.Catalog.Has(key) {
			key = "error.status." + strconv.Itoa(StatusOf(err))
		}
		out[field] = s.Catalog.T(lang, key)
	}
	return out, nil
}

// localTimeLayouts are what a datetime-local input sends (with or without
// seconds), and a bare date.
var localTimeLayouts = []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02"}

// ParseLocalTime reads a datetime-local form value ("2027-05-01T18:00") as
// a time in loc, the city's time zone; ok is false when v is not one.
func ParseLocalTime(v string, loc *time.Location) (t time.Time, ok bool) {
	for _, layout := range localTimeLayouts {
		if t, err := time.ParseInLocation(layout, strings.TrimSpace(v), loc); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// LocalTimeValue writes t for a datetime-local input, in loc; "" for the
// zero time.
func LocalTimeValue(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format("2006-01-02T15:04")
}
