package survey

import (
	"net/url"
	"testing"
)

// FuzzParsePage: any submitted form reads into answers for the page's
// questions only, or an error; then the page check never panics either.
func FuzzParsePage(f *testing.F) {
	def := demoQualityOfLife()
	sat := demoSatisfaction()
	for _, s := range []string{"areas_1=2&areas_2=9&priorities_1=1&priorities_2=1", "uses=1&uses=99&uses_other=x&moved_in=2020-01-01",
		"channel=1&nps=11", "nps=a&channel=", "visits=1e400&courtesy=-1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		form, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		for _, d := range []Definition{def, sat} {
			for p := range d.Pages() {
				given, err := ParsePage(d, p, form)
				if err != nil {
					continue
				}
				for k := range given {
					if q, ok := d.Question(k); !ok || q.Page != p {
						t.Fatalf("answer to %q, not on page %d", k, p)
					}
				}
				_ = d.CheckPage(p, nil, given)
			}
		}
	})
}
