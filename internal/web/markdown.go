package web

import (
	"bytes"
	"html/template"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	gtext "github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Text that residents and officers write (project descriptions,
// consultation documents) is Markdown. goldmark renders it with raw HTML
// off (escaped, never passed through); bluemonday's policy for user content
// then removes whatever could still do harm (javascript: links, event
// attributes) and makes links nofollow. This is the one sanitizer policy.
var sanitizer = func() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.RequireNoFollowOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(false)
	return p
}()

// MaxHeadingShift is the most levels Markdown may push headings down.
const MaxHeadingShift = 3

// markdowns are the renderers by heading shift (index = levels added).
var markdowns = func() []goldmark.Markdown {
	out := make([]goldmark.Markdown, MaxHeadingShift+1)
	for i := range out {
		out[i] = goldmark.New(
			goldmark.WithExtensions(extension.Linkify, extension.Strikethrough, extension.Table),
			goldmark.WithParserOptions(parser.WithASTTransformers(util.Prioritized(headingShift(i), 100))),
		)
	}
	return out
}()

// headingShift adds n to every heading's level, up to 6.
type headingShift int

func (h headingShift) Transform(doc *ast.Document, _ gtext.Reader, _ parser.Context) {
	if h == 0 {
		return
	}
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if hd, ok := n.(*ast.Heading); ok && entering {
			hd.Level = min(hd.Level+int(h), 6)
		}
		return ast.WalkContinue, nil
	})
}

// Markdown turns Markdown into safe HTML. Its headings are pushed down by
// shift levels (0 to MaxHeadingShift), so that they fit under the page's
// own: with shift 1 an "# Heading" is an h2, never a second h1.
func Markdown(src string, shift int) template.HTML {
	shift = max(0, min(shift, MaxHeadingShift))
	var buf bytes.Buffer
	if err := markdowns[shift].Convert([]byte(src), &buf); err != nil {
		return template.HTML(template.HTMLEscapeString(src))
	}
	// The sanitizer's output is safe to put into a page as is.
	return template.HTML(sanitizer.SanitizeBytes(buf.Bytes()))
}
