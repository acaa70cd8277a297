// Package importcmd is what every "civitas X import FILE" command shares:
// the --db flag, reading FILE or standard input, opening and migrating the
// database, and printing an all-or-nothing import's bad rows as
// "FILE: line N: field: reason". Exit statuses are the same everywhere:
// 0 done, 1 the database failed, 2 wrong usage or a bad file.
package importcmd

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/web"
)

// Exit statuses.
const (
	OK       = 0
	Failed   = 1 // the database or the system failed
	BadInput = 2 // wrong usage or a bad file
)

// DBFlag adds --db, defaulting to CIVITAS_DB, else the demo's SQLite file.
func DBFlag(fs *flag.FlagSet, getenv func(string) string) *string {
	def := getenv("CIVITAS_DB")
	if def == "" {
		def = "sqlite:data/civitas.db"
	}
	return fs.String("db", def, "database: sqlite:PATH or postgres://... (CIVITAS_DB)")
}

// Command is one import command as it names itself in messages.
type Command struct {
	Name   string // "civitas tax import"
	Stderr io.Writer
}

// Fail prints err and returns status.
func (c Command) Fail(status int, err any) int {
	fmt.Fprintln(c.Stderr, c.Name+":", err)
	return status
}

// File is the one file argument: the file, or standard input for "-".
// When fs has no single argument it says so and returns ok false.
func (c Command) File(fs *flag.FlagSet) (name string, in io.Reader, closeFn func(), ok bool) {
	if fs.NArg() != 1 {
		fmt.Fprintln(c.Stderr, c.Name+": name one CSV file (or - for standard input)")
		return "", nil, nil, false
	}
	name = fs.Arg(0)
	if name == "-" {
		return name, os.Stdin, func() {}, true
	}
	f, err := os.Open(name)
	if err != nil {
		c.Fail(BadInput, err)
		return "", nil, nil, false
	}
	return name, f, func() { f.Close() }, true
}

// Inputs opens the one file argument (or standard input) and the database
// at dsn, migrated: what every import reads from and writes to. When ok is
// false it has said why, and status is the exit status; otherwise done
// closes both.
func (c Command) Inputs(ctx context.Context, fs *flag.FlagSet, dsn string) (name string, in io.Reader, d *db.DB, done func(), status int, ok bool) {
	name, in, closeIn, ok := c.File(fs)
	if !ok {
		return "", nil, nil, nil, BadInput, false
	}
	d, err := c.Open(ctx, dsn)
	if err != nil {
		closeIn()
		return "", nil, nil, nil, c.Fail(Failed, err), false
	}
	return name, in, d, func() { d.Close(); closeIn() }, OK, true
}

// Open opens the database at dsn and applies its migrations.
func (c Command) Open(ctx context.Context, dsn string) (*db.DB, error) {
	d, err := db.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	if _, err := db.Migrate(ctx, d); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

// BadFile prints every bad row of a refused all-or-nothing import, and
// that nothing changed ("the register is unchanged"), and reports whether
// err was such a refusal.
func (c Command) BadFile(name string, err error, unchanged string) bool {
	fe, ok := errors.AsType[*web.FileError](err)
	if !ok {
		return false
	}
	for _, e := range fe.Errors {
		fmt.Fprintf(c.Stderr, "%s: %s\n", name, e)
	}
	fmt.Fprintf(c.Stderr, "%s: %d problem(s) in %s; nothing was imported, %s\n", c.Name, len(fe.Errors), name, unchanged)
	return true
}

// ParseFlags parses args into fs: ok false with the status to return when
// they are wrong (or help was asked for).
func ParseFlags(fs *flag.FlagSet, args []string) (status int, ok bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return OK, false
		}
		return BadInput, false
	}
	return OK, true
}

// Main dispatches "civitas PROGRAM ARGS": help, or "import ARGS" to imp;
// anything else prints usage with status 2.
func Main(program, usage string, args []string, stdout, stderr io.Writer, imp func(args []string) int) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return BadInput
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return OK
	case "import":
		return imp(args[1:])
	}
	fmt.Fprintf(stderr, "civitas %s: unknown command %q\n\n%s", program, args[0], usage)
	return BadInput
}
