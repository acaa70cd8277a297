package reports

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/civitas-city/civitas/internal/apperr"
)

func TestParsePost(t *testing.T) {
	ok := func(q string) o311Post {
		t.Helper()
		v, err := url.ParseQuery(q)
		if err != nil {
			t.Fatal(err)
		}
		p, err := parsePost(v)
		if err != nil {
			t.Fatalf("parsePost(%q): %v", q, err)
		}
		return p
	}
	p := ok("api_key=k&service_code=+pothole+&lat=50.06&long=19.94&attribute[size]=large&attribute[waste][]=a&attribute[waste][]=b&first_name=Jan")
	if p.ServiceCode != "pothole" || !p.HasPoint || p.Lat != 50.06 || p.Lon != 19.94 || p.FirstName != "Jan" {
		t.Errorf("parsed %+v", p)
	}
	if strings.Join(p.Attributes["waste"], ",") != "a,b" || p.Attributes["size"][0] != "large" {
		t.Errorf("attributes = %v", p.Attributes)
	}
	if p := ok("service_code=x&address_string=Rynek"); p.HasPoint || p.Address != "Rynek" {
		t.Errorf("address only: %+v", p)
	}
	for _, bad := range []struct{ q, field string }{
		{"lat=50", "lat"},
		{"long=19", "lat"},
		{"lat=north&long=19", "lat"},
		{"lat=NaN&long=19", "lat"},
		{"lat=95&long=19", "lat"},
		{"lat=50&long=Inf", "lat"},
		{"attribute[]=x", "attribute"},
		{"attribute[a][b]=x", "attribute"},
		{"email=" + strings.Repeat("e", 1001), "email"},
		{"service_code=%ff", "service_code"},
		{"description=%ff%fe", "description"},
	} {
		v, _ := url.ParseQuery(bad.q)
		_, err := parsePost(v)
		if e, ok := errors.AsType[*apperr.Error](err); !ok || e.Kind != apperr.Invalid || e.Field != bad.field {
			t.Errorf("parsePost(%q) = %v, want Invalid on %s", bad.q, err, bad.field)
		}
	}
	// Bytes that are not UTF-8 are named as such, not as too long.
	for _, q := range []string{"service_code=%ff", "description=%ff%fe", "first_name=a%c3"} {
		v, _ := url.ParseQuery(q)
		if _, err := parsePost(v); apperr.MessageOf(err) != "error.text_encoding" {
			t.Errorf("parsePost(%q) = %v, want error.text_encoding", q, err)
		}
	}
}

func TestParseQuery(t *testing.T) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	district := func(s string) (int, bool) {
		switch s {
		case "1", "stare-miasto":
			return 1, true
		}
		return 0, false
	}
	parse := func(q string) (o311Query, error) {
		v, _ := url.ParseQuery(q)
		return parseQuery(v, now, district)
	}
	q, err := parse("")
	if err != nil || !q.Filter.To.Equal(now) || !q.Filter.From.Equal(now.Add(-maxSpan)) || q.PageSize != defaultPageSize || q.Page != 1 {
		t.Errorf("defaults: %+v, %v", q, err)
	}
	q, _ = parse("service_request_id=3,+5&status=closed&service_code=x")
	if len(q.Filter.Numbers) != 2 || q.Filter.Numbers[1] != 5 || q.Filter.Statuses != nil || q.Filter.Categories != nil {
		t.Errorf("service_request_id must override the rest: %+v", q.Filter)
	}
	q, _ = parse("status=open,closed&service_code=a,b&district=stare-miasto&page=3&page_size=10&extensions=true")
	if len(q.Filter.Statuses) != len(Statuses) || len(q.Filter.Categories) != 2 || q.Filter.Districts[0] != 1 || q.Page != 3 || q.PageSize != 10 || !q.Extensions {
		t.Errorf("filters: %+v", q)
	}
	q, _ = parse("start_date=2026-04-01T00:00:00%2B02:00")
	if want := time.Date(2026, 3, 31, 22, 0, 0, 0, time.UTC); !q.Filter.From.Equal(want) || !q.Filter.To.Equal(want.Add(maxSpan)) {
		t.Errorf("start only: %v – %v", q.Filter.From, q.Filter.To)
	}
	for _, bad := range []struct{ q, field string }{
		{"start_date=2026-04-01", "start_date"}, // no zone
		{"end_date=2026-04-01T00:00:00", "end_date"},
		{"start_date=yesterday", "start_date"},
		{"start_date=2026-04-01T00:00:00Z&end_date=2026-03-01T00:00:00Z", "end_date"},
		{"start_date=2026-01-01T00:00:00Z&end_date=2026-04-02T00:00:00Z", "end_date"},
		{"status=pending", "status"},
		{"service_request_id=1,x", "service_request_id"},
		{"service_request_id=-4", "service_request_id"},
		{"page=0", "page"},
		{"page_size=1001", "page_size"},
		{"district=atlantis", "district"},
	} {
		_, err := parse(bad.q)
		if e, ok := errors.AsType[*apperr.Error](err); !ok || e.Field != bad.field {
			t.Errorf("parseQuery(%q) = %v, want an error on %s", bad.q, err, bad.field)
		}
	}
}

