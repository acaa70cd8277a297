// Package censuscli is the "civitas census" command: it loads the city's
// residents register into the database, keeping only keyed hashes of the
// PESEL numbers.
package censuscli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/civitas-city/civitas/internal/importcmd"

	"github.com/civitas-city/civitas/internal/accounts/census"
	"github.com/civitas-city/civitas/internal/accounts/identity"
	"github.com/civitas-city/civitas/internal/city"
)

// Usage is the command's help text.
const Usage = `civitas census — the residents register used to verify residency

Usage:
  civitas census import [--db URL] [--city DIR] FILE.csv   replace the register with FILE ("-": stdin)
  civitas census help                                      this text

FILE is CSV with a header row naming the columns: pesel, birth_date (YYYY-MM-DD),
district (the district number) and optionally address (read past, never stored).
Polish names (data_urodzenia, dzielnica, adres) and ";" or tab delimiters work too.

The import is all or nothing: any bad row is reported as "line N: field: reason"
(every one of them) and nothing changes. A good file replaces the whole register;
residents who verified stay verified and follow their new district.

Only HMAC-SHA256 hashes of the PESEL numbers are stored, keyed with CIVITAS_SECRET_KEY
(or the file named by CIVITAS_SECRET_KEY_FILE), which must be the key the server uses.
The database is --db, else CIVITAS_DB (default sqlite:data/civitas.db); the districts
come from --city, else CIVITAS_CITY_DIR, else Kraków.

Exit status: 0 imported, 1 the database failed, 2 wrong usage or a bad file.
`

// Main runs "civitas census ARGS" and returns the exit status.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	return importcmd.Main("census", Usage, args, stdout, stderr, func(args []string) int {
		return runImport(ctx, args, stdout, stderr, getenv)
	})
}

func runImport(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	cmd := importcmd.Command{Name: "civitas census import", Stderr: stderr}
	fs := flag.NewFlagSet(cmd.Name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	dsn := importcmd.DBFlag(fs, getenv)
	cityDir := fs.String("city", getenv("CIVITAS_CITY_DIR"), "city profile directory; empty: Kraków (CIVITAS_CITY_DIR)")
	if status, ok := importcmd.ParseFlags(fs, args); !ok {
		return status
	}
	key, err := census.KeyFromEnv(getenv)
	if err != nil {
		return cmd.Fail(importcmd.BadInput, err)
	}
	profile := city.Krakow()
	if *cityDir != "" {
		if profile, err = city.LoadDir(*cityDir); err != nil {
			return cmd.Fail(importcmd.BadInput, fmt.Errorf("--city: %w", err))
		}
	}
	name, in, d, done, status, ok := cmd.Inputs(ctx, fs, *dsn)
	if !ok {
		return status
	}
	defer done()
	rep, err := census.Import(ctx, d, in, census.Options{
		Key:        key,
		IsDistrict: func(n int) bool { _, ok := profile.Districts.ByNumber(n); return ok },
		Actor:      cmd.Name,
	})
	switch {
	case cmd.BadFile(name, err, "the register is unchanged"):
		return importcmd.BadInput
	case errors.Is(err, census.ErrShortKey):
		return cmd.Fail(importcmd.BadInput, err)
	case err != nil:
		return cmd.Fail(importcmd.Failed, err)
	}
	fmt.Fprintf(stdout, "imported %d residents: %d added, %d removed, %d kept\n", rep.Rows, rep.Added, rep.Removed, rep.Kept)
	if len(rep.IgnoredColumns) > 0 {
		fmt.Fprintf(stdout, "ignored columns: %s\n", strings.Join(rep.IgnoredColumns, ", "))
	}
	if n, err := identity.Lapsed(ctx, d); err == nil && n > 0 {
		fmt.Fprintf(stdout, "%d verified resident(s) are no longer in the register and lose register-based verification\n", n)
	}
	return importcmd.OK
}
