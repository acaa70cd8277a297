package reports

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"strconv"
	"time"
)

// The GeoReport v2 documents (wiki.open311.org/GeoReport_v2), each one Go
// type with both encodings: XML as the spec shows it, JSON as its Spark
// convention mapping (a list of the repeated element, null for an empty
// optional field).

// Open311 formats, from the resource's extension.
const (
	formatXML  = "xml"
	formatJSON = "json"
)

// nstr is an optional text field: JSON null when empty, an empty element
// in XML.
type nstr string

func (s nstr) MarshalJSON() ([]byte, error) {
	if s == "" {
		return []byte("null"), nil
	}
	return json.Marshal(string(s))
}

func (s *nstr) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*s = ""
		return nil
	}
	var v string
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*s = nstr(v)
	return nil
}

type o311Discovery struct {
	XMLName    xml.Name       `xml:"discovery" json:"-"`
	Changeset  string         `xml:"changeset" json:"changeset"`
	Contact    string         `xml:"contact" json:"contact"`
	KeyService string         `xml:"key_service" json:"key_service"`
	Endpoints  []o311Endpoint `xml:"endpoints>endpoint" json:"endpoints"`
}

type o311Endpoint struct {
	Specification string   `xml:"specification" json:"specification"`
	URL           string   `xml:"url" json:"url"`
	Changeset     string   `xml:"changeset" json:"changeset"`
	Type          string   `xml:"type" json:"type"`
	Formats       []string `xml:"formats>format" json:"formats"`
}

type o311Services struct {
	XMLName  xml.Name      `xml:"services" json:"-"`
	Services []o311Service `xml:"service"`
}

type o311Service struct {
	ServiceCode string `xml:"service_code" json:"service_code"`
	ServiceName string `xml:"service_name" json:"service_name"`
	Description string `xml:"description" json:"description"`
	Metadata    bool   `xml:"metadata" json:"metadata"`
	Type        string `xml:"type" json:"type"`
	Keywords    string `xml:"keywords" json:"keywords"`
	Group       string `xml:"group" json:"group"`
}

type o311Definition struct {
	XMLName     xml.Name     `xml:"service_definition" json:"-"`
	ServiceCode string       `xml:"service_code" json:"service_code"`
	Attributes  o311AttrList `xml:"attributes" json:"attributes"`
}

// o311AttrList is <attributes><attribute>… in XML, present even when
// empty, and a list in JSON.
type o311AttrList struct {
	Items []o311Attribute `xml:"attribute"`
}

func (l o311AttrList) MarshalJSON() ([]byte, error) { return json.Marshal(nonNilSlice(l.Items)) }

type o311Attribute struct {
	Variable            bool        `xml:"variable" json:"variable"`
	Code                string      `xml:"code" json:"code"`
	Datatype            string      `xml:"datatype" json:"datatype"`
	Required            bool        `xml:"required" json:"required"`
	DatatypeDescription nstr        `xml:"datatype_description" json:"datatype_description"`
	Order               int         `xml:"order" json:"order"`
	Description         string      `xml:"description" json:"description"`
	Values              []o311Value `xml:"values>value" json:"values,omitempty"`
}

type o311Value struct {
	Key  string `xml:"key" json:"key"`
	Name string `xml:"name" json:"name"`
}

// o311Requests is the service_requests document of GET requests, GET a
// request, POST a request and GET a token.
type o311Requests[T any] struct {
	XMLName  xml.Name `xml:"service_requests" json:"-"`
	Requests []T      `xml:"request"`
}

type o311Request struct {
	ServiceRequestID  string   `xml:"service_request_id" json:"service_request_id"`
	Status            string   `xml:"status" json:"status"`
	StatusNotes       nstr     `xml:"status_notes" json:"status_notes"`
	ServiceName       string   `xml:"service_name" json:"service_name"`
	ServiceCode       string   `xml:"service_code" json:"service_code"`
	Description       nstr     `xml:"description" json:"description"`
	AgencyResponsible nstr     `xml:"agency_responsible" json:"agency_responsible"`
	ServiceNotice     nstr     `xml:"service_notice" json:"service_notice"`
	RequestedDatetime string   `xml:"requested_datetime" json:"requested_datetime"`
	UpdatedDatetime   string   `xml:"updated_datetime" json:"updated_datetime"`
	ExpectedDatetime  nstr     `xml:"expected_datetime" json:"expected_datetime"`
	Address           nstr     `xml:"address" json:"address"`
	AddressID         nstr     `xml:"address_id" json:"address_id"`
	Zipcode           nstr     `xml:"zipcode" json:"zipcode"`
	Lat               *float64 `xml:"lat,omitempty" json:"lat"`
	Long              *float64 `xml:"long,omitempty" json:"long"`
	MediaURL          nstr     `xml:"media_url" json:"media_url"`
	// Extensions (extensions=true): see docs/open311.md.
	Extended *o311Extended `xml:"extended_attributes,omitempty" json:"extended_attributes,omitempty"`
	Notes    *o311Notes    `xml:"notes,omitempty" json:"notes,omitempty"`
}

