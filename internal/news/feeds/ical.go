package feeds

import (
	"bufio"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Calendar is an iCalendar (RFC 5545) calendar of events.
type Calendar struct {
	Name   string
	ProdID string // e.g. "-//Civitas//News//PL"
	Events []CalEvent
}

// CalEvent is one VEVENT.
type CalEvent struct {
	UID                            string
	Summary, Description, Location string
	URL                            string
	Categories                     []string
	// Start and End; AllDay writes them as dates (End is then the day
	// after the last, as RFC 5545 wants). A zero End writes none.
	Start, End time.Time
	AllDay     bool
	Stamp      time.Time // when the event was last changed
	// Geo is latitude and longitude, when the event has a point.
	Geo *[2]float64
}

// WriteICalendar writes c as iCalendar: CRLF line ends, lines folded at
// 75 octets, text escaped.
func WriteICalendar(w io.Writer, c Calendar) error {
	bw := bufio.NewWriter(w)
	line := func(name, value string) { writeFolded(bw, name+":"+value) }
	line("BEGIN", "VCALENDAR")
	line("VERSION", "2.0")
	line("PRODID", c.ProdID)
	line("CALSCALE", "GREGORIAN")
	if c.Name != "" {
		line("X-WR-CALNAME", escapeText(c.Name))
	}
	for _, e := range c.Events {
		line("BEGIN", "VEVENT")
		line("UID", e.UID)
		line("DTSTAMP", icalTime(e.Stamp))
		if e.AllDay {
			writeFolded(bw, "DTSTART;VALUE=DATE:"+e.Start.Format("20060102"))
			if !e.End.IsZero() {
				writeFolded(bw, "DTEND;VALUE=DATE:"+e.End.Format("20060102"))
			}
		} else {
			line("DTSTART", icalTime(e.Start))
			if !e.End.IsZero() {
				line("DTEND", icalTime(e.End))
			}
		}
		line("SUMMARY", escapeText(e.Summary))
		if e.Description != "" {
			line("DESCRIPTION", escapeText(e.Description))
		}
		if e.Location != "" {
			line("LOCATION", escapeText(e.Location))
		}
		if e.Geo != nil {
			line("GEO", strconv.FormatFloat(e.Geo[0], 'f', 6, 64)+";"+strconv.FormatFloat(e.Geo[1], 'f', 6, 64))
		}
		if e.URL != "" {
			line("URL", e.URL)
		}
		if len(e.Categories) > 0 {
			cats := make([]string, len(e.Categories))
			for i, c := range e.Categories {
				cats[i] = escapeText(c)
			}
			line("CATEGORIES", strings.Join(cats, ","))
		}
		line("END", "VEVENT")
	}
	line("END", "VCALENDAR")
	return bw.Flush()
}

func icalTime(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

// escapeText escapes a TEXT value (RFC 5545 3.3.11).
func escapeText(s string) string {
	return strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`).Replace(s)
}

// writeFolded writes a content line, folded so that no line is longer than
// 75 octets, never inside a UTF-8 sequence (RFC 5545 3.1).
func writeFolded(w *bufio.Writer, s string) {
	limit := 75
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		w.WriteString(s[:cut])
		w.WriteString("\r\n ")
		s = s[cut:]
		limit = 74 // the leading space counts
	}
	w.WriteString(s)
	w.WriteString("\r\n")
}
