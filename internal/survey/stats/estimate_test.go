package stats

import (
	"math"
	"testing"
)

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

// TestNPSHandComputed: ten ratings, 5 promoters, 3 passives, 2 detractors.
// NPS = 50 − 20 = 30. var = (P + D − (P−D)²)/(n−1) = (0.7 − 0.09)/9 =
// 61/900, so SE = 100·√(61/900) = 26.0341655863553 and the interval is
// 30 ± 1.959964·26.0341655863553 = [−21.0260269168084, 81.0260269168084]
// (worked with bc).
func TestNPSHandComputed(t *testing.T) {
	scores := []int{10, 9, 9, 10, 9, 7, 8, 8, 3, 6}
	e, err := NPS(scores, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"NPS", e.Value, 30},
		{"SE", e.SE, 26.0341655863553},
		{"low", e.Lo, -21.0260269168084},
		{"high", e.Hi, 81.0260269168084},
	} {
		if !near(c.got, c.want, 1e-9) {
			t.Errorf("%s = %.15g, want %.15g", c.name, c.got, c.want)
		}
	}
	if e.N != 10 || e.WeightSum != 10 {
		t.Errorf("N %d, Σw %g; want 10, 10", e.N, e.WeightSum)
	}
}

// TestWeightedAgainstR: the same ratings weighted; the figures are R's
// svymean on svydesign(ids=~1, weights=~w) (survey 4.1.1):
//
//	s <- c(10,9,9,10,9,7,8,8,3,6); w <- c(1,2,1,0.5,1,3,1,1,2,0.5)
//	y <- ifelse(s>=9,100,ifelse(s<=6,-100,0))  # NPS
//	svymean(~y, d)  # 23.0769230769231, SE 27.2731929269327
//	svymean(~s, d)  # 7.46153846153846, SE 0.83050123892016
func TestWeightedAgainstR(t *testing.T) {
	scores := []int{10, 9, 9, 10, 9, 7, 8, 8, 3, 6}
	w := []float64{1, 2, 1, 0.5, 1, 3, 1, 1, 2, 0.5}
	nps, err := NPS(scores, w)
	if err != nil {
		t.Fatal(err)
	}
	if !near(nps.Value, 23.0769230769231, 1e-9) || !near(nps.SE, 27.2731929269327, 1e-9) {
		t.Errorf("NPS %.15g SE %.15g; R 23.0769230769231, 27.2731929269327", nps.Value, nps.SE)
	}
	y := make([]float64, len(scores))
	for i, s := range scores {
		y[i] = float64(s)
	}
	m, err := Mean(y, w)
	if err != nil {
		t.Fatal(err)
	}
	if !near(m.Value, 7.46153846153846, 1e-9) || !near(m.SE, 0.83050123892016, 1e-9) {
		t.Errorf("mean %.15g SE %.15g; R 7.46153846153846, 0.83050123892016", m.Value, m.SE)
	}
	if !near(m.Lo, m.Value-Z95*m.SE, 1e-12) || !near(m.Hi, m.Value+Z95*m.SE, 1e-12) {
		t.Errorf("interval [%g, %g] is not mean ± 1.96 SE", m.Lo, m.Hi)
	}
}

func TestNPSRefusesOutOfRange(t *testing.T) {
	for _, s := range []int{-1, 11} {
		if _, err := NPS([]int{5, s}, nil); err == nil {
			t.Errorf("rating %d accepted", s)
		}
	}
	if _, err := NPS(nil, nil); err != ErrNoData {
		t.Errorf("no ratings: %v, want ErrNoData", err)
	}
	if _, err := Mean([]float64{1, 2}, []float64{1, -1}); err == nil {
		t.Error("negative weight accepted")
	}
	if e, _ := NPS([]int{10}, nil); e.HasInterval() || e.Value != 100 {
		t.Errorf("one rating: %+v, want 100 without an interval", e)
	}
	// All promoters: the interval is cut to the scale, not beyond 100.
	if e, _ := NPS([]int{10, 9, 10, 3}, nil); e.Hi > 100 || e.Lo < -100 {
		t.Errorf("interval [%g, %g] leaves −100..100", e.Lo, e.Hi)
	}
}

