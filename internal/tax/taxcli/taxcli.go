// Package taxcli is the "civitas tax" command: it imports the city finance
// system's export of local taxes and fees (docs/tax.md).
package taxcli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/civitas-city/civitas/internal/accounts/census"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/tax"
	"github.com/civitas-city/civitas/internal/web"
)

// Usage is the command's help text.
const Usage = `civitas tax — local taxes and fees from the city's finance system

Usage:
  civitas tax import [--db URL] [--as-of YYYY-MM-DD] FILE.csv   replace the tax data with FILE ("-": stdin)
  civitas tax help                                              this text

FILE is the finance system's export in the CSV schema of docs/tax.md: one record per
row (L liability, I instalment, P payment, C city-income-tax flag). --as-of is the
finance system's date of the data (default: today); residents see "according to the
finance system on" that day.

The import is all or nothing: any bad row is reported as "line N: field: reason"
(up to 1,000 of them) and nothing changes; officers see the refusal. The same file
imported again changes nothing. People are stored by the keyed hash of their PESEL,
with CIVITAS_SECRET_KEY (or CIVITAS_SECRET_KEY_FILE), the server's key.

Exit status: 0 imported (or already imported), 1 the database failed, 2 wrong usage or a bad file.
`

// Main runs "civitas tax ARGS" and returns the exit status.
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
	fmt.Fprintf(stderr, "civitas tax: unknown command %q\n\n%s", args[0], Usage)
	return 2
}

func runImport(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := flag.NewFlagSet("civitas tax import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dsn := fs.String("db", or(getenv("CIVITAS_DB"), "sqlite:data/civitas.db"), "database: sqlite:PATH or postgres://... (CIVITAS_DB)")
	asOf := fs.String("as-of", time.Now().Format(time.DateOnly), "the finance system's date of the data, YYYY-MM-DD")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "civitas tax import: name one CSV file (or - for standard input)")
		return 2
	}
	day, err := time.Parse(time.DateOnly, *asOf)
	if err != nil {
		fmt.Fprintf(stderr, "civitas tax import: --as-of %q: want a date as YYYY-MM-DD\n", *asOf)
		return 2
	}
	key, err := census.KeyFromEnv(getenv)
	if err != nil {
		fmt.Fprintln(stderr, "civitas tax import:", err)
		return 2
	}
	name := fs.Arg(0)
	var in io.Reader = os.Stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			fmt.Fprintln(stderr, "civitas tax import:", err)
			return 2
		}
		defer f.Close()
		in = f
	}
	d, err := db.Open(ctx, *dsn)
	if err != nil {
		fmt.Fprintln(stderr, "civitas tax import:", err)
		return 1
	}
	defer d.Close()
	if _, err := db.Migrate(ctx, d); err != nil {
		fmt.Fprintln(stderr, "civitas tax import:", err)
		return 1
	}
	svc := &tax.Service{DB: d, Key: key}
	res, err := svc.Import(ctx, in, tax.ImportOptions{FileName: filepath.Base(name), AsOf: day, Actor: "civitas tax import"})
	if fe, ok := errors.AsType[*web.FileError](err); ok {
		for _, e := range fe.Errors {
			fmt.Fprintf(stderr, "%s: %s\n", name, e)
		}
		fmt.Fprintf(stderr, "civitas tax import: %d problem(s) in %s; nothing was imported, the tax data are unchanged\n", len(fe.Errors), name)
		return 2
	}
	if err != nil {
		fmt.Fprintln(stderr, "civitas tax import:", err)
		return 1
	}
	if res.Already {
		fmt.Fprintf(stdout, "%s was imported already on %s; nothing changed\n", name, res.ImportedAt.Format(time.DateTime))
		return 0
	}
	fmt.Fprintf(stdout, "imported %d liabilities, %d instalments and %d payments as of %s\n", res.Liabilities, res.Instalments, res.Payments, *asOf)
	return 0
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
