package web

import (
	"net/url"
	"strings"
	"testing"
)

func TestLocalPath(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"/", "/"},
		{"/budget/bo-krakow-2027/vote", "/budget/bo-krakow-2027/vote"},
		{"/reports?district=3&page=2#list", "/reports?district=3&page=2#list"},
		{"/szukaj/zażółć", "/szukaj/zażółć"},
		{"", "/"},
		{"budget", "/"},
		{"https://evil.example/", "/"},
		{"//evil.example", "/"},
		{"/\\evil.example", "/"},
		{"/\t/evil.example/phish", "/"}, // browsers drop the tab: //evil.example
		{"/\n/evil.example", "/"},
		{"/\r\n/evil.example", "/"},
		{"/ /evil.example", "/"},
		{"\x00/evil.example", "/"},
		{"/\x00/evil.example", "/"},
		{"/\u200b/evil.example", "/"}, // a zero-width space
		{"/\u202e/evil.example", "/"}, // a bidirectional override
		{"/\xff", "/"},
		{"/%09/evil.example", "/%09/evil.example"}, // still encoded: a path on this site
		{"/a//b", "/a//b"},
		{"/:x", "/:x"},
	} {
		if got := LocalPath(tc.in); got != tc.want {
			t.Errorf("LocalPath(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// FuzzLocalPath checks that whatever comes in, what goes out is "/" or a
// path that a browser resolves to this site's own host.
func FuzzLocalPath(f *testing.F) {
	for _, s := range []string{"/", "/a?b=c#d", "//x", "/\t/x", "/\\x", "https://x", "/%09/x", "\x01/x", "/ x"} {
		f.Add(s)
	}
	base, _ := url.Parse("https://civitas.example/account")
	f.Fuzz(func(t *testing.T, in string) {
		out := LocalPath(in)
		if out == "/" {
			return
		}
		if out != in {
			t.Fatalf("LocalPath(%q) = %q: a path is kept whole or refused", in, out)
		}
		// What browsers strip or fold before resolving.
		folded := strings.NewReplacer("\t", "", "\n", "", "\r", "", "\\", "/").Replace(strings.TrimSpace(out))
		if folded != out {
			t.Fatalf("LocalPath(%q) kept characters a browser removes or folds", in)
		}
		ref, err := url.Parse(out)
		if err != nil {
			t.Fatalf("LocalPath(%q) kept an unparsable URL: %v", in, err)
		}
		if u := base.ResolveReference(ref); u.Host != base.Host || u.Scheme != base.Scheme {
			t.Fatalf("LocalPath(%q) leads to %s", in, u)
		}
	})
}
