// Package cardcli is the "civitas card" command: it imports the city's
// list of who is eligible for the city card (docs/card.md).
package cardcli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/civitas-city/civitas/internal/importcmd"

	"github.com/civitas-city/civitas/internal/accounts/census"
	"github.com/civitas-city/civitas/internal/card"
	"github.com/civitas-city/civitas/internal/db"
)

// Usage is the command's help text.
const Usage = `civitas card — the city card (Karta Krakowska)

Usage:
  civitas card import [--db URL] FILE.csv   make the cards what FILE lists ("-": stdin)
  civitas card simulate [--db URL] [--days N] [--per-day N] [--seed N]
                                            a history of card use into the analytics
  civitas card help                         this text

FILE is the city's eligibility list in the CSV schema of docs/card.md: one card per
row with the columns pesel, kind (basic or family), family_size (3 or more, for a
family card only), valid_from and valid_to (YYYY-MM-DD, inclusive).

The import is all or nothing: any bad row is reported as "line N: field: reason"
(up to 1,000 of them) and nothing changes; officers see the refusal. A holder listed
again keeps their card; a card the file no longer lists is removed. The same file
imported again changes nothing. People are stored by the keyed hash of their PESEL,
with CIVITAS_SECRET_KEY (or CIVITAS_SECRET_KEY_FILE), the server's key.

simulate generates N days (default 365) of realistic usage events, about --per-day
(default 300) a day, through the same ingestion as the partners' API, so the
analytics' rollups fill as real traffic would fill them. It needs cards (an import,
or civitas demo) and adds the demo's 50 partners when there are none. The same seed
twice adds nothing the second time.

Exit status: 0 imported (or already imported), 1 the database failed, 2 wrong usage or a bad file.
`

// Main runs "civitas card ARGS" and returns the exit status.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, Usage)
		return 2
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, Usage)
		return 0
	case "import":
		return runImport(ctx, args[1:], stdout, stderr, getenv)
	case "simulate":
		return runSimulate(ctx, args[1:], stdout, stderr, getenv)
	}
	fmt.Fprintf(stderr, "civitas card: unknown command %q\n\n%s", args[0], Usage)
	return 2
}

func runImport(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	cmd := importcmd.Command{Name: "civitas card import", Stderr: stderr}
	fs := flag.NewFlagSet(cmd.Name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	dsn := importcmd.DBFlag(fs, getenv)
	if status, ok := importcmd.ParseFlags(fs, args); !ok {
		return status
	}
	key, err := census.KeyFromEnv(getenv)
	if err != nil {
		return cmd.Fail(importcmd.BadInput, err)
	}
	name, in, d, done, status, ok := cmd.Inputs(ctx, fs, *dsn)
	if !ok {
		return status
	}
	defer done()
	svc := &card.Service{DB: d, Key: key}
	res, err := svc.Import(ctx, in, card.ImportOptions{FileName: filepath.Base(name), Actor: cmd.Name})
	switch {
	case cmd.BadFile(name, err, "the cards are unchanged"):
		return importcmd.BadInput
	case err != nil:
		return cmd.Fail(importcmd.Failed, err)
	case res.Already:
		fmt.Fprintf(stdout, "%s was imported already on %s; nothing changed\n", name, res.ImportedAt.Format(time.DateTime))
		return importcmd.OK
	}
	fmt.Fprintf(stdout, "%d cards listed: %d new, %d removed\n", res.Holders, res.Added, res.Removed)
	return importcmd.OK
}

func runSimulate(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := flag.NewFlagSet("civitas card simulate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dsn := importcmd.DBFlag(fs, getenv)
	days := fs.Int("days", 365, "days of history before today")
	perDay := fs.Int("per-day", 300, "average uses a day")
	seed := fs.Int64("seed", 1, "the same seed gives the same events")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() != 0 || *days < 1 || *days > 3660 || *perDay < 1 || *perDay > 1_000_000 {
		fmt.Fprintln(stderr, "civitas card simulate: --days from 1 to 3660, --per-day from 1 to 1,000,000, no other argument")
		return 2
	}
	key, err := census.KeyFromEnv(getenv)
	if err != nil {
		fmt.Fprintln(stderr, "civitas card simulate:", err)
		return 2
	}
	d, err := db.Open(ctx, *dsn)
	if err != nil {
		fmt.Fprintln(stderr, "civitas card simulate:", err)
		return 1
	}
	defer d.Close()
	if _, err := db.Migrate(ctx, d); err != nil {
		fmt.Fprintln(stderr, "civitas card simulate:", err)
		return 1
	}
	svc := &card.Service{DB: d, Key: key}
	if _, err := card.SeedCatalogue(ctx, svc, time.Now()); err != nil {
		fmt.Fprintln(stderr, "civitas card simulate:", err)
		return 1
	}
	start := time.Now()
	res, err := svc.Simulate(ctx, card.SimulateOptions{Days: *days, PerDay: *perDay, Seed: *seed})
	if errors.Is(err, card.ErrNothingToSimulate) {
		fmt.Fprintln(stderr, err)
		return 2
	}
	if err != nil {
		fmt.Fprintln(stderr, "civitas card simulate:", err)
		return 1
	}
	took := time.Since(start)
	fmt.Fprintf(stdout, "%d events in %d batches over %d days, in %s (%.0f events/s)\n", res.Events, res.Batches, *days,
		took.Round(time.Millisecond), float64(res.Events)/took.Seconds())
	return 0
}
