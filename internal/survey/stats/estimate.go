package stats

import (
	"errors"
	"fmt"
	"math"
)

// Z95 is the two-sided 95% quantile of the standard normal distribution.
const Z95 = 1.959963984540054

// Estimate is a weighted figure with its standard error and 95% interval.
// With fewer than two responses SE, Lo and Hi are NaN: there is no
// interval to give.
type Estimate struct {
	Value     float64
	SE        float64
	Lo, Hi    float64
	N         int     // responses counted (unweighted)
	WeightSum float64 // Σw of those responses
}

// HasInterval reports whether the estimate has a standard error.
func (e Estimate) HasInterval() bool { return !math.IsNaN(e.SE) }

// ErrNoData means there was nothing to estimate from: no responses, or
// weights summing to zero.
var ErrNoData = errors.New("stats: no responses with a positive weight")

// checkWeights checks w against n responses; nil w means all ones.
func checkWeights(n int, w []float64) error {
	if w != nil && len(w) != n {
		return fmt.Errorf("stats: %d weights for %d responses", len(w), n)
	}
	for i, x := range w {
		if !(x >= 0) || math.IsInf(x, 1) {
			return fmt.Errorf("stats: weight %d is %v: weights must be finite and not negative", i, x)
		}
	}
	return nil
}

func weight(w []float64, i int) float64 {
	if w == nil {
		return 1
	}
	return w[i]
}

// Mean is the weighted mean of y with its linearization standard error
// (see the package comment). w nil means unweighted.
func Mean(y, w []float64) (Estimate, error) {
	if err := checkWeights(len(y), w); err != nil {
		return Estimate{}, err
	}
	var sw, swy float64
	for i, v := range y {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return Estimate{}, fmt.Errorf("stats: value %d is %v", i, v)
		}
		wi := weight(w, i)
		sw += wi
		swy += wi * v
	}
	if len(y) == 0 || sw == 0 {
		return Estimate{}, ErrNoData
	}
	m := swy / sw
	e := Estimate{Value: m, N: len(y), WeightSum: sw, SE: math.NaN(), Lo: math.NaN(), Hi: math.NaN()}
	if n := float64(len(y)); len(y) >= 2 {
		var s float64
		for i, v := range y {
			d := weight(w, i) * (v - m)
			s += d * d
		}
		e.SE = math.Sqrt(n / (n - 1) * s / (sw * sw))
		e.Lo, e.Hi = m-Z95*e.SE, m+Z95*e.SE
	}
	return e, nil
}

// clamp cuts the interval of e to [lo, hi].
func (e Estimate) clamp(lo, hi float64) Estimate {
	if e.HasInterval() {
		e.Lo, e.Hi = max(e.Lo, lo), min(e.Hi, hi)
	}
	return e
}

// Proportion is the weighted share of responses for which in is true.
func Proportion(in []bool, w []float64) (Estimate, error) {
	y := make([]float64, len(in))
	for i, b := range in {
		if b {
			y[i] = 1
		}
	}
	e, err := Mean(y, w)
	return e.clamp(0, 1), err
}

// Frequency is one level of a categorical answer.
type Frequency struct {
	Level    int
	N        int      // responses at this level (unweighted)
	Weighted float64  // Σw at this level
	Share    Estimate // weighted share of all responses, with its interval
}

// Frequencies counts codes (each in [0, levels)) into one Frequency per
// level, shares with their 95% intervals. w nil means unweighted.
func Frequencies(codes []int, levels int, w []float64) ([]Frequency, error) {
	if err := checkWeights(len(codes), w); err != nil {
		return nil, err
	}
	for i, c := range codes {
		if c < 0 || c >= levels {
			return nil, fmt.Errorf("stats: response %d has level %d, outside 0..%d", i, c, levels-1)
		}
	}
	out := make([]Frequency, levels)
	in := make([]bool, len(codes))
	for l := range levels {
		out[l].Level = l
		for i, c := range codes {
			in[i] = c == l
			if in[i] {
				out[l].N++
				out[l].Weighted += weight(w, i)
			}
		}
		share, err := Proportion(in, w)
		if err != nil {
			return nil, err
		}
		out[l].Share = share
	}
	return out, nil
}

// NPS is the net promoter score of 0–10 ratings: the share of promoters
// (9–10) minus the share of detractors (0–6), in points from −100 to 100,
// with its standard error and 95% interval (see the package comment).
func NPS(scores []int, w []float64) (Estimate, error) {
	y := make([]float64, len(scores))
	for i, s := range scores {
		switch {
		case s < 0 || s > 10:
			return Estimate{}, fmt.Errorf("stats: rating %d is %d, outside 0–10", i, s)
		case s >= 9:
			y[i] = 100
		case s <= 6:
			y[i] = -100
		}
	}
	e, err := Mean(y, w)
	return e.clamp(-100, 100), err
}

// Difference is the change of an estimate from one wave to the next.
type Difference struct {
	Value       float64 // later − earlier
	SE          float64
	Lo, Hi      float64 // its 95% interval
	Significant bool    // the interval excludes zero
}

// Compare is the change from earlier to later, two independent samples:
// SE = √(SE₁² + SE₂²), significant at 95% when |Δ| > 1.96·SE. Without
// both standard errors the difference has no interval and is not
// significant.
func Compare(earlier, later Estimate) Difference {
	d := Difference{Value: later.Value - earlier.Value, SE: math.Hypot(earlier.SE, later.SE)}
	d.Lo, d.Hi = d.Value-Z95*d.SE, d.Value+Z95*d.SE
	d.Significant = !math.IsNaN(d.SE) && (d.Lo > 0 || d.Hi < 0)
	return d
}

// Kish is the design effect of unequal weights, deff = n·Σw²/(Σw)², and
// the effective sample size n/deff = (Σw)²/Σw².
func Kish(w []float64) (deff, effectiveN float64) {
	var s, s2 float64
	for _, x := range w {
		s += x
		s2 += x * x
	}
	if s2 == 0 {
		return math.NaN(), 0
	}
	return float64(len(w)) * s2 / (s * s), s * s / s2
}
