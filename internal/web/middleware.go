package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/civitas-city/civitas/internal/apperr"
	"golang.org/x/text/language"
)

// Middleware wraps a handler.
type Middleware func(http.Handler) http.Handler

// Chain applies ms so that the first is the outermost.
func Chain(h http.Handler, ms ...Middleware) http.Handler {
	for i := len(ms) - 1; i >= 0; i-- {
		h = ms[i](h)
	}
	return h
}

// statusWriter remembers the status and size of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Recover turns a panic in a handler into a 500 page, logged with its stack.
func (s *Site) Recover(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.Log.ErrorContext(r.Context(), "panic", "panic", fmt.Sprint(p), "stack", string(debug.Stack()), "request_id", RequestID(r.Context()))
				s.Error(w, r, fmt.Errorf("panic: %v", p))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// RequestLog gives each request an id (X-Request-ID) and logs one line when
// it ends. The line holds no personal data: no IP, no query string, no
// cookies, and the route pattern rather than the path.
func RequestLog(log *slog.Logger, observe func(method, route string, status int, d time.Duration)) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			var b [12]byte
			rand.Read(b[:])
			id := hex.EncodeToString(b[:])
			w.Header().Set("X-Request-ID", id)
			route := new(string)
			r = r.WithContext(context.WithValue(contextWithRequestID(r.Context(), id), keyRoute, route))
			sw := &statusWriter{ResponseWriter: w}
			next.ServeHTTP(sw, r)
			if sw.status == 0 {
				sw.status = http.StatusOK
			}
			d := time.Since(start)
			if *route == "" {
				*route = "unmatched"
			}
			if observe != nil {
				observe(r.Method, *route, sw.status, d)
			}
			log.LogAttrs(r.Context(), slog.LevelInfo, "request",
				slog.String("request_id", id), slog.String("method", r.Method),
				slog.String("route", *route), slog.Int("status", sw.status),
				slog.Int("bytes", sw.bytes), slog.Float64("ms", float64(d.Microseconds())/1000))
		})
	}
}

// noteRoute records the mux pattern that matched r for the access log and
// metrics, which see only the outer request. Logging the pattern, not the
// path, keeps arbitrary URLs out of logs and metric labels.
func noteRoute(r *http.Request) {
	if p, ok := r.Context().Value(keyRoute).(*string); ok {
		*p = r.Pattern
	}
}

// Raw adapts a plain handler for the mux so its route is still recorded.
func Raw(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		noteRoute(r)
		h.ServeHTTP(w, r)
	})
}

// SecureHeaders sets the security headers on every response: a strict CSP
// with no inline script, no framing, and HSTS when served over TLS.
func SecureHeaders(trustProxy bool) Middleware {
	const csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
		"font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			h.Set("Content-Security-Policy", csp)
			h.Set("X-Content-Type-Options", "nosniff")
			h.Set("X-Frame-Options", "DENY")
			h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
			h.Set("Cross-Origin-Opener-Policy", "same-origin")
			h.Set("Permissions-Policy", "camera=(), microphone=(), payment=(), geolocation=(self)")
			if IsTLS(r, trustProxy) {
				h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
			}
			next.ServeHTTP(w, r)
		})
	}
}

// IsTLS reports whether the client reached us over HTTPS, directly or
// through a trusted proxy.
func IsTLS(r *http.Request, trustProxy bool) bool {
	return r.TLS != nil || (trustProxy && strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https"))
}

// CrossOrigin refuses state-changing cross-origin browser requests
// (http.CrossOriginProtection), with the error page in the visitor's
// language. exempt are route patterns that must accept them: only those
// whose request carries its own proof (a signed token in the path, as a
// newsletter's one-click unsubscribe does, which mail clients POST from
// anywhere, RFC 8058).
func (s *Site) CrossOrigin(trusted, exempt []string) (Middleware, error) {
	cop := http.NewCrossOriginProtection()
	for _, o := range trusted {
		if err := cop.AddTrustedOrigin(o); err != nil {
			return nil, err
		}
	}
	for _, pattern := range exempt {
		cop.AddInsecureBypassPattern(pattern)
	}
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.Error(w, r, apperr.E(apperr.Forbidden, "error.cross_origin"))
	}))
	return cop.Handler, nil
}

// LimitBody refuses bodies above limit with 413 — or above uploadLimit for
// multipart forms, which carry photos and attachments: at once when the
// length is declared, and while reading otherwise (handlers see
// *http.MaxBytesError, which StatusOf maps to 413).
func (s *Site) LimitBody(limit, uploadLimit int64) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			max := limit
			if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
				max = uploadLimit
			}
			if r.ContentLength > max {
				s.Error(w, r, apperr.E(apperr.TooLarge, "error.too_large"))
				return
			}
			r.Body = http.MaxBytesReader(w, r.Body, max)
			next.ServeHTTP(w, r)
		})
	}
}

// LangCookie remembers the language a visitor chose.
const LangCookie = "lang"

// Languages picks the language of each request: the visitor's choice (the
// lang cookie), else the best match of Accept-Language, else the default.
func (s *Site) Languages() Middleware {
	langs := s.Catalog.Languages()
	tags := make([]language.Tag, len(langs))
	for i, l := range langs {
		tags[i] = language.Make(l)
	}
	matcher := language.NewMatcher(tags)
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			lang := ""
			if c, err := r.Cookie(LangCookie); err == nil && s.Catalog.Supports(c.Value) {
				lang = c.Value
			} else if al := r.Header.Get("Accept-Language"); al != "" {
				_, i, conf := matcher.Match(parseAcceptLanguage(al)...)
				if conf != language.No {
					lang = langs[i]
				}
			}
			if lang == "" {
				lang = langs[0]
			}
			w.Header().Set("Content-Language", lang)
			w.Header().Add("Vary", "Accept-Language, Cookie")
			next.ServeHTTP(w, r.WithContext(WithLang(r.Context(), lang)))
		})
	}
}

func parseAcceptLanguage(s string) []language.Tag {
	tags, _, err := language.ParseAcceptLanguage(s)
	if err != nil || len(tags) > 20 {
		return nil
	}
	return tags
}
