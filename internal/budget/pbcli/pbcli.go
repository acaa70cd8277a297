// Package pbcli is the `civitas pb` command: it counts Pabulib (.pb) participatory-budget
// elections with the rules of package rules and prints JSON.
package pbcli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"math/big"
	"runtime/debug"
	"strings"
	"time"

	"github.com/civitas-city/civitas/internal/budget/pabulib"
	"github.com/civitas-city/civitas/internal/budget/rules"
)

// Exit statuses of Main.
const (
	ExitOK     = 0
	ExitFailed = 1 // counting did not finish (Add1 time or step limit)
	ExitUsage  = 2 // bad arguments, unreadable or invalid file, unknown rule
)

// RuleMeta names the rule in the file's META (the historical rule), see Count.
const RuleMeta = "meta"

const usage = `usage: civitas pb <command> [arguments]

commands:
  count --rule RULE [--explain] [--threshold N] [--timeout D] [--lenient] FILE.pb
        count the election and print {"rule", "selected", "total_cost", "budget"} as JSON,
        selected in selection order (phragmen: sorted by id); --explain adds "explanation",
        the steps that produced the outcome
  stats [--lenient] FILE.pb
        print voters, ballots, projects, budget and the votes and points of every project
  analyze --rule RULE [--threshold N] [--timeout D] [--lenient] FILE.pb
        count the election and explain the outcome as JSON: {"rule", "projects": [{"id",
        "selected", "effective_support", "project_loss": {"supporters_budget", "spent_on":
        {ID: amount}}, "max_winning_cost"}], "satisfaction": {...}}. Under Equal Shares
        (mes-*; Add1: the run at the budget it kept) effective_support is pabutools'
        effective support in whole percent (100 or more: it could win) and project_loss its
        supporters' money when last considered and what they paid for earlier winners; for
        other rules both are null. max_winning_cost: for a losing project, the largest cost
        in grosze at which it would have won (null: none). satisfaction: the share of each
        voter's listed cost that was funded, by decile, and by category and district when
        the file has them
  compare [--rules A,B] [--timeout D] [--lenient] FILE.pb
        count with two rules (default greedy,mes-cost-add1) and print both outcomes side by
        side: {"rules", "outcomes": {RULE: {"selected", "total_cost", "mean_share",
        "nothing_funded_share"}}, "projects": [{"id", "cost", "votes", "selected": {RULE:
        bool}, "difference": "both"|"neither"|RULE, "why", "effective_support",
        "max_winning_cost"}]}: for a project only one rule selected, why the other did not
        (supporters_spent_elsewhere, too_few_supporters, no_money_left_at_its_turn, other)
  help  print this help

Files are read strictly: an inconsistent file (a voter id used twice, META num_projects or
num_votes not matching the file, a row with fewer fields than its header, a project twice
on one ballot, points outside META min_points, max_points or max_sum_points) is an error
naming the line and field. --lenient reads such files as pabutools does. In both modes
NUL characters, invalid UTF-8, fields over 64 KB and files over 128 MB are errors.

rules:
  greedy            by votes (approval) or points, skipping what does not fit
  greedy-ratio      by votes or points per unit of cost
  greedy-no-skip    by votes or points, stopping at the first project that does not fit
  greedy-threshold  by votes or points, only projects with at least the threshold
                    (--threshold, else META min_project_score_threshold)
  mes-cost          Method of Equal Shares, cost satisfaction
  mes-card          Method of Equal Shares, cardinality satisfaction
  mes-cost-add1     MES cost + Add1 + greedy completion
  mes-card-add1     MES cardinality + Add1 + greedy completion
  phragmen          sequential Phragmén (approval ballots)
  meta              the rule in the file's META, as historically applied: greedy,
                    greedy-threshold, greedy-no-skip (PROJECTS votes/score column, ties in
                    file order), equalshares (MES cost), equalshares/add1 (MES cost + Add1,
                    no completion)

Numbers are exact: decimals, or "a/b" when a value has no finite decimal form.
`

// Main runs `civitas pb` with args (what follows "pb") and returns the exit status.
func Main(args []string, stdout, stderr io.Writer) int {
	// A pb command lives for well under a second and allocates most of what it keeps
	// while reading; collecting garbage less often saves about a third of its time on a
	// large file (Kraków-sized: ~50 MB peak instead of ~45).
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return ExitUsage
	}
	switch args[0] {
	case "count":
		return runCount(args[1:], stdout, stderr)
	case "stats":
		return runStats(args[1:], stdout, stderr)
	case "analyze":
		return runAnalyze(args[1:], stdout, stderr)
	case "compare":
		return runCompare(args[1:], stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return ExitOK
	}
	fmt.Fprintf(stderr, "civitas pb: unknown command %q\n\n%s", args[0], usage)
	return ExitUsage
}

// parseInterleaved parses flags that may come before or after the positional arguments.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// CountOutput is what `count` prints.
type CountOutput struct {
	Rule        string       `json:"rule"`
	Selected    []string     `json:"selected"`
	TotalCost   string       `json:"total_cost"`
	Budget      string       `json:"budget"`
	Explanation []rules.Step `json:"explanation,omitzero"`
}