type o311Extended struct {
	District     int           `xml:"district" json:"district"`
	DistrictName nstr          `xml:"district_name" json:"district_name"`
	Channel      string        `xml:"channel" json:"channel"`
	Supporters   int           `xml:"supporters" json:"supporters"`
	Photos       o311PhotoList `xml:"photos" json:"photos"`
}

// o311PhotoList is <photos><photo>… in XML and a list in JSON.
type o311PhotoList struct {
	Items []o311Photo `xml:"photo"`
}

func (l o311PhotoList) MarshalJSON() ([]byte, error) { return json.Marshal(nonNilSlice(l.Items)) }

type o311Photo struct {
	MediaURL  string `xml:"media_url" json:"media_url"`
	CreatedAt string `xml:"created_at" json:"created_at"`
}

// o311Notes is the public history: a list in JSON, <notes><note> in XML.
type o311Notes struct {
	Notes []o311Note `xml:"note"`
}

func (n *o311Notes) MarshalJSON() ([]byte, error) { return json.Marshal(nonNilSlice(n.Notes)) }

type o311Note struct {
	Datetime    string `xml:"datetime" json:"datetime"`
	Description string `xml:"description" json:"description"`
	Type        string `xml:"type" json:"type"`
	Status      string `xml:"status" json:"status"`
}

type o311Created struct {
	ServiceRequestID string `xml:"service_request_id,omitempty" json:"service_request_id,omitempty"`
	Token            string `xml:"token,omitempty" json:"token,omitempty"`
	ServiceNotice    nstr   `xml:"service_notice" json:"service_notice"`
	AccountID        nstr   `xml:"account_id" json:"account_id"`
}

type o311Token struct {
	ServiceRequestID string `xml:"service_request_id" json:"service_request_id"`
	Token            string `xml:"token" json:"token"`
}

type o311Errors struct {
	XMLName xml.Name    `xml:"errors" json:"-"`
	Errors  []o311Error `xml:"error"`
}

type o311Error struct {
	Code        int    `xml:"code" json:"code"`
	Description string `xml:"description" json:"description"`
}

// w3c formats a time as the spec wants: ISO 8601 with the offset, in the
// city's zone.
func w3c(t time.Time, loc *time.Location) string {
	if loc == nil {
		loc = time.UTC
	}
	return t.In(loc).Format(time.RFC3339)
}

// ParseW3CTime reads a date-time in the subset of ISO 8601 the spec allows
// (the W3C note): a date and time with seconds optional, and a zone ("Z" or
// ±HH:MM) that must be present.
func ParseW3CTime(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04Z07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	_, err := time.Parse(time.RFC3339, s)
	return time.Time{}, err
}

// writeO311 writes a document in the requested format. JSON documents
// whose XML root wraps a repeated element (services, service_requests,
// errors) are written as the bare list, as the spec's examples are.
func writeO311(w http.ResponseWriter, format string, status int, v any) error {
	var (
		buf bytes.Buffer
		err error
	)
	switch format {
	case formatJSON:
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		err = enc.Encode(jsonView(v))
	default:
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		buf.WriteString(`<?xml version="1.0" encoding="utf-8"?>` + "\n")
		enc := xml.NewEncoder(&buf)
		enc.Indent("", "  ")
		if err = enc.Encode(v); err == nil {
			buf.WriteByte('\n')
		}
	}
	if err != nil {
		return err
	}
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, err = w.Write(buf.Bytes())
	return err
}

// jsonView is what a document looks like in JSON.
func jsonView(v any) any {
	switch d := v.(type) {
	case o311Services:
		return nonNilSlice(d.Services)
	case o311Errors:
		return nonNilSlice(d.Errors)
	case o311Requests[o311Request]:
		return nonNilSlice(d.Requests)
	case o311Requests[o311Created]:
		return nonNilSlice(d.Requests)
	case o311Requests[o311Token]:
		return nonNilSlice(d.Requests)
	}
	return v
}

func nonNilSlice[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
