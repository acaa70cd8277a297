package web

import (
	"strings"
	"testing"
)

func TestMarkdownIsSafe(t *testing.T) {
	out := string(Markdown("**bold** <script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>\n\n- a\n- b", 0))
	for _, bad := range []string{"<script", "javascript:", "onerror"} {
		if strings.Contains(out, bad) {
			t.Errorf("%q survived: %s", bad, out)
		}
	}
	if !strings.Contains(out, "<strong>bold</strong>") || !strings.Contains(out, "<li>a</li>") {
		t.Errorf("markdown lost: %s", out)
	}
	if out := string(Markdown("see https://example.org", 0)); !strings.Contains(out, `href="https://example.org" rel="nofollow"`) {
		t.Errorf("a link is not nofollow: %s", out)
	}
}

func TestMarkdownShiftsHeadings(t *testing.T) {
	src := "# One\n\n## Two\n\n###### Six"
	tests := []struct {
		shift int
		want  []string
	}{
		{0, []string{"<h1", "<h2", "<h6"}},
		{1, []string{"<h2", "<h3", "<h6"}},
		{2, []string{"<h3", "<h4", "<h6"}},
		{-1, []string{"<h1", "<h2"}},       // below 0 is 0
		{9, []string{"<h4", "<h5", "<h6"}}, // above the most is the most
	}
	for _, tt := range tests {
		out := string(Markdown(src, tt.shift))
		for _, w := range tt.want {
			if !strings.Contains(out, w) {
				t.Errorf("shift %d: no %s in %s", tt.shift, w, out)
			}
		}
		if tt.shift > 0 && strings.Contains(out, "<h1") {
			t.Errorf("shift %d: an h1 is left: %s", tt.shift, out)
		}
	}
}
