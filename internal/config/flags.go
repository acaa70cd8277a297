package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
)

// errHelp is returned when -h was asked for: usage was printed, exit 0.
var errHelp = flag.ErrHelp

func newFlagSet(command string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("civitas "+command, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: civitas %s [flags]\n\nFlags:\n", command)
		fs.PrintDefaults()
	}
	return fs
}

// IsHelp reports whether Load stopped because help was asked for.
func IsHelp(err error) bool { return errors.Is(err, errHelp) }
