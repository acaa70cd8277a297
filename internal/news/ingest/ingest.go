// Package ingest reads other city sources into news entries: RSS 2.0 and
// Atom feeds, iCalendar calendars, CSV files and GeoJSON feature
// collections. Each entry keeps the source's own id, so reading a source
// again updates what it gave before instead of adding it twice. Readers
// refuse a malformed file with an error naming the line (and field, for
// CSV); they never return part of a file.
package ingest

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/civitas-city/civitas/internal/web"
)

// Entry is one item a source gives.
type Entry struct {
	SourceID         string // the source's own id of the item
	Kind             string // article, roadwork, investment, event ("": the source's default)
	Title, Summary   string
	Body             string // plain text or Markdown
	Link             string
	StartsAt, EndsAt time.Time
	Place            string
	Streets          []string
	Geometry         string // GeoJSON geometry
	GeometryText     string
	Districts        []int
	Topics           []string
}

// Formats are the source formats, for the officers' form.
var Formats = []string{"feed", "ical", "csv", "geojson"}

// maxEntries bounds what one read takes from a source.
const maxEntries = 5000

// Read reads a source of format.
func Read(format string, r io.Reader) ([]Entry, error) {
	switch format {
	case "feed":
		return ReadFeed(r)
	case "ical":
		return ReadICalendar(r)
	case "csv":
		es, errs := ReadCSV(r)
		if len(errs) > 0 {
			return nil, &web.FileError{What: "csv source", Errors: errs}
		}
		return es, nil
	case "geojson":
		return ReadGeoJSON(r)
	}
	return nil, fmt.Errorf("ingest: unknown format %q", format)
}

// LineError is a problem at a line of a source.
type LineError struct {
	Line   int
	Reason string
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Reason) }

// ReadFeed reads an RSS 2.0 or Atom 1.0 feed.
func ReadFeed(r io.Reader) ([]Entry, error) {
	var doc struct {
		XMLName xml.Name
		Channel struct {
			Items []struct {
				GUID        string   `xml:"guid"`
				Link        string   `xml:"link"`
				Title       string   `xml:"title"`
				Description string   `xml:"description"`
				Categories  []string `xml:"category"`
			} `xml:"item"`
		} `xml:"channel"`
		Entries []struct {
			ID    string `xml:"id"`
			Title string `xml:"title"`
			Links []struct {
				Href string `xml:"href,attr"`
				Rel  string `xml:"rel,attr"`
			} `xml:"link"`
			Summary string `xml:"summary"`
			Content string `xml:"content"`
		} `xml:"entry"`
	}
	dec := xml.NewDecoder(io.LimitReader(r, 16<<20))
	dec.Strict = true
	if err := dec.Decode(&doc); err != nil {
		if se, ok := errors.AsType[*xml.SyntaxError](err); ok {
			return nil, &LineError{Line: se.Line, Reason: "not well-formed XML: " + se.Msg}
		}
		return nil, &LineError{Line: 1, Reason: "not a feed: " + err.Error()}
	}
	var out []Entry
	switch doc.XMLName.Local {
	case "rss":
		for i, it := range doc.Channel.Items {
			id := strings.TrimSpace(it.GUID)
			if id == "" {
				id = strings.TrimSpace(it.Link)
			}
			out = append(out, Entry{SourceID: id, Title: clean(it.Title), Summary: clean(stripTags(it.Description)),
				Link: strings.TrimSpace(it.Link), Topics: it.Categories})
			if err := check(out[len(out)-1], i); err != nil {
				return nil, err
			}
		}
	case "feed":
		for i, e := range doc.Entries {
			en := Entry{SourceID: strings.TrimSpace(e.ID), Title: clean(e.Title), Summary: clean(stripTags(e.Summary))}
			if en.Summary == "" {
				en.Summary = clean(stripTags(e.Content))
			}
			for _, l := range e.Links {
				if l.Rel == "" || l.Rel == "alternate" {
					en.Link = strings.TrimSpace(l.Href)
				}
			}
			out = append(out, en)
			if err := check(en, i); err != nil {
				return nil, err
			}
		}
	default:
		return nil, &LineError{Line: 1, Reason: fmt.Sprintf("<%s> is neither RSS nor Atom", doc.XMLName.Local)}
	}
	return limit(out)
}

