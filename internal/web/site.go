package web

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/i18n"
)

//go:embed templates/layout.html templates/partials.html
var layoutFS embed.FS

//go:embed templates/home.html templates/error.html templates/help.html templates/contact.html templates/privacy.html
var shellPages embed.FS

// shellPageFiles are the shell's pages: every file of shellPages.
var shellPageFiles = []string{"templates/home.html", "templates/error.html", "templates/help.html", "templates/contact.html", "templates/privacy.html"}

//go:embed locales/*.json
var locales embed.FS

// Locales are the shell's message files, for the catalog.
func Locales() embed.FS { return locales }

// Module is a part of the platform shown on the home page and in the
// navigation, registered by app for each domain that exists.
type Module struct {
	Path     string
	TitleKey string
	DescKey  string
	// InNav puts it in the main navigation too.
	InNav bool
}

// Site is what every handler needs to answer: the renderer, the catalog,
// the logger, the modules.
type Site struct {
	Name     string
	Log      *slog.Logger
	Catalog  *i18n.Catalog
	Renderer *Renderer
	Modules  []Module

	// errorWriters answer errors under a path prefix in an API's own
	// format (Open311 has its own error documents).
	errorWriters []errorWriter
}

type errorWriter struct {
	prefix string
	write  func(w http.ResponseWriter, r *http.Request, err error)
}

// WriteErrorsUnder makes errors for paths under prefix — including those
// raised before a handler runs, such as 413 for a body over the limit — be
// written by write.
func (s *Site) WriteErrorsUnder(prefix string, write func(w http.ResponseWriter, r *http.Request, err error)) {
	s.errorWriters = append(s.errorWriters, errorWriter{prefix, write})
}

// ClientGone reports whether err comes from the client closing the
// connection before the answer (the request's context was cancelled), as
// opposed to a failure of ours.
func ClientGone(r *http.Request, err error) bool {
	if errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNRESET) {
		// Writing the answer failed because the client closed the
		// connection (a load client stopping, a phone losing signal).
		return true
	}
	return r.Context().Err() != nil && errors.Is(err, context.Canceled)
}

// HandlerFunc is a handler that returns its error; Site.Handler renders it.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// StatusOf maps an error kind to its HTTP status: the one table.
func StatusOf(err error) int {
	if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
		return http.StatusRequestEntityTooLarge
	}
	switch apperr.KindOf(err) {
	case apperr.Invalid:
		return http.StatusBadRequest
	case apperr.NotFound:
		return http.StatusNotFound
	case apperr.Conflict:
		return http.StatusConflict
	case apperr.Unauthenticated:
		return http.StatusUnauthorized
	case apperr.Forbidden:
		return http.StatusForbidden
	case apperr.TooLarge:
		return http.StatusRequestEntityTooLarge
	case apperr.TooMany:
		return http.StatusTooManyRequests
	case apperr.Unsupported:
		return http.StatusUnsupportedMediaType
	}
	return http.StatusInternalServerError
}

// Handler adapts h, checking access first: the one place where
// authorization is decided for every route.
func (s *Site) Handler(access Access, h HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		noteRoute(r)
		err := Authorize(CurrentUser(r.Context()), access)
		if err == nil {
			err = parseForm(r)
		}
		if err == nil {
			err = h(w, r)
		}
		if err != nil {
			s.Error(w, r, err)
		}
	})
}

// Render writes a page: the page's template, its title key and data.
func (s *Site) Render(w http.ResponseWriter, r *http.Request, status int, page, titleKey string, data any) error {
	lang := Lang(r.Context())
	l := s.layout(r, titleKey)
	l.Failed = status >= 400
	return s.Renderer.render(w, status, page, lang, View{L: l, D: data})
}

// RenderHTML is the page Render would write with status 200, as bytes,
// for a page that is the same for many requests and kept for a while.
func (s *Site) RenderHTML(r *http.Request, page, titleKey string, data any) ([]byte, error) {
	return s.Renderer.html(page, Lang(r.Context()), View{L: s.layout(r, titleKey), D: data})
}

func (s *Site) layout(r *http.Request, titleKey string) Layout {
	lang := Lang(r.Context())
	l := Layout{
		Lang:      lang,
		Title:     s.Catalog.T(lang, titleKey),
		User:      CurrentUser(r.Context()),
		Path:      r.URL.Path,
		Next:      backTo(r),
		RequestID: RequestID(r.Context()),
		SiteName:  s.Name,
	}
	for _, code := range s.Catalog.Languages() {
		l.Languages = append(l.Languages, LangOption{Code: code, Name: s.Catalog.T(code, "lang.name"), Current: code == lang})
	}
	for _, m := range s.Modules {
		if m.InNav {
			l.Nav = append(l.Nav, NavItem{Path: m.Path, Label: s.Catalog.T(lang, m.TitleKey),
				Current: r.URL.Path == m.Path || strings.HasPrefix(r.URL.Path, m.Path+"/")})
		}
	}
	return l
}