func TestParseW3CTime(t *testing.T) {
	for _, s := range []string{"2010-01-01T00:00:00Z", "1994-11-05T08:15:30-05:00", "2026-03-01T10:00+01:00", "2026-03-01T10:00:00.123Z"} {
		if _, err := ParseW3CTime(s); err != nil {
			t.Errorf("%s: %v", s, err)
		}
	}
	for _, s := range []string{"", "2010-01-01", "2010-01-01T00:00:00", "01/02/2010", "2010-13-01T00:00:00Z"} {
		if _, err := ParseW3CTime(s); err == nil {
			t.Errorf("%q parsed", s)
		}
	}
	a, _ := ParseW3CTime("1994-11-05T08:15:30-05:00")
	b, _ := ParseW3CTime("1994-11-05T13:15:30Z")
	if !a.Equal(b) {
		t.Error("the spec's two examples are not the same instant")
	}
}

func TestSplitFile(t *testing.T) {
	for _, tc := range []struct {
		in, name, format string
		ok               bool
	}{
		{"requests.json", "requests", "json", true},
		{"services.xml", "services", "xml", true},
		{"a.b.json", "a.b", "json", true},
		{"requests.html", "requests", "html", false},
		{"requests", "", "", false},
		{".json", "", "", false},
	} {
		name, format, ok := splitFile(tc.in)
		if ok != tc.ok || (ok && (name != tc.name || format != tc.format)) {
			t.Errorf("splitFile(%q) = %q %q %v", tc.in, name, format, ok)
		}
	}
}

// The error document, exactly as the spec shows it.
func TestErrorDocument(t *testing.T) {
	doc := o311Errors{Errors: []o311Error{{Code: 403, Description: "Invalid api_key received -- can't proceed with create_request."}}}
	w := httptest.NewRecorder()
	if err := writeO311(w, formatXML, 403, doc); err != nil {
		t.Fatal(err)
	}
	want := `<?xml version="1.0" encoding="utf-8"?>
<errors>
  <error>
    <code>403</code>
    <description>Invalid api_key received -- can&#39;t proceed with create_request.</description>
  </error>
</errors>
`
	if w.Body.String() != want || w.Code != 403 || w.Header().Get("Content-Type") != "text/xml; charset=utf-8" {
		t.Errorf("XML error:\n%s", w.Body)
	}
	w = httptest.NewRecorder()
	writeO311(w, formatJSON, 403, doc)
	if got := strings.TrimSpace(w.Body.String()); got != `[{"code":403,"description":"Invalid api_key received -- can't proceed with create_request."}]` {
		t.Errorf("JSON error: %s", got)
	}
}

