// Package opinion computes a consultation's opinion map the way Pol.is's
// "classic" math does (shared/docs/consultation-algorithm.md): the vote
// matrix, who is in the conversation, a two-component PCA with
// sparsity-aware projection, 100 base clusters, opinion groups with k chosen
// by silhouette, representative statements per group, majority consensus and
// group-informed consensus.
//
// Votes use the export sign: agree = +1, disagree = -1, pass = 0. The package
// is pure: no I/O, no globals, and the only pseudo-randomness is a seeded
// start vector for a cold PCA.
//
// The arithmetic is our own, not gonum's, for two measured reasons
// (docs/benchmarks-opinion.md): Pol.is's results are reproduced exactly
// (docs/opinion-validation.md §9.1) only with its own k-means start and
// stopping rules and its power iteration, which no library has; and a
// library PCA of a dense matrix is far too slow: gonum's stat.PC takes 37 s
// and its covariance plus EigenSym 21 s on 10,000 × 1,000 with 1,000,000
// votes, where the sparse, exact-integer covariance here takes 0.9 s cold
// and 77 ms for a warm update of 1,000 votes on 33,000 × 800.
package opinion

import (
	"errors"
	"fmt"
)

// Vote values (export sign; Pol.is's internal math uses the opposite sign).
const (
	Agree    = 1
	Pass     = 0
	Disagree = -1
)

// Vote is one vote event. A later vote by the same participant on the same
// statement replaces the earlier one; Time decides, and for equal times the
// later one in the input wins.
type Vote struct {
	PID   int64 `json:"pid"`
	TID   int64 `json:"tid"`
	Value int   `json:"value"`
	Time  int64 `json:"time"`
}

// Options are Pol.is's tuning constants. The zero value means Pol.is's defaults.
type Options struct {
	BaseK           int    `json:"base_k,omitempty"`           // base clusters (100)
	MaxK            int    `json:"max_k,omitempty"`            // largest number of groups (5)
	BaseIters       int    `json:"base_iters,omitempty"`       // k-means iterations for base clusters (100)
	GroupIters      int    `json:"group_iters,omitempty"`      // k-means iterations for groups (20, see doc §5.1)
	KBuffer         int    `json:"k_buffer,omitempty"`         // updates a new k must win before it is published (4)
	MinVotes        int    `json:"min_votes,omitempty"`        // votes needed to enter the conversation (7)
	GreedyN         int    `json:"greedy_n,omitempty"`         // in-conv top-up target (15)
	MaxParticipants int    `json:"max_participants,omitempty"` // customs cap (100,000)
	MaxComments     int    `json:"max_comments,omitempty"`     // customs cap (10,000)
	Seed            uint64 `json:"seed,omitempty"`             // seed of the cold PCA start vectors
}

func (o Options) withDefaults() Options {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&o.BaseK, 100)
	def(&o.MaxK, 5)
	def(&o.BaseIters, 100)
	def(&o.GroupIters, 20)
	def(&o.KBuffer, 4)
	def(&o.MinVotes, 7)
	def(&o.GreedyN, 15)
	def(&o.MaxParticipants, 100000)
	def(&o.MaxComments, 10000)
	return o
}

// Input is everything a cold computation needs.
type Input struct {
	Votes []Vote
	// ModOut lists the statements moderated out (rejected or meta). Their
	// columns are zeroed in the rating matrix (doc §2).
	ModOut []int64
	// Order is the participants' row order, which decides the cold k-means
	// start (doc §5.1). Participants not listed follow in order of first vote.
	Order []int64
	// Groups, when set, fixes the opinion groups (pid → group id) instead of
	// clustering; participants not listed are not clustered.
	Groups map[int64]int
	// InConv lists participants already in the conversation from earlier
	// updates; the in-conv set is sticky (doc §3).
	InConv []int64
	// Prev, when set, warm-starts from a previous result (for example one
	// read back from storage): its in-conv set, PCA components, clusters and
	// k smoother are reused as Pol.is does between updates.
	Prev    *Result
	Options Options
}

// Result is one math update. All ids are the input's participant and
// statement ids.
type Result struct {
	Tick         int                  `json:"tick"`
	Participants int                  `json:"participants"`
	TIDs         []int64              `json:"tids"` // statements with votes, ascending: the column order of PCA vectors
	ModOut       []int64              `json:"mod_out"`
	InConv       []int64              `json:"in_conv"` // ascending
	PCA          PCA                  `json:"pca"`
	Projection   map[int64][2]float64 `json:"projection"`
	BaseClusters []Cluster            `json:"base_clusters"`
	Groups       []Group              `json:"groups"`
	Consensus    Consensus            `json:"consensus"`
	GAC          map[int64]float64    `json:"gac"` // group-informed consensus per statement
	// Warm-start state (doc §5.3): the clustering for every candidate k and
	// the k smoother.
	GroupClusterings map[int][]Cluster `json:"group_clusterings"`
	KSmoother        KSmoother         `json:"k_smoother"`
	FixedGroups      bool              `json:"fixed_groups,omitempty"`
	Options          Options           `json:"options"`

	mat *matrix // the vote matrix, kept in memory for Update
}

