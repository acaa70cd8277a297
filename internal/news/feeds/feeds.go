// Package feeds writes the syndication formats the information hub
// offers: Atom 1.0 (RFC 4287), RSS 2.0, JSON Feed 1.1 and iCalendar
// (RFC 5545). It knows nothing of news: callers fill Feed and Calendar.
package feeds

import (
	"encoding/json"
	"encoding/xml"
	"io"
	"strings"
	"time"
)

// Feed is a list of entries, newest first.
type Feed struct {
	Title    string
	Subtitle string
	// Link is the page the feed follows; Self is the feed's own URL (also
	// its id).
	Link, Self string
	Lang       string
	Updated    time.Time
	Entries    []Entry
}

// Entry is one item of a feed.
type Entry struct {
	ID, URL, Title, Summary string
	// ContentHTML is the entry's body as safe HTML.
	ContentHTML string
	Published   time.Time
	Updated     time.Time
	Categories  []string
}

type atomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
}

type atomText struct {
	Type string `xml:"type,attr,omitempty"`
	Text string `xml:",chardata"`
}

type atomCategory struct {
	Term string `xml:"term,attr"`
}

type atomEntry struct {
	Title      string         `xml:"title"`
	ID         string         `xml:"id"`
	Links      []atomLink     `xml:"link"`
	Published  string         `xml:"published,omitempty"`
	Updated    string         `xml:"updated"`
	Summary    *atomText      `xml:"summary,omitempty"`
	Content    *atomText      `xml:"content,omitempty"`
	Categories []atomCategory `xml:"category"`
}

type atomFeed struct {
	XMLName  xml.Name   `xml:"http://www.w3.org/2005/Atom feed"`
	Lang     string     `xml:"xml:lang,attr,omitempty"`
	Title    string     `xml:"title"`
	Subtitle string     `xml:"subtitle,omitempty"`
	ID       string     `xml:"id"`
	Updated  string     `xml:"updated"`
	Links    []atomLink `xml:"link"`
	Author   struct {
		Name string `xml:"name"`
	} `xml:"author"`
	Entries []atomEntry `xml:"entry"`
}

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// WriteAtom writes f as Atom 1.0.
func WriteAtom(w io.Writer, f Feed) error {
	a := atomFeed{Lang: f.Lang, Title: f.Title, Subtitle: f.Subtitle, ID: f.Self, Updated: rfc3339(f.Updated),
		Links: []atomLink{{Href: f.Self, Rel: "self", Type: "application/atom+xml"}, {Href: f.Link, Rel: "alternate", Type: "text/html"}}}
	a.Author.Name = f.Title
	for _, e := range f.Entries {
		ae := atomEntry{Title: e.Title, ID: e.ID, Links: []atomLink{{Href: e.URL, Rel: "alternate", Type: "text/html"}},
			Updated: rfc3339(e.Updated)}
		if !e.Published.IsZero() {
			ae.Published = rfc3339(e.Published)
		}
		if e.Summary != "" {
			ae.Summary = &atomText{Type: "text", Text: e.Summary}
		}
		if e.ContentHTML != "" {
			ae.Content = &atomText{Type: "html", Text: e.ContentHTML}
		}
		for _, c := range e.Categories {
			ae.Categories = append(ae.Categories, atomCategory{Term: c})
		}
		a.Entries = append(a.Entries, ae)
	}
	return writeXML(w, a)
}

func writeXML(w io.Writer, v any) error {
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", " ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	return enc.Close()
}

type rssItem struct {
	Title       string   `xml:"title"`
	Link        string   `xml:"link"`
	GUID        rssGUID  `xml:"guid"`
	PubDate     string   `xml:"pubDate"`
	Description string   `xml:"description"`
	Categories  []string `xml:"category"`
}

type rssGUID struct {
	IsPermaLink bool   `xml:"isPermaLink,attr"`
	ID          string `xml:",chardata"`
}

type rss struct {
	XMLName xml.Name `xml:"rss"`
	Version string   `xml:"version,attr"`
	Atom    string   `xml:"xmlns:atom,attr"`
	Channel struct {
		Title       string `xml:"title"`
		Link        string `xml:"link"`
		Description string `xml:"description"`
		Language    string `xml:"language,omitempty"`
		Self        struct {
			Href string `xml:"href,attr"`
			Rel  string `xml:"rel,attr"`
			Type string `xml:"type,attr"`
		} `xml:"atom:link"`
		LastBuildDate string    `xml:"lastBuildDate"`
		Items         []rssItem `xml:"item"`
	} `xml:"channel"`
}

// WriteRSS writes f as RSS 2.0 (with the Atom self link feed validators ask
// for).
func WriteRSS(w io.Writer, f Feed) error {
	var r rss
	r.Version, r.Atom = "2.0", "http://www.w3.org/2005/Atom"
	c := &r.Channel
	c.Title, c.Link, c.Description, c.Language = f.Title, f.Link, f.Subtitle, f.Lang
	if c.Description == "" {
		c.Description = f.Title
	}
	c.Self.Href, c.Self.Rel, c.Self.Type = f.Self, "self", "application/rss+xml"
	c.LastBuildDate = f.Updated.UTC().Format(time.RFC1123Z)
	for _, e := range f.Entries {
		desc := e.ContentHTML
		if desc == "" {
			desc = e.Summary
		}
		c.Items = append(c.Items, rssItem{Title: e.Title, Link: e.URL, GUID: rssGUID{ID: e.ID},
			PubDate: e.Published.UTC().Format(time.RFC1123Z), Description: desc, Categories: e.Categories})
	}
	return writeXML(w, r)
}

// WriteJSONFeed writes f as JSON Feed 1.1.
func WriteJSONFeed(w io.Writer, f Feed) error {
	type item struct {
		ID            string   `json:"id"`
		URL           string   `json:"url"`
		Title         string   `json:"title"`
		Summary       string   `json:"summary,omitempty"`
		ContentHTML   string   `json:"content_html"`
		DatePublished string   `json:"date_published,omitempty"`
		DateModified  string   `json:"date_modified,omitempty"`
		Tags          []string `json:"tags,omitempty"`
	}
	out := struct {
		Version     string `json:"version"`
		Title       string `json:"title"`
		HomePageURL string `json:"home_page_url"`
		FeedURL     string `json:"feed_url"`
		Description string `json:"description,omitempty"`
		Language    string `json:"language,omitempty"`
		Items       []item `json:"items"`
	}{Version: "https://jsonfeed.org/version/1.1", Title: f.Title, HomePageURL: f.Link, FeedURL: f.Self,
		Description: f.Subtitle, Language: f.Lang, Items: []item{}}
	for _, e := range f.Entries {
		it := item{ID: e.ID, URL: e.URL, Title: e.Title, Summary: e.Summary, ContentHTML: e.ContentHTML, Tags: e.Categories,
			DateModified: rfc3339(e.Updated)}
		if it.ContentHTML == "" {
			it.ContentHTML = escapeHTML(e.Summary)
		}
		if !e.Published.IsZero() {
			it.DatePublished = rfc3339(e.Published)
		}
		out.Items = append(out.Items, it)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	return enc.Encode(out)
}

func escapeHTML(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}
