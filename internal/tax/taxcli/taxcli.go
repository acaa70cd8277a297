// Package taxcli is the "civitas tax" command: it imports the city finance
// system's export of local taxes and fees (docs/tax.md).
package taxcli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/civitas-city/civitas/internal/importcmd"

	"github.com/civitas-city/civitas/internal/accounts/census"
	"github.com/civitas-city/civitas/internal/tax"
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
	return importcmd.Main("tax", Usage, args, stdout, stderr, func(args []string) int {
		return runImport(ctx, args, stdout, stderr, getenv)
	})
}

func runImport(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	cmd := importcmd.Command{Name: "civitas tax import", Stderr: stderr}
	fs := flag.NewFlagSet(cmd.Name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	dsn := importcmd.DBFlag(fs, getenv)
	asOf := fs.String("as-of", time.Now().Format(time.DateOnly), "the finance system's date of the data, YYYY-MM-DD")
	if status, ok := importcmd.ParseFlags(fs, args); !ok {
		return status
	}
	day, err := time.Parse(time.DateOnly, *asOf)
	if err != nil {
		return cmd.Fail(importcmd.BadInput, fmt.Sprintf("--as-of %q: want a date as YYYY-MM-DD", *asOf))
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
	svc := &tax.Service{DB: d, Key: key}
	res, err := svc.Import(ctx, in, tax.ImportOptions{FileName: filepath.Base(name), AsOf: day, Actor: cmd.Name})
	switch {
	case cmd.BadFile(name, err, "the tax data are unchanged"):
		return importcmd.BadInput
	case err != nil:
		return cmd.Fail(importcmd.Failed, err)
	case res.Already:
		fmt.Fprintf(stdout, "%s was imported already on %s; nothing changed\n", name, res.ImportedAt.Format(time.DateTime))
		return importcmd.OK
	}
	fmt.Fprintf(stdout, "imported %d liabilities, %d instalments and %d payments as of %s\n", res.Liabilities, res.Instalments, res.Payments, *asOf)
	return importcmd.OK
}
