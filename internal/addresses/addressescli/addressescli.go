// Package addressescli is the "civitas addresses" command: it loads the
// national register's address points into the city's gazetteer.
package addressescli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/civitas-city/civitas/internal/addresses"
	"github.com/civitas-city/civitas/internal/db"
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
	fmt.Fprintf(stderr, "civitas addresses: unknown command %q\n\n%s", args[0], Usage)
	return 2
}

func runImport(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := flag.NewFlagSet("civitas addresses import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	def := getenv("CIVITAS_DB")
	if def == "" {
		def = "sqlite:data/civitas.db"
	}
	dsn := fs.String("db", def, "database: sqlite:PATH or postgres://... (CIVITAS_DB)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "civitas addresses import: name one CSV file (or - for standard input)")
		return 2
	}
	name := fs.Arg(0)
	var in io.Reader = os.Stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			fmt.Fprintln(stderr, "civitas addresses import:", err)
			return 2
		}
		defer f.Close()
		in = f
	}
	d, err := db.Open(ctx, *dsn)
	if err != nil {
		fmt.Fprintln(stderr, "civitas addresses import:", err)
		return 1
	}
	defer d.Close()
	if _, err := db.Migrate(ctx, d); err != nil {
		fmt.Fprintln(stderr, "civitas addresses import:", err)
		return 1
	}
	rep, err := addresses.Import(ctx, d, in, "civitas addresses import", time.Now())
	if fe, ok := errors.AsType[*addresses.FileError](err); ok {
		for _, e := range fe.Errors {
			fmt.Fprintf(stderr, "%s: %s\n", name, e)
		}
		fmt.Fprintf(stderr, "civitas addresses import: %d problem(s) in %s; nothing was imported, the gazetteer is unchanged\n", len(fe.Errors), name)
		return 2
	}
	if err != nil {
		fmt.Fprintln(stderr, "civitas addresses import:", err)
		return 1
	}
	fmt.Fprintf(stdout, "imported %d address points (replacing %d)\n", rep.Rows, rep.Removed)
	if len(rep.IgnoredColumns) > 0 {
		fmt.Fprintf(stdout, "ignored columns: %s\n", strings.Join(rep.IgnoredColumns, ", "))
	}
	return 0
}
