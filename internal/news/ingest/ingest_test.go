package ingest

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/civitas-city/civitas/internal/web"
)

const rss = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>MPK</title>
<item><guid>mpk-1</guid><title>Zmiana trasy linii 8</title><link>https://mpk.example/1</link>
<description>&lt;p&gt;Tramwaje &lt;b&gt;objazdem&lt;/b&gt;&lt;/p&gt;</description><category>transport</category></item>
<item><link>https://mpk.example/2</link><title>Nocne autobusy</title></item>
</channel></rss>`

const atom = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>ZZM</title><id>urn:zzm</id><updated>2027-05-01T00:00:00Z</updated>
<entry><id>urn:zzm:1</id><title>Sadzenie drzew</title><link href="https://zzm.example/1"/><updated>2027-05-01T00:00:00Z</updated>
<content type="html">&lt;p&gt;Na Plantach&lt;/p&gt;</content></entry></feed>`

const ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:ev-1@kultura\r\nSUMMARY:Koncert\\, plener\r\nDTSTART;TZID=Europe/Warsaw:20270601T180000\r\n" +
	"DTEND:20270601T200000Z\r\nLOCATION:Park Jordana\r\nDESCRIPTION:Wstęp wolny.\\nZapraszamy\r\n  wszystkich\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"

const geojson = `{"type":"FeatureCollection","features":[
 {"type":"Feature","id":17,"geometry":{"type":"Point","coordinates":[19.94,50.06]},
  "properties":{"title":"Wymiana rur","starts_at":"2027-06-01","ends_at":"2027-06-10T18:00:00+02:00","streets":["Długa"],"district":2}}]}`

func TestReadSources(t *testing.T) {
	es, err := ReadFeed(strings.NewReader(rss))
	if err != nil || len(es) != 2 || es[0].SourceID != "mpk-1" || es[0].Summary != "Tramwaje objazdem" || es[1].SourceID != "https://mpk.example/2" ||
		es[0].Topics[0] != "transport" {
		t.Errorf("rss: %+v %v", es, err)
	}
	es, err = ReadFeed(strings.NewReader(atom))
	if err != nil || len(es) != 1 || es[0].SourceID != "urn:zzm:1" || es[0].Link != "https://zzm.example/1" || es[0].Summary != "Na Plantach" {
		t.Errorf("atom: %+v %v", es, err)
	}
	es, err = ReadICalendar(strings.NewReader(ics))
	if err != nil || len(es) != 1 || es[0].Title != "Koncert, plener" || es[0].Place != "Park Jordana" ||
		!es[0].StartsAt.Equal(time.Date(2027, 6, 1, 16, 0, 0, 0, time.UTC)) || es[0].Summary != "Wstęp wolny.\nZapraszamy wszystkich" {
		t.Errorf("ical: %+v %v", es, err)
	}
	es, err = ReadGeoJSON(strings.NewReader(geojson))
	if err != nil || len(es) != 1 || es[0].SourceID != "17" || es[0].Kind != "roadwork" || es[0].GeometryText != "Długa" ||
		!es[0].EndsAt.Equal(time.Date(2027, 6, 10, 16, 0, 0, 0, time.UTC)) || es[0].Districts[0] != 2 {
		t.Errorf("geojson: %+v %v", es, err)
	}
	es, errs := ReadCSV(strings.NewReader("id;title;kind;starts_at;streets;district\nr1;Remont;roadwork;2027-06-01;Długa|Basztowa;2\n"))
	if len(errs) != 0 || len(es) != 1 || len(es[0].Streets) != 2 || es[0].Districts[0] != 2 {
		t.Errorf("csv: %+v %v", es, errs)
	}
}

func TestMalformedSourcesNamedByLine(t *testing.T) {
	for _, c := range []struct {
		format, src, want string
	}{
		{"feed", "<rss><channel>\n<item><title>x</title>\n</channel></rss>", "line 3:"},
		{"feed", "<html><body>nope</body></html>", "neither RSS nor Atom"},
		{"feed", `<rss><channel><item><title>no id</title></item></channel></rss>`, "item 1 has no id"},
		{"ical", "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:1\nSUMMARY:x\nDTSTART:2027-06-01\nEND:VEVENT\nEND:VCALENDAR\n", "line 5: DTSTART"},
		{"ical", "BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:x\nEND:VEVENT\n", "line 2: VEVENT without UID"},
		{"geojson", "{\"type\":\"FeatureCollection\",\n\"features\":[}", "line 2:"},
		{"csv", "id,title,starts_at\na,A,2027-13-01\na,,\n", "line 2: starts_at"},
	} {
		_, err := Read(c.format, strings.NewReader(c.src))
		msg := ""
		if fe, ok := errors.AsType[*web.FileError](err); ok {
			for _, e := range fe.Errors {
				msg += e.String() + "; "
			}
		} else if err != nil {
			msg = err.Error()
		}
		if !strings.Contains(msg, c.want) {
			t.Errorf("%s %q: %q, want %q", c.format, c.src, msg, c.want)
		}
	}
}

// The readers never panic, and an accepted entry always has an id and a
// title.
func fuzzReader(f *testing.F, format string, seeds ...string) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		es, err := Read(format, strings.NewReader(string(data)))
		if err != nil {
			return
		}
		for _, e := range es {
			if e.SourceID == "" || e.Title == "" {
				t.Fatalf("accepted %+v", e)
			}
		}
	})
}

func FuzzReadFeed(f *testing.F) { fuzzReader(f, "feed", rss, atom, "<rss>", "<feed><entry/></feed>") }
func FuzzReadICalendar(f *testing.F) {
	fuzzReader(f, "ical", ics, "BEGIN:VCALENDAR\nBEGIN:VEVENT\n END:VEVENT")
}
func FuzzReadGeoJSON(f *testing.F) {
	fuzzReader(f, "geojson", geojson, `{"type":"FeatureCollection","features":[{"id":"a","properties":{"title":"t"}}]}`)
}
func FuzzReadCSV(f *testing.F) {
	fuzzReader(f, "csv", "id,title\na,b\n", "id;title;district\nx;y;-1\n", "\"")
}
