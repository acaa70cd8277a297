package opinion_test

import (
	"cmp"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/civitas-city/civitas/internal/consult/opinion"
	"github.com/civitas-city/civitas/internal/consult/polisexport"
)

// sharedData is the shared read-only data beside the repository.
const sharedData = "../../../../shared/data"

func sharedDir(t testing.TB, sub string) string {
	t.Helper()
	d := filepath.Join(sharedData, sub)
	if _, err := os.Stat(d); err != nil {
		t.Skipf("shared data not available: %v", err)
	}
	return d
}

// ari is the adjusted Rand index over the keys both labelings have.
func ari(a, b map[int64]int) float64 {
	type pair struct{ x, y int }
	ct := map[pair]int{}
	ra, rb := map[int]int{}, map[int]int{}
	n := 0
	for k, x := range a {
		y, ok := b[k]
		if !ok {
			continue
		}
		n++
		ct[pair{x, y}]++
		ra[x]++
		rb[y]++
	}
	if n < 2 {
		return math.NaN()
	}
	c2 := func(v int) float64 { return float64(v) * float64(v-1) / 2 }
	var s, sa, sb float64
	for _, v := range ct {
		s += c2(v)
	}
	for _, v := range ra {
		sa += c2(v)
	}
	for _, v := range rb {
		sb += c2(v)
	}
	e := sa * sb / c2(n)
	m := (sa + sb) / 2
	if m == e {
		return 1
	}
	return (s - e) / (m - e)
}

// centroidAccuracy reassigns every participant Pol.is clustered to the
// nearest centroid (in our projection) of Pol.is's groups (doc §9.2 step 4).
func centroidAccuracy(proj map[int64][2]float64, pol map[int64]int) (float64, map[int64]int) {
	type acc struct{ x, y, n float64 }
	cent := map[int]*acc{}
	for p, g := range pol {
		xy, ok := proj[p]
		if !ok {
			continue
		}
		if cent[g] == nil {
			cent[g] = &acc{}
		}
		cent[g].x += xy[0]
		cent[g].y += xy[1]
		cent[g].n++
	}
	labels := make([]int, 0, len(cent))
	for g := range cent {
		labels = append(labels, g)
	}
	slices.Sort(labels)
	re := map[int64]int{}
	hit, n := 0, 0
	for p, g := range pol {
		xy, ok := proj[p]
		if !ok {
			continue
		}
		best, bd := -1, math.Inf(1)
		for _, l := range labels {
			c := cent[l]
			d := math.Hypot(xy[0]-c.x/c.n, xy[1]-c.y/c.n)
			if d < bd {
				best, bd = l, d
			}
		}
		re[p] = best
		n++
		if best == g {
			hit++
		}
	}
	if n == 0 {
		return 0, re
	}
	return float64(hit) / float64(n), re
}

type validationRow struct {
	name              string
	polK, k           int
	polN, ourN        int
	ari, acc, centARI float64
}

func labels(r *opinion.Result) map[int64]int {
	out := map[int64]int{}
	for _, g := range r.Groups {
		for _, p := range g.Members {
			out[p] = g.ID
		}
	}
	return out
}

func validate(t *testing.T, compute func(*polisexport.Conversation) (*opinion.Result, error)) []validationRow {
	root := sharedDir(t, "polis")
	dirs, _ := filepath.Glob(filepath.Join(root, "*", "participants-votes.csv"))
	sort.Strings(dirs)
	var rows []validationRow
	for _, pv := range dirs {
		dir := filepath.Dir(pv)
		conv, err := polisexport.Read(dir)
		if err != nil {
			t.Fatal(err)
		}
		res, err := compute(conv)
		if err != nil {
			t.Fatal(err)
		}
		ours := labels(res)
		polK := map[int]bool{}
		for _, g := range conv.Groups {
			polK[g] = true
		}
		acc, re := centroidAccuracy(res.Projection, conv.Groups)
		rows = append(rows, validationRow{
			name: filepath.Base(dir), polK: len(polK), k: len(res.Groups), polN: len(conv.Groups), ourN: len(ours),
			ari: ari(ours, conv.Groups), acc: acc, centARI: ari(re, conv.Groups),
		})
	}
	return rows
}

func table(rows []validationRow) (string, float64, int) {
	var b strings.Builder
	fmt.Fprintln(&b, "| conversation | Pol.is k | our k | clustered by Pol.is / us | ARI | nearest-centroid acc / ARI |")
	fmt.Fprintln(&b, "| --- | --- | --- | --- | --- | --- |")
	var aris []float64
	keq := 0
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s | %d | %d | %d / %d | %.3f | %.3f / %.3f |\n", r.name, r.polK, r.k, r.polN, r.ourN, r.ari, r.acc, r.centARI)
		a := r.ari
		if math.IsNaN(a) {
			a = -1
		}
		aris = append(aris, a)
		if r.k == r.polK {
			keq++
		}
	}
	slices.SortFunc(aris, cmp.Compare)
	med := math.NaN()
	if n := len(aris); n > 0 {
		med = (aris[(n-1)/2] + aris[n/2]) / 2
	}
	fmt.Fprintf(&b, "\nmedian ARI %.3f over %d conversations; k equal on %d/%d\n", med, len(rows), keq, len(rows))
	return b.String(), med, keq
}

// TestOpenDataValidation is doc §9.2 on the shared open-data conversations:
// a cold run against Pol.is's own group-id, with the gates. Run with
// -v to see the table kept in docs/opinion-validation.md.
func TestOpenDataValidation(t *testing.T) {
	rows := validate(t, func(c *polisexport.Conversation) (*opinion.Result, error) {
		return opinion.Compute(opinion.Input{Votes: c.Votes, ModOut: c.ModOut, Order: c.Order})
	})
	s, med, keq := table(rows)
	t.Log("\n" + s)
	if med < 0.5 {
		t.Errorf("median ARI %.3f < 0.5", med)
	}
	if keq*3 < len(rows)*2 {
		t.Errorf("k equal on only %d/%d", keq, len(rows))
	}
	for _, r := range rows {
		for _, p := range []string{"bg2050", "vtaiwan", "ssis.land-bank", "scoop-hivemind.taxes"} {
			if strings.HasPrefix(r.name, p) && !(r.ari >= 0.8) {
				t.Errorf("%s: ARI %.3f < 0.8", r.name, r.ari)
			}
		}
		if !strings.HasPrefix(r.name, "london") && !(r.acc >= 0.9) {
			t.Errorf("%s: nearest-centroid accuracy %.3f < 0.9", r.name, r.acc)
		}
	}
}
