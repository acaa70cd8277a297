package reports

import (
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/civitas-city/civitas/internal/apperr"
)

// Reading Open311 input: the POST form of a service request and the query
// of GET requests. Both are pure functions of the input, so they are
// fuzzed (FuzzParsePost, FuzzParseQuery).

// o311Post is a POST service request as the client sent it.
type o311Post struct {
	APIKey       string
	Jurisdiction string
	ServiceCode  string
	HasPoint     bool
	Lat, Lon     float64
	Address      string
	AddressID    string
	Email        string
	DeviceID     string
	AccountID    string
	FirstName    string
	LastName     string
	Phone        string
	Description  string
	MediaURL     string
	Attributes   map[string][]string
}

// maxFieldLen bounds every single-line field.
const maxFieldLen = 1000

// parsePost reads the form of a POST service request. It checks the form's
// shape (numbers, pairs, lengths); the service checks the meaning.
func parsePost(form url.Values) (o311Post, error) {
	p := o311Post{
		APIKey: form.Get("api_key"), Jurisdiction: form.Get("jurisdiction_id"), ServiceCode: strings.TrimSpace(form.Get("service_code")),
		Address: form.Get("address_string"), AddressID: form.Get("address_id"), Email: form.Get("email"),
		DeviceID: form.Get("device_id"), AccountID: form.Get("account_id"), FirstName: form.Get("first_name"),
		LastName: form.Get("last_name"), Phone: form.Get("phone"), Description: form.Get("description"), MediaURL: form.Get("media_url"),
	}
	for _, f := range []struct{ name, v string }{
		{"service_code", p.ServiceCode}, {"address_string", p.Address}, {"address_id", p.AddressID}, {"email", p.Email},
		{"device_id", p.DeviceID}, {"account_id", p.AccountID}, {"first_name", p.FirstName}, {"last_name", p.LastName},
		{"phone", p.Phone}, {"media_url", p.MediaURL}, {"jurisdiction_id", p.Jurisdiction},
	} {
		if !utf8.ValidString(f.v) {
			return p, o311Invalid(f.name, "error.text_encoding")
		}
		if len(f.v) > maxFieldLen {
			return p, o311Invalid(f.name, "reports.open311.error.field")
		}
	}
	if !utf8.ValidString(p.Description) {
		return p, o311Invalid("description", "error.text_encoding")
	}
	lat, lon := strings.TrimSpace(form.Get("lat")), strings.TrimSpace(form.Get("long"))
	switch {
	case lat == "" && lon == "":
	case lat == "" || lon == "":
		return p, o311Invalid("lat", "reports.open311.error.lat_long_pair")
	default:
		var err1, err2 error
		p.Lat, err1 = strconv.ParseFloat(lat, 64)
		p.Lon, err2 = strconv.ParseFloat(lon, 64)
		if err1 != nil || err2 != nil || !validPoint(p.Lat, p.Lon) {
			return p, o311Invalid("lat", "reports.error.coordinates")
		}
		p.HasPoint = true
	}
	for key, vals := range form {
		code, ok := attributeCode(key)
		if !ok {
			continue
		}
		if code == "" || len(code) > 100 || !utf8.ValidString(code) {
			return p, o311Invalid("attribute", "reports.open311.error.attribute_name")
		}
		if p.Attributes == nil {
			p.Attributes = map[string][]string{}
		}
		if len(p.Attributes[code])+len(vals) > 50 {
			return p, o311Invalid("attribute", "reports.open311.error.attribute_name")
		}
		p.Attributes[code] = append(p.Attributes[code], vals...)
	}
	return p, nil
}

// attributeCode reads "attribute[CODE]" or "attribute[CODE][]".
func attributeCode(key string) (string, bool) {
	rest, ok := strings.CutPrefix(key, "attribute[")
	if !ok {
		return "", false
	}
	rest = strings.TrimSuffix(rest, "[]")
	code, ok := strings.CutSuffix(rest, "]")
	if !ok || strings.ContainsAny(code, "[]") {
		return "", true // an attribute, but malformed
	}
	return code, true
}