// backTo is where the language switch returns: the page itself, query and
// all, for a GET; for the answer to a POST (a form shown again with its
// errors), the page the form was on, which the same-origin Referer names,
// else the path, so that switching never lands on a 404 or re-posts.
func backTo(r *http.Request) string {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		// A foreign "next" in the query is not carried along: the page
		// itself refuses it, and it should not be echoed into the page.
		if q := r.URL.Query(); q.Has("next") && LocalPath(q.Get("next")) != q.Get("next") {
			q.Del("next")
			u := *r.URL
			u.RawQuery = q.Encode()
			return u.RequestURI()
		}
		return r.URL.RequestURI()
	}
	if ref, err := url.Parse(r.Referer()); err == nil && ref.Host == r.Host && ref.Path != "" {
		return ref.RequestURI()
	}
	return r.URL.Path
}

// ErrorPage is the data of the error page.
type ErrorPage struct {
	Status    int
	Heading   string
	Message   string
	RequestID string
}

// Error answers with err: a redirect to sign in, a JSON problem for API
// clients, or the error page in the resident's language. Only internal
// errors are logged, with the request id the page shows.
func (s *Site) Error(w http.ResponseWriter, r *http.Request, err error) {
	if ClientGone(r, err) {
		// Nobody is there to read an answer, and nothing failed on our side.
		s.Log.DebugContext(r.Context(), "client went away", "error", err, "request_id", RequestID(r.Context()))
		return
	}
	for _, ew := range s.errorWriters {
		if strings.HasPrefix(r.URL.Path, ew.prefix) {
			ew.write(w, r, err)
			return
		}
	}
	status := StatusOf(err)
	if status == http.StatusUnauthorized && wantsHTML(r) && r.Method == http.MethodGet {
		http.Redirect(w, r, signInURL(r), http.StatusSeeOther)
		return
	}
	lang := Lang(r.Context())
	if lang == "" {
		lang = s.Catalog.Default()
	}
	msg := apperr.MessageOf(err)
	if msg != "" && s.Catalog.Has(msg) {
		msg = s.Catalog.T(lang, msg)
	}
	if status >= 500 {
		s.Log.ErrorContext(r.Context(), "request failed", "error", err, "request_id", RequestID(r.Context()))
		msg = s.Catalog.T(lang, "error.internal")
	}
	if status == http.StatusRequestEntityTooLarge {
		msg = s.Catalog.T(lang, "error.too_large")
	}
	if msg == "" {
		msg = s.Catalog.T(lang, "error.status."+statusKey(status))
	}
	if !wantsHTML(r) {
		WriteJSON(w, status, map[string]any{"error": map[string]any{
			"status": status, "code": apperr.KindOf(err).String(), "message": msg, "request_id": RequestID(r.Context())}})
		return
	}
	page := ErrorPage{Status: status, Heading: s.Catalog.T(lang, "error.status."+statusKey(status)), Message: msg, RequestID: RequestID(r.Context())}
	if rerr := s.Render(w, r, status, "shell/error", "error.status."+statusKey(status), page); rerr != nil {
		s.Log.ErrorContext(r.Context(), "error page failed", "error", rerr)
		http.Error(w, msg, status)
	}
}

// statusKey names the catalog entry for a status; unlisted ones read as 500.
func statusKey(status int) string {
	switch status {
	case 400, 401, 403, 404, 405, 409, 413, 429:
		return strconv.Itoa(status)
	}
	return "500"
}

// wantsHTML tells pages from API calls: API paths and clients that ask for
// JSON get JSON errors.
func wantsHTML(r *http.Request) bool {
	if strings.HasPrefix(r.URL.Path, "/api/") || strings.HasPrefix(r.URL.Path, "/open311/") {
		return false
	}
	accept := r.Header.Get("Accept")
	return accept == "" || strings.Contains(accept, "text/html") || strings.Contains(accept, "*/*")
}

// WriteJSON writes v as JSON with status.
func WriteJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// parseForm reads a URL-encoded body up front, so a body over the limit or
// a malformed one is an error (413 or 400) rather than a silently empty form.
func parseForm(r *http.Request) error {
	if r.Method != http.MethodPost && r.Method != http.MethodPut && r.Method != http.MethodPatch {
		return nil
	}
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		return nil
	}
	if err := r.ParseForm(); err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return err
		}
		return apperr.Wrap(apperr.Invalid, "error.bad_form", err)
	}
	return nil
}
