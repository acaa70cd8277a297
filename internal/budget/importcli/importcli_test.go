package importcli

import (
	"context"
	"os"
	"path/filepath"
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

// TestImportStrictAndLenient checks that an inconsistent file is refused, naming the line
// and field, before the database is touched, and imported with --lenient.
func TestImportStrictAndLenient(t *testing.T) {
	file := filepath.Join(t.TempDir(), "dup.pb")
	const data = "META\nkey;value\ndescription;Test PB\nnum_votes;3\nbudget;10\nvote_type;approval\nrule;greedy\ndistrict;Test\n" +
		"PROJECTS\nproject_id;cost;name\na;4;A\nb;6;B\nVOTES\nvoter_id;vote\n1;a\n2;a,b\n2;b\n"
	if err := os.WriteFile(file, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
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
			if code := run(context.Background(), []string{"--edition", "dup", file}, env, &out, &errs); code != ExitUsage ||
				!strings.Contains(errs.String(), `line 17: field "voter_id": voter "2" already voted on line 16`) {
				t.Fatalf("strict: exit %d, stderr %q", code, errs.String())
			}
			errs.Reset()
			if code := run(context.Background(), []string{"--edition", "dup", "--lenient", file}, env, &out, &errs); code != ExitOK {
				t.Fatalf("--lenient: exit %d: %s", code, errs.String())
			}
			if !strings.Contains(out.String(), "2 projects, 3 ballots") {
				t.Errorf("output: %s", out.String())
			}
		})
	}
}
