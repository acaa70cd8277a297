package budget

import (
	"bytes"
	"html/template"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// Project descriptions are Markdown written by residents. goldmark renders
// them with raw HTML off (it is escaped, not passed through), and
// bluemonday's policy for user content removes whatever could still do harm
// (javascript: links, event attributes), and makes links nofollow.
var (
	markdown  = goldmark.New(goldmark.WithExtensions(extension.Linkify, extension.Strikethrough, extension.Table))
	sanitizer = func() *bluemonday.Policy {
		p := bluemonday.UGCPolicy()
		p.RequireNoFollowOnLinks(true)
		p.AddTargetBlankToFullyQualifiedLinks(false)
		return p
	}()
)

// RenderMarkdown turns a description into safe HTML.
func RenderMarkdown(src string) template.HTML {
	var buf bytes.Buffer
	if err := markdown.Convert([]byte(src), &buf); err != nil {
		return template.HTML(template.HTMLEscapeString(src))
	}
	// The sanitizer's output is safe to put into a page as is.
	return template.HTML(sanitizer.SanitizeBytes(buf.Bytes()))
}
