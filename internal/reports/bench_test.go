package reports_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/db/dbtest"
	"github.com/civitas-city/civitas/internal/reports"
)

// BenchmarkOpen311Post is one POST requests.json through a whole node on
// SQLite, client included: what a partner app costs per report. The load
// figures (docs/benchmarks-reports.md) come from cmd/civitas-load against
// `civitas serve`; this one is for profiling:
//
//	go test -run '^$' -bench Open311Post -cpuprofile /tmp/cpu.out ./internal/reports/
func BenchmarkOpen311Post(b *testing.B) {
	srv := startNodeB(b, dbtest.DSN(b, db.SQLite))
	body := url.Values{"api_key": {reports.DemoAPIKey}, "service_code": {"pothole"}, "lat": {"50.0617"}, "long": {"19.9373"},
		"address_string": {"ul. Grodzka 1"}, "description": {"Load test: a deep hole by the kerb."}}.Encode()
	c := &http.Client{}
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			resp, err := c.Post(srv.URL+reports.Prefix+"/requests.json", "application/x-www-form-urlencoded", strings.NewReader(body))
			if err != nil {
				b.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
		}
	})
}
