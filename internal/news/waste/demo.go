package waste

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// DemoAddress is an address the demo schedule covers.
const DemoAddress = "Karmelicka 30"

// SeedDemo loads collection areas for a few streets and eight weeks of
// their schedule, through the same readers as an officer's import. It does
// nothing when there are areas already.
func SeedDemo(ctx context.Context, s *Service, actorID string) error {
	areas, err := s.Areas(ctx)
	if err != nil || len(areas) > 0 {
		return err
	}
	const areasCSV = `area,name,street,from,to,parity
SM-1,Stare Miasto — Kazimierz i Planty,ul. Floriańska,1,,all
SM-1,Stare Miasto — Kazimierz i Planty,ul. Józefa,1,,all
SM-2,Stare Miasto — Kleparz,ul. Długa,1,,all
KR-1,Krowodrza — Karmelicka,ul. Karmelicka,1,,all
KR-1,Krowodrza — Karmelicka,ul. Łobzowska,1,,all
PG-1,Podgórze — Kalwaryjska,ul. Kalwaryjska,1,,odd
PG-2,Podgórze — Kalwaryjska parzyste,ul. Kalwaryjska,2,,even
`
	if _, err := s.ImportAreas(ctx, actorID, strings.NewReader(areasCSV)); err != nil {
		return fmt.Errorf("waste demo areas: %w", err)
	}
	var b strings.Builder
	b.WriteString("area,kind,date\n")
	today := s.Today()
	for i, area := range []string{"SM-1", "SM-2", "KR-1", "PG-1", "PG-2"} {
		for week := range 8 {
			monday := today.AddDate(0, 0, -int(today.Weekday()-time.Monday+7)%7+7*week)
			day := func(offset int) string { return monday.AddDate(0, 0, (i+offset)%6).Format(time.DateOnly) }
			fmt.Fprintf(&b, "%s,mixed,%s\n%s,bio,%s\n", area, day(0), area, day(2))
			if week%2 == 0 {
				fmt.Fprintf(&b, "%s,paper,%s\n%s,plastic,%s\n", area, day(1), area, day(3))
			}
			if week%4 == 1 {
				fmt.Fprintf(&b, "%s,glass,%s\n", area, day(4))
			}
		}
		fmt.Fprintf(&b, "%s,bulky,%s\n", area, today.AddDate(0, 0, 20+i).Format(time.DateOnly))
	}
	if _, err := s.ImportSchedule(ctx, actorID, strings.NewReader(b.String())); err != nil {
		return fmt.Errorf("waste demo schedule: %w", err)
	}
	return nil
}
