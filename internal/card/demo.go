package card

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// DemoHolder is a demo resident: their PESEL and district.
type DemoHolder struct {
	PESEL    string
	District int
}

// SeedDemo imports an eligibility list for the demo register: every
// resident gets a basic card valid this year and next, and every seventh
// (and the demo's verified resident, the first) a family card of 3 to 6
// as well. Running it again in the same year changes nothing (the same
// file is one import).
func SeedDemo(ctx context.Context, s *Service, holders []DemoHolder, now time.Time) error {
	from := time.Date(now.Year(), 1, 1, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
	to := time.Date(now.Year()+1, 12, 31, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
	var b strings.Builder
	b.WriteString(strings.Join(columns, ",") + ",district\n")
	for i, h := range holders {
		fmt.Fprintf(&b, "%s,basic,,%s,%s,%d\n", h.PESEL, from, to, h.District)
		if i%7 == 0 {
			fmt.Fprintf(&b, "%s,family,%d,%s,%s,%d\n", h.PESEL, 3+i%4, from, to, h.District)
		}
	}
	_, err := s.Import(ctx, strings.NewReader(b.String()), ImportOptions{FileName: "demo-eligibility.csv", Actor: "civitas demo"})
	return err
}

// SeedUsage simulates a year of use behind the demo's analytics (about 60
// uses a day), once: it does nothing when any event exists.
func SeedUsage(ctx context.Context, s *Service) error {
	var n int
	if err := s.DB.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM card_events LIMIT 1) x`).Scan(&n); err != nil {
		return fmt.Errorf("card: demo usage: %w", err)
	}
	if n > 0 {
		return nil
	}
	_, err := s.Simulate(ctx, SimulateOptions{Days: 365, PerDay: 60, Seed: 1})
	return err
}
