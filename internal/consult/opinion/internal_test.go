package opinion

import (
	"math"
	"slices"
	"testing"
)

func TestPropTest(t *testing.T) {
	tests := []struct {
		name    string
		succ, n int
		want    float64
	}{
		{"pol.is fixture consensus entry", 25, 26, 4.811252243246882},
		{"no votes", 0, 0, 1}, // the pseudocount: 2·√1·(1/1 − ½)
		{"one agree", 1, 1, 2 * math.Sqrt(2) * 0.5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := propTest(tt.succ, tt.n); math.Abs(got-tt.want) > 1e-12 {
				t.Errorf("propTest(%d, %d) = %v, want %v", tt.succ, tt.n, got, tt.want)
			}
		})
	}
}

func TestTwoPropTest(t *testing.T) {
	// s1=4/5, s2=2/5, p̂=0.6: 0.4/√(0.6·0.4·0.4).
	if got, want := twoPropTest(3, 1, 4, 4), 0.4/math.Sqrt(0.096); math.Abs(got-want) > 1e-12 {
		t.Errorf("twoPropTest = %v, want %v", got, want)
	}
	// p̂ = 1 gives 0 rather than a division by zero.
	if got := twoPropTest(3, 3, 3, 3); got != 0 {
		t.Errorf("twoPropTest with p̂ = 1 = %v, want 0", got)
	}
}

func TestSilhouette(t *testing.T) {
	pts := [][2]float64{{0, 0}, {1, 0}, {10, 0}}
	d := make([][]float64, 3)
	for i := range d {
		d[i] = make([]float64, 3)
		for j := range d[i] {
			d[i][j] = dist(pts[i], pts[j])
		}
	}
	// Points 0 and 1 together, point 2 alone (scores 0).
	got := silhouette(d, []int{0, 0, 1}, 2)
	want := ((10.0-1)/10 + (9.0-1)/9 + 0) / 3
	if math.Abs(got-want) > 1e-12 {
		t.Errorf("silhouette = %v, want %v", got, want)
	}
}

func TestKMeans(t *testing.T) {
	t.Run("first k distinct points start", func(t *testing.T) {
		pts := [][2]float64{{0, 0}, {0, 0}, {5, 5}, {1, 1}, {9, 9}}
		cs := initClusters(pts, 3)
		want := [][2]float64{{0, 0}, {5, 5}, {1, 1}}
		for i, c := range cs {
			if c.id != i || c.center != want[i] {
				t.Errorf("cluster %d = %+v, want id %d centre %v", i, c, i, want[i])
			}
		}
	})
	t.Run("two blobs", func(t *testing.T) {
		pts := [][2]float64{{0, 0}, {10, 10}, {0, 1}, {10, 11}, {1, 0}, {11, 10}}
		cs := kmeans(pts, nil, 2, nil, 20)
		if len(cs) != 2 {
			t.Fatalf("got %d clusters", len(cs))
		}
		if !slices.Equal(cs[0].members, []int32{0, 2, 4}) || !slices.Equal(cs[1].members, []int32{1, 3, 5}) {
			t.Errorf("members %v, %v", cs[0].members, cs[1].members)
		}
		if d := dist(cs[0].center, [2]float64{1.0 / 3, 1.0 / 3}); d > 1e-12 {
			t.Errorf("centre %v", cs[0].center)
		}
	})
	t.Run("weighted centre", func(t *testing.T) {
		pts := [][2]float64{{0, 0}, {3, 0}}
		c := wmean(pts, []float64{2, 1}, []int32{0, 1})
		if c != [2]float64{1, 0} {
			t.Errorf("weighted mean %v, want (1, 0)", c)
		}
	})
	t.Run("fewer distinct points than k", func(t *testing.T) {
		pts := [][2]float64{{1, 1}, {1, 1}, {2, 2}}
		if cs := kmeans(pts, nil, 100, nil, 100); len(cs) != 2 {
			t.Errorf("got %d clusters, want one per distinct point", len(cs))
		}
	})
	t.Run("warm start keeps ids and splits off the farthest point", func(t *testing.T) {
		pts := [][2]float64{{0, 0}, {0, 1}, {10, 0}, {50, 50}}
		prev := []kcluster{{id: 7, members: []int32{0, 1}}, {id: 3, members: []int32{2}}}
		cs := kmeans(pts, nil, 3, prev, 20)
		ids := []int{}
		for _, c := range cs {
			ids = append(ids, c.id)
		}
		slices.Sort(ids)
		if !slices.Equal(ids, []int{3, 7, 8}) {
			t.Errorf("ids %v, want [3 7 8]", ids)
		}
	})
}

