package web

import (
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

// LocalPath keeps a "next" redirect on this site: it returns p when p is a
// same-origin absolute path (with an optional query and fragment) and "/"
// for anything else.
//
// Browsers are more lenient than Go's URL parser: they drop tabs and
// newlines anywhere in a URL, trim leading and trailing control characters
// and spaces, and read a backslash as a slash, so "/\t/evil.example" and
// "/\\evil.example" both lead to another host. Any such character makes
// the path refused outright, and what is left must parse as a path with no
// scheme, host or user, that does not start with "//".
func LocalPath(p string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || !utf8.ValidString(p) {
		return "/"
	}
	for _, r := range p {
		if r == '\\' || unicode.IsControl(r) || unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) {
			return "/"
		}
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" ||
		!strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") {
		return "/"
	}
	return p
}
