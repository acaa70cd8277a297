package card

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// SeedDemo imports an eligibility list for the demo register: every
// resident gets a basic card valid this year and next, and every seventh
// (and the demo's verified resident, the first PESEL) a family card of 3
// to 6 as well. Running it again in the same year changes nothing (the
// same file is one import).
func SeedDemo(ctx context.Context, s *Service, pesels []string, now time.Time) error {
	from := time.Date(now.Year(), 1, 1, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
	to := time.Date(now.Year()+1, 12, 31, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
	var b strings.Builder
	b.WriteString(strings.Join(columns, ",") + "\n")
	for i, p := range pesels {
		fmt.Fprintf(&b, "%s,basic,,%s,%s\n", p, from, to)
		if i%7 == 0 {
			fmt.Fprintf(&b, "%s,family,%d,%s,%s\n", p, 3+i%4, from, to)
		}
	}
	_, err := s.Import(ctx, strings.NewReader(b.String()), ImportOptions{FileName: "demo-eligibility.csv", Actor: "civitas demo"})
	return err
}
