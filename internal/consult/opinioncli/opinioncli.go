// Package opinioncli is the `civitas opinion` subcommand.
package opinioncli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strconv"

	"github.com/civitas-city/civitas/internal/consult/opinion"
	"github.com/civitas-city/civitas/internal/consult/polisexport"
)

const usage = `usage: civitas opinion map [--use-export-groups] DIR

DIR is a Pol.is export (comments.csv with participants-votes.csv or votes.csv)
or a Pol.is math fixture (votes.json, comments.json, math-pca2.json).
Prints the opinion map as one JSON object. Each file is read up to 128 MB, in
lines of up to 1 MB; a larger file or longer line is an error naming the file.

  --use-export-groups  take the groups from the export's group-id column (or
                       the fixture's group clusters) instead of clustering
`

// Main runs `civitas opinion ARGS...` and returns the exit status: 0 on
// success, 2 on bad usage or bad input, 1 on other failures.
func Main(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stderr, usage)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	if args[0] != "map" {
		fmt.Fprintf(stderr, "civitas opinion: unknown command %q\n%s", args[0], usage)
		return 2
	}
	useGroups := false
	var dir string
	for _, a := range args[1:] {
		switch a {
		case "--use-export-groups", "-use-export-groups":
			useGroups = true
		case "-h", "--help":
			fmt.Fprint(stderr, usage)
			return 0
		default:
			if len(a) > 1 && a[0] == '-' {
				fmt.Fprintf(stderr, "civitas opinion map: unknown flag %s\n%s", a, usage)
				return 2
			}
			if dir != "" {
				fmt.Fprintf(stderr, "civitas opinion map: more than one directory\n%s", usage)
				return 2
			}
			dir = a
		}
	}
	if dir == "" {
		fmt.Fprintf(stderr, "civitas opinion map: missing DIR\n%s", usage)
		return 2
	}
	conv, err := polisexport.Read(dir)
	if err != nil {
		fmt.Fprintf(stderr, "civitas opinion map: %v\n", err)
		if _, ok := errors.AsType[*polisexport.Error](err); ok || errors.Is(err, fs.ErrNotExist) {
			return 2
		}
		return 1
	}
	in := opinion.Input{Votes: conv.Votes, ModOut: conv.ModOut, Order: conv.Order}
	if useGroups {
		if len(conv.Groups) == 0 {
			fmt.Fprintf(stderr, "civitas opinion map: %s: no Pol.is groups (group-id column or math-pca2.json group-clusters)\n", dir)
			return 2
		}
		in.Groups = conv.Groups
	}
	res, err := opinion.Compute(in)
	if err != nil {
		fmt.Fprintf(stderr, "civitas opinion map: %s: %v\n", dir, err)
		return 2
	}
	enc := json.NewEncoder(stdout)
	if err := enc.Encode(mapOutput(res)); err != nil {
		fmt.Fprintf(stderr, "civitas opinion map: %v\n", err)
		return 1
	}
	return 0
}

// Output is the JSON printed by `opinion map`.
type Output struct {
	InConv     []int64              `json:"in_conv"`
	Groups     []opinion.Group      `json:"groups"`
	Consensus  ConsensusOutput      `json:"consensus"`
	GAC        map[string]float64   `json:"gac"`
	PCA        PCAOutput            `json:"pca"`
	Projection map[int64][2]float64 `json:"projection"`
	K          int                  `json:"k"`
}

// ConsensusOutput lists the consensus statement ids, best first.
type ConsensusOutput struct {
	Agree    []int64 `json:"agree"`
	Disagree []int64 `json:"disagree"`
}

// PCAOutput is the centre and components over TIDs (export sign).
type PCAOutput struct {
	TIDs   []int64      `json:"tids"`
	Center []float64    `json:"center"`
	Comps  [2][]float64 `json:"comps"`
}

func mapOutput(r *opinion.Result) Output {
	o := Output{
		InConv: r.InConv, Groups: r.Groups, Projection: r.Projection, K: len(r.Groups),
		Consensus: ConsensusOutput{Agree: []int64{}, Disagree: []int64{}},
		GAC:       make(map[string]float64, len(r.GAC)),
		PCA:       PCAOutput{TIDs: r.TIDs, Center: r.PCA.Center, Comps: r.PCA.Comps},
	}
	for _, c := range r.Consensus.Agree {
		o.Consensus.Agree = append(o.Consensus.Agree, c.TID)
	}
	for _, c := range r.Consensus.Disagree {
		o.Consensus.Disagree = append(o.Consensus.Disagree, c.TID)
	}
	for t, v := range r.GAC {
		o.GAC[strconv.FormatInt(t, 10)] = v
	}
	return o
}