// PCA holds the centre and the two components over Result.TIDs.
type PCA struct {
	Center []float64    `json:"center"`
	Comps  [2][]float64 `json:"comps"`
}

// Cluster is a base cluster (members are pids) or a group clustering's
// cluster (members are base-cluster ids).
type Cluster struct {
	ID      int        `json:"id"`
	Members []int64    `json:"members"`
	Center  [2]float64 `json:"center"`
}

// KSmoother is Pol.is's group-k-smoother state.
type KSmoother struct {
	LastK      int `json:"last_k"`
	LastKCount int `json:"last_k_count"`
	SmoothedK  int `json:"smoothed_k"`
}

// Group is one opinion group.
type Group struct {
	ID      int        `json:"id"`
	Members []int64    `json:"members"` // ascending pids
	Center  [2]float64 `json:"center"`
	Repness []Repness  `json:"repness"`
}

// Repness is one representative statement of a group.
type Repness struct {
	TID         int64   `json:"tid"`
	Repful      string  `json:"repful"` // "agree" or "disagree"
	NSuccess    int     `json:"n_success"`
	NTrials     int     `json:"n_trials"`
	PSuccess    float64 `json:"p_success"`
	PTest       float64 `json:"p_test"`
	Repness     float64 `json:"repness"`
	RepnessTest float64 `json:"repness_test"`
	BestAgree   bool    `json:"best_agree,omitempty"`
}

// Consensus is the majority consensus (doc §7.2).
type Consensus struct {
	Agree    []ConsensusStat `json:"agree"`
	Disagree []ConsensusStat `json:"disagree"`
}

// ConsensusStat is one statement of a consensus list.
type ConsensusStat struct {
	TID      int64   `json:"tid"`
	NSuccess int     `json:"n_success"`
	NTrials  int     `json:"n_trials"`
	PSuccess float64 `json:"p_success"`
	PTest    float64 `json:"p_test"`
}

// ErrNoMatrix is returned by Update when prev has no in-memory vote matrix,
// either because it was read back from storage or because it was already
// updated once.
var ErrNoMatrix = errors.New("opinion: previous result has no vote matrix (use Compute with Input.Prev)")

// Compute runs one full update on all votes; with in.Prev set it warm-starts
// from that result.
func Compute(in Input) (*Result, error) {
	opt := in.Options.withDefaults()
	if in.Prev != nil && in.Options == (Options{}) {
		opt = in.Prev.Options.withDefaults()
	}
	if err := checkVotes(in.Votes); err != nil {
		return nil, err
	}
	m := buildMatrix(in.Votes, in.Order, opt)
	m.setModOut(in.ModOut)
	var st *warmState
	tick := 1
	if in.Prev != nil {
		st = warmFrom(in.Prev)
		tick = in.Prev.Tick + 1
	}
	if len(in.InConv) > 0 {
		if st == nil {
			st = &warmState{inConv: make(map[int64]bool)}
		}
		for _, p := range in.InConv {
			st.inConv[p] = true
		}
	}
	return run(m, in.Groups, st, opt, tick), nil
}

// Update adds newVotes to prev's vote matrix and runs one warm-started update,
// as a Pol.is math tick does. modOut is the current moderated-out list. prev's
// in-memory matrix moves to the new result, so prev cannot be updated again;
// its exported fields stay valid.
func Update(prev *Result, newVotes []Vote, modOut []int64) (*Result, error) {
	if prev == nil || prev.mat == nil {
		return nil, ErrNoMatrix
	}
	if err := checkVotes(newVotes); err != nil {
		return nil, err
	}
	opt := prev.Options.withDefaults()
	m := prev.mat
	prev.mat = nil
	m.addVotes(newVotes, opt)
	m.setModOut(modOut)
	var groups map[int64]int
	if prev.FixedGroups {
		groups = make(map[int64]int)
		for _, g := range prev.Groups {
			for _, p := range g.Members {
				groups[p] = g.ID
			}
		}
	}
	return run(m, groups, warmFrom(prev), opt, prev.Tick+1), nil
}

func checkVotes(vs []Vote) error {
	for i, v := range vs {
		if v.Value < -1 || v.Value > 1 {
			return fmt.Errorf("opinion: vote %d (pid %d, tid %d): value %d is not -1, 0 or 1", i, v.PID, v.TID, v.Value)
		}
	}
	return nil
}
