// Package apperr classifies errors into a few kinds, each with a message that
// is safe to show a resident. The kind decides the HTTP status in one table
// (web.StatusOf); the wrapped error keeps the full chain for the logs.
package apperr

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Kind is what went wrong, from the caller's point of view.
type Kind int

const (
	Internal Kind = iota
	Invalid
	NotFound
	Conflict
	Unauthenticated
	Forbidden
	TooLarge
	TooMany
	Unsupported // a request body in a format the call does not take
)

func (k Kind) String() string {
	switch k {
	case Invalid:
		return "invalid"
	case NotFound:
		return "not_found"
	case Conflict:
		return "conflict"
	case Unauthenticated:
		return "unauthenticated"
	case Forbidden:
		return "forbidden"
	case TooLarge:
		return "too_large"
	case TooMany:
		return "too_many"
	case Unsupported:
		return "unsupported_media_type"
	}
	return "internal"
}

// Error is an error with a kind and a safe message. Message is a translation
// key or plain text meant for the resident; Err is the cause, for logs only.
type Error struct {
	Kind    Kind
	Message string
	// Field names the form field or input column at fault, when there is one.
	Field string
	Err   error
}

func (e *Error) Error() string {
	msg := e.Kind.String()
	if e.Message != "" {
		msg += ": " + e.Message
	}
	if e.Field != "" {
		msg += " (" + e.Field + ")"
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// E builds an error of kind k with a safe message.
func E(k Kind, message string) *Error { return &Error{Kind: k, Message: message} }

// Wrap builds an error of kind k with a safe message and a cause.
func Wrap(k Kind, message string, err error) *Error {
	return &Error{Kind: k, Message: message, Err: err}
}

// Fieldf builds an Invalid error about one field.
func Fieldf(field, format string, args ...any) *Error {
	return &Error{Kind: Invalid, Field: field, Message: fmt.Sprintf(format, args...)}
}

// KindOf returns the kind of the first *Error in err's chain, or Internal.
func KindOf(err error) Kind {
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Kind
	}
	return Internal
}

// MessageOf returns the safe message of err, or "" when there is none
// (internal errors never show their text to residents).
func MessageOf(err error) string {
	if e, ok := errors.AsType[*Error](err); ok && e.Kind != Internal {
		return e.Message
	}
	return ""
}

// Is reports whether err is of kind k.
func Is(err error, k Kind) bool { return err != nil && KindOf(err) == k }

// Fields are the problems of one input with several fields at fault: field
// to safe message. As an error it is Invalid: it unwraps to one *Error a
// field, in field order, so KindOf and MessageOf see the first.
type Fields map[string]string

func (f Fields) Error() string {
	parts := make([]string, 0, len(f))
	for _, k := range slices.Sorted(maps.Keys(f)) {
		parts = append(parts, k+": "+f[k])
	}
	return "invalid input: " + strings.Join(parts, "; ")
}

// Unwrap is one Invalid *Error a field, sorted by field.
func (f Fields) Unwrap() []error {
	out := make([]error, 0, len(f))
	for _, k := range slices.Sorted(maps.Keys(f)) {
		out = append(out, &Error{Kind: Invalid, Field: k, Message: f[k]})
	}
	return out
}

// Err is f as an error, or nil when there is no problem.
func (f Fields) Err() error {
	if len(f) == 0 {
		return nil
	}
	return f
}

// FieldsOf gathers the safe messages in err by field, walking joined and
// wrapped errors (errors.Join, Fields): the first message of each field
// wins, and messages about no field in particular are under "". Internal
// errors are left out: their text is not for residents.
func FieldsOf(err error) Fields {
	out := Fields{}
	var walk func(error)
	walk = func(err error) {
		switch e := err.(type) {
		case nil:
		case *Error:
			if _, seen := out[e.Field]; !seen && e.Kind != Internal {
				out[e.Field] = e.Message
			}
		case interface{ Unwrap() []error }:
			for _, x := range e.Unwrap() {
				walk(x)
			}
		case interface{ Unwrap() error }:
			walk(e.Unwrap())
		}
	}
	walk(err)
	return out
}
