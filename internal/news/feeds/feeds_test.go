package feeds

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var at = time.Date(2027, 5, 10, 9, 30, 0, 0, time.UTC)

// sample has what trips writers up: Polish and Ukrainian letters, markup
// characters, a long line, separators iCalendar must escape.
var sample = Feed{
	Title: "Aktualności — Dzielnica XIII Podgórze", Link: "https://civitas.example/news?district=13",
	Self: "https://civitas.example/news/feed.atom?district=13", Lang: "pl", Updated: at,
	Entries: []Entry{
		{ID: "https://civitas.example/news/remont-kalwaryjskiej", URL: "https://civitas.example/news/remont-kalwaryjskiej",
			Title: "Remont ul. Kalwaryjskiej <od poniedziałku> & objazd", Summary: "Zamknięty pas; objazd, ulicą Limanowskiego.",
			ContentHTML: "<p>Żółty <strong>objazd</strong></p>", Published: at, Updated: at, Categories: []string{"roads", "transport"}},
		{ID: "https://civitas.example/news/koncert", URL: "https://civitas.example/news/koncert",
			Title: "Концерт у парку", Summary: "Вхід вільний", Published: at.Add(-time.Hour), Updated: at.Add(-time.Hour)},
	},
}

var sampleCal = Calendar{Name: "Wydarzenia", ProdID: "-//Civitas//News//PL", Events: []CalEvent{
	{UID: "a@civitas.example", Summary: "Remont ul. Kalwaryjskiej; objazd, uwaga", Location: "Kalwaryjska, Podgórze",
		Description: strings.Repeat("Zażółć gęślą jaźń. ", 12) + "\nDruga linia", Start: at, End: at.Add(30 * 24 * time.Hour),
		Stamp: at, URL: "https://civitas.example/news/remont", Geo: &[2]float64{50.04, 19.95}, Categories: []string{"roads"}},
	{UID: "b@civitas.example", Summary: "Odbiór odpadów: papier", Start: time.Date(2027, 5, 12, 0, 0, 0, 0, time.UTC),
		End: time.Date(2027, 5, 13, 0, 0, 0, 0, time.UTC), AllDay: true, Stamp: at},
}}