func FuzzParsePost(f *testing.F) {
	for _, s := range []string{
		"api_key=xyz&jurisdiction_id=city.gov&service_code=001&lat=37.76524078&long=-122.4212043&address_string=1234+5th+street&email=smit333%40sfgov.edu&device_id=tt222111&account_id=123456&first_name=john&last_name=smith&phone=111111111&description=A+large+sinkhole+is+destroying+the+street&media_url=http%3A%2F%2Ffarm3.static.flickr.com%2F2002%2F2212426634_5ed477a060.jpg&attribute[WHISPAWN]=123456&attribute[WHISDORN]=COISL001",
		"lat=1e308&long=-0", "attribute[a][]=1&attribute[a][]=2", "attribute[=x", "lat=0x1p-2&long=1",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		v, err := url.ParseQuery(q)
		if err != nil {
			return
		}
		p, err := parsePost(v)
		if err != nil {
			if _, ok := errors.AsType[*apperr.Error](err); !ok {
				t.Fatalf("not an apperr: %v", err)
			}
			return
		}
		if p.HasPoint && !validPoint(p.Lat, p.Lon) {
			t.Fatalf("accepted point %v, %v", p.Lat, p.Lon)
		}
		for code, vals := range p.Attributes {
			if code == "" || strings.ContainsAny(code, "[]") || len(vals) > 50 {
				t.Fatalf("attribute %q = %d values", code, len(vals))
			}
		}
		for _, s := range []string{p.ServiceCode, p.Address, p.Email, p.Description, p.MediaURL} {
			if !utf8.ValidString(s) {
				t.Fatalf("invalid UTF-8 accepted: %q", s)
			}
		}
	})
}

func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{"", "start_date=2010-05-24T00:00:00Z&end_date=2010-06-24T00:00:00Z&status=open", "service_request_id=1,2,3",
		"page=2&page_size=10&district=1", "start_date=2010-05-24T00:00:00%2B99:00"} {
		f.Add(s)
	}
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		v, err := url.ParseQuery(s)
		if err != nil {
			return
		}
		q, err := parseQuery(v, now, func(string) (int, bool) { return 1, true })
		if err != nil {
			return
		}
		if q.Page < 1 || q.PageSize < 1 || q.PageSize > maxPageSize {
			t.Fatalf("page %d size %d", q.Page, q.PageSize)
		}
		if len(q.Filter.Numbers) == 0 && (q.Filter.To.Before(q.Filter.From) || q.Filter.To.Sub(q.Filter.From) > maxSpan) {
			t.Fatalf("range %v – %v", q.Filter.From, q.Filter.To)
		}
	})
}

// The documents keep the spec's field names in both encodings.
func TestDocumentsRoundTrip(t *testing.T) {
	lat, lon := 50.06, 19.94
	req := o311Request{ServiceRequestID: "7", Status: "open", ServiceName: "Pothole", ServiceCode: "pothole",
		RequestedDatetime: "2026-03-01T10:00:00+01:00", UpdatedDatetime: "2026-03-01T10:00:00+01:00", Lat: &lat, Long: &lon}
	var buf bytes.Buffer
	if err := xml.NewEncoder(&buf).Encode(o311Requests[o311Request]{Requests: []o311Request{req}}); err != nil {
		t.Fatal(err)
	}
	for _, tag := range []string{"<service_requests><request>", "<service_request_id>7</service_request_id>", "<status_notes></status_notes>",
		"<lat>50.06</lat>", "<long>19.94</long>", "<media_url></media_url>"} {
		if !strings.Contains(buf.String(), tag) {
			t.Errorf("XML lacks %s:\n%s", tag, buf.String())
		}
	}
	b, err := json.Marshal(jsonView(o311Requests[o311Request]{Requests: []o311Request{req}}))
	if err != nil {
		t.Fatal(err)
	}
	for _, frag := range []string{`[{"service_request_id":"7"`, `"status_notes":null`, `"lat":50.06`, `"long":19.94`, `"media_url":null`, `"expected_datetime":null`} {
		if !strings.Contains(string(b), frag) {
			t.Errorf("JSON lacks %s: %s", frag, b)
		}
	}
	if strings.Contains(string(b), "extended_attributes") || strings.Contains(buf.String(), "extended_attributes") {
		t.Error("extensions are there without extensions=true")
	}
}
