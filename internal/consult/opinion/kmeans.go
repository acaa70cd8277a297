package opinion

import (
	"cmp"
	"math"
	"slices"
	"sync"
)

// kcluster is a k-means cluster over point indices.
type kcluster struct {
	id      int
	members []int32
	center  [2]float64
}

func dist(a, b [2]float64) float64 { return math.Hypot(a[0]-b[0], a[1]-b[1]) }

func dist2(a, b [2]float64) float64 {
	dx, dy := a[0]-b[0], a[1]-b[1]
	return dx*dx + dy*dy
}

// wmean is the (weighted) mean of the given points.
func wmean(pts [][2]float64, w []float64, idx []int32) [2]float64 {
	var sx, sy, sw float64
	for _, i := range idx {
		wi := 1.0
		if w != nil {
			wi = w[i]
		}
		sx += wi * pts[i][0]
		sy += wi * pts[i][1]
		sw += wi
	}
	return [2]float64{sx / sw, sy / sw}
}

// initClusters takes the first k distinct points in order (doc §5.1).
func initClusters(pts [][2]float64, k int) []kcluster {
	seen := make(map[[2]float64]bool)
	var cs []kcluster
	for _, p := range pts {
		if len(cs) == k {
			break
		}
		if !seen[p] {
			seen[p] = true
			cs = append(cs, kcluster{id: len(cs), center: p})
		}
	}
	return cs
}

func countDistinct(pts [][2]float64, limit int) int {
	seen := make(map[[2]float64]bool)
	for _, p := range pts {
		seen[p] = true
		if len(seen) >= limit {
			break
		}
	}
	return len(seen)
}

// cleanStart prepares a previous clustering for a warm start as Pol.is's
// clean-start-clusters does: recentre on the members still present, merge
// clusters with identical centres, then split off the most distant point
// while there are fewer clusters than k and than distinct points.
func cleanStart(pts [][2]float64, w []float64, prev []kcluster, k int) []kcluster {
	var cs []kcluster
	for _, c := range prev {
		if len(c.members) > 0 {
			cs = append(cs, kcluster{id: c.id, members: slices.Clone(c.members), center: wmean(pts, w, c.members)})
		}
	}
	if len(cs) == 0 {
		maxID := -1
		for _, c := range prev {
			maxID = max(maxID, c.id)
		}
		all := make([]int32, len(pts))
		for i := range all {
			all[i] = int32(i)
		}
		return []kcluster{{id: maxID + 1, members: all, center: wmean(pts, w, all)}}
	}
	var uniq []kcluster
	for _, c := range cs {
		j := slices.IndexFunc(uniq, func(u kcluster) bool { return u.center == c.center })
		if j < 0 {
			uniq = append(uniq, c)
			continue
		}
		u := uniq[j]
		id := c.id
		if len(u.members) > len(c.members) {
			id = u.id
		}
		nu, nc := float64(len(u.members)), float64(len(c.members))
		uniq[j] = kcluster{
			id:      id,
			members: append(u.members, c.members...),
			center:  [2]float64{(nu*u.center[0] + nc*c.center[0]) / (nu + nc), (nu*u.center[1] + nc*c.center[1]) / (nu + nc)},
		}
	}
	cs = uniq
	possible := min(k, countDistinct(pts, k))
	for {
		live := cs[:0]
		for _, c := range cs {
			if len(c.members) > 0 {
				c.center = wmean(pts, w, c.members)
				live = append(live, c)
			}
		}
		cs = live
		if possible <= len(cs) {
			return cs
		}
		far, farD := -1, -1.0
		for i, p := range pts {
			d := math.Inf(1)
			for _, c := range cs {
				d = min(d, dist(p, c.center))
			}
			if d >= farD {
				far, farD = i, d
			}
		}
		if farD <= 0 {
			return cs
		}
		maxID := 0
		for j := range cs {
			maxID = max(maxID, cs[j].id)
			cs[j].members = slices.DeleteFunc(cs[j].members, func(m int32) bool { return m == int32(far) })
		}
		cs = append(cs, kcluster{id: maxID + 1, members: []int32{int32(far)}, center: pts[far]})
	}
}

// sameClustering is Pol.is's stopping rule: the sorted centres pairwise
// within 0.01.
func sameClustering(a, b []kcluster) bool {
	ca := make([][2]float64, len(a))
	cb := make([][2]float64, len(b))
	for i := range a {
		ca[i] = a[i].center
	}
	for i := range b {
		cb[i] = b[i].center
	}
	lex := func(x, y [2]float64) int {
		if c := cmp.Compare(x[0], y[0]); c != 0 {
			return c
		}
		return cmp.Compare(x[1], y[1])
	}
	slices.SortFunc(ca, lex)
	slices.SortFunc(cb, lex)
	for i := range min(len(ca), len(cb)) {
		if !(dist(ca[i], cb[i]) < 0.01) {
			return false
		}
	}
	return true
}

// kmeans is Pol.is's k-means (doc §5.1): Lloyd steps from the given start,
// dropping empty clusters, until the centres stop moving or maxIters runs out.
// Assignment uses Hamerly's distance bounds, which skip most distance
// computations without changing the result.
func kmeans(pts [][2]float64, w []float64, k int, prev []kcluster, maxIters int) []kcluster {
	if len(pts) == 0 {
		return nil
	}
	var cs []kcluster
	if len(prev) > 0 {
		cs = cleanStart(pts, w, prev, k)
	} else {
		cs = initClusters(pts, k)
	}
	h := newHamerly(pts, cs)
	for iter, first := maxIters, true; ; iter, first = iter-1, false {
		h.assignAll(first)
		live, remap, moves := h.update(cs, w)
		done := iter <= 0 || sameClustering(cs, live)
		cs = live
		if done {
			return cs
		}
		h.moveCenters(cs, remap, moves)
	}
}

