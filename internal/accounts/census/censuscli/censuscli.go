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
	"os"
	"strings"

	"github.com/civitas-city/civitas/internal/accounts/census"
	"github.com/civitas-city/civitas/internal/accounts/identity"
	"github.com/civitas-city/civitas/internal/city"
	"github.com/civitas-city/civitas/internal/db"
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
	}
	fmt.Fprintf(stderr, "civitas census: unknown command %q\n\n%s", args[0], Usage)
	return 2
}

func runImport(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := flag.NewFlagSet("civitas census import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dsn := fs.String("db", or(getenv("CIVITAS_DB"), "sqlite:data/civitas.db"), "database: sqlite:PATH or postgres://... (CIVITAS_DB)")
	cityDir := fs.String("city", getenv("CIVITAS_CITY_DIR"), "city profile directory; empty: Kraków (CIVITAS_CITY_DIR)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "civitas census import: name one CSV file (or - for standard input)")
		return 2
	}
	name := fs.Arg(0)
	key, err := census.KeyFromEnv(getenv)
	if err != nil {
		fmt.Fprintln(stderr, "civitas census import:", err)
		return 2
	}
	profile := city.Krakow()
	if *cityDir != "" {
		if profile, err = city.LoadDir(*cityDir); err != nil {
			fmt.Fprintln(stderr, "civitas census import: --city:", err)
			return 2
		}
	}
	var in io.Reader = os.Stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			fmt.Fprintln(stderr, "civitas census import:", err)
			return 2
		}
		defer f.Close()
		in = f
	}
	d, err := db.Open(ctx, *dsn)
	if err != nil {
		fmt.Fprintln(stderr, "civitas census import:", err)
		return 1
	}
	defer d.Close()
	if _, err := db.Migrate(ctx, d); err != nil {
		fmt.Fprintln(stderr, "civitas census import:", err)
		return 1
	}
	rep, err := census.Import(ctx, d, in, census.Options{
		Key:        key,
		IsDistrict: func(n int) bool { _, ok := profile.Districts.ByNumber(n); return ok },
		Actor:      "civitas census import",
	})
	if fe, ok := errors.AsType[*census.FileError](err); ok {
		for _, e := range fe.Errors {
			fmt.Fprintf(stderr, "%s: %s\n", name, e)
		}
		fmt.Fprintf(stderr, "civitas census import: %d problem(s) in %s; nothing was imported, the register is unchanged\n", len(fe.Errors), name)
		return 2
	}
	if errors.Is(err, census.ErrShortKey) {
		fmt.Fprintln(stderr, "civitas census import:", err)
		return 2
	}
	if err != nil {
		fmt.Fprintln(stderr, "civitas census import:", err)
		return 1
	}
	fmt.Fprintf(stdout, "imported %d residents: %d added, %d removed, %d kept\n", rep.Rows, rep.Added, rep.Removed, rep.Kept)
	if len(rep.IgnoredColumns) > 0 {
		fmt.Fprintf(stdout, "ignored columns: %s\n", strings.Join(rep.IgnoredColumns, ", "))
	}
	if n, err := identity.Lapsed(ctx, d); err == nil && n > 0 {
		fmt.Fprintf(stdout, "%d verified resident(s) are no longer in the register and lose register-based verification\n", n)
	}
	return 0
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