func TestMatrixLatestVoteWins(t *testing.T) {
	votes := []Vote{
		{PID: 1, TID: 10, Value: Agree, Time: 5},
		{PID: 1, TID: 10, Value: Disagree, Time: 3}, // older: ignored
		{PID: 2, TID: 10, Value: Agree, Time: 1},
		{PID: 2, TID: 10, Value: Pass, Time: 1}, // same time, later in input: wins
		{PID: 2, TID: 11, Value: Disagree, Time: 0},
	}
	m := buildMatrix(votes, nil, Options{}.withDefaults())
	// Row order is first-vote order: pid 2 voted first (time 0).
	if !slices.Equal(m.pids, []int64{2, 1}) {
		t.Errorf("row order %v, want [2 1]", m.pids)
	}
	get := func(pid, tid int64) int8 {
		for _, e := range m.rows[m.rowOf[pid]] {
			if m.tids[e.col] == tid {
				return e.val
			}
		}
		return 99
	}
	if got := get(1, 10); got != Agree {
		t.Errorf("pid 1 tid 10 = %d, want agree", got)
	}
	if got := get(2, 10); got != Pass {
		t.Errorf("pid 2 tid 10 = %d, want pass", got)
	}
	if m.colN[m.colOf[10]] != 2 || m.colAgree[m.colOf[10]] != 1 {
		t.Errorf("column counts n=%d agree=%d", m.colN[m.colOf[10]], m.colAgree[m.colOf[10]])
	}
	// An explicit order puts listed participants first.
	m = buildMatrix(votes, []int64{1}, Options{}.withDefaults())
	if !slices.Equal(m.pids, []int64{1, 2}) {
		t.Errorf("row order with Order = %v, want [1 2]", m.pids)
	}
}

