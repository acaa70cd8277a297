package consult

import "strings"

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