func loadExpected(t *testing.T) map[string]any {
	t.Helper()
	b, err := os.ReadFile("testdata/expected.json")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func render(t *testing.T, kind string) []byte {
	t.Helper()
	var buf bytes.Buffer
	var err error
	switch kind {
	case "atom":
		err = WriteAtom(&buf, sample)
	case "rss":
		err = WriteRSS(&buf, sample)
	case "json":
		err = WriteJSONFeed(&buf, sample)
	case "ics":
		err = WriteICalendar(&buf, sampleCal)
	}
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// same compares a parsed summary with the expected one as JSON values.
func same(t *testing.T, what string, got any, want any) {
	t.Helper()
	g, _ := json.Marshal(got)
	w, _ := json.Marshal(want)
	var gv, wv any
	json.Unmarshal(g, &gv)
	json.Unmarshal(w, &wv)
	gb, _ := json.Marshal(gv)
	wb, _ := json.Marshal(wv)
	if string(gb) != string(wb) {
		t.Errorf("%s:\n got  %s\n want %s", what, gb, wb)
	}
}

// TestStructure reads every format back in Go: always runs.
func TestStructure(t *testing.T) {
	exp := loadExpected(t)
	var atom struct {
		Title   string `xml:"title"`
		Entries []struct {
			ID    string `xml:"id"`
			Title string `xml:"title"`
			Link  struct {
				Href string `xml:"href,attr"`
			} `xml:"link"`
			Cats []struct {
				Term string `xml:"term,attr"`
			} `xml:"category"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal(render(t, "atom"), &atom); err != nil {
		t.Fatal(err)
	}
	summary := func(title string, n int, get func(i int) (id, title, link string, tags []string), version string) map[string]any {
		var entries []any
		for i := range n {
			id, ti, link, tags := get(i)
			if tags == nil {
				tags = []string{}
			}
			entries = append(entries, map[string]any{"id": id, "title": ti, "link": link, "tags": tags})
		}
		return map[string]any{"version": version, "title": title, "entries": entries}
	}
	same(t, "atom", summary(atom.Title, len(atom.Entries), func(i int) (string, string, string, []string) {
		e := atom.Entries[i]
		var tags []string
		for _, c := range e.Cats {
			tags = append(tags, c.Term)
		}
		return e.ID, e.Title, e.Link.Href, tags
	}, "atom10"), exp["atom"])

	var rss struct {
		Channel struct {
			Title string `xml:"title"`
			Items []struct {
				GUID  string   `xml:"guid"`
				Title string   `xml:"title"`
				Link  string   `xml:"link"`
				Cats  []string `xml:"category"`
			} `xml:"item"`
		} `xml:"channel"`
	}
	if err := xml.Unmarshal(render(t, "rss"), &rss); err != nil {
		t.Fatal(err)
	}
	same(t, "rss", summary(rss.Channel.Title, len(rss.Channel.Items), func(i int) (string, string, string, []string) {
		e := rss.Channel.Items[i]
		return e.GUID, e.Title, e.Link, e.Cats
	}, "rss20"), exp["rss"])

	var jf struct {
		Version string `json:"version"`
		Title   string `json:"title"`
		Items   []struct {
			ID, URL, Title string
			ContentHTML    string   `json:"content_html"`
			Tags           []string `json:"tags"`
		} `json:"items"`
	}
	if err := json.Unmarshal(render(t, "json"), &jf); err != nil {
		t.Fatal(err)
	}
	if jf.Version != "https://jsonfeed.org/version/1.1" || len(jf.Items) != 2 || jf.Items[1].ContentHTML == "" {
		t.Errorf("JSON Feed: %+v", jf)
	}
	same(t, "json feed", summary(jf.Title, len(jf.Items), func(i int) (string, string, string, []string) {
		e := jf.Items[i]
		return e.ID, e.Title, e.URL, e.Tags
	}, "atom10"), exp["atom"]) // the same entries as the Atom feed

	ics := render(t, "ics")
	for i, l := range strings.Split(strings.TrimSuffix(string(ics), "\r\n"), "\r\n") {
		if len(l) > 75 || strings.ContainsAny(l, "\r\n") {
			t.Errorf("iCalendar line %d is %d octets or has a bare line break: %q", i+1, len(l), l)
		}
	}
	same(t, "ics", readICS(t, ics), exp["ics"])
}

// readICS is a small RFC 5545 reader: unfold, split properties, unescape.
func readICS(t *testing.T, b []byte) map[string]any {
	t.Helper()
	text := strings.ReplaceAll(string(b), "\r\n ", "")
	var events []any
	var cur map[string]string
	for _, l := range strings.Split(text, "\r\n") {
		name, value, _ := strings.Cut(l, ":")
		name, params, _ := strings.Cut(name, ";")
		switch {
		case l == "BEGIN:VEVENT":
			cur = map[string]string{}
		case l == "END:VEVENT":
			start, end := icsTime(cur["DTSTART"], cur["DTSTART;"]), icsTime(cur["DTEND"], cur["DTEND;"])
			events = append(events, map[string]any{"uid": cur["UID"], "summary": cur["SUMMARY"], "location": cur["LOCATION"],
				"start": start, "end": end})
			cur = nil
		case cur != nil:
			value = strings.NewReplacer(`\n`, "\n", `\,`, ",", `\;`, ";", `\\`, `\`).Replace(value)
			cur[name] = value
			if params != "" {
				cur[name+";"] = params
			}
		}
	}
	return map[string]any{"events": events}
}

// icsTime is a DTSTART/DTEND value as Python's isoformat writes it.
func icsTime(v, params string) string {
	if v == "" {
		return ""
	}
	if params == "VALUE=DATE" {
		d, _ := time.Parse("20060102", v)
		return d.Format("2006-01-02")
	}
	d, _ := time.Parse("20060102T150405Z", v)
	return d.Format("2006-01-02T15:04:05") + "+00:00"
}

// TestRealParsers parses the feeds with feedparser and icalendar
// (/usr/bin/python3); skipped when they are not installed.
func TestRealParsers(t *testing.T) {
	const py = "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import feedparser, icalendar").Run(); err != nil {
		t.Skipf("%s with feedparser and icalendar is not available: %v", py, err)
	}
	exp := loadExpected(t)
	for _, kind := range []string{"atom", "rss", "ics"} {
		t.Run(kind, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "feed."+kind)
			if err := os.WriteFile(path, render(t, kind), 0o600); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command(py, "testdata/parse.py", kind, path).CombinedOutput()
			if err != nil {
				t.Fatalf("%s: %v\n%s", kind, err, out)
			}
			var got any
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatalf("%s: %v\n%s", kind, err, out)
			}
			same(t, kind+" (python)", got, exp[kind])
		})
	}
}
