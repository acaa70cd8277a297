// Package importcli is `civitas pb import`: it creates a participatory
// budget edition and pool in the database from a Pabulib (.pb) file, with
// its projects and ballots, and counts it.
package importcli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/civitas-city/civitas/internal/budget"
	"github.com/civitas-city/civitas/internal/budget/pabulib"
	"github.com/civitas-city/civitas/internal/budget/rules"
	"github.com/civitas-city/civitas/internal/db"
)

// Exit statuses of Main.
const (
	ExitOK     = 0
	ExitFailed = 1 // the import failed (database, counting)
	ExitUsage  = 2 // bad arguments, unreadable or invalid file
)

const usage = `usage: civitas pb import [flags] FILE.pb

Creates an edition (or adds a pool to an existing one) from a Pabulib file: its projects, every
ballot (anonymous, with a fresh receipt code) and the count, in the results phase.

flags:
  --db URL          the database: sqlite:PATH or postgres://... (default $CIVITAS_DB)
  --edition SLUG    the edition's slug (default from the file name)
  --title TITLE     a new edition's title (default META description)
  --pool SLUG       the pool's slug (default from META district/subunit)
  --pool-name NAME  the pool's name (default META district/subunit/unit)
  --district N      the district the pool is for (0: city-wide)
  --rule RULE       the counting rule (default from META rule: greedy, greedy-threshold,
                    greedy-no-skip, equalshares -> mes-cost, equalshares/add1 -> mes-cost-add1)
  --lenient         read an inconsistent file as pabutools does (see civitas pb help);
                    by default such a file is refused, naming the line and field
`

// Main runs `civitas pb import` with args (what follows "import") and
// returns the exit status. The database comes from --db or CIVITAS_DB.
func Main(args []string, stdout, stderr io.Writer) int {
	return run(context.Background(), args, os.Getenv, stdout, stderr)
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("civitas pb import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage) }
	dsn := fs.String("db", getenv("CIVITAS_DB"), "database URL")
	slug := fs.String("edition", "", "edition slug")
	title := fs.String("title", "", "edition title")
	pool := fs.String("pool", "", "pool slug")
	poolName := fs.String("pool-name", "", "pool name")
	district := fs.Int("district", 0, "district number")
	rule := fs.String("rule", "", "counting rule")
	lenient := fs.Bool("lenient", false, "read inconsistent files as pabutools does")
	var pos []string
	for rest := args; ; {
		if err := fs.Parse(rest); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return ExitOK
			}
			return ExitUsage
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		rest = fs.Args()[1:]
	}
	if len(pos) != 1 {
		fmt.Fprintf(stderr, "civitas pb import: want one FILE.pb, got %d arguments\n\n%s", len(pos), usage)
		return ExitUsage
	}
	if *dsn == "" {
		fmt.Fprintln(stderr, "civitas pb import: no database: set --db or CIVITAS_DB")
		return ExitUsage
	}
	if *rule != "" && !knownRule(*rule) {
		fmt.Fprintf(stderr, "civitas pb import: unknown rule %q\n", *rule)
		return ExitUsage
	}
	file := pos[0]
	el, err := pabulib.ReadFile(file, pabulib.Options{Lenient: *lenient})
	if err != nil {
		if errors.Is(err, os.ErrNotExist) || errors.Is(err, os.ErrPermission) {
			fmt.Fprintf(stderr, "civitas pb import: %v\n", err)
		} else {
			fmt.Fprintf(stderr, "civitas pb import: %s: %v\n", file, err)
		}
		return ExitUsage
	}
	if *slug == "" {
		*slug = slugOf(filepath.Base(file))
	}
	d, err := db.Open(ctx, *dsn)
	if err != nil {
		fmt.Fprintf(stderr, "civitas pb import: %v\n", err)
		return ExitFailed
	}
	defer d.Close()
	if _, err := db.Migrate(ctx, d); err != nil {
		fmt.Fprintf(stderr, "civitas pb import: %v\n", err)
		return ExitFailed
	}
	svc := &budget.Service{DB: d}
	imp, err := svc.Import(ctx, el, budget.ImportOptions{Slug: *slug, Title: *title, PoolSlug: *pool, PoolName: *poolName,
		District: *district, Rule: *rule, Source: filepath.Base(file), Actor: budget.Actor{Name: "cli: civitas pb import"}})
	if err != nil {
		fmt.Fprintf(stderr, "civitas pb import: %s: %v\n", file, err)
		return ExitFailed
	}
	sel := make([]string, 0, len(imp.Result.Selected))
	sel = append(sel, imp.Result.Selected...)
	fmt.Fprintf(stdout, "imported %s into edition %s (%s), pool %s: %d projects, %d ballots\n",
		filepath.Base(file), imp.Edition.Slug, imp.Edition.Title, imp.Pool.Slug, imp.Projects, imp.Ballots)
	fmt.Fprintf(stdout, "counted with %s: %d selected, total cost %s of %s: %s\n", imp.Pool.Rule, len(sel),
		rules.FormatRat(imp.Result.TotalCost), budget.MoneyDecimal(imp.Pool.Amount), strings.Join(sel, ", "))
	return ExitOK
}

func knownRule(name string) bool {
	for _, r := range rules.AllRules {
		if string(r) == name {
			return true
		}
	}
	return false
}

// slugOf makes an edition slug of a file name: "Poland_Krakow_2025_Stare_Miasto.pb" ->
// "poland-krakow-2025-stare-miasto".
func slugOf(name string) string {
	return budget.Slug(strings.TrimSuffix(name, filepath.Ext(name)))
}
