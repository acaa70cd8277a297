package stats

import (
	"errors"
	"fmt"
	"math"
)

// Margin is one variable's population distribution: the count of each level.
// A response's code for the variable indexes Levels and Targets.
type Margin struct {
	Name    string
	Levels  []string
	Targets []float64
}

// Bounds keeps every weight between Lo and Hi times the mean weight
// (the population total over the number of responses).
type Bounds struct{ Lo, Hi float64 }

// RakeOptions tune Rake. The zero value rakes from equal starting weights
// to a relative tolerance of 1e-12, without trimming.
type RakeOptions struct {
	// Tolerance is the largest relative gap |Σw − target|/target left on
	// any level of any margin; 0 means 1e-12.
	Tolerance float64
	// MaxIterations bounds the passes over all margins; 0 means 1000.
	MaxIterations int
	// Base are starting (design) weights; nil means all ones.
	Base []float64
	// Trim, when set, keeps the weights within bounds: after each pass
	// weights outside are cut to the bound, and raking goes on until the
	// margins hold with every weight inside.
	Trim *Bounds
}

// Raked is the result of Rake.
type Raked struct {
	Weights    []float64
	Iterations int     // passes over all margins
	Gap        float64 // the largest relative gap left
}

// ErrNotConverged means raking did not reach the tolerance: the margins
// cannot all hold (with the trimming bounds, when given).
var ErrNotConverged = errors.New("stats: raking did not converge")

// RakeError is a problem with the margins or the responses' codes.
type RakeError struct {
	Margin string
	Level  string // empty when it is not about one level
	Reason string
}

func (e *RakeError) Error() string {
	if e.Level == "" {
		return fmt.Sprintf("stats: margin %s: %s", e.Margin, e.Reason)
	}
	return fmt.Sprintf("stats: margin %s, level %s: %s", e.Margin, e.Level, e.Reason)
}

// Rake weights responses by iterative proportional fitting so that the
// weighted count of each level of each margin equals its target (R's
// survey::rake). codes[m][i] is the level of response i in margin m. It
// iterates to the tolerance, not a fixed number of passes; the weights sum
// to the population total.
func Rake(codes [][]int32, margins []Margin, o RakeOptions) (Raked, error) {
	n, total, err := checkRake(codes, margins, o)
	if err != nil {
		return Raked{}, err
	}
	tol, maxIter := o.Tolerance, o.MaxIterations
	if tol <= 0 {
		tol = 1e-12
	}
	if maxIter <= 0 {
		maxIter = 1000
	}
	w := make([]float64, n)
	if o.Base != nil {
		copy(w, o.Base)
	} else {
		for i := range w {
			w[i] = 1
		}
	}
	var lo, hi float64
	if o.Trim != nil {
		mean := total / float64(n)
		lo, hi = o.Trim.Lo*mean, o.Trim.Hi*mean
	}
	sums := make([][]float64, len(margins))
	factors := make([][]float64, len(margins))
	for m := range margins {
		sums[m] = make([]float64, len(margins[m].Targets))
		factors[m] = make([]float64, len(margins[m].Targets))
	}
	res := Raked{Weights: w}
	for res.Iterations < maxIter {
		res.Iterations++
		for m, mg := range margins {
			levelSums(codes[m], w, sums[m])
			for l, t := range mg.Targets {
				factors[m][l] = 0
				if sums[m][l] > 0 {
					factors[m][l] = t / sums[m][l]
				}
			}
			f := factors[m]
			for i, c := range codes[m] {
				w[i] *= f[c]
			}
		}
		if o.Trim != nil {
			for i, x := range w {
				w[i] = min(max(x, lo), hi)
			}
		}
		res.Gap = 0
		for m, mg := range margins {
			levelSums(codes[m], w, sums[m])
			for l, t := range mg.Targets {
				if t > 0 {
					res.Gap = max(res.Gap, math.Abs(sums[m][l]-t)/t)
				}
			}
		}
		if res.Gap <= tol {
			return res, nil
		}
	}
	return res, fmt.Errorf("%w: a gap of %.3g remains after %d passes", ErrNotConverged, res.Gap, res.Iterations)
}

func levelSums(codes []int32, w, sums []float64) {
	clear(sums)
	for i, c := range codes {
		sums[c] += w[i]
	}
}

// checkRake checks the input of Rake and returns the number of responses
// and the population total.
func checkRake(codes [][]int32, margins []Margin, o RakeOptions) (int, float64, error) {
	if len(margins) == 0 {
		return 0, 0, errors.New("stats: no margins to rake to")
	}
	if len(codes) != len(margins) {
		return 0, 0, fmt.Errorf("stats: codes for %d margins, %d margins", len(codes), len(margins))
	}
	n := len(codes[0])
	if n == 0 {
		return 0, 0, ErrNoData
	}
	if o.Base != nil {
		if err := checkWeights(n, o.Base); err != nil {
			return 0, 0, err
		}
	}
	if b := o.Trim; b != nil && !(b.Lo >= 0 && b.Lo <= 1 && b.Hi >= 1 && !math.IsInf(b.Hi, 1)) {
		return 0, 0, fmt.Errorf("stats: trimming bounds %v–%v must satisfy 0 ≤ low ≤ 1 ≤ high", b.Lo, b.Hi)
	}
	var total float64
	for m, mg := range margins {
		if len(codes[m]) != n {
			return 0, 0, &RakeError{Margin: mg.Name, Reason: fmt.Sprintf("codes for %d responses, other margins have %d", len(codes[m]), n)}
		}
		if len(mg.Levels) != len(mg.Targets) {
			return 0, 0, &RakeError{Margin: mg.Name, Reason: "levels and targets differ in number"}
		}
		var sum float64
		for l, t := range mg.Targets {
			if !(t >= 0) || math.IsInf(t, 1) {
				return 0, 0, &RakeError{Margin: mg.Name, Level: mg.Levels[l], Reason: "the population count must be a finite number, not negative"}
			}
			sum += t
		}
		if sum == 0 {
			return 0, 0, &RakeError{Margin: mg.Name, Reason: "the population counts add up to 0"}
		}
		if m == 0 {
			total = sum
		} else if math.Abs(sum-total) > 1e-9*total {
			return 0, 0, &RakeError{Margin: mg.Name, Reason: fmt.Sprintf("the population counts add up to %g, but those of %s to %g: every margin must count the same population", sum, margins[0].Name, total)}
		}
		seen := make([]bool, len(mg.Targets))
		for i, c := range codes[m] {
			if c < 0 || int(c) >= len(mg.Targets) {
				return 0, 0, &RakeError{Margin: mg.Name, Reason: fmt.Sprintf("response %d has level %d, outside the margin", i, c)}
			}
			if o.Base == nil || o.Base[i] > 0 {
				seen[c] = true
			}
		}
		for l, t := range mg.Targets {
			switch {
			case t > 0 && !seen[l]:
				return 0, 0, &RakeError{Margin: mg.Name, Level: mg.Levels[l], Reason: "no response has this level, so its population cannot be represented"}
			case t == 0 && seen[l]:
				return 0, 0, &RakeError{Margin: mg.Name, Level: mg.Levels[l], Reason: "responses have this level, but its population count is 0"}
			}
		}
	}
	return n, total, nil
}
