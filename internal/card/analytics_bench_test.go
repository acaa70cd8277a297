package card

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/civitas-city/civitas/internal/accounts/pesel"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/db/dbtest"
)

// BenchmarkAnalytics reads the analytics of the last 30 days (and the 30
// before) from the rollups of a simulated year: 2,000 holders, 50
// partners, about 1,000 uses a day (some 365,000 events). SQLite; with
// CIVITAS_TEST_POSTGRES also PostgreSQL.
func BenchmarkAnalytics(b *testing.B) {
	for _, engine := range []db.Dialect{db.SQLite, db.Postgres} {
		b.Run(string(engine), func(b *testing.B) {
			d, err := db.Open(b.Context(), dbtest.DSN(b, engine))
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { d.Close() })
			if _, err := db.Migrate(b.Context(), d); err != nil {
				b.Fatal(err)
			}
			s := &Service{DB: d, Key: []byte(testKey), Now: func() time.Time { return testNow }}
			var csv strings.Builder
			csv.WriteString("pesel,kind,family_size,valid_from,valid_to,district\n")
			for i := range 2000 {
				p := pesel.Generate(time.Date(1940, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i*11), i%900, i%2 == 0)
				fmt.Fprintf(&csv, "%s,basic,,2026-01-01,2027-12-31,%d\n", p, 1+i%18)
			}
			if _, err := s.Import(b.Context(), strings.NewReader(csv.String()), ImportOptions{FileName: "bench.csv"}); err != nil {
				b.Fatal(err)
			}
			if _, err := SeedCatalogue(b.Context(), s, testNow); err != nil {
				b.Fatal(err)
			}
			res, err := s.Simulate(b.Context(), SimulateOptions{Days: 365, PerDay: 1000, Seed: 3})
			if err != nil {
				b.Fatal(err)
			}
			from, to := date(2027, 4, 3), date(2027, 5, 2)
			for b.Loop() {
				if _, err := s.Analytics(b.Context(), from, to); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(res.Events), "events")
		})
	}
}
