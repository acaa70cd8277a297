// Package weightcli is `civitas survey weight`: raking survey responses to
// population margins from the command line.
package weightcli

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/civitas-city/civitas/internal/survey/stats"
	"github.com/civitas-city/civitas/internal/web"
)

const usage = `usage: civitas survey weight [--trim LO,HI] --margins MARGINS.csv RESPONSES.csv

Rakes the responses to the population margins (iterative proportional
fitting, to a relative tolerance of 1e-12 on every margin) and prints each
response's weight as CSV "id,weight" on stdout; the design effect and the
effective sample size go to stderr.

  MARGINS.csv    header variable,level,count; one row per level of each variable
  RESPONSES.csv  header id and one column per variable of MARGINS.csv
  --trim LO,HI   keep every weight between LO and HI times the mean weight
                 (e.g. 0.3,3); no trimming unless given

The formats are described in docs/survey.md.
`

// Main runs `civitas survey ARGS...` and returns the exit status: 0 on
// success, 2 on bad usage or bad input, 1 on other failures.
func Main(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stderr, usage)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	if args[0] != "weight" {
		fmt.Fprintf(stderr, "civitas survey: unknown command %q\n%s", args[0], usage)
		return 2
	}
	const name = "civitas survey weight"
	o, err := parseArgs(args[1:])
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stderr, usage)
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n%s", name, err, usage)
		return 2
	}
	margins, err := readFile(o.margins, func(r io.Reader) (*Margins, error) { return ReadMargins(r) })
	if err != nil {
		return report(stderr, name, o.margins, err)
	}
	resp, err := readFile(o.responses, func(r io.Reader) (*Responses, error) { return ReadResponses(r, margins) })
	if err != nil {
		return report(stderr, name, o.responses, err)
	}
	raked, err := stats.Rake(resp.Codes, margins.Vars, stats.RakeOptions{Trim: o.trim})
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, strings.TrimPrefix(err.Error(), "stats: "))
		if errors.Is(err, stats.ErrNotConverged) && o.trim != nil {
			fmt.Fprintf(stderr, "%s: the margins cannot all hold with every weight within --trim %g,%g; widen the bounds\n", name, o.trim.Lo, o.trim.Hi)
		}
		return 2
	}
	out := bufio.NewWriter(stdout)
	csv := web.NewCSV(out, false)
	csv.Write([]string{"id", "weight"})
	for i, id := range resp.IDs {
		csv.Write([]string{id, strconv.FormatFloat(raked.Weights[i], 'g', -1, 64)})
	}
	err = csv.Flush()
	if err == nil {
		err = out.Flush()
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return 1
	}
	deff, neff := stats.Kish(raked.Weights)
	fmt.Fprintf(stderr, "design effect %.4f, effective n %.1f of %d responses (raked in %d passes)\n", deff, neff, len(resp.IDs), raked.Iterations)
	return 0
}

type options struct {
	margins, responses string
	trim               *stats.Bounds
}

// parseArgs reads the flags and the one file name, in any order.
func parseArgs(args []string) (options, error) {
	var o options
	var trim string
	fs := flag.NewFlagSet("weight", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&o.margins, "margins", "", "")
	fs.StringVar(&trim, "trim", "", "")
	for {
		if err := fs.Parse(args); err != nil {
			return o, err
		}
		if fs.NArg() == 0 {
			break
		}
		if o.responses != "" {
			return o, errors.New("more than one RESPONSES.csv")
		}
		o.responses, args = fs.Arg(0), fs.Args()[1:]
	}
	switch {
	case o.margins == "":
		return o, errors.New("missing --margins MARGINS.csv")
	case o.responses == "":
		return o, errors.New("missing RESPONSES.csv")
	}
	if trim != "" {
		lo, hi, ok := strings.Cut(trim, ",")
		l, err1 := strconv.ParseFloat(strings.TrimSpace(lo), 64)
		h, err2 := strconv.ParseFloat(strings.TrimSpace(hi), 64)
		if !ok || err1 != nil || err2 != nil || !(l >= 0 && l <= 1 && h >= 1) {
			return o, fmt.Errorf("--trim %s: want LO,HI with 0 ≤ LO ≤ 1 ≤ HI, e.g. 0.3,3", trim)
		}
		o.trim = &stats.Bounds{Lo: l, Hi: h}
	}
	return o, nil
}

func readFile[T any](path string, read func(io.Reader) (T, error)) (T, error) {
	f, err := os.Open(path)
	if err != nil {
		var zero T
		return zero, err
	}
	defer f.Close()
	return read(f)
}

// report prints a file's problems, each with its line and field.
func report(stderr io.Writer, name, path string, err error) int {
	if fe, ok := errors.AsType[*web.FileError](err); ok {
		for _, e := range fe.Errors {
			fmt.Fprintf(stderr, "%s: %s: %s\n", name, path, e)
		}
		return 2
	}
	fmt.Fprintf(stderr, "%s: %v\n", name, err)
	if errors.Is(err, os.ErrNotExist) {
		return 2
	}
	return 1
}
