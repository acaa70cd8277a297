package web

import (
	"errors"

	"github.com/civitas-city/civitas/internal/apperr"
)

// FormErrors are the messages of a form that did not pass, by field, already
// translated. The empty key holds a message about the whole form.
type FormErrors map[string]string

// Has reports whether there is any error.
func (f FormErrors) Has() bool { return len(f) > 0 }

// FormError turns err into form errors when it is an input problem a
// resident can fix (invalid, conflict, too many attempts); any other error
// comes back as is, for the error page.
func (s *Site) FormError(lang string, err error) (FormErrors, error) {
	e, ok := errors.AsType[*apperr.Error](err)
	if !ok {
		return nil, err
	}
	switch e.Kind {
	case apperr.Invalid, apperr.Conflict, apperr.TooMany, apperr.Unauthenticated:
		return FormErrors{e.Field: s.Catalog.T(lang, e.Message)}, nil
	}
	return nil, err
}
