package app_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"image"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/civitas-city/civitas/internal/app"
	"github.com/civitas-city/civitas/internal/app/apptest"
	"github.com/civitas-city/civitas/internal/city"
	"github.com/civitas-city/civitas/internal/db/dbtest"
	"github.com/civitas-city/civitas/internal/reports"
	"github.com/civitas-city/civitas/internal/web"
)

// The Open311 GeoReport v2 client suite: a third-party app that knows only
// the spec (wiki.open311.org/GeoReport_v2), the server's address and an
// API key an admin issued on the keys page. It calls every method in XML
// and in JSON, reads the answers generically and checks the spec's field
// names and types, then sends bad input and checks the spec's error
// format, the status, and that nothing was stored.
//
// No real Open311 client library could be used: the one Go client
// (github.com/transitorykris/go-open311) is not on the module proxy here
// (403), and npm's only one (open311 0.0.12) depends on a git URL and a
// native XML module, so it does not install.

// kind is the type a field must have.
type kind int

const (
	kString  kind = iota // text, never null
	kNString             // text or null (an empty element in XML)
	kBool                // true or false
	kInt                 // a whole number
	kNumber              // a number
	kNNumber             // a number or null (absent in XML)
	kDate                // W3C date-time with a zone
	kNDate               // W3C date-time or null
	kList                // a list of objects (checked separately)
	kStrList             // a list of strings
	kObject              // an object (checked separately)
)

// schema lists a document's fields: all must be there unless optional.
type schema struct {
	fields   map[string]kind
	optional []string
}

var (
	discoverySchema = schema{fields: map[string]kind{"changeset": kString, "contact": kString, "key_service": kString, "endpoints": kList}}
	endpointSchema  = schema{fields: map[string]kind{"specification": kString, "url": kString, "changeset": kString, "type": kString, "formats": kStrList}}
	serviceSchema   = schema{fields: map[string]kind{"service_code": kString, "service_name": kString, "description": kString,
		"metadata": kBool, "type": kString, "keywords": kString, "group": kString}}
	definitionSchema = schema{fields: map[string]kind{"service_code": kString, "attributes": kList}}
	attributeSchema  = schema{fields: map[string]kind{"variable": kBool, "code": kString, "datatype": kString, "required": kBool,
		"datatype_description": kNString, "order": kInt, "description": kString, "values": kList}, optional: []string{"values"}}
	valueSchema   = schema{fields: map[string]kind{"key": kString, "name": kString}}
	createdSchema = schema{fields: map[string]kind{"service_request_id": kString, "token": kString, "service_notice": kNString, "account_id": kNString},
		optional: []string{"service_request_id", "token"}}
	tokenSchema   = schema{fields: map[string]kind{"service_request_id": kString, "token": kString}}
	requestSchema = schema{fields: map[string]kind{"service_request_id": kString, "status": kString, "status_notes": kNString,
		"service_name": kString, "service_code": kString, "description": kNString, "agency_responsible": kNString,
		"service_notice": kNString, "requested_datetime": kDate, "updated_datetime": kDate, "expected_datetime": kNDate,
		"address": kNString, "address_id": kNString, "zipcode": kNString, "lat": kNNumber, "long": kNNumber, "media_url": kNString,
		"extended_attributes": kObject, "notes": kList}, optional: []string{"lat", "long", "extended_attributes", "notes"}}
	errorSchema = schema{fields: map[string]kind{"code": kInt, "description": kString}}
)

// node is a generic document: JSON values, or XML elements as maps of
// their children (repeated children as lists, text as strings).
type node = any

// xmlElem reads any XML into a tree.
type xmlElem struct {
	XMLName  xml.Name
	Children []xmlElem `xml:",any"`
	Text     string    `xml:",chardata"`
}

// listElems are the XML wrappers whose children repeat (the spec's ⇊).
var listElems = map[string]bool{"services": true, "service_requests": true, "errors": true, "attributes": true, "values": true,
	"endpoints": true, "formats": true, "photos": true, "notes": true}

// generic turns an XML element into the JSON-like node the checks read.
func (e xmlElem) generic() node {
	if listElems[e.XMLName.Local] {
		out := []any{}
		for _, c := range e.Children {
			out = append(out, c.generic())
		}
		return out
	}
	if len(e.Children) == 0 {
		return e.Text
	}
	m := map[string]any{}
	for _, c := range e.Children {
		m[c.XMLName.Local] = c.generic()
	}
	return m
}

