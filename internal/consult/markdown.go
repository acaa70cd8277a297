package consult

import (
	"bytes"
	"html/template"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	gtext "github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Summaries, documents and reports are Markdown written by officers.
// goldmark renders them with raw HTML off (escaped, never passed through),
// bluemonday's policy for user content removes whatever could still harm,
// and headings are pushed down a level or more so they fit under the page's
// own headings (an "# Heading" in a document is never a second h1).
var sanitizer = func() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.RequireNoFollowOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(false)
	return p
}()

// markdowns are the renderers by heading offset (index = levels added).
var markdowns = func() []goldmark.Markdown {
	out := make([]goldmark.Markdown, 4)
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
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if hd, ok := n.(*ast.Heading); ok && entering {
			hd.Level = min(hd.Level+int(h), 6)
		}
		return ast.WalkContinue, nil
	})
}

// renderMarkdown turns Markdown into safe HTML, its headings shifted down
// by shift levels (0-3).
func renderMarkdown(src string, shift int) template.HTML {
	shift = max(0, min(shift, len(markdowns)-1))
	var buf bytes.Buffer
	if err := markdowns[shift].Convert([]byte(src), &buf); err != nil {
		return template.HTML(template.HTMLEscapeString(src))
	}
	// The sanitizer's output is safe to put into a page as is.
	return template.HTML(sanitizer.SanitizeBytes(buf.Bytes()))
}

// Paragraphs splits a document into the blocks residents comment on: runs
// of lines separated by blank lines. A fenced code block stays whole even
// when it holds blank lines. Paragraph n (from 1) is Paragraphs(body)[n-1].
func Paragraphs(body string) []string {
	body = strings.ReplaceAll(body, "\r\n", "\n")
	var (
		out   []string
		cur   []string
		fence string
	)
	flush := func() {
		if len(cur) > 0 {
			out = append(out, strings.Join(cur, "\n"))
			cur = nil
		}
	}
	for line := range strings.SplitSeq(body, "\n") {
		trimmed := strings.TrimSpace(line)
		if fence != "" {
			cur = append(cur, line)
			if strings.HasPrefix(trimmed, fence) {
				fence = ""
			}
			continue
		}
		if strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~") {
			fence = trimmed[:3]
			cur = append(cur, line)
			continue
		}
		if trimmed == "" {
			flush()
			continue
		}
		cur = append(cur, line)
	}
	flush()
	return out
}