func TestInConversation(t *testing.T) {
	var votes []Vote
	// 20 participants; participant p votes on p statements of 10.
	for p := range 20 {
		for c := range min(p, 10) {
			votes = append(votes, Vote{PID: int64(p), TID: int64(c), Value: Agree, Time: int64(p*100 + c)})
		}
	}
	res, err := Compute(Input{Votes: votes})
	if err != nil {
		t.Fatal(err)
	}
	// ≥ 7 votes: participants 7..19 (13 of them); top-up to 15 adds the next
	// heaviest voters, 6 and 5.
	want := []int64{5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19}
	if !slices.Equal(res.InConv, want) {
		t.Errorf("in-conv %v, want %v", res.InConv, want)
	}
	// Sticky: participant 1 stays in once in.
	res2, err := Compute(Input{Votes: votes, InConv: []int64{1}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(res2.InConv, 1) {
		t.Errorf("participant 1 dropped out of the sticky in-conv set")
	}
	// With only 3 statements, 3 votes suffice.
	few := []Vote{}
	for p := range 20 {
		for c := range 3 {
			if p%2 == 0 || c == 0 {
				few = append(few, Vote{PID: int64(p), TID: int64(c), Value: Disagree})
			}
		}
	}
	res3, _ := Compute(Input{Votes: few})
	if len(res3.InConv) != 15 { // 10 full voters plus 5 topped up
		t.Errorf("in-conv with 3 statements: %d participants, want 15", len(res3.InConv))
	}
}

// TestPCAPaths checks the sparse path (used above covLimit columns) against
// the pair-accumulator path.
func TestPCAPaths(t *testing.T) {
	votes := plantedVotes(300, 40, 3, 7)
	m := buildMatrix(votes, nil, Options{}.withDefaults())
	m.setModOut([]int64{3})
	if m.cov == nil {
		t.Fatal("expected pair accumulators for 40 columns")
	}
	a := computePCA(m, [2][]float64{}, 1)
	m.cov = nil
	b := computePCA(m, [2][]float64{}, 1)
	for k := range 2 {
		if c := math.Abs(cosine(a.comps[k], b.comps[k])); c < 1-1e-9 {
			t.Errorf("component %d: |cos| = %v between the two paths", k, c)
		}
	}
	if a.comps[0][m.colOf[3]] != 0 {
		t.Errorf("moderated-out column has a non-zero loading")
	}
}

func cosine(a, b []float64) float64 {
	var d, na, nb float64
	for i := range a {
		d += a[i] * b[i]
		na += a[i] * a[i]
		nb += b[i] * b[i]
	}
	return d / math.Sqrt(na*nb)
}

// plantedVotes is a small deterministic conversation with opinion groups.
func plantedVotes(participants, statements, groups int, seed uint64) []Vote {
	r := seed | 1
	next := func() float64 {
		r ^= r >> 12
		r ^= r << 25
		r ^= r >> 27
		return float64((r*2685821657736338717)>>11) / (1 << 53)
	}
	pa := make([][]float64, groups)
	for g := range pa {
		pa[g] = make([]float64, statements)
		for s := range pa[g] {
			pa[g][s] = next()
		}
	}
	var out []Vote
	var tm int64
	for p := range participants {
		for s := range statements {
			if next() > 0.6 {
				continue
			}
			u := next()
			v := Pass
			if u < pa[p%groups][s]*0.9 {
				v = Agree
			} else if u > pa[p%groups][s]*0.9+0.1 {
				v = Disagree
			}
			tm++
			out = append(out, Vote{PID: int64(p), TID: int64(s), Value: v, Time: tm})
		}
	}
	return out
}

// TestUpdateAccumulators checks that the incremental pair accumulators equal
// a fresh build after changed votes, new participants and new statements.
func TestUpdateAccumulators(t *testing.T) {
	all := plantedVotes(200, 30, 3, 11)
	first := all[:len(all)*2/3]
	rest := slices.Clone(all[len(all)*2/3:])
	// Some changed votes and a new statement.
	for i := range 50 {
		v := first[i*13]
		v.Value = -v.Value
		v.Time += 1_000_000
		rest = append(rest, v, Vote{PID: v.PID, TID: 99, Value: Agree, Time: v.Time})
	}
	opt := Options{}.withDefaults()
	m := buildMatrix(first, nil, opt)
	m.addVotes(rest, opt)
	fresh := buildMatrix(append(slices.Clone(first), rest...), nil, opt)
	for i, ti := range fresh.tids {
		for j, tj := range fresh.tids {
			if j < i {
				continue
			}
			a, b := m.colOf[ti], m.colOf[tj]
			got := m.cov.a[int(min(a, b))*m.cov.stride+int(max(a, b))]
			want := fresh.cov.a[i*fresh.cov.stride+j]
			if a > b {
				got.ta, got.tb = got.tb, got.ta
			}
			if got != want {
				t.Fatalf("pair (%d, %d): got %+v, want %+v", ti, tj, got, want)
			}
		}
	}
	for _, tid := range fresh.tids {
		c, f := m.colOf[tid], fresh.colOf[tid]
		if m.colN[c] != fresh.colN[f] || m.colSum[c] != fresh.colSum[f] || m.colAgree[c] != fresh.colAgree[f] {
			t.Errorf("column %d counts differ", tid)
		}
	}
}