// TestFrequencies: shares add up to one, counts to n, weighted counts to
// Σw; each share's SE is the binomial √(p(1−p)/(n−1)) when unweighted.
func TestFrequencies(t *testing.T) {
	codes := []int{0, 1, 1, 2, 2, 2, 0, 2}
	f, err := Frequencies(codes, 4, nil)
	if err != nil {
		t.Fatal(err)
	}
	wantN := []int{2, 2, 4, 0}
	var share float64
	for l, fr := range f {
		if fr.N != wantN[l] || fr.Weighted != float64(wantN[l]) {
			t.Errorf("level %d: n %d, weighted %g; want %d", l, fr.N, fr.Weighted, wantN[l])
		}
		p := float64(wantN[l]) / 8
		if !near(fr.Share.Value, p, 1e-12) || !near(fr.Share.SE, math.Sqrt(p*(1-p)/7), 1e-12) {
			t.Errorf("level %d: share %g SE %g; want %g, %g", l, fr.Share.Value, fr.Share.SE, p, math.Sqrt(p*(1-p)/7))
		}
		share += fr.Share.Value
	}
	if !near(share, 1, 1e-12) {
		t.Errorf("shares add up to %g", share)
	}
	w := []float64{2, 1, 1, 1, 1, 1, 2, 1}
	f, _ = Frequencies(codes, 4, w)
	if !near(f[0].Share.Value, 0.4, 1e-12) || f[0].Weighted != 4 {
		t.Errorf("weighted level 0: %+v, want share 0.4 of Σw 10", f[0])
	}
	if _, err := Frequencies([]int{0, 4}, 4, nil); err == nil {
		t.Error("level 4 of 4 accepted")
	}
}

// TestCompare: NPS 39 (SE 3) one wave, 49 (SE 4) the next: Δ = 10, SE = 5,
// interval 10 ± 9.8 = [0.2, 19.8], significant; with SE 5 and 5 the
// interval [−3.86, 23.86] holds zero: not significant.
func TestCompare(t *testing.T) {
	d := Compare(Estimate{Value: 39, SE: 3}, Estimate{Value: 49, SE: 4})
	if d.Value != 10 || !near(d.SE, 5, 1e-12) || !near(d.Lo, 10-5*Z95, 1e-12) || !near(d.Hi, 10+5*Z95, 1e-12) || !d.Significant {
		t.Errorf("%+v; want Δ 10, SE 5, [0.2, 19.8], significant", d)
	}
	d = Compare(Estimate{Value: 39, SE: 5}, Estimate{Value: 49, SE: 5})
	if d.Significant {
		t.Errorf("%+v: significant, want not", d)
	}
	d = Compare(Estimate{Value: 49, SE: 3}, Estimate{Value: 39, SE: 4})
	if !d.Significant || d.Hi >= 0 {
		t.Errorf("a fall of 10: %+v, want significant", d)
	}
	if d := Compare(Estimate{Value: 1, SE: math.NaN()}, Estimate{Value: 100, SE: 1}); d.Significant {
		t.Error("a wave without an interval gave a significant change")
	}
}

// TestKish: weights 1,1,2,4: n·Σw²/(Σw)² = 4·22/64 = 1.375, n_eff = 64/22.
func TestKish(t *testing.T) {
	deff, neff := Kish([]float64{1, 1, 2, 4})
	if !near(deff, 1.375, 1e-12) || !near(neff, 64.0/22, 1e-12) {
		t.Errorf("deff %g, n_eff %g; want 1.375, %g", deff, neff, 64.0/22)
	}
	if deff, neff := Kish([]float64{3, 3, 3}); !near(deff, 1, 1e-12) || !near(neff, 3, 1e-12) {
		t.Errorf("equal weights: deff %g, n_eff %g; want 1, 3", deff, neff)
	}
}
