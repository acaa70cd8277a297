package pbcli

import (
	"flag"
	"fmt"
	"io"
	"math/big"

	"github.com/civitas-city/civitas/internal/budget/pabulib"
	"github.com/civitas-city/civitas/internal/budget/rules"
)

// Stats is what `stats` prints.
type Stats struct {
	Description  string         `json:"description,omitempty"`
	Unit         string         `json:"unit,omitempty"`
	Instance     string         `json:"instance,omitempty"`
	VoteType     string         `json:"vote_type"`
	Rule         string         `json:"rule,omitempty"` // META rule (historical)
	Budget       string         `json:"budget"`
	Voters       int            `json:"voters"`        // VOTES rows
	Ballots      int            `json:"ballots"`       // non-empty ballots
	EmptyBallots int            `json:"empty_ballots"` // counted as voters by MES
	Projects     int            `json:"projects"`
	TotalCost    string         `json:"total_cost"` // of all projects
	BallotLength LengthStats    `json:"ballot_length"`
	Votes        []ProjectStats `json:"votes"` // per project, in file order
}

// LengthStats summarise ballot lengths.
type LengthStats struct {
	Min  int     `json:"min"`
	Max  int     `json:"max"`
	Mean float64 `json:"mean"`
}

// ProjectStats is one project's support, recounted from VOTES.
type ProjectStats struct {
	Project string `json:"project"`
	Cost    string `json:"cost"`
	Votes   int    `json:"votes"` // ballots listing it
	Score   string `json:"score"` // points (= votes for approval)
	// Selected is the historical outcome (PROJECTS selected = 1), if the file has one.
	Selected *bool `json:"selected,omitempty"`
}

// ElectionStats summarises e.
func ElectionStats(e *pabulib.Election) (*Stats, error) {
	in, err := e.Instance()
	if err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	scores, approvals := in.Tally()
	s := &Stats{
		VoteType: string(e.VoteType),
		Budget:   rules.FormatRat(e.Budget),
		Voters:   len(e.Votes),
		Projects: len(e.Projects),
		Votes:    make([]ProjectStats, len(e.Projects)),
	}
	s.Description, _ = e.MetaValue("description")
	s.Unit, _ = e.MetaValue("unit")
	s.Instance, _ = e.MetaValue("instance")
	s.Rule, _ = e.MetaValue("rule")
	total := new(big.Rat)
	for i, p := range e.Projects {
		total.Add(total, p.Cost)
		s.Votes[i] = ProjectStats{Project: p.ID, Cost: rules.FormatRat(p.Cost), Votes: approvals[i], Score: rules.FormatRat(scores[i])}
	}
	s.TotalCost = rules.FormatRat(total)
	if hist := e.HistoricalSelected(); hist != nil {
		sel := map[string]bool{}
		for _, id := range hist {
			sel[id] = true
		}
		for i := range s.Votes {
			b := sel[s.Votes[i].Project]
			s.Votes[i].Selected = &b
		}
	}
	sum := 0
	for i, v := range e.Votes {
		n := len(v.Projects)
		if n == 0 {
			s.EmptyBallots++
		} else {
			s.Ballots++
		}
		if i == 0 || n < s.BallotLength.Min {
			s.BallotLength.Min = n
		}
		s.BallotLength.Max = max(s.BallotLength.Max, n)
		sum += n
	}
	if len(e.Votes) > 0 {
		s.BallotLength.Mean = float64(sum) / float64(len(e.Votes))
	}
	return s, nil
}

func runStats(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("civitas pb stats", flag.ContinueOnError)
	fs.SetOutput(stderr)
	lenient := fs.Bool("lenient", false, "read inconsistent files as pabutools does")
	fs.Usage = func() { fmt.Fprint(stderr, usage) }
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return ExitUsage
	}
	if len(pos) != 1 {
		fmt.Fprintf(stderr, "civitas pb stats: want one FILE.pb, got %d arguments\n", len(pos))
		return ExitUsage
	}
	e, err := readFile(pos[0], *lenient)
	if err != nil {
		fmt.Fprintf(stderr, "civitas pb stats: %v\n", err)
		return ExitUsage
	}
	s, err := ElectionStats(e)
	if err != nil {
		fmt.Fprintf(stderr, "civitas pb stats: %s: %v\n", pos[0], err)
		return ExitUsage
	}
	return writeJSON(stdout, stderr, s)
}
