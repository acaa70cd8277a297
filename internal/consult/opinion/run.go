package opinion

import (
	"cmp"
	"math"
	"slices"
)

// warmState is what a previous result contributes to the next update.
type warmState struct {
	inConv      map[int64]bool
	comps       [2]map[int64]float64 // by tid
	base        []Cluster
	groupByK    map[int][]Cluster
	smoother    KSmoother
	hasSmoother bool
}

func warmFrom(prev *Result) *warmState {
	st := &warmState{inConv: make(map[int64]bool), base: prev.BaseClusters, groupByK: prev.GroupClusterings, smoother: prev.KSmoother}
	st.hasSmoother = prev.KSmoother.SmoothedK > 0
	for _, p := range prev.InConv {
		st.inConv[p] = true
	}
	for k := range 2 {
		if len(prev.PCA.Comps[k]) != len(prev.TIDs) {
			continue
		}
		zero := true
		st.comps[k] = make(map[int64]float64, len(prev.TIDs))
		for i, t := range prev.TIDs {
			st.comps[k][t] = prev.PCA.Comps[k][i]
			zero = zero && prev.PCA.Comps[k][i] == 0
		}
		if zero {
			st.comps[k] = nil
		}
	}
	return st
}

// run is one math update on the matrix.
func run(m *matrix, fixed map[int64]int, st *warmState, opt Options, tick int) *Result {
	nr, nc := len(m.pids), len(m.tids)
	res := &Result{
		Tick: tick, Participants: nr, ModOut: m.modOutIDs, Options: opt, mat: m,
		Projection: make(map[int64][2]float64, nr), GAC: make(map[int64]float64, nc),
		Groups: []Group{}, BaseClusters: []Cluster{}, GroupClusterings: map[int][]Cluster{},
	}
	if res.ModOut == nil {
		res.ModOut = []int64{}
	}
	p := computePCA(m, pcaStart(m, st), opt.Seed)
	proj := project(m, p)
	res.setPCA(m, p, proj)

	inConv := inConversation(m, st, opt)
	// label[r] is row r's group index (into groupIDs), or -1.
	var label []int32
	var groupIDs []int
	if fixed != nil {
		res.FixedGroups = true
		groupIDs, label = fixedLabels(m, fixed, inConv)
	} else {
		groupIDs, label = cluster(m, proj, inConv, st, opt, res)
	}
	for r, in := range inConv {
		if in {
			res.InConv = append(res.InConv, m.pids[r])
		}
	}
	slices.Sort(res.InConv)
	if res.InConv == nil {
		res.InConv = []int64{}
	}
	raw := groupTallies(m, groupIDs, label)
	if len(groupIDs) > 0 {
		for c := range nc {
			prod := 1.0
			for g := range groupIDs {
				t := raw[g][c]
				prod *= (float64(t.a) + 1) / (float64(t.s) + 2)
			}
			res.GAC[m.tids[c]] = prod
		}
	}
	res.Groups = makeGroups(m, groupIDs, label, raw, proj)
	res.Consensus = selectConsensus(m)
	return res
}

// pcaStart is where the PCA starts: the previous components (new columns
// get 1, as in Pol.is's power iteration), or nothing on a cold start.
func pcaStart(m *matrix, st *warmState) [2][]float64 {
	var start [2][]float64
	if st == nil {
		return start
	}
	for k := range 2 {
		if st.comps[k] == nil {
			continue
		}
		start[k] = make([]float64, len(m.tids))
		for c, t := range m.tids {
			v, ok := st.comps[k][t]
			if !ok {
				v = 1
			}
			start[k][c] = v
		}
	}
	return start
}

// setPCA stores the PCA by tid, and every participant's projection.
func (res *Result) setPCA(m *matrix, p pcaResult, proj [][2]float64) {
	nc := len(m.tids)
	res.TIDs = make([]int64, nc)
	res.PCA.Center = make([]float64, nc)
	res.PCA.Comps = [2][]float64{make([]float64, nc), make([]float64, nc)}
	for i, c := range m.tidOrder {
		res.TIDs[i] = m.tids[c]
		res.PCA.Center[i] = p.center[c]
		res.PCA.Comps[0][i] = p.comps[0][c]
		res.PCA.Comps[1][i] = p.comps[1][c]
	}
	for r, pid := range m.pids {
		res.Projection[pid] = proj[r]
	}
}

