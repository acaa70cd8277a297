package reports

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/web"
)

// Atom feeds (RFC 4287): the newest reports of one district at
// /reports/feed/{slug}.atom, and of the whole city at /reports/feed/all.atom.

type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang    string      `xml:"xml:lang,attr"`
	Title   string      `xml:"title"`
	ID      string      `xml:"id"`
	Links   []atomLink  `xml:"link"`
	Updated string      `xml:"updated"`
	Author  atomAuthor  `xml:"author"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomAuthor struct {
	Name string `xml:"name"`
}

type atomEntry struct {
	Title     string       `xml:"title"`
	ID        string       `xml:"id"`
	Link      atomLink     `xml:"link"`
	Published string       `xml:"published"`
	Updated   string       `xml:"updated"`
	Category  atomCategory `xml:"category"`
	Summary   string       `xml:"summary"`
}

type atomCategory struct {
	Term  string `xml:"term,attr"`
	Label string `xml:"label,attr"`
}

const feedSize = 50

func (h *Handler) handleFeed(w http.ResponseWriter, r *http.Request) error {
	ctx, lang := r.Context(), web.Lang(r.Context())
	slug, ok := strings.CutSuffix(r.PathValue("file"), ".atom")
	if !ok {
		return apperr.E(apperr.NotFound, "reports.error.no_feed")
	}
	base := h.Open311.baseURL(r)
	f := Filter{Limit: feedSize}
	title := h.Site.Catalog.T(lang, "reports.feed.city", h.Site.Name)
	alternate := base + "/reports"
	if slug != "all" {
		d, ok := h.Service.Districts.BySlug(slug)
		if !ok {
			return apperr.E(apperr.NotFound, "reports.error.no_feed")
		}
		f.Districts = []int{d.Number}
		title = h.Site.Catalog.T(lang, "reports.feed.district", d.Numeral, d.Name)
		alternate += "?district=" + d.Slug
	}
	cases, err := h.Service.List(ctx, f)
	if err != nil {
		return err
	}
	names, _, err := h.categoryNames(r, true)
	if err != nil {
		return err
	}
	self := base + "/reports/feed/" + slug + ".atom"
	feed := atomFeed{Lang: lang, Title: title, ID: self, Author: atomAuthor{Name: h.Site.Name},
		Links: []atomLink{{Rel: "self", Type: "application/atom+xml", Href: self}, {Rel: "alternate", Type: "text/html", Href: alternate}}}
	updated := time.Unix(0, 0)
	for _, c := range cases {
		if c.UpdatedAt.After(updated) {
			updated = c.UpdatedAt
		}
		link := fmt.Sprintf("%s/reports/%d", base, c.Number)
		status := h.Site.Catalog.T(lang, "reports.status."+string(c.Status))
		entryTitle := fmt.Sprintf("%d: %s — %s", c.Number, names[c.Category], status)
		if c.Address != "" {
			entryTitle += " (" + c.Address + ")"
		}
		feed.Entries = append(feed.Entries, atomEntry{
			Title: entryTitle, ID: link, Link: atomLink{Href: link},
			Published: c.CreatedAt.UTC().Format(time.RFC3339), Updated: c.UpdatedAt.UTC().Format(time.RFC3339),
			Category: atomCategory{Term: c.Category, Label: names[c.Category]}, Summary: c.Description,
		})
	}
	feed.Updated = updated.UTC().Format(time.RFC3339)
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(feed); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, err = w.Write(buf.Bytes())
	return err
}
