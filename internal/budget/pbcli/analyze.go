package pbcli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/big"
	"strings"
	"time"

	"github.com/civitas-city/civitas/internal/budget/pabulib"
	"github.com/civitas-city/civitas/internal/budget/rules"
)

// voterGroupColumns are the VOTES columns that say which district a voter belongs to, in
// order of preference.
var voterGroupColumns = []string{"district", "neighborhood", "subunit"}

// AnalysisOptions reads what the analysis needs beyond the ballots from the file: each
// project's categories (PROJECTS "category", comma-separated) and each voter's district
// (VOTES "district", "neighborhood" or "subunit"), when the file has them.
func AnalysisOptions(e *pabulib.Election) rules.AnalysisOptions {
	var opt rules.AnalysisOptions
	if hasColumn(e.ProjectColumns, "category") {
		opt.Categories = make([][]string, len(e.Projects))
		for i := range e.Projects {
			v, _ := e.ProjectValue(i, "category")
			for c := range strings.SplitSeq(v, ",") {
				if c = strings.TrimSpace(c); c != "" {
					opt.Categories[i] = append(opt.Categories[i], c)
				}
			}
		}
	}
	for _, col := range voterGroupColumns {
		if !hasColumn(e.VoteColumns, col) {
			continue
		}
		opt.VoterGroups = make([]string, len(e.Votes))
		for i := range e.Votes {
			opt.VoterGroups[i], _ = e.VoteValue(i, col)
		}
		break
	}
	return opt
}

func hasColumn(cols []string, name string) bool {
	for _, c := range cols {
		if strings.EqualFold(strings.TrimSpace(c), name) {
			return true
		}
	}
	return false
}

func runAnalyze(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("civitas pb analyze", flag.ContinueOnError)
	fs.SetOutput(stderr)
	rule := fs.String("rule", "", "counting rule (see civitas pb help)")
	threshold := fs.String("threshold", "", "score threshold for greedy-threshold and greedy-no-skip")
	timeout := fs.Duration("timeout", 4*time.Minute, "give up after this long")
	lenient := fs.Bool("lenient", false, "read inconsistent files as pabutools does")
	fs.Usage = func() { fmt.Fprint(stderr, usage) }
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return ExitUsage
	}
	if len(pos) != 1 {
		fmt.Fprintf(stderr, "civitas pb analyze: want one FILE.pb, got %d arguments\n", len(pos))
		return ExitUsage
	}
	if *rule == "" || *rule == RuleMeta || !knownRule(*rule) {
		fmt.Fprintf(stderr, "civitas pb analyze: --rule must be one of the counting rules, not %q (see civitas pb help)\n", *rule)
		return ExitUsage
	}
	e, in, ok := readInstance("analyze", pos[0], *lenient, stderr)
	if !ok {
		return ExitUsage
	}
	opt := AnalysisOptions(e)
	r := rules.Rule(*rule)
	if *threshold != "" {
		t, ok := new(big.Rat).SetString(strings.ReplaceAll(*threshold, ",", "."))
		if !ok {
			fmt.Fprintf(stderr, "civitas pb analyze: --threshold %q is not a number\n", *threshold)
			return ExitUsage
		}
		opt.Threshold = t
	} else if r == rules.GreedyThreshold || r == rules.GreedyNoSkip {
		if opt.Threshold, err = e.Threshold(); err != nil {
			fmt.Fprintf(stderr, "civitas pb analyze: %s: %v\n", pos[0], err)
			return ExitUsage
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	a, err := rules.Analyze(ctx, in, r, opt)
	if err != nil {
		return failed("analyze", pos[0], err, stderr)
	}
	return writeJSON(stdout, stderr, a.Report(in))
}

// readInstance reads FILE.pb for command cmd and builds the rules' input; ok false means
// a problem was reported on stderr.
func readInstance(cmd, path string, lenient bool, stderr io.Writer) (*pabulib.Election, *rules.Instance, bool) {
	e, err := readFile(path, lenient)
	if err != nil {
		fmt.Fprintf(stderr, "civitas pb %s: %v\n", cmd, err)
		return nil, nil, false
	}
	in, err := e.Instance()
	if err != nil {
		fmt.Fprintf(stderr, "civitas pb %s: %s: %v\n", cmd, path, err)
		return nil, nil, false
	}
	return e, in, true
}

// failed reports an error of counting or analysing and returns the exit status: the
// time or step limit is a failure, anything else bad input.
func failed(cmd, path string, err error, stderr io.Writer) int {
	fmt.Fprintf(stderr, "civitas pb %s: %s: %v\n", cmd, path, err)
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, rules.ErrMaxK) {
		return ExitFailed
	}
	return ExitUsage
}

func runCompare(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("civitas pb compare", flag.ContinueOnError)
	fs.SetOutput(stderr)
	pair := fs.String("rules", "greedy,mes-cost-add1", "the two rules, comma-separated")
	timeout := fs.Duration("timeout", 4*time.Minute, "give up after this long")
	lenient := fs.Bool("lenient", false, "read inconsistent files as pabutools does")
	fs.Usage = func() { fmt.Fprint(stderr, usage) }
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return ExitUsage
	}
	if len(pos) != 1 {
		fmt.Fprintf(stderr, "civitas pb compare: want one FILE.pb, got %d arguments\n", len(pos))
		return ExitUsage
	}
	a, b, ok := strings.Cut(*pair, ",")
	if !ok || a == b || !knownRule(a) || !knownRule(b) || a == RuleMeta || b == RuleMeta {
		fmt.Fprintf(stderr, "civitas pb compare: --rules wants two different counting rules, as greedy,mes-cost-add1, not %q\n", *pair)
		return ExitUsage
	}
	e, in, ok := readInstance("compare", pos[0], *lenient, stderr)
	if !ok {
		return ExitUsage
	}
	opt := AnalysisOptions(e)
	if opt.Threshold, err = e.Threshold(); err != nil {
		fmt.Fprintf(stderr, "civitas pb compare: %s: %v\n", pos[0], err)
		return ExitUsage
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	c, err := rules.Compare(ctx, in, rules.Rule(a), rules.Rule(b), opt)
	if err != nil {
		return failed("compare", pos[0], err, stderr)
	}
	return writeJSON(stdout, stderr, c.Report(in))
}