// fixedLabels labels the rows with given groups instead of clustering:
// the group ids in order, and each row's index into them (-1: none).
// Everyone with a group is in the conversation.
func fixedLabels(m *matrix, fixed map[int64]int, inConv []bool) ([]int, []int32) {
	var groupIDs []int
	index := make(map[int]int32)
	for _, g := range fixed {
		if _, ok := index[g]; !ok {
			index[g] = 0
			groupIDs = append(groupIDs, g)
		}
	}
	slices.Sort(groupIDs)
	for i, g := range groupIDs {
		index[g] = int32(i)
	}
	label := make([]int32, len(m.pids))
	for r, pid := range m.pids {
		label[r] = -1
		if g, ok := fixed[pid]; ok {
			label[r] = index[g]
			inConv[r] = true
		}
	}
	return groupIDs, label
}

// groupTallies are each group's per-column tallies, by group index.
func groupTallies(m *matrix, groupIDs []int, label []int32) [][]tally {
	nr, nc := len(m.pids), len(m.tids)
	ids := make([]int, nr)
	for r, g := range label {
		ids[r] = -1
		if g >= 0 {
			ids[r] = groupIDs[g]
		}
	}
	for r := len(label); r < nr; r++ {
		ids[r] = -1
	}
	byID := m.groupTallies(ids)
	raw := make([][]tally, len(groupIDs))
	for g, id := range groupIDs {
		raw[g] = byID[id]
		if raw[g] == nil {
			raw[g] = make([]tally, nc)
		}
	}
	return raw
}

// makeGroups makes the groups: members, centre and representative
// statements (each group against everyone else in a group).
func makeGroups(m *matrix, groupIDs []int, label []int32, raw [][]tally, proj [][2]float64) []Group {
	ng, nc := len(groupIDs), len(m.tids)
	total := make([]tally, nc)
	for g := range ng {
		for c := range nc {
			total[c].a += raw[g][c].a
			total[c].d += raw[g][c].d
			total[c].s += raw[g][c].s
		}
	}
	groups := make([]Group, ng)
	for g := range ng {
		var stats []cstats
		for _, c := range m.tidOrder {
			if m.modOut[c] {
				continue // never representative; the zeroed cells would only count as passes
			}
			in := raw[g][c]
			out := tally{total[c].a - in.a, total[c].d - in.d, total[c].s - in.s}
			stats = append(stats, newStats(in, out, m.tids[c]))
		}
		groups[g] = Group{ID: groupIDs[g], Members: []int64{}, Repness: selectRepness(stats)}
	}
	for r, g := range label {
		if g >= 0 {
			grp := &groups[g]
			grp.Members = append(grp.Members, m.pids[r])
			grp.Center[0] += proj[r][0]
			grp.Center[1] += proj[r][1]
		}
	}
	for g := range groups {
		if n := float64(len(groups[g].Members)); n > 0 {
			groups[g].Center[0] /= n
			groups[g].Center[1] /= n
		}
		slices.Sort(groups[g].Members)
	}
	return groups
}

// inConversation marks who is clustered (doc §3): the previous set, everyone
// with at least min(MinVotes, columns) raw votes, topped up greedily to
// GreedyN by vote count.
func inConversation(m *matrix, st *warmState, opt Options) []bool {
	nr := len(m.pids)
	in := make([]bool, nr)
	need := min(opt.MinVotes, len(m.tids))
	count := 0
	for r := range nr {
		if m.voteCount(r) >= need || (st != nil && st.inConv[m.pids[r]]) {
			in[r] = true
			count++
		}
	}
	if count < opt.GreedyN {
		var rest []int32
		for r := range nr {
			if !in[r] {
				rest = append(rest, int32(r))
			}
		}
		slices.SortStableFunc(rest, func(a, b int32) int { return cmp.Compare(m.voteCount(int(b)), m.voteCount(int(a))) })
		for _, r := range rest[:min(len(rest), opt.GreedyN-count)] {
			in[r] = true
		}
	}
	return in
}

// cluster computes base clusters and groups (doc §5) and records the
// warm-start state in res. It returns the group ids and each row's group
// index (-1 when not clustered).
func cluster(m *matrix, proj [][2]float64, inConv []bool, st *warmState, opt Options, res *Result) ([]int, []int32) {
	var rows []int32
	for r, in := range inConv {
		if in {
			rows = append(rows, int32(r))
		}
	}
	if len(rows) == 0 {
		return nil, nil
	}
	base := baseClusters(m, proj, rows, st, opt, res)
	byK, bestK := groupClusterings(base, st, opt, res)
	res.KSmoother = smoothK(bestK, byK, st, opt)
	label := make([]int32, len(m.pids))
	for r := range label {
		label[r] = -1
	}
	var ids []int
	for gi, g := range byK[res.KSmoother.SmoothedK] {
		for _, b := range g.members {
			for _, p := range base[b].members {
				label[rows[p]] = int32(gi)
			}
		}
		ids = append(ids, g.id)
	}
	return ids, label
}

