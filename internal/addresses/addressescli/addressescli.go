// Package addressescli is the "civitas addresses" command: it loads the
// national register's address points into the city's gazetteer.
package addressescli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/civitas-city/civitas/internal/importcmd"

	"github.com/civitas-city/civitas/internal/addresses"
)

// Usage is the command's help text.
const Usage = `civitas addresses — the city's address gazetteer

Usage:
  civitas addresses import [--db URL] FILE.csv   replace the gazetteer with FILE ("-": stdin)
  civitas addresses help                         this text

FILE is the national register's address points (PRG / EMUiA, as CSV) with a
header row naming the columns: ulica (the street with its type, "ul. Karmelicka"),
numer_porzadkowy (house number), szerokosc_geograficzna and dlugosc_geograficzna
(WGS84 degrees), and optionally kod_pocztowy. Short English names (street, number,
postal_code, lat, lon), ";" or tab delimiters and decimal commas work too; other
columns are read past. docs/addresses.md describes the format.

The import is all or nothing: any bad row is reported as "line N: field: reason"
(every one of them) and nothing changes. A good file replaces the whole gazetteer.
The database is --db, else CIVITAS_DB (default sqlite:data/civitas.db).

Exit status: 0 imported, 1 the database failed, 2 wrong usage or a bad file.
`

// Main runs "civitas addresses ARGS" and returns the exit status.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	return importcmd.Main("addresses", Usage, args, stdout, stderr, func(args []string) int {
		return runImport(ctx, args, stdout, stderr, getenv)
	})
}

func runImport(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	cmd := importcmd.Command{Name: "civitas addresses import", Stderr: stderr}
	fs := flag.NewFlagSet(cmd.Name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	dsn := importcmd.DBFlag(fs, getenv)
	if status, ok := importcmd.ParseFlags(fs, args); !ok {
		return status
	}
	name, in, d, done, status, ok := cmd.Inputs(ctx, fs, *dsn)
	if !ok {
		return status
	}
	defer done()
	rep, err := addresses.Import(ctx, d, in, cmd.Name, time.Now())
	switch {
	case cmd.BadFile(name, err, "the gazetteer is unchanged"):
		return importcmd.BadInput
	case err != nil:
		return cmd.Fail(importcmd.Failed, err)
	}
	fmt.Fprintf(stdout, "imported %d address points (replacing %d)\n", rep.Rows, rep.Removed)
	if len(rep.IgnoredColumns) > 0 {
		fmt.Fprintf(stdout, "ignored columns: %s\n", strings.Join(rep.IgnoredColumns, ", "))
	}
	return importcmd.OK
}
