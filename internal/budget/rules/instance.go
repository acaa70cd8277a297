package rules

import (
	"errors"
	"fmt"
	"math/big"
	"strings"
)

// Project is a project that can be funded.
type Project struct {
	ID   string
	Cost *big.Rat
}

// Ballot is one voter's ballot.
type Ballot struct {
	// Projects lists the projects on the ballot as indices into Instance.Projects, each once.
	// For ranked ballots the order is the ranking, best first; otherwise it carries no meaning.
	Projects []int
	// Points holds the points of each listed project, aligned with Projects, when
	// Instance.Points is set; nil for approval ballots. A listed project with 0 points is
	// still listed (MES counts it as approved).
	Points []*big.Rat
}

// Instance is an election as the rules see it. Values are read, never modified; Rat
// pointers may be shared between ballots.
type Instance struct {
	Budget   *big.Rat
	Projects []Project
	Ballots  []Ballot
	// Points is set when ballots carry points (cumulative, scoring, or ordinal ranks
	// converted to points); otherwise every listed project counts 1 point (approval).
	Points bool
}

// Validate checks what the rules rely on: a non-negative budget and costs, unique non-empty
// ids, ballot indices in range and listed once, points aligned with projects.
func (in *Instance) Validate() error {
	if in.Budget == nil || in.Budget.Sign() < 0 {
		return errors.New("rules: budget missing or negative")
	}
	if !floatSafe(in.Budget) {
		return errors.New("rules: budget out of range")
	}
	ids := make(map[string]struct{}, len(in.Projects))
	for i, p := range in.Projects {
		if p.ID == "" {
			return fmt.Errorf("rules: project %d: empty id", i)
		}
		if _, dup := ids[p.ID]; dup {
			return fmt.Errorf("rules: project %q listed twice", p.ID)
		}
		ids[p.ID] = struct{}{}
		if p.Cost == nil || p.Cost.Sign() < 0 {
			return fmt.Errorf("rules: project %q: cost missing or negative", p.ID)
		}
		if !floatSafe(p.Cost) {
			return fmt.Errorf("rules: project %q: cost out of range", p.ID)
		}
	}
	seen := make([]int, len(in.Projects)) // stamp per project: ballot index + 1
	for v, b := range in.Ballots {
		if in.Points && len(b.Points) != len(b.Projects) {
			return fmt.Errorf("rules: ballot %d: %d points for %d projects", v, len(b.Points), len(b.Projects))
		}
		if !in.Points && b.Points != nil {
			return fmt.Errorf("rules: ballot %d: points on an approval ballot", v)
		}
		for j, p := range b.Projects {
			if p < 0 || p >= len(in.Projects) {
				return fmt.Errorf("rules: ballot %d: project index %d out of range", v, p)
			}
			if seen[p] == v+1 {
				return fmt.Errorf("rules: ballot %d: project %q listed twice", v, in.Projects[p].ID)
			}
			seen[p] = v + 1
			if in.Points && b.Points[j] == nil {
				return fmt.Errorf("rules: ballot %d: nil points", v)
			}
		}
	}
	return nil
}

// floatSafe reports whether x is 0 or between 1e-200 and 1e200 in magnitude, so that the
// float shadows MES and Phragmén use to skip work stay finite and meaningful.
func floatSafe(x *big.Rat) bool {
	if x.Sign() == 0 {
		return true
	}
	f, _ := new(big.Rat).Abs(x).Float64()
	return f >= 1e-200 && f <= 1e200
}

// Tally returns each project's score (sum of points; approvals for approval ballots) and
// its number of approvals (ballots listing it).
func (in *Instance) Tally() (scores []*big.Rat, approvals []int) {
	n := len(in.Projects)
	approvals = make([]int, n)
	small := make([]int64, n) // integer points, flushed into scores before overflow
	scores = make([]*big.Rat, n)
	for i := range scores {
		scores[i] = new(big.Rat)
	}
	const flushAt = 1 << 60
	for _, b := range in.Ballots {
		for j, p := range b.Projects {
			approvals[p]++
			if !in.Points {
				small[p]++
				continue
			}
			pt := b.Points[j]
			if pt.IsInt() && pt.Num().IsInt64() {
				if x := pt.Num().Int64(); x > -(1<<40) && x < 1<<40 {
					small[p] += x
					if small[p] > flushAt || small[p] < -flushAt {
						scores[p].Add(scores[p], new(big.Rat).SetInt64(small[p]))
						small[p] = 0
					}
					continue
				}
			}
			scores[p].Add(scores[p], pt)
		}
	}
	var t big.Rat
	for p := range scores {
		if small[p] != 0 {
			scores[p].Add(scores[p], t.SetInt64(small[p]))
		}
	}
	return scores, approvals
}

// FormatRat prints r exactly: as a decimal when it has a finite decimal expansion
// ("1910663.83", "10"), otherwise as the fraction "a/b".
func FormatRat(r *big.Rat) string {
	if r == nil {
		return ""
	}
	if r.IsInt() {
		return r.Num().String()
	}
	den := new(big.Int).Set(r.Denom())
	var twos, fives int
	two, five := big.NewInt(2), big.NewInt(5)
	var q, m big.Int
	for {
		q.QuoRem(den, two, &m)
		if m.Sign() != 0 {
			break
		}
		den.Set(&q)
		twos++
	}
	for {
		q.QuoRem(den, five, &m)
		if m.Sign() != 0 {
			break
		}
		den.Set(&q)
		fives++
	}
	if den.Cmp(big.NewInt(1)) != 0 {
		return r.String()
	}
	digits := max(twos, fives)
	scaled := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(digits)), nil)
	scaled.Mul(scaled, r.Num())
	scaled.Quo(scaled, r.Denom())
	neg := scaled.Sign() < 0
	s := scaled.Abs(scaled).String()
	if len(s) <= digits {
		s = strings.Repeat("0", digits-len(s)+1) + s
	}
	s = s[:len(s)-digits] + "." + s[len(s)-digits:]
	if neg {
		s = "-" + s
	}
	return s
}

func ratFloat(r *big.Rat) float64 {
	f, _ := r.Float64()
	return f
}

// sumCost returns the exact total cost of the listed projects.
func (in *Instance) sumCost(sel []int) *big.Rat {
	t := new(big.Rat)
	for _, p := range sel {
		t.Add(t, in.Projects[p].Cost)
	}
	return t
}

func (in *Instance) ids(sel []int) []string {
	out := make([]string, len(sel))
	for i, p := range sel {
		out[i] = in.Projects[p].ID
	}
	return out
}