func runCount(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("civitas pb count", flag.ContinueOnError)
	fs.SetOutput(stderr)
	rule := fs.String("rule", "", "counting rule (see civitas pb help)")
	explain := fs.Bool("explain", false, "add the steps that produced the outcome")
	threshold := fs.String("threshold", "", "score threshold for greedy-threshold and greedy-no-skip")
	timeout := fs.Duration("timeout", 4*time.Minute, "give up counting after this long (Add1 can take many steps)")
	lenient := fs.Bool("lenient", false, "read inconsistent files as pabutools does")
	fs.Usage = func() { fmt.Fprint(stderr, usage) }
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return ExitUsage
	}
	if len(pos) != 1 {
		fmt.Fprintf(stderr, "civitas pb count: want one FILE.pb, got %d arguments\n", len(pos))
		return ExitUsage
	}
	if *rule == "" {
		fmt.Fprintln(stderr, "civitas pb count: --rule is required (see civitas pb help)")
		return ExitUsage
	}
	if !knownRule(*rule) {
		fmt.Fprintf(stderr, "civitas pb count: unknown rule %q (see civitas pb help)\n", *rule)
		return ExitUsage
	}
	opt := rules.Options{Explain: *explain}
	if *threshold != "" {
		t, ok := new(big.Rat).SetString(strings.ReplaceAll(*threshold, ",", "."))
		if !ok {
			fmt.Fprintf(stderr, "civitas pb count: --threshold %q is not a number\n", *threshold)
			return ExitUsage
		}
		opt.Threshold = t
	}
	e, err := readFile(pos[0], *lenient)
	if err != nil {
		fmt.Fprintf(stderr, "civitas pb count: %v\n", err)
		return ExitUsage
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	res, err := Count(ctx, e, *rule, opt)
	if err != nil {
		fmt.Fprintf(stderr, "civitas pb count: %s: %v\n", pos[0], err)
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, rules.ErrMaxK) {
			return ExitFailed
		}
		return ExitUsage
	}
	out := CountOutput{
		Rule:      *rule,
		Selected:  res.Selected,
		TotalCost: rules.FormatRat(res.TotalCost),
		Budget:    rules.FormatRat(e.Budget),
	}
	if out.Selected == nil {
		out.Selected = []string{}
	}
	if *explain {
		out.Explanation = res.Steps
		if out.Explanation == nil {
			out.Explanation = []rules.Step{}
		}
	}
	return writeJSON(stdout, stderr, out)
}

func knownRule(name string) bool {
	if name == RuleMeta {
		return true
	}
	for _, r := range rules.AllRules {
		if string(r) == name {
			return true
		}
	}
	return false
}

func readFile(path string, lenient bool) (*pabulib.Election, error) {
	e, err := pabulib.ReadFile(path, pabulib.Options{Lenient: lenient})
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) {
			return nil, err
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return e, nil
}

func writeJSON(stdout, stderr io.Writer, v any) int {
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		fmt.Fprintf(stderr, "civitas pb: %v\n", err)
		return ExitFailed
	}
	return ExitOK
}

// Count counts election e with rule: a rules.Rule name, or "meta" for the rule named in
// META as historically applied (§5 of the PB rules):
//
//   - greedy, greedy-threshold, greedy-no-skip: the PROJECTS score column (else votes, else a
//     recount) sorted descending with ties in file order, only projects reaching META
//     min_project_score_threshold, skipping (or, for no-skip, stopping at) what does not fit;
//   - equalshares: MES with cost satisfaction;
//   - equalshares/add1: MES with cost satisfaction and Add1, without completion.
//
// For greedy-threshold and greedy-no-skip named directly, scores are recounted, ties go by
// id, and the threshold is opt.Threshold or else META min_project_score_threshold.
func Count(ctx context.Context, e *pabulib.Election, rule string, opt rules.Options) (*rules.Result, error) {
	in, err := e.Instance()
	if err != nil {
		return nil, err
	}
	if rule != RuleMeta {
		r := rules.Rule(rule)
		if (r == rules.GreedyThreshold || r == rules.GreedyNoSkip) && opt.Threshold == nil {
			if opt.Threshold, err = e.Threshold(); err != nil {
				return nil, err
			}
			if r == rules.GreedyThreshold && opt.Threshold == nil {
				return nil, errors.New("greedy-threshold needs --threshold or META min_project_score_threshold")
			}
		}
		return rules.Count(ctx, in, r, opt)
	}
	name, _ := e.MetaValue("rule")
	name = strings.ToLower(strings.TrimSpace(name))
	switch name {
	case "greedy", "greedy-threshold", "greedy-no-skip":
		scores, err := e.ColumnScores()
		if err != nil && !errors.Is(err, pabulib.ErrNoScoreColumn) {
			return nil, err
		}
		threshold, err := e.Threshold()
		if err != nil {
			return nil, err
		}
		res, err := rules.GreedyRule(in, rules.GreedyOptions{
			NoSkip:    name == "greedy-no-skip",
			Threshold: threshold,
			Scores:    scores,
			FileOrder: true,
			Explain:   opt.Explain,
		})
		if err != nil {
			return nil, err
		}
		res.Rule = rules.Rule(name)
		return res, nil
	case "equalshares":
		res, err := rules.MES(in, rules.CostSat, opt.Explain)
		if err != nil {
			return nil, err
		}
		res.Rule = rules.MESCost
		return res, nil
	case "equalshares/add1":
		res, err := rules.MESAdd1(ctx, in, rules.CostSat, rules.Add1Options{MaxK: opt.MaxK, Explain: opt.Explain})
		if err != nil {
			return nil, err
		}
		res.Rule = rules.MESCostAdd1
		return res, nil
	case "":
		return nil, errors.New("META has no rule")
	}
	return nil, fmt.Errorf("META rule %q is not supported (supported: greedy, greedy-threshold, greedy-no-skip, equalshares, equalshares/add1)", name)
}