// checkFields checks one object against a schema, for a format.
func checkFields(t *testing.T, where, format string, v node, s schema) map[string]any {
	t.Helper()
	m, ok := v.(map[string]any)
	if !ok {
		t.Errorf("%s (%s): %T, want an object", where, format, v)
		return nil
	}
	for name := range m {
		if _, ok := s.fields[name]; !ok {
			t.Errorf("%s (%s): field %q is not in the spec", where, format, name)
		}
	}
	for name, k := range s.fields {
		val, present := m[name]
		if !present {
			if !slices.Contains(s.optional, name) && !(format == "xml" && k == kNNumber) {
				t.Errorf("%s (%s): field %q is missing", where, format, name)
			}
			continue
		}
		if !hasKind(format, val, k) {
			t.Errorf("%s (%s): field %q = %#v is not a %s", where, format, name, val, kindName(k))
		}
	}
	return m
}

func kindName(k kind) string {
	return [...]string{"string", "string or null", "boolean", "integer", "number", "number or null", "date-time", "date-time or null",
		"list", "list of strings", "object"}[k]
}

var w3cRE = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$`)

// hasKind checks a value's type: JSON types for JSON, parseable text for
// XML (which has no types).
func hasKind(format string, v node, k kind) bool {
	if format == "xml" {
		s, isText := v.(string)
		switch k {
		case kList:
			_, ok := v.([]any)
			return ok
		case kObject:
			_, ok := v.(map[string]any)
			return ok
		case kStrList:
			_, ok := v.([]any)
			return ok
		case kString, kNString:
			return isText
		case kBool:
			return s == "true" || s == "false"
		case kInt:
			_, err := strconv.Atoi(s)
			return err == nil
		case kNumber, kNNumber:
			_, err := strconv.ParseFloat(s, 64)
			return err == nil || (k == kNNumber && s == "")
		case kDate:
			return w3cRE.MatchString(s)
		case kNDate:
			return s == "" || w3cRE.MatchString(s)
		}
		return false
	}
	switch k {
	case kString:
		_, ok := v.(string)
		return ok
	case kNString:
		_, ok := v.(string)
		return ok || v == nil
	case kBool:
		_, ok := v.(bool)
		return ok
	case kInt:
		f, ok := v.(float64)
		return ok && f == float64(int64(f))
	case kNumber:
		_, ok := v.(float64)
		return ok
	case kNNumber:
		_, ok := v.(float64)
		return ok || v == nil
	case kDate:
		s, ok := v.(string)
		return ok && w3cRE.MatchString(s)
	case kNDate:
		s, ok := v.(string)
		return v == nil || (ok && w3cRE.MatchString(s))
	case kList:
		_, ok := v.([]any)
		return ok
	case kStrList:
		l, ok := v.([]any)
		for _, x := range l {
			if _, isStr := x.(string); !isStr {
				return false
			}
		}
		return ok
	case kObject:
		_, ok := v.(map[string]any)
		return ok
	}
	return false
}

// o311 is the third-party app.
type o311 struct {
	t      *testing.T
	base   string // .../open311/v2
	key    string
	format string
	http   *http.Client
}

type o311Resp struct {
	status int
	ctype  string
	raw    string
	root   string // the XML root element, "" for JSON
	doc    node
}

func (c *o311) read(resp *http.Response) o311Resp {
	c.t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	r := o311Resp{status: resp.StatusCode, ctype: resp.Header.Get("Content-Type"), raw: string(b)}
	switch c.format {
	case "json":
		if r.ctype != "application/json; charset=utf-8" {
			c.t.Errorf("%s: Content-Type %q", resp.Request.URL.Path, r.ctype)
		}
		if err := json.Unmarshal(b, &r.doc); err != nil {
			c.t.Fatalf("%s: not JSON: %v\n%s", resp.Request.URL.Path, err, b)
		}
	default:
		if r.ctype != "text/xml; charset=utf-8" {
			c.t.Errorf("%s: Content-Type %q", resp.Request.URL.Path, r.ctype)
		}
		if !bytes.HasPrefix(b, []byte(`<?xml version="1.0" encoding="utf-8"?>`)) {
			c.t.Errorf("%s: no XML declaration with the encoding: %.60s", resp.Request.URL.Path, b)
		}
		var e xmlElem
		if err := xml.Unmarshal(b, &e); err != nil {
			c.t.Fatalf("%s: not XML: %v\n%s", resp.Request.URL.Path, err, b)
		}
		r.root, r.doc = e.XMLName.Local, e.generic()
	}
	return r
}

func (c *o311) get(path string, q url.Values) o311Resp {
	c.t.Helper()
	u := c.base + path + "." + c.format
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	resp, err := c.http.Get(u)
	if err != nil {
		c.t.Fatal(err)
	}
	return c.read(resp)
}

func (c *o311) post(form url.Values) o311Resp {
	c.t.Helper()
	resp, err := c.http.PostForm(c.base+"/requests."+c.format, form)
	if err != nil {
		c.t.Fatal(err)
	}
	return c.read(resp)
}

// postMedia sends a multipart request with photos in "media" parts.
func (c *o311) postMedia(form url.Values, photos ...[]byte) o311Resp {
	c.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range form {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	for i, p := range photos {
		w, _ := mw.CreateFormFile("media", fmt.Sprintf("photo%d.png", i+1))
		w.Write(p)
	}
	mw.Close()
	resp, err := c.http.Post(c.base+"/requests."+c.format, mw.FormDataContentType(), &body)
	if err != nil {
		c.t.Fatal(err)
	}
	return c.read(resp)
}

// list returns a document's list: the JSON array, or the XML root's
// repeated children, checking the root's name.
func (c *o311) list(r o311Resp, root string) []any {
	c.t.Helper()
	if c.format == "xml" && r.root != root {
		c.t.Errorf("root element <%s>, want <%s>", r.root, root)
	}
	l, ok := r.doc.([]any)
	if !ok {
		c.t.Fatalf("%T, want a list (%s):\n%s", r.doc, root, r.raw)
	}
	return l
}

// expectError checks the spec's error document and the status.
func (c *o311) expectError(what string, r o311Resp, status int) {
	c.t.Helper()
	if r.status != status {
		c.t.Errorf("%s (%s): status %d, want %d\n%s", what, c.format, r.status, status, r.raw)
		return
	}
	errs := c.list(r, "errors")
	if len(errs) == 0 {
		c.t.Errorf("%s: an empty error list", what)
	}
	for _, e := range errs {
		m := checkFields(c.t, what+" error", c.format, e, errorSchema)
		if m == nil {
			continue
		}
		if code := fmt.Sprint(m["code"]); code != strconv.Itoa(status) {
			c.t.Errorf("%s: code %s, want %d", what, code, status)
		}
		if d, _ := m["description"].(string); strings.TrimSpace(d) == "" || strings.HasPrefix(d, "reports.") {
			c.t.Errorf("%s: description %q is not a message", what, d)
		}
	}
}

func str(v any) string {
	if v == nil {
		return ""
	}
	if f, ok := v.(float64); ok {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

// issueKey signs in as an admin and issues a key on the keys page.
func issueKey(t *testing.T, srv *app.Server, admin *http.Client, appName string) string {
	t.Helper()
	r := do(t, admin, http.MethodPost, srv.URL+"/admin/reports/keys", url.Values{"app_name": {appName}, "contact": {"dev@app.test"}})
	if r.StatusCode != http.StatusOK {
		t.Fatalf("issuing a key: %d\n%s", r.StatusCode, r.Body)
	}
	m := regexp.MustCompile(`id="new-key">(c311_[a-z0-9]+)<`).FindStringSubmatch(r.Body)
	if m == nil {
		t.Fatalf("no key on the page:\n%s", r.Body)
	}
	return m[1]
}

// seedReports loads the demo's categories, units and some reports.
func seedReportsDemo(t *testing.T, srv *app.Server) {
	t.Helper()
	k := city.Krakow()
	svc := &reports.Service{DB: srv.DB, Districts: k.Districts, Catalog: srv.Catalog, Location: k.Location, Secret: []byte("x")}
	if err := reports.SeedDemo(t.Context(), svc, reports.DemoOptions{Reports: 40}); err != nil {
		t.Fatal(err)
	}
}

func countRows(t *testing.T, srv *app.Server, query string) int {
	t.Helper()
	var n int
	if err := srv.DB.QueryRowContext(t.Context(), query).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func smallPNG(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 4, 4))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestOpen311Client(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			srv := apptest.Start(t, dbtest.DSN(t, engine))
			seedReportsDemo(t, srv)
			admin := signedIn(t, srv, "admin@open311.test", web.Role{Name: web.RoleAdmin})
			key := issueKey(t, srv, admin, "Fix My Street Kraków")
			for _, format := range []string{"json", "xml"} {
				t.Run(format, func(t *testing.T) {
					c := &o311{t: t, base: srv.URL + reports.Prefix, key: key, format: format, http: &http.Client{Timeout: 30 * time.Second}}
					open311Methods(t, srv, c)
					open311Errors(t, srv, c, admin)
				})
			}
		})
	}
}

// open311Methods calls every method as an app would.
func open311Methods(t *testing.T, srv *app.Server, c *o311) {
	// Discovery.
	r := c.get("/discovery", nil)
	if r.status != http.StatusOK {
		t.Fatalf("discovery: %d\n%s", r.status, r.raw)
	}
	if c.format == "xml" && r.root != "discovery" {
		t.Errorf("discovery root <%s>", r.root)
	}
	d := checkFields(t, "discovery", c.format, r.doc, discoverySchema)
	for _, ep := range d["endpoints"].([]any) {
		e := checkFields(t, "endpoint", c.format, ep, endpointSchema)
		if e["specification"] != "http://wiki.open311.org/GeoReport_v2" || e["url"] != c.base || e["type"] != "production" {
			t.Errorf("endpoint = %v", e)
		}
		formats := fmt.Sprint(e["formats"])
		if !strings.Contains(formats, "text/xml") || !strings.Contains(formats, "application/json") {
			t.Errorf("formats = %s", formats)
		}
	}

	// Service list.
	r = c.get("/services", url.Values{"jurisdiction_id": {"krakow"}})
	services := c.list(r, "services")
	if len(services) < 5 {
		t.Fatalf("%d services", len(services))
	}
	types := map[string]string{}
	for _, s := range services {
		m := checkFields(t, "service", c.format, s, serviceSchema)
		types[str(m["service_code"])] = str(m["type"])
		if tp := str(m["type"]); tp != "realtime" && tp != "batch" && tp != "blackbox" {
			t.Errorf("service type %q", tp)
		}
	}
	if types["pothole"] != "realtime" || types["vehicle"] != "batch" {
		t.Errorf("service types = %v", types)
	}

	// Service definition, with list values.
	r = c.get("/services/dumping", nil)
	if r.status != http.StatusOK || (c.format == "xml" && r.root != "service_definition") {
		t.Fatalf("definition: %d <%s>\n%s", r.status, r.root, r.raw)
	}
	def := checkFields(t, "service_definition", c.format, r.doc, definitionSchema)
	attrs := def["attributes"].([]any)
	if len(attrs) == 0 {
		t.Fatal("dumping has no attributes")
	}
	a := checkFields(t, "attribute", c.format, attrs[0], attributeSchema)
	if a["code"] != "waste" || a["datatype"] != "multivaluelist" {
		t.Errorf("attribute = %v", a)
	}
	var keys []string
	for _, v := range a["values"].([]any) {
		keys = append(keys, str(checkFields(t, "value", c.format, v, valueSchema)["key"]))
	}
	if !slices.Contains(keys, "tyres") || !slices.Contains(keys, "rubble") {
		t.Errorf("values = %v", keys)
	}

	// POST a service request with everything the spec allows.
	form := url.Values{
		"api_key": {c.key}, "jurisdiction_id": {"krakow"}, "service_code": {"dumping"}, "lat": {"50.0617"}, "long": {"19.9373"},
		"address_string": {"ul. Grodzka 1, Stare Miasto, Kraków"}, "email": {"jan@app.test"}, "device_id": {"dev-1"},
		"account_id": {"acct-42"}, "first_name": {"Jan"}, "last_name": {"Kowalski"}, "phone": {"+48 600 100 200"},
		"description": {"Sofa and tyres dumped by the bins.\nSecond line."}, "media_url": {"https://photos.app.test/1.jpg"},
		"attribute[waste][]": {"tyres", "bulky"},
	}
	r = c.post(form)
	if r.status != http.StatusOK {
		t.Fatalf("POST: %d\n%s", r.status, r.raw)
	}
	created := c.list(r, "service_requests")
	if len(created) != 1 {
		t.Fatalf("POST answered %d requests", len(created))
	}
	cr := checkFields(t, "POST response", c.format, created[0], createdSchema)
	id := str(cr["service_request_id"])
	if id == "" || cr["token"] != nil {
		t.Errorf("realtime POST: id %q token %v (want an id and no token)", id, cr["token"])
	}
	if str(cr["account_id"]) != "acct-42" || !strings.Contains(str(cr["service_notice"]), "-") {
		t.Errorf("POST response = %v", cr)
	}

	// GET the request.
	r = c.get("/requests/"+id, url.Values{"jurisdiction_id": {"krakow"}})
	got := c.list(r, "service_requests")
	if len(got) != 1 {
		t.Fatalf("GET request: %d\n%s", len(got), r.raw)
	}
	req := checkFields(t, "request", c.format, got[0], requestSchema)
	if req["service_request_id"] != id || req["status"] != "open" || req["service_code"] != "dumping" ||
		str(req["lat"]) != "50.0617" || str(req["long"]) != "19.9373" || str(req["media_url"]) != "https://photos.app.test/1.jpg" ||
		str(req["agency_responsible"]) == "" || !strings.Contains(str(req["description"]), "Second line.") {
		t.Errorf("request = %v", req)
	}
	reqAt, _ := time.Parse(time.RFC3339, str(req["requested_datetime"]))
	if time.Since(reqAt) > time.Minute || !strings.HasSuffix(str(req["requested_datetime"]), "+01:00") && !strings.HasSuffix(str(req["requested_datetime"]), "+02:00") {
		t.Errorf("requested_datetime %v is not now in the city's zone", req["requested_datetime"])
	}

	// Batch services answer with a token; GET tokens gives the id.
	r = c.post(url.Values{"api_key": {c.key}, "service_code": {"vehicle"}, "address_string": {"os. Centrum A 1"}})
	created = c.list(r, "service_requests")
	cr = checkFields(t, "batch POST response", c.format, created[0], createdSchema)
	token := str(cr["token"])
	if token == "" || cr["service_request_id"] != nil {
		t.Fatalf("batch POST: token %q id %v", token, cr["service_request_id"])
	}
	r = c.get("/tokens/"+token, nil)
	tk := checkFields(t, "token", c.format, c.list(r, "service_requests")[0], tokenSchema)
	batchID := str(tk["service_request_id"])
	if tk["token"] != token || batchID == "" {
		t.Errorf("token response = %v", tk)
	}

	// A photo through the media extension: media_url is our copy.
	r = c.postMedia(url.Values{"api_key": {c.key}, "service_code": {"pothole"}, "lat": {"50.05"}, "long": {"19.95"}, "description": {"With a photo"}}, smallPNG(t))
	if r.status != http.StatusOK {
		t.Fatalf("multipart POST: %d\n%s", r.status, r.raw)
	}
	photoID := str(checkFields(t, "media POST", c.format, c.list(r, "service_requests")[0], createdSchema)["service_request_id"])
	r = c.get("/requests/"+photoID, url.Values{"extensions": {"true"}})
	pr := checkFields(t, "request with photo", c.format, c.list(r, "service_requests")[0], requestSchema)
	media := str(pr["media_url"])
	if !strings.HasPrefix(media, srv.URL+"/files/") {
		t.Errorf("media_url %q is not our file", media)
	} else if resp, err := http.Get(media); err != nil || resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" {
		t.Errorf("fetching media_url: %v %v", resp, err)
	}
	ext := checkFields(t, "extended_attributes", c.format, pr["extended_attributes"],
		schema{fields: map[string]kind{"district": kInt, "district_name": kNString, "channel": kString, "supporters": kInt, "photos": kList}})
	if str(ext["channel"]) != "open311" || str(ext["district"]) == "0" {
		t.Errorf("extended_attributes = %v", ext)
	}
	notes := pr["notes"].([]any)
	if len(notes) != 1 {
		t.Errorf("notes = %v", notes)
	}
	for _, n := range notes {
		checkFields(t, "note", c.format, n, schema{fields: map[string]kind{"datetime": kDate, "description": kString, "type": kString, "status": kString}})
	}

	// GET requests with the spec's filters.
	ids := func(q url.Values) []string {
		t.Helper()
		r := c.get("/requests", q)
		if r.status != http.StatusOK {
			t.Fatalf("GET requests?%s: %d\n%s", q.Encode(), r.status, r.raw)
		}
		var out []string
		for _, x := range c.list(r, "service_requests") {
			m := checkFields(t, "request", c.format, x, requestSchema)
			out = append(out, str(m["service_request_id"]))
		}
		return out
	}
	if got := ids(url.Values{"service_request_id": {id + "," + batchID}, "status": {"closed"}}); len(got) != 2 || !slices.Contains(got, id) {
		t.Errorf("service_request_id=%s,%s (overriding status) = %v", id, batchID, got)
	}
	all := ids(nil)
	if len(all) < 10 || all[0] != photoID {
		t.Errorf("default list: %d requests, first %v (want the newest, %s, first)", len(all), all[:min(3, len(all))], photoID)
	}
	for _, st := range []string{"open", "closed"} {
		r := c.get("/requests", url.Values{"status": {st}})
		for _, x := range c.list(r, "service_requests") {
			if m := x.(map[string]any); m["status"] != st {
				t.Errorf("status=%s returned %v", st, m["status"])
			}
		}
	}
	r = c.get("/requests", url.Values{"service_code": {"dumping,vehicle"}})
	for _, x := range c.list(r, "service_requests") {
		if code := x.(map[string]any)["service_code"]; code != "dumping" && code != "vehicle" {
			t.Errorf("service_code filter returned %v", code)
		}
	}
	now := time.Now()
	window := ids(url.Values{"start_date": {now.Add(-time.Minute).UTC().Format(time.RFC3339)}, "end_date": {now.Add(time.Minute).Format(time.RFC3339)}})
	if !slices.Contains(window, id) || !slices.Contains(window, photoID) {
		t.Errorf("the last minute = %v, want %s and %s", window, id, photoID)
	}
	if old := ids(url.Values{"end_date": {now.AddDate(0, 0, -200).UTC().Format(time.RFC3339)}}); len(old) != 0 {
		t.Errorf("requests 200 days ago: %v", old)
	}
	// Extensions: pagination and district.
	p1, p2 := ids(url.Values{"page_size": {"3"}}), ids(url.Values{"page_size": {"3"}, "page": {"2"}})
	if len(p1) != 3 || len(p2) != 3 || slices.Contains(p1, p2[0]) || p1[0] != all[0] || p2[0] != all[3] {
		t.Errorf("pages: %v then %v; all %v", p1, p2, all[:6])
	}
	for _, dq := range []string{"1", "stare-miasto"} {
		r := c.get("/requests", url.Values{"district": {dq}, "extensions": {"true"}})
		l := c.list(r, "service_requests")
		if len(l) == 0 {
			t.Errorf("district=%s: nothing", dq)
		}
		for _, x := range l {
			if e := x.(map[string]any)["extended_attributes"].(map[string]any); str(e["district"]) != "1" {
				t.Errorf("district=%s returned district %v", dq, e["district"])
			}
		}
	}
	// Each POST is audited with the app's name.
	if n := countRows(t, srv, `SELECT count(*) FROM audit_log WHERE action = 'report.open311.create' AND actor_label = 'open311:Fix My Street Kraków'`); n < 3 {
		t.Errorf("%d audited POSTs", n)
	}
}

// open311Errors sends bad input: each gets the spec's error document with
// the right status, and stores nothing.
func open311Errors(t *testing.T, srv *app.Server, c *o311, admin *http.Client) {
	cases := countRows(t, srv, `SELECT count(*) FROM report_cases`)
	files := countRows(t, srv, `SELECT count(*) FROM files`)
	good := func(mod func(url.Values)) url.Values {
		f := url.Values{"api_key": {c.key}, "service_code": {"pothole"}, "lat": {"50.0617"}, "long": {"19.9373"}, "description": {"x"}}
		mod(f)
		return f
	}
	c.expectError("missing api_key", c.post(good(func(f url.Values) { f.Del("api_key") })), http.StatusForbidden)
	c.expectError("wrong api_key", c.post(good(func(f url.Values) { f.Set("api_key", "c311_wrong") })), http.StatusForbidden)
	c.expectError("no location", c.post(good(func(f url.Values) { f.Del("lat"); f.Del("long") })), http.StatusBadRequest)
	c.expectError("lat without long", c.post(good(func(f url.Values) { f.Del("long") })), http.StatusBadRequest)
	c.expectError("lat not a number", c.post(good(func(f url.Values) { f.Set("lat", "fifty") })), http.StatusBadRequest)
	c.expectError("a point far away", c.post(good(func(f url.Values) { f.Set("lat", "0"); f.Set("long", "0") })), http.StatusBadRequest)
	c.expectError("unknown service_code", c.post(good(func(f url.Values) { f.Set("service_code", "volcano") })), http.StatusNotFound)
	c.expectError("no service_code", c.post(good(func(f url.Values) { f.Del("service_code") })), http.StatusBadRequest)
	c.expectError("required attribute missing", c.post(good(func(f url.Values) { f.Set("service_code", "graffiti") })), http.StatusBadRequest)
	c.expectError("attribute value not listed", c.post(good(func(f url.Values) { f.Set("attribute[size]", "enormous") })), http.StatusBadRequest)
	c.expectError("unknown jurisdiction", c.post(good(func(f url.Values) { f.Set("jurisdiction_id", "warszawa.pl") })), http.StatusNotFound)
	c.expectError("description over 4,000 characters", c.post(good(func(f url.Values) { f.Set("description", strings.Repeat("d", 4001)) })), http.StatusBadRequest)
	c.expectError("not an image", c.postMedia(good(func(url.Values) {}), []byte("%PDF-1.7 not a photo")), http.StatusBadRequest)
	// A photo over the photo limit but within the request limit.
	big := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 9<<20)...) // over the 8 MiB photo limit, under the 32 MiB upload limit
	c.expectError("oversized photo", c.postMedia(good(func(url.Values) {}), big), http.StatusRequestEntityTooLarge)
	// A revoked key stops working at once.
	revoked := issueKey(t, srv, admin, "Old app "+c.format)
	var keyID string
	if err := srv.DB.QueryRowContext(t.Context(), `SELECT id FROM open311_keys WHERE app_name = $1`, "Old app "+c.format).Scan(&keyID); err != nil {
		t.Fatal(err)
	}
	if r := do(t, admin, http.MethodPost, srv.URL+"/admin/reports/keys/"+keyID+"/revoke", url.Values{}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("revoke: %d", r.StatusCode)
	}
	c.expectError("revoked api_key", c.post(good(func(f url.Values) { f.Set("api_key", revoked) })), http.StatusForbidden)
	if n := countRows(t, srv, `SELECT count(*) FROM report_cases`); n != cases {
		t.Errorf("bad requests stored %d cases", n-cases)
	}
	if n := countRows(t, srv, `SELECT count(*) FROM files`); n != files {
		t.Errorf("bad requests stored %d files", n-files)
	}

	// GET errors.
	c.expectError("invalid start_date", c.get("/requests", url.Values{"start_date": {"2010-01-01"}}), http.StatusBadRequest)
	c.expectError("invalid end_date", c.get("/requests", url.Values{"end_date": {"yesterday"}}), http.StatusBadRequest)
	c.expectError("range over 90 days", c.get("/requests", url.Values{"start_date": {"2026-01-01T00:00:00Z"}, "end_date": {"2026-06-01T00:00:00Z"}}), http.StatusBadRequest)
	c.expectError("end before start", c.get("/requests", url.Values{"start_date": {"2026-02-01T00:00:00Z"}, "end_date": {"2026-01-01T00:00:00+01:00"}}), http.StatusBadRequest)
	c.expectError("unknown status", c.get("/requests", url.Values{"status": {"pending"}}), http.StatusBadRequest)
	c.expectError("bad page_size", c.get("/requests", url.Values{"page_size": {"5000"}}), http.StatusBadRequest)
	c.expectError("unknown district", c.get("/requests", url.Values{"district": {"atlantis"}}), http.StatusBadRequest)
	c.expectError("unknown request", c.get("/requests/999999", nil), http.StatusNotFound)
	c.expectError("request id not a number", c.get("/requests/abc", nil), http.StatusNotFound)
	c.expectError("unknown token", c.get("/tokens/nope", nil), http.StatusNotFound)
	c.expectError("unknown service definition", c.get("/services/volcano", nil), http.StatusNotFound)
	c.expectError("unknown jurisdiction", c.get("/services", url.Values{"jurisdiction_id": {"gdansk.pl"}}), http.StatusNotFound)
	c.expectError("unknown resource", c.get("/widgets", nil), http.StatusNotFound)
}