// check refuses an entry without an id or a title (item n, 0-based).
func check(e Entry, n int) error {
	switch {
	case e.SourceID == "":
		return fmt.Errorf("ingest: item %d has no id (guid, link or id)", n+1)
	case e.Title == "":
		return fmt.Errorf("ingest: item %d (%s) has no title", n+1, e.SourceID)
	}
	return nil
}

func limit(es []Entry) ([]Entry, error) {
	if len(es) > maxEntries {
		return nil, fmt.Errorf("ingest: more than %d items", maxEntries)
	}
	return es, nil
}

// clean trims text and makes it one line-safe string (no control
// characters but line breaks).
func clean(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return r
		}
		if r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 {
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// stripTags drops markup from a feed's HTML summary (the text is kept;
// pages escape it anyway).
func stripTags(s string) string {
	var b strings.Builder
	in := false
	for _, r := range s {
		switch {
		case r == '<':
			in = true
		case r == '>' && in:
			in = false
			b.WriteByte(' ')
		case !in:
			b.WriteRune(r)
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// ReadICalendar reads the VEVENTs of an iCalendar file as events.
func ReadICalendar(r io.Reader) ([]Entry, error) {
	sc := bufio.NewScanner(io.LimitReader(r, 16<<20))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	type line struct {
		n    int
		text string
	}
	var lines []line
	for n := 1; sc.Scan(); n++ {
		t := strings.TrimRight(sc.Text(), "\r")
		if (strings.HasPrefix(t, " ") || strings.HasPrefix(t, "\t")) && len(lines) > 0 {
			lines[len(lines)-1].text += t[1:] // unfold
			continue
		}
		if t != "" {
			lines = append(lines, line{n, t})
		}
	}
	if err := sc.Err(); err != nil {
		return nil, &LineError{Line: len(lines) + 1, Reason: err.Error()}
	}
	if len(lines) == 0 || lines[0].text != "BEGIN:VCALENDAR" {
		return nil, &LineError{Line: 1, Reason: "not an iCalendar file (BEGIN:VCALENDAR)"}
	}
	var (
		out  []Entry
		cur  *Entry
		open int // the line of the open VEVENT
	)
	for _, l := range lines {
		name, value, ok := strings.Cut(l.text, ":")
		if !ok {
			return nil, &LineError{Line: l.n, Reason: "a line without a colon"}
		}
		name, params, _ := strings.Cut(name, ";")
		name = strings.ToUpper(name)
		switch {
		case name == "BEGIN" && value == "VEVENT":
			if cur != nil {
				return nil, &LineError{Line: l.n, Reason: "VEVENT inside VEVENT"}
			}
			cur, open = &Entry{Kind: "event"}, l.n
		case name == "END" && value == "VEVENT":
			if cur == nil {
				return nil, &LineError{Line: l.n, Reason: "END:VEVENT without BEGIN"}
			}
			switch {
			case cur.SourceID == "":
				return nil, &LineError{Line: open, Reason: "VEVENT without UID"}
			case cur.Title == "":
				return nil, &LineError{Line: open, Reason: "VEVENT without SUMMARY"}
			case cur.StartsAt.IsZero():
				return nil, &LineError{Line: open, Reason: "VEVENT without DTSTART"}
			}
			out = append(out, *cur)
			cur = nil
		case cur == nil:
		case name == "UID":
			cur.SourceID = strings.TrimSpace(value)
		case name == "SUMMARY":
			cur.Title = clean(unescape(value))
		case name == "DESCRIPTION":
			cur.Summary = clean(unescape(value))
		case name == "LOCATION":
			cur.Place = clean(unescape(value))
		case name == "URL":
			cur.Link = strings.TrimSpace(value)
		case name == "DTSTART" || name == "DTEND":
			t, err := icalTime(value, params)
			if err != nil {
				return nil, &LineError{Line: l.n, Reason: fmt.Sprintf("%s %q: %v", name, value, err)}
			}
			if name == "DTSTART" {
				cur.StartsAt = t
			} else {
				cur.EndsAt = t
			}
		}
	}
	if cur != nil {
		return nil, &LineError{Line: open, Reason: "VEVENT not closed"}
	}
	return limit(out)
}

func unescape(s string) string {
	return strings.NewReplacer(`\n`, "\n", `\N`, "\n", `\,`, ",", `\;`, ";", `\\`, `\`).Replace(s)
}

// icalTime reads a DATE or DATE-TIME (UTC, or local with a TZID, which is
// read as the zone it names when known, else as UTC).
func icalTime(v, params string) (time.Time, error) {
	loc := time.UTC
	for _, p := range strings.Split(params, ";") {
		if tz, ok := strings.CutPrefix(p, "TZID="); ok {
			if l, err := time.LoadLocation(strings.Trim(tz, `"`)); err == nil {
				loc = l
			}
		}
	}
	for _, layout := range []string{"20060102T150405Z", "20060102T150405", "20060102"} {
		if t, err := time.ParseInLocation(layout, v, loc); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, errors.New("not a date or date-time")
}

// ReadCSV reads a CSV source: a header with id and title and any of
// summary, kind, starts_at, ends_at, place, streets, district, topic,
// link; other columns are ignored; dates as YYYY-MM-DD or YYYY-MM-DDTHH:MM (UTC); streets
// separated by "|". Every bad row is reported by line and field.
func ReadCSV(r io.Reader) ([]Entry, []web.RowError) {
	cr := web.NewCSVReader(r)
	head, err := cr.Read()
	if err != nil {
		return nil, []web.RowError{{Line: 1, Field: "file", Reason: "no header line"}}
	}
	cols := map[string]int{}
	for i, h := range head {
		cols[strings.ToLower(strings.TrimSpace(h))] = i
	}
	var errs []web.RowError
	for _, need := range []string{"id", "title"} {
		if _, ok := cols[need]; !ok {
			errs = append(errs, web.RowError{Line: 1, Field: "header", Reason: "missing column " + strconv.Quote(need)})
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	var out []Entry
	seen := map[string]int{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			line := 0
			if pe, ok := errors.AsType[*csv.ParseError](err); ok {
				line = pe.StartLine
			}
			return nil, append(errs, web.RowError{Line: max(line, 2), Field: "csv", Reason: err.Error()})
		}
		line, _ := cr.FieldPos(0)
		cell := func(name string) string {
			if i, ok := cols[name]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		e := Entry{SourceID: cell("id"), Title: clean(cell("title")), Summary: clean(cell("summary")), Kind: cell("kind"),
			Place: clean(cell("place")), Link: cell("link")}
		bad := func(field, reason string) {
			errs = append(errs, web.RowError{Line: line, Field: field, Reason: reason})
		}
		if e.SourceID == "" {
			bad("id", "empty")
		} else if first, dup := seen[e.SourceID]; dup {
			bad("id", fmt.Sprintf("%q is also on line %d", e.SourceID, first))
		}
		seen[e.SourceID] = line
		if e.Title == "" {
			bad("title", "empty")
		}
		switch e.Kind {
		case "", "article", "roadwork", "investment", "event":
		default:
			bad("kind", fmt.Sprintf("%q is not article, roadwork, investment or event", e.Kind))
		}
		for _, f := range []struct {
			name string
			to   *time.Time
		}{{"starts_at", &e.StartsAt}, {"ends_at", &e.EndsAt}} {
			if v := cell(f.name); v != "" {
				t, err := parseDate(v)
				if err != nil {
					bad(f.name, fmt.Sprintf("%q is not a date YYYY-MM-DD or YYYY-MM-DDTHH:MM", v))
				}
				*f.to = t
			}
		}
		if v := cell("streets"); v != "" {
			for _, s := range strings.Split(v, "|") {
				if s = clean(s); s != "" {
					e.Streets = append(e.Streets, s)
				}
			}
		}
		if v := cell("district"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n <= 0 {
				bad("district", fmt.Sprintf("%q is not a district number", v))
			}
			e.Districts = []int{n}
		}
		if v := cell("topic"); v != "" {
			e.Topics = []string{v}
		}
		out = append(out, e)
		if len(out) > maxEntries {
			return nil, append(errs, web.RowError{Line: line, Field: "file", Reason: fmt.Sprintf("more than %d rows", maxEntries)})
		}
		if len(errs) > 100 {
			return nil, errs
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return out, nil
}

func parseDate(v string) (time.Time, error) {
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, nil
		}
	}
	return time.Time{}, errors.New("bad date")
}

// ReadGeoJSON reads a FeatureCollection of road works: each feature has a
// Point or LineString geometry and properties id, title, and optionally
// description (the place in words), summary, starts_at, ends_at, streets
// (an array), detour, district.
func ReadGeoJSON(r io.Reader) ([]Entry, error) {
	var fc struct {
		Type     string `json:"type"`
		Features []struct {
			ID         json.RawMessage `json:"id"`
			Geometry   json.RawMessage `json:"geometry"`
			Properties struct {
				ID          json.RawMessage `json:"id"`
				Title       string          `json:"title"`
				Summary     string          `json:"summary"`
				Description string          `json:"description"`
				StartsAt    string          `json:"starts_at"`
				EndsAt      string          `json:"ends_at"`
				Streets     []string        `json:"streets"`
				District    int             `json:"district"`
			} `json:"properties"`
		} `json:"features"`
	}
	data, err := io.ReadAll(io.LimitReader(r, 16<<20))
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(data, &fc); err != nil {
		line := 1
		if se, ok := errors.AsType[*json.SyntaxError](err); ok {
			line += strings.Count(string(data[:min(int(se.Offset), len(data))]), "\n")
		}
		return nil, &LineError{Line: line, Reason: "not valid JSON: " + err.Error()}
	}
	if fc.Type != "FeatureCollection" {
		return nil, &LineError{Line: 1, Reason: "not a GeoJSON FeatureCollection"}
	}
	var out []Entry
	for i, f := range fc.Features {
		p := f.Properties
		e := Entry{Kind: "roadwork", SourceID: rawID(f.ID), Title: clean(p.Title), Summary: clean(p.Summary),
			GeometryText: clean(p.Description), Streets: p.Streets}
		if e.SourceID == "" {
			e.SourceID = rawID(p.ID)
		}
		if len(f.Geometry) > 0 && string(f.Geometry) != "null" {
			e.Geometry = string(f.Geometry)
		}
		if e.GeometryText == "" && len(p.Streets) > 0 {
			e.GeometryText = strings.Join(p.Streets, ", ")
		}
		for _, d := range []struct {
			v  string
			to *time.Time
		}{{p.StartsAt, &e.StartsAt}, {p.EndsAt, &e.EndsAt}} {
			if d.v == "" {
				continue
			}
			t, err := time.Parse(time.RFC3339, d.v)
			if err != nil {
				if t, err = parseDate(d.v); err != nil {
					return nil, fmt.Errorf("ingest: feature %d: date %q is not RFC 3339 or YYYY-MM-DD", i+1, d.v)
				}
			}
			*d.to = t.UTC()
		}
		if p.District > 0 {
			e.Districts = []int{p.District}
		}
		if err := check(e, i); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return limit(out)
}

// rawID is a GeoJSON id (a string or a number) as text.
func rawID(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return strings.TrimSpace(s)
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}
