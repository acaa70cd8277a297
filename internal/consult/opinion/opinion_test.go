package opinion_test

import (
	"encoding/json"
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/civitas-city/civitas/internal/consult/opinion"
)

func TestComputeFindsPlantedGroups(t *testing.T) {
	s := newSynthetic(600, 60, 2, 3)
	res, err := opinion.Compute(opinion.Input{Votes: s.votes(600 * 30)})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Groups) != 2 {
		t.Fatalf("found %d groups, want the 2 planted ones", len(res.Groups))
	}
	planted := map[int64]int{}
	for p := range 600 {
		planted[int64(p)] = p % 2
	}
	// Light voters near the middle can land on either side.
	if a := ari(labels(res), planted); a < 0.85 {
		t.Errorf("ARI against the planted groups = %.3f", a)
	}
	for _, g := range res.Groups {
		if len(g.Repness) == 0 || len(g.Repness) > 5 {
			t.Errorf("group %d has %d representative statements", g.ID, len(g.Repness))
		}
	}
}

func TestComputeDeterministic(t *testing.T) {
	s := newSynthetic(400, 50, 3, 5)
	vs := s.votes(400 * 20)
	a, err := opinion.Compute(opinion.Input{Votes: vs, ModOut: []int64{2}})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := opinion.Compute(opinion.Input{Votes: vs, ModOut: []int64{2}})
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if string(ja) != string(jb) {
		t.Error("two runs on the same input differ")
	}
}