// o311Invalid is a 400 about one parameter.
func o311Invalid(field, key string) error {
	return &apperr.Error{Kind: apperr.Invalid, Field: field, Message: key}
}

// o311Query is the query of GET service requests.
type o311Query struct {
	Jurisdiction string
	Filter       Filter
	Page         int
	PageSize     int
	Extensions   bool
}

// Limits of GET service requests (the spec's defaults).
const (
	maxSpan         = 90 * 24 * time.Hour
	defaultPageSize = 1000
	maxPageSize     = 1000
)

// parseQuery reads the filters of GET service requests. The date range
// defaults to the last 90 days and may not span more; service_request_id
// overrides every other filter, as the spec says.
func parseQuery(q url.Values, now time.Time, districtOf func(string) (int, bool)) (o311Query, error) {
	out := o311Query{Jurisdiction: q.Get("jurisdiction_id"), Page: 1, PageSize: defaultPageSize, Extensions: q.Get("extensions") == "true"}
	var err error
	if out.Page, err = intParam(q, "page", 1, 1, math.MaxInt32); err != nil {
		return out, err
	}
	if out.PageSize, err = intParam(q, "page_size", defaultPageSize, 1, maxPageSize); err != nil {
		return out, err
	}
	f := &out.Filter
	if ids := list(q.Get("service_request_id")); len(ids) > 0 {
		if len(ids) > maxPageSize {
			return out, o311Invalid("service_request_id", "reports.open311.error.request_id")
		}
		for _, id := range ids {
			n, err := strconv.ParseInt(id, 10, 64)
			if err != nil || n <= 0 {
				return out, o311Invalid("service_request_id", "reports.open311.error.request_id")
			}
			f.Numbers = append(f.Numbers, n)
		}
		return out, nil
	}
	f.Categories = list(q.Get("service_code"))
	for _, st := range list(q.Get("status")) {
		switch st {
		case "open":
			f.Statuses = append(f.Statuses, OpenStatuses...)
		case "closed":
			for _, s := range Statuses {
				if !s.Open() {
					f.Statuses = append(f.Statuses, s)
				}
			}
		default:
			return out, o311Invalid("status", "reports.open311.error.status")
		}
	}
	if d := strings.TrimSpace(q.Get("district")); d != "" {
		n, ok := districtOf(d)
		if !ok {
			return out, o311Invalid("district", "reports.open311.error.district")
		}
		f.Districts = []int{n}
	}
	var start, end time.Time
	if s := q.Get("start_date"); s != "" {
		if start, err = ParseW3CTime(s); err != nil {
			return out, o311Invalid("start_date", "reports.open311.error.date")
		}
	}
	if s := q.Get("end_date"); s != "" {
		if end, err = ParseW3CTime(s); err != nil {
			return out, o311Invalid("end_date", "reports.open311.error.date")
		}
	}
	switch {
	case start.IsZero() && end.IsZero():
		end = now
		start = end.Add(-maxSpan)
	case start.IsZero():
		start = end.Add(-maxSpan)
	case end.IsZero():
		end = start.Add(maxSpan)
	}
	if end.Before(start) {
		return out, o311Invalid("end_date", "reports.open311.error.date_order")
	}
	if end.Sub(start) > maxSpan {
		return out, o311Invalid("end_date", "reports.open311.error.date_span")
	}
	f.From, f.To = start, end
	return out, nil
}

// list splits a comma-separated parameter, dropping empty items.
func list(s string) []string {
	var out []string
	for item := range strings.SplitSeq(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

func intParam(q url.Values, name string, def, lo, hi int) (int, error) {
	s := strings.TrimSpace(q.Get(name))
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, o311Invalid(name, "reports.open311.error."+name)
	}
	return n, nil
}
