package stats

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

// sample makes n responses over margins of the given sizes, skewed so that
// the low levels are over-represented, and population margins that are not.
func sample(n int, sizes []int, seed uint64) ([][]int32, []Margin) {
	rng := rand.New(rand.NewPCG(seed, 1))
	codes := make([][]int32, len(sizes))
	margins := make([]Margin, len(sizes))
	for m, k := range sizes {
		codes[m] = make([]int32, n)
		for i := range codes[m] {
			// min of two uniforms: level l is chosen less often as l grows
			codes[m][i] = int32(min(rng.IntN(k), rng.IntN(k)))
		}
		margins[m] = Margin{Name: string(rune('a' + m)), Levels: make([]string, k), Targets: make([]float64, k)}
		for l := range k {
			margins[m].Levels[l] = string(rune('0' + l))
			margins[m].Targets[l] = 1000 * float64(l+k) / float64(k) // rises with l
		}
		var sum float64
		for _, x := range margins[m].Targets {
			sum += x
		}
		for l := range margins[m].Targets {
			margins[m].Targets[l] *= 1e6 / sum // every margin counts a million people
		}
	}
	return codes, margins
}

// gap is the largest relative difference between the weighted margins and
// their targets.
func gap(codes [][]int32, margins []Margin, w []float64) float64 {
	var g float64
	for m, mg := range margins {
		sums := make([]float64, len(mg.Targets))
		levelSums(codes[m], w, sums)
		for l, t := range mg.Targets {
			g = max(g, math.Abs(sums[l]-t)/t)
		}
	}
	return g
}

// TestRakeMeetsMargins: raked weights reproduce every margin to the
// tolerance, sum to the population, and give equal weights to responses
// alike in every variable (raking only multiplies level factors).
func TestRakeMeetsMargins(t *testing.T) {
	codes, margins := sample(5000, []int{18, 6, 2}, 1)
	r, err := Rake(codes, margins, RakeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if g := gap(codes, margins, r.Weights); g > 1e-12 {
		t.Errorf("gap %g after %d passes, want ≤ 1e-12", g, r.Iterations)
	}
	var sum float64
	byCell := map[[3]int32]float64{}
	for i, w := range r.Weights {
		sum += w
		cell := [3]int32{codes[0][i], codes[1][i], codes[2][i]}
		if prev, ok := byCell[cell]; ok && !near(prev, w, 1e-9*w) {
			t.Fatalf("cell %v: weights %g and %g", cell, prev, w)
		}
		byCell[cell] = w
	}
	if !near(sum, 1e6, 1e-6) {
		t.Errorf("weights sum to %g, want 1e6", sum)
	}
	if r.Iterations < 2 {
		t.Errorf("%d passes: the skewed sample should need more than one", r.Iterations)
	}
}

// TestRakeTrim: with bounds the weights stay inside them and the margins
// still hold; bounds that cannot be met give ErrNotConverged.
func TestRakeTrim(t *testing.T) {
	codes, margins := sample(2000, []int{6, 2}, 2)
	free, err := Rake(codes, margins, RakeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	mean := 1e6 / 2000
	lo, hi := math.Inf(1), 0.0
	for _, w := range free.Weights {
		lo, hi = min(lo, w/mean), max(hi, w/mean)
	}
	// A level's weights must average target/count; bounds halfway between
	// those averages and the untrimmed extremes can be met.
	needLo, needHi := math.Inf(1), 0.0
	for m, mg := range margins {
		counts := make([]float64, len(mg.Targets))
		levelSums(codes[m], ones(len(codes[m])), counts)
		for l, tg := range mg.Targets {
			needLo, needHi = min(needLo, tg/counts[l]/mean), max(needHi, tg/counts[l]/mean)
		}
	}
	b := Bounds{Lo: (lo + needLo) / 2, Hi: (hi + needHi) / 2}
	r, err := Rake(codes, margins, RakeOptions{Trim: &b})
	if err != nil {
		t.Fatalf("bounds %+v (untrimmed %g–%g): %v", b, lo, hi, err)
	}
	for i, w := range r.Weights {
		if w < b.Lo*mean*(1-1e-12) || w > b.Hi*mean*(1+1e-12) {
			t.Fatalf("weight %d = %g×mean, outside %+v", i, w/mean, b)
		}
	}
	if g := gap(codes, margins, r.Weights); g > 1e-12 {
		t.Errorf("trimmed: gap %g", g)
	}
	_, err = Rake(codes, margins, RakeOptions{Trim: &Bounds{Lo: 0.99, Hi: 1.01}, MaxIterations: 200})
	if !errors.Is(err, ErrNotConverged) {
		t.Errorf("impossible bounds: %v, want ErrNotConverged", err)
	}
}

// TestRakeBase: starting weights are kept in the ratios within a cell of
// the margins' full cross (one margin: post-stratification).
func TestRakeBase(t *testing.T) {
	codes := [][]int32{{0, 0, 1, 1}}
	m := []Margin{{Name: "sex", Levels: []string{"K", "M"}, Targets: []float64{30, 10}}}
	r, err := Rake(codes, m, RakeOptions{Base: []float64{1, 2, 1, 3}})
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{10, 20, 2.5, 7.5}
	for i := range want {
		if !near(r.Weights[i], want[i], 1e-9) {
			t.Errorf("weights %v, want %v", r.Weights, want)
			break
		}
	}
}

func TestRakeRefuses(t *testing.T) {
	two := func(a, b float64) Margin {
		return Margin{Name: "x", Levels: []string{"p", "q"}, Targets: []float64{a, b}}
	}
	for _, c := range []struct {
		name    string
		codes   [][]int32
		margins []Margin
		o       RakeOptions
	}{
		{"no margins", nil, nil, RakeOptions{}},
		{"no responses", [][]int32{{}}, []Margin{two(1, 1)}, RakeOptions{}},
		{"level without responses", [][]int32{{0, 0}}, []Margin{two(1, 1)}, RakeOptions{}},
		{"responses at an empty level", [][]int32{{0, 1}}, []Margin{two(1, 0)}, RakeOptions{}},
		{"code outside", [][]int32{{0, 2}}, []Margin{two(1, 1)}, RakeOptions{}},
		{"negative target", [][]int32{{0, 1}}, []Margin{two(1, -1)}, RakeOptions{}},
		{"totals differ", [][]int32{{0, 1}, {0, 1}}, []Margin{two(1, 1), two(1, 2)}, RakeOptions{}},
		{"lengths differ", [][]int32{{0, 1}, {0}}, []Margin{two(1, 1), two(1, 1)}, RakeOptions{}},
		{"bad bounds", [][]int32{{0, 1}}, []Margin{two(1, 1)}, RakeOptions{Trim: &Bounds{Lo: 2, Hi: 3}}},
	} {
		if _, err := Rake(c.codes, c.margins, c.o); err == nil {
			t.Errorf("%s: accepted", c.name)
		}
	}
}

// BenchmarkRake rakes 100,000 responses to district (18) × age band (6) ×
// sex (2) margins, the goal being ≤ 100 ms per run.
func BenchmarkRake(b *testing.B) {
	codes, margins := sample(100_000, []int{18, 6, 2}, 3)
	var passes int
	for b.Loop() {
		r, err := Rake(codes, margins, RakeOptions{})
		if err != nil {
			b.Fatal(err)
		}
		passes = r.Iterations
	}
	b.ReportMetric(float64(passes), "passes")
}

func ones(n int) []float64 {
	w := make([]float64, n)
	for i := range w {
		w[i] = 1
	}
	return w
}