// hamerly is the state of the assignment step: each point's cluster, an
// upper bound on its distance to that centre and a lower bound on its
// distance to any other.
type hamerly struct {
	pts          [][2]float64
	assign       []int32
	upper, lower []float64
	centers      [][2]float64
	half         []float64 // half the distance from each centre to the nearest other
}

func newHamerly(pts [][2]float64, cs []kcluster) *hamerly {
	n := len(pts)
	h := &hamerly{pts: pts, assign: make([]int32, n), upper: make([]float64, n), lower: make([]float64, n),
		centers: make([][2]float64, len(cs)), half: make([]float64, len(cs))}
	for j := range cs {
		h.centers[j] = cs[j].center
	}
	return h
}

// full assigns point i by measuring every centre.
func (h *hamerly) full(i int) {
	p := h.pts[i]
	b1, b2 := math.Inf(1), math.Inf(1)
	a := int32(0)
	for j, c := range h.centers {
		d := dist2(p, c)
		if d < b1 {
			b2 = b1
			b1, a = d, int32(j)
		} else if d < b2 {
			b2 = d
		}
	}
	h.assign[i], h.upper[i], h.lower[i] = a, math.Sqrt(b1), math.Sqrt(b2)
}

// assignRange assigns points lo..hi-1: every one measured the first time,
// afterwards only those whose bounds do not settle it.
func (h *hamerly) assignRange(lo, hi int, first bool) {
	for i := lo; i < hi; i++ {
		if first {
			h.full(i)
			continue
		}
		a := h.assign[i]
		bound := max(h.lower[i], h.half[a])
		if h.upper[i] <= bound {
			continue
		}
		h.upper[i] = dist(h.pts[i], h.centers[a])
		if h.upper[i] <= bound {
			continue
		}
		h.full(i)
	}
}

// assignAll assigns every point, in two halves at once when there are many.
func (h *hamerly) assignAll(first bool) {
	if len(h.centers) > 1 {
		for j := range h.centers {
			nearest := math.Inf(1)
			for l := range h.centers {
				if l != j {
					nearest = min(nearest, dist(h.centers[j], h.centers[l]))
				}
			}
			h.half[j] = nearest / 2
		}
	} else {
		h.half[0] = math.Inf(1)
	}
	n := len(h.pts)
	if n >= 8192 {
		var wg sync.WaitGroup
		wg.Go(func() { h.assignRange(n/2, n, first) })
		h.assignRange(0, n/2, first)
		wg.Wait()
	} else {
		h.assignRange(0, n, first)
	}
}

// update makes the clusters of the assignment: members in point order,
// empty clusters dropped. remap gives each old cluster's new index (-1:
// dropped), moves how far each new centre moved.
func (h *hamerly) update(cs []kcluster, w []float64) (live []kcluster, remap []int32, moves []float64) {
	next := make([]kcluster, len(cs))
	for j := range cs {
		next[j].id = cs[j].id
	}
	for i, a := range h.assign {
		next[a].members = append(next[a].members, int32(i))
	}
	remap = make([]int32, len(cs))
	for j := range next {
		if len(next[j].members) == 0 {
			remap[j] = -1
			continue
		}
		next[j].center = wmean(h.pts, w, next[j].members)
		remap[j] = int32(len(live))
		moves = append(moves, dist(h.centers[j], next[j].center))
		live = append(live, next[j])
	}
	return live, remap, moves
}

// moveCenters takes the new centres and keeps the bounds valid for them.
func (h *hamerly) moveCenters(cs []kcluster, remap []int32, moves []float64) {
	maxMove, secondMove := 0.0, 0.0
	for _, mv := range moves {
		if mv > maxMove {
			secondMove, maxMove = maxMove, mv
		} else if mv > secondMove {
			secondMove = mv
		}
	}
	h.centers = h.centers[:len(cs)]
	h.half = h.half[:len(cs)]
	for j := range cs {
		h.centers[j] = cs[j].center
	}
	for i := range h.assign {
		a := remap[h.assign[i]]
		h.assign[i] = a
		h.upper[i] += moves[a]
		if moves[a] == maxMove {
			h.lower[i] -= secondMove
		} else {
			h.lower[i] -= maxMove
		}
	}
}

// silhouette is the mean silhouette over the points (base-cluster centres,
// unweighted; doc §5.3); a point alone in its cluster scores 0.
func silhouette(d [][]float64, label []int, k int) float64 {
	n := len(label)
	if n == 0 {
		return 0
	}
	size := make([]int, k)
	for _, l := range label {
		size[l]++
	}
	sum := make([]float64, k)
	var total float64
	for i := range n {
		if size[label[i]] <= 1 {
			continue
		}
		clear(sum)
		for j := range n {
			if j != i {
				sum[label[j]] += d[i][j]
			}
		}
		a := sum[label[i]] / float64(size[label[i]]-1)
		b := math.Inf(1)
		for l := range k {
			if l != label[i] && size[l] > 0 {
				b = min(b, sum[l]/float64(size[l]))
			}
		}
		if math.IsInf(b, 1) {
			continue
		}
		if m := max(a, b); m > 0 {
			total += (b - a) / m
		}
	}
	return total / float64(n)
}
