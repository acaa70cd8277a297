package importcli

import (
	"context"
	"strings"
	"testing"

	"github.com/civitas-city/civitas/internal/budget"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/db/dbtest"
)

func TestImport(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			dsn := dbtest.DSN(t, engine)
			env := func(k string) string {
				if k == "CIVITAS_DB" {
					return dsn
				}
				return ""
			}
			var out, errs strings.Builder
			code := run(context.Background(), []string{"--edition", "bo-2025", "--district", "1", "../demo/Poland_Krakow_2025_Stare_Miasto.pb"}, env, &out, &errs)
			if code != ExitOK {
				t.Fatalf("exit %d: %s", code, errs.String())
			}
			if !strings.Contains(out.String(), "22 projects, 1882 ballots") || !strings.Contains(out.String(), "BO.D1.2/25") {
				t.Errorf("output: %s", out.String())
			}
			d, err := db.Open(context.Background(), dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			e, err := (&budget.Service{DB: d}).Edition(context.Background(), "bo-2025")
			if err != nil || len(e.Pools) != 1 || e.Pools[0].Slug != "stare-miasto" || e.Phase != budget.PhaseResults {
				t.Fatalf("edition %+v %v", e, err)
			}
			// The same pool twice is refused.
			errs.Reset()
			if code := run(context.Background(), []string{"--edition", "bo-2025", "../demo/Poland_Krakow_2025_Stare_Miasto.pb"}, env, &out, &errs); code != ExitFailed {
				t.Errorf("second import: exit %d", code)
			}
		})
	}
}

func TestUsage(t *testing.T) {
	var out, errs strings.Builder
	env := func(string) string { return "" }
	for _, args := range [][]string{{}, {"a.pb", "b.pb"}, {"../demo/Poland_Krakow_2025_Stare_Miasto.pb"}, {"--rule", "nope", "x.pb"}} {
		if code := run(context.Background(), args, env, &out, &errs); code != ExitUsage {
			t.Errorf("%v: exit %d", args, code)
		}
	}
	if got := slugOf("Poland_Krakow_2025_Stare_Miasto.pb"); got != "poland-krakow-2025-stare-miasto" {
		t.Errorf("slug %q", got)
	}
}