// baseClusters clusters the projected rows of the conversation into the
// base clusters (warm-started from the previous ones), by id, and stores
// them in res.
func baseClusters(m *matrix, proj [][2]float64, rows []int32, st *warmState, opt Options, res *Result) []kcluster {
	pts := make([][2]float64, len(rows))
	ptOf := make(map[int64]int32, len(rows))
	for i, r := range rows {
		pts[i] = proj[r]
		ptOf[m.pids[r]] = int32(i)
	}
	var prevBase []kcluster
	if st != nil {
		prevBase = toKClusters(st.base, ptOf)
	}
	base := kmeans(pts, nil, opt.BaseK, prevBase, opt.BaseIters)
	slices.SortFunc(base, func(a, b kcluster) int { return cmp.Compare(a.id, b.id) })
	for _, b := range base {
		c := Cluster{ID: b.id, Center: b.center, Members: make([]int64, len(b.members))}
		for i, p := range b.members {
			c.Members[i] = m.pids[rows[p]]
		}
		res.BaseClusters = append(res.BaseClusters, c)
	}
	return base
}

// groupClusterings runs weighted k-means over the base-cluster centres for
// each candidate k, stores each clustering in res, and returns them by k
// with the k of the best silhouette (1 when there are too few base
// clusters to choose: everyone in one group).
func groupClusterings(base []kcluster, st *warmState, opt Options, res *Result) (map[int][]kcluster, int) {
	nb := len(base)
	bpts := make([][2]float64, nb)
	bw := make([]float64, nb)
	bOf := make(map[int64]int32, nb)
	for i, b := range base {
		bpts[i] = b.center
		bw[i] = float64(len(b.members))
		bOf[int64(b.id)] = int32(i)
	}
	d := make([][]float64, nb)
	for i := range nb {
		d[i] = make([]float64, nb)
		for j := range nb {
			d[i][j] = dist(bpts[i], bpts[j])
		}
	}
	maxK := min(opt.MaxK, 2+nb/12)
	bestK, bestSil := 0, math.Inf(-1)
	byK := make(map[int][]kcluster)
	for k := 2; k <= maxK; k++ {
		var prev []kcluster
		if st != nil && st.groupByK != nil {
			prev = toKClusters(st.groupByK[k], bOf)
		}
		gs := kmeans(bpts, bw, k, prev, opt.GroupIters)
		slices.SortFunc(gs, func(a, b kcluster) int { return cmp.Compare(a.id, b.id) })
		byK[k] = gs
		label := make([]int, nb)
		for gi, g := range gs {
			for _, b := range g.members {
				label[b] = gi
			}
		}
		sil := silhouette(d, label, len(gs))
		// Ties go to the larger k, as Clojure's max-key does.
		if sil >= bestSil {
			bestK, bestSil = k, sil
		}
		cs := make([]Cluster, len(gs))
		for gi, g := range gs {
			cs[gi] = Cluster{ID: g.id, Center: g.center, Members: make([]int64, len(g.members))}
			for i, b := range g.members {
				cs[gi].Members[i] = int64(base[b].id)
			}
		}
		res.GroupClusterings[k] = cs
	}
	if bestK == 0 {
		all := make([]int32, nb)
		for i := range all {
			all[i] = int32(i)
		}
		byK[1] = []kcluster{{id: 0, members: all, center: wmean(bpts, bw, all)}}
		bestK = 1
	}
	return byK, bestK
}

// smoothK is the k smoothing (doc §5.3): a new best k is taken only once
// it has been best KBuffer times in a row.
func smoothK(bestK int, byK map[int][]kcluster, st *warmState, opt Options) KSmoother {
	sm := KSmoother{LastK: bestK, LastKCount: 1, SmoothedK: bestK}
	if st != nil && st.hasSmoother {
		if st.smoother.LastK == bestK {
			sm.LastKCount = st.smoother.LastKCount + 1
		}
		if sm.LastKCount < opt.KBuffer {
			sm.SmoothedK = st.smoother.SmoothedK
		}
	}
	if _, ok := byK[sm.SmoothedK]; !ok {
		sm.SmoothedK = bestK
	}
	return sm
}

// toKClusters maps stored clusters onto current point indices, dropping
// members that are no longer present.
func toKClusters(cs []Cluster, idx map[int64]int32) []kcluster {
	out := make([]kcluster, 0, len(cs))
	for _, c := range cs {
		k := kcluster{id: c.ID, center: c.Center}
		for _, p := range c.Members {
			if i, ok := idx[p]; ok {
				k.members = append(k.members, i)
			}
		}
		out = append(out, k)
	}
	return out
}