func TestComputeEdgeCases(t *testing.T) {
	tests := []struct {
		name  string
		votes []opinion.Vote
	}{
		{"no votes", nil},
		{"one participant", []opinion.Vote{{PID: 1, TID: 1, Value: 1}, {PID: 1, TID: 2, Value: -1}}},
		{"one statement", []opinion.Vote{{PID: 1, TID: 1, Value: 1}, {PID: 2, TID: 1, Value: -1}, {PID: 3, TID: 1, Value: 0}}},
		{"everyone agrees", []opinion.Vote{{PID: 1, TID: 1, Value: 1}, {PID: 2, TID: 1, Value: 1}, {PID: 1, TID: 2, Value: 1}, {PID: 2, TID: 2, Value: 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := opinion.Compute(opinion.Input{Votes: tt.votes})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := json.Marshal(res); err != nil {
				t.Fatalf("result does not encode: %v", err)
			}
			for pid, xy := range res.Projection {
				if math.IsNaN(xy[0]) || math.IsNaN(xy[1]) {
					t.Errorf("participant %d projects to NaN", pid)
				}
			}
		})
	}
	if _, err := opinion.Compute(opinion.Input{Votes: []opinion.Vote{{PID: 1, TID: 1, Value: 2}}}); err == nil {
		t.Error("a vote of 2 was accepted")
	}
}

// TestUpdateMatchesCompute checks that a warm update after new votes gives
// the same map as a cold computation on all the votes.
func TestUpdateMatchesCompute(t *testing.T) {
	s := newSynthetic(800, 80, 3, 9)
	vs := s.votes(800 * 25)
	more := s.more(2000)
	prev, err := opinion.Compute(opinion.Input{Votes: vs, ModOut: []int64{4}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := opinion.Update(prev, more, []int64{4, 9})
	if err != nil {
		t.Fatal(err)
	}
	want, err := opinion.Compute(opinion.Input{Votes: append(slices.Clone(vs), more...), ModOut: []int64{4, 9}})
	if err != nil {
		t.Fatal(err)
	}
	if got.Tick != 2 {
		t.Errorf("tick %d, want 2", got.Tick)
	}
	if !slices.Equal(got.TIDs, want.TIDs) {
		t.Fatalf("tids differ")
	}
	for i := range want.PCA.Center {
		if math.Abs(got.PCA.Center[i]-want.PCA.Center[i]) > 1e-12 {
			t.Fatalf("centre of tid %d: %v vs %v", want.TIDs[i], got.PCA.Center[i], want.PCA.Center[i])
		}
	}
	var sign [2]float64
	for k := range 2 {
		var d float64
		for i := range want.PCA.Comps[k] {
			d += got.PCA.Comps[k][i] * want.PCA.Comps[k][i]
		}
		if math.Abs(d) < 1-1e-7 {
			t.Errorf("component %d: |cos| = %v", k, math.Abs(d))
		}
		sign[k] = math.Copysign(1, d)
	}
	for pid, w := range want.Projection {
		g := got.Projection[pid]
		if math.Abs(g[0]-sign[0]*w[0]) > 1e-5 || math.Abs(g[1]-sign[1]*w[1]) > 1e-5 {
			t.Fatalf("projection of %d: %v vs %v", pid, g, w)
		}
	}
	if !slices.Equal(got.InConv, want.InConv) {
		t.Errorf("in-conv differs")
	}
	// Warm-started clusters keep their ids; the groups are the same partition.
	if a := ari(labels(got), labels(want)); a < 0.85 {
		t.Errorf("ARI between warm and cold groups = %.3f", a)
	}
	// The incrementally kept group tallies give the same group-informed
	// consensus and representative statements as a fresh count.
	fixed := labels(got)
	fresh, err := opinion.Compute(opinion.Input{Votes: append(slices.Clone(vs), more...), ModOut: []int64{4, 9}, Groups: fixed})
	if err != nil {
		t.Fatal(err)
	}
	for tid, w := range fresh.GAC {
		if g := got.GAC[tid]; math.Abs(g-w) > 1e-12 {
			t.Fatalf("GAC of %d after update %v, fresh %v", tid, g, w)
		}
	}
	for i := range fresh.Groups {
		gj, _ := json.Marshal(got.Groups[i].Repness)
		fj, _ := json.Marshal(fresh.Groups[i].Repness)
		if string(gj) != string(fj) {
			t.Errorf("group %d repness after update differs from a fresh count", got.Groups[i].ID)
		}
	}
	// A second warm update, with a moderation change back.
	more2 := s.more(500)
	third, err := opinion.Update(got, more2, []int64{4})
	if err != nil {
		t.Fatal(err)
	}
	all := append(append(slices.Clone(vs), more...), more2...)
	fresh, err = opinion.Compute(opinion.Input{Votes: all, ModOut: []int64{4}, Groups: labels(third)})
	if err != nil {
		t.Fatal(err)
	}
	for tid, w := range fresh.GAC {
		if g := third.GAC[tid]; math.Abs(g-w) > 1e-12 {
			t.Fatalf("GAC of %d after two updates %v, fresh %v", tid, g, w)
		}
	}

	// prev's matrix moved on.
	if _, err := opinion.Update(prev, more, nil); !errors.Is(err, opinion.ErrNoMatrix) {
		t.Errorf("second update of the same result: err = %v, want ErrNoMatrix", err)
	}
}

// TestWarmStartFromStoredResult round-trips a result through JSON and
// warm-starts from it, as the platform does between runs.
func TestWarmStartFromStoredResult(t *testing.T) {
	s := newSynthetic(500, 40, 2, 13)
	vs := s.votes(500 * 20)
	first, err := opinion.Compute(opinion.Input{Votes: vs})
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(first)
	if err != nil {
		t.Fatal(err)
	}
	var stored opinion.Result
	if err := json.Unmarshal(data, &stored); err != nil {
		t.Fatal(err)
	}
	if _, err := opinion.Update(&stored, nil, nil); !errors.Is(err, opinion.ErrNoMatrix) {
		t.Errorf("update of a stored result: err = %v, want ErrNoMatrix", err)
	}
	all := append(slices.Clone(vs), s.more(500)...)
	next, err := opinion.Compute(opinion.Input{Votes: all, Prev: &stored})
	if err != nil {
		t.Fatal(err)
	}
	if next.Tick != first.Tick+1 {
		t.Errorf("tick %d, want %d", next.Tick, first.Tick+1)
	}
	// Group ids are stable: the same members keep the same id.
	a, b := labels(first), labels(next)
	same, n := 0, 0
	for p, g := range a {
		if h, ok := b[p]; ok {
			n++
			if g == h {
				same++
			}
		}
	}
	if float64(same) < 0.95*float64(n) {
		t.Errorf("only %d of %d participants kept their group id across a warm start", same, n)
	}
	if next.KSmoother.LastKCount != 2 && next.KSmoother.LastK == first.KSmoother.LastK {
		t.Errorf("k smoother count %d, want 2", next.KSmoother.LastKCount)
	}
}

func TestFixedGroups(t *testing.T) {
	vs := []opinion.Vote{}
	for p := range 30 {
		for c := range 10 {
			v := opinion.Agree
			if (p < 15) != (c < 5) {
				v = opinion.Disagree
			}
			vs = append(vs, opinion.Vote{PID: int64(p), TID: int64(c), Value: v})
		}
	}
	groups := map[int64]int{}
	for p := range 30 {
		groups[int64(p)] = 4 + p/15
	}
	res, err := opinion.Compute(opinion.Input{Votes: vs, Groups: groups})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Groups) != 2 || res.Groups[0].ID != 4 || res.Groups[1].ID != 5 {
		t.Fatalf("groups %+v", res.Groups)
	}
	// Group 4 agrees with statements 0-4 and disagrees with 5-9; each
	// statement splits the groups, so the GAC is (1/17)·(16/17).
	if got, want := res.GAC[0], (1.0/17)*(16.0/17); math.Abs(got-want) > 1e-15 {
		t.Errorf("GAC of statement 0 = %v, want %v", got, want)
	}
	for _, r := range res.Groups[0].Repness {
		if (r.TID < 5) != (r.Repful == "agree") {
			t.Errorf("group 4: statement %d is %s-representative", r.TID, r.Repful)
		}
	}
	if len(res.Consensus.Agree) != 0 || len(res.Consensus.Disagree) != 0 {
		t.Errorf("consensus on a fully split conversation: %+v", res.Consensus)
	}
}
