package opinion

import (
	"math"
	"sync"
)

// pairAcc accumulates, over the rows that voted on both columns a ≤ b: the
// number of such rows, Σ v_a·v_b, Σ v_a and Σ v_b. With the column means μ
// the centred covariance is then
//
//	C_ab = s − μ_b·ta − μ_a·tb + μ_a·μ_b·n
//
// which is exact in integers and can be updated one row at a time, so a warm
// update after a few votes does not revisit the whole matrix.
type pairAcc struct{ n, s, ta, tb int32 }

type covAcc struct {
	stride int
	a      []pairAcc // stride×stride, upper triangle used
}

func newCovAcc(m int) *covAcc {
	s := m + m/4 + 8
	return &covAcc{stride: s, a: make([]pairAcc, s*s)}
}

func (c *covAcc) grow(m int) {
	if m <= c.stride {
		return
	}
	n := newCovAcc(m)
	for i := range c.stride {
		copy(n.a[i*n.stride:i*n.stride+c.stride], c.a[i*c.stride:(i+1)*c.stride])
	}
	*c = *n
}

// addRow adds (sign 1) or removes (sign -1) one row's pairs; cells are sorted
// by column.
func (c *covAcc) addRow(cells []cell, sign int32) {
	for i, x := range cells {
		base := int(x.col) * c.stride
		va := int32(x.val) * sign
		for _, y := range cells[i:] {
			p := &c.a[base+int(y.col)]
			p.n += sign
			p.s += va * int32(y.val)
			p.ta += va
			p.tb += int32(y.val) * sign
		}
	}
}

// addPairs adds or removes only the pairs of a row that involve one of the
// changed columns, each pair once.
func (c *covAcc) addPairs(cells []cell, changed map[int32]bool, sign int32) {
	for _, x := range cells {
		if !changed[x.col] {
			continue
		}
		for _, y := range cells {
			if changed[y.col] && y.col < x.col {
				continue // counted from y's side
			}
			a, b := x, y
			if b.col < a.col {
				a, b = b, a
			}
			p := &c.a[int(a.col)*c.stride+int(b.col)]
			p.n += sign
			p.s += sign * int32(a.val) * int32(b.val)
			p.ta += sign * int32(a.val)
			p.tb += sign * int32(b.val)
		}
	}
}

// addRows accumulates all rows, on two cores when there is enough work.
func (c *covAcc) addRows(rows [][]cell) {
	w := pairWork(rows)
	if w < 1<<20 {
		for _, r := range rows {
			c.addRow(r, 1)
		}
		return
	}
	// Split rows so both halves carry about the same pair work.
	var acc int64
	split := len(rows)
	for i, r := range rows {
		acc += int64(len(r)) * int64(len(r)+1) / 2
		if acc >= w/2 {
			split = i + 1
			break
		}
	}
	other := &covAcc{stride: c.stride, a: make([]pairAcc, len(c.a))}
	var wg sync.WaitGroup
	wg.Go(func() {
		for _, r := range rows[split:] {
			other.addRow(r, 1)
		}
	})
	for _, r := range rows[:split] {
		c.addRow(r, 1)
	}
	wg.Wait()
	for i := range c.a {
		o := &other.a[i]
		if o.n != 0 {
			p := &c.a[i]
			p.n += o.n
			p.s += o.s
			p.ta += o.ta
			p.tb += o.tb
		}
	}
}

// pcaResult is the centre and components in column-index space.
type pcaResult struct {
	center []float64
	comps  [2][]float64
}

// computePCA finds the first two principal components of the centred rating
// matrix (missing cells imputed with the column mean, so they vanish after
// centring; moderated-out columns are zero). start holds warm-start vectors in
// column-index space (nil entries for none).
func computePCA(m *matrix, start [2][]float64, seed uint64) pcaResult {
	nc := len(m.tids)
	res := pcaResult{center: make([]float64, nc)}
	res.comps[0] = make([]float64, nc)
	res.comps[1] = make([]float64, nc)
	nr := len(m.rows)
	if nr == 0 || nc == 0 {
		return res
	}
	for c := range nc {
		if !m.modOut[c] && m.colN[c] > 0 {
			res.center[c] = float64(m.colSum[c]) / float64(m.colN[c])
		}
	}
	// Pol.is's edge cases (doc §4.4): one participant or one statement.
	if nr == 1 || nc == 1 {
		if nc == 1 {
			res.center[0] = 0
			res.comps[0][0] = 1
			return res
		}
		var norm float64
		for _, e := range m.rows[0] {
			if !m.modOut[e.col] {
				res.comps[0][e.col] = float64(e.val)
				norm += float64(e.val) * float64(e.val)
			}
		}
		for c := range nc {
			res.center[c] = 0
			if norm > 0 {
				res.comps[0][c] /= math.Sqrt(norm)
			}
		}
		return res
	}

	var act []int32 // active (moderated-in) columns
	pos := make([]int32, nc)
	for c := range nc {
		pos[c] = -1
		if !m.modOut[c] {
			pos[c] = int32(len(act))
			act = append(act, int32(c))
		}
	}
	na := len(act)
	if na == 0 {
		return res
	}
	var op blockOp
	if m.cov != nil {
		op = denseCov(m, act, res.center)
	} else {
		op = &sparseOp{m: m, pos: pos, mu: res.center, na: na}
	}
	var st [2][]float64
	for k := range 2 {
		if start[k] != nil {
			st[k] = make([]float64, na)
			for i, c := range act {
				st[k][i] = start[k][c]
			}
		}
	}
	vecs, vals := topEigen(op, na, st, seed)
	for k := range 2 {
		if k >= len(vecs) || vals[k] <= 1e-12*math.Max(vals[0], 1e-300) {
			continue
		}
		v := vecs[k]
		// Orientation is arbitrary (doc §1): keep the previous one when warm,
		// else make the largest entry positive.
		var dot float64
		if st[k] != nil {
			for i := range v {
				dot += v[i] * st[k][i]
			}
		}
		if dot == 0 {
			big := 0
			for i := range v {
				if math.Abs(v[i]) > math.Abs(v[big])+1e-12 {
					big = i
				}
			}
			dot = v[big]
		}
		for i, c := range act {
			if dot < 0 {
				res.comps[k][c] = -v[i]
			} else {
				res.comps[k][c] = v[i]
			}
		}
	}
	return res
}

// blockOp computes out = C·V for V with b columns stored row-major (na×b).
type blockOp interface {
	mul(v, out []float64, b int)
}

// denseOp is the covariance matrix over the active columns, built from the
// pair accumulators.
type denseOp struct {
	n int
	c []float64
}

func denseCov(m *matrix, act []int32, mu []float64) *denseOp {
	na := len(act)
	if cap(m.covBuf) < na*na {
		m.covBuf = make([]float64, na*na)
	}
	d := &denseOp{n: na, c: m.covBuf[:na*na]}
	acc := m.cov
	for i, a := range act {
		ma := mu[a]
		row := acc.a[int(a)*acc.stride:]
		for j := i; j < na; j++ {
			b := act[j]
			p := row[b]
			mb := mu[b]
			v := float64(p.s) - mb*float64(p.ta) - ma*float64(p.tb) + ma*mb*float64(p.n)
			d.c[i*na+j] = v
			d.c[j*na+i] = v
		}
	}
	return d
}

func (d *denseOp) mul(v, out []float64, b int) {
	n := d.n
	rowsMul := func(lo, hi int) {
		for i := lo; i < hi; i++ {
			crow := d.c[i*n : (i+1)*n]
			o := out[i*b : (i+1)*b]
			// Register accumulators for the block sizes used; this loop is
			// most of a warm update.
			switch b {
			case 4:
				var s0, s1, s2, s3 float64
				v := v[:4*n]
				for j, c := range crow {
					w := v[4*j : 4*j+4 : 4*j+4]
					s0 += c * w[0]
					s1 += c * w[1]
					s2 += c * w[2]
					s3 += c * w[3]
				}
				o[0], o[1], o[2], o[3] = s0, s1, s2, s3
			case 6:
				var s0, s1, s2, s3, s4, s5 float64
				v := v[:6*n]
				for j, c := range crow {
					w := v[6*j : 6*j+6 : 6*j+6]
					s0 += c * w[0]
					s1 += c * w[1]
					s2 += c * w[2]
					s3 += c * w[3]
					s4 += c * w[4]
					s5 += c * w[5]
				}
				o[0], o[1], o[2], o[3], o[4], o[5] = s0, s1, s2, s3, s4, s5
			default:
				clear(o)
				for j, c := range crow {
					w := v[j*b : (j+1)*b]
					for t := range o {
						o[t] += c * w[t]
					}
				}
			}
		}
	}
	if n*n*b < 1<<18 {
		rowsMul(0, n)
		return
	}
	var wg sync.WaitGroup
	wg.Go(func() { rowsMul(n/2, n) })
	rowsMul(0, n/2)
	wg.Wait()
}

// sparseOp multiplies by Xᵀ·X where X holds (vote − mean) at the voted cells
// of active columns; used when there are too many columns for denseOp.
type sparseOp struct {
	m   *matrix
	pos []int32
	mu  []float64
	na  int
}

func (s *sparseOp) mul(v, out []float64, b int) {
	rows := s.m.rows
	part := func(lo, hi int, o []float64) {
		d := make([]float64, b)
		for _, r := range rows[lo:hi] {
			clear(d)
			for _, e := range r {
				p := s.pos[e.col]
				if p < 0 {
					continue
				}
				x := float64(e.val) - s.mu[e.col]
				vp := v[int(p)*b : int(p+1)*b]
				for t := range d {
					d[t] += x * vp[t]
				}
			}
			for _, e := range r {
				p := s.pos[e.col]
				if p < 0 {
					continue
				}
				x := float64(e.val) - s.mu[e.col]
				op := o[int(p)*b : int(p+1)*b]
				for t := range d {
					op[t] += x * d[t]
				}
			}
		}
	}
	clear(out)
	n := len(rows)
	other := make([]float64, len(out))
	var wg sync.WaitGroup
	wg.Go(func() { part(n/2, n, other) })
	part(0, n/2, out)
	wg.Wait()
	for i := range out {
		out[i] += other[i]
	}
}

// topEigen returns the two leading eigenpairs of the symmetric positive
// semi-definite operator by block power iteration (subspace iteration) with a
// Rayleigh–Ritz step: power iteration with deflation as in Pol.is (doc §4.3),
// done on a small block at once and run to convergence so the result is the
// exact PCA. Warm-start vectors seed the block.
func topEigen(op blockOp, n int, start [2][]float64, seed uint64) ([][]float64, []float64) {
	// A warm start needs only a small block: the previous components are
	// already close.
	warm := start[0] != nil
	b := min(n, 6)
	if warm {
		b = min(n, 4)
	}
	v := make([]float64, n*b)
	rng := seed ^ 0x9e3779b97f4a7c15
	next := func() float64 {
		// xorshift64*: deterministic start vectors.
		rng ^= rng >> 12
		rng ^= rng << 25
		rng ^= rng >> 27
		return float64((rng*2685821657736338717)>>11)/float64(1<<53) - 0.5
	}
	for t := range b {
		for i := range n {
			if t < 2 && start[t] != nil {
				v[i*b+t] = start[t][i]
			} else {
				v[i*b+t] = next()
			}
		}
	}
	orthonormalize(v, n, b, next)
	w := make([]float64, n*b)
	h := make([]float64, b*b)
	tmp := make([]float64, n*b)
	maxIter := 3000
	if warm {
		maxIter = 1000
	}
	var vals []float64
	for it := 0; it < maxIter; it++ {
		op.mul(v, w, b)
		// H = Vᵀ W
		clear(h)
		for i := range n {
			vi := v[i*b : (i+1)*b]
			wi := w[i*b : (i+1)*b]
			for s := range b {
				for t := s; t < b; t++ {
					h[s*b+t] += vi[s] * wi[t]
				}
			}
		}
		for s := range b {
			for t := s + 1; t < b; t++ {
				h[t*b+s] = h[s*b+t]
			}
		}
		u, lam := symEigen(h, b)
		vals = lam
		// Rotate V and W onto the Ritz vectors.
		rotate(v, u, n, b, tmp)
		rotate(w, u, n, b, tmp)
		var r0, r1 float64
		for i := range n {
			d0 := w[i*b] - lam[0]*v[i*b]
			d1 := w[i*b+1] - lam[1]*v[i*b+1]
			r0 += d0 * d0
			r1 += d1 * d1
		}
		scale := math.Max(lam[0], 1e-300)
		if math.Sqrt(r0) <= 1e-9*scale && math.Sqrt(r1) <= 1e-9*scale {
			break
		}
		copy(v, w)
		orthonormalize(v, n, b, next)
	}
	out := make([][]float64, min(b, 2))
	for k := range out {
		out[k] = make([]float64, n)
		for i := range n {
			out[k][i] = v[i*b+k]
		}
	}
	if len(vals) < 2 {
		vals = append(vals, 0, 0)
	}
	return out, vals
}

// rotate sets X ← X·U for X (n×b, row-major) and U (b×b).
func rotate(x, u []float64, n, b int, tmp []float64) {
	for i := range n {
		xi := x[i*b : (i+1)*b]
		ti := tmp[i*b : (i+1)*b]
		for t := range b {
			var s float64
			for k := range b {
				s += xi[k] * u[k*b+t]
			}
			ti[t] = s
		}
	}
	copy(x, tmp)
}

// orthonormalize runs modified Gram–Schmidt twice on the b columns; a column
// that collapses is replaced by a fresh pseudo-random one.
func orthonormalize(v []float64, n, b int, next func() float64) {
	for t := range b {
		for attempt := 0; ; attempt++ {
			for pass := 0; pass < 2; pass++ {
				for s := 0; s < t; s++ {
					var d float64
					for i := range n {
						d += v[i*b+s] * v[i*b+t]
					}
					for i := range n {
						v[i*b+t] -= d * v[i*b+s]
					}
				}
			}
			var norm float64
			for i := range n {
				norm += v[i*b+t] * v[i*b+t]
			}
			if norm > 1e-24 || attempt > 3 {
				if norm > 0 {
					norm = 1 / math.Sqrt(norm)
				}
				for i := range n {
					v[i*b+t] *= norm
				}
				break
			}
			for i := range n {
				v[i*b+t] = next()
			}
		}
	}
}

// symEigen diagonalises a small symmetric matrix by cyclic Jacobi rotations;
// it returns eigenvectors as the columns of u (row-major) and eigenvalues,
// both sorted by decreasing eigenvalue.
func symEigen(h []float64, b int) ([]float64, []float64) {
	a := append([]float64(nil), h...)
	u := make([]float64, b*b)
	for i := range b {
		u[i*b+i] = 1
	}
	for sweep := 0; sweep < 100; sweep++ {
		var off float64
		for p := range b {
			for q := p + 1; q < b; q++ {
				off += a[p*b+q] * a[p*b+q]
			}
		}
		if off < 1e-300 {
			break
		}
		for p := range b {
			for q := p + 1; q < b; q++ {
				apq := a[p*b+q]
				if apq == 0 {
					continue
				}
				theta := (a[q*b+q] - a[p*b+p]) / (2 * apq)
				t := 1 / (math.Abs(theta) + math.Sqrt(theta*theta+1))
				if theta < 0 {
					t = -t
				}
				c := 1 / math.Sqrt(t*t+1)
				s := t * c
				for k := range b {
					akp, akq := a[k*b+p], a[k*b+q]
					a[k*b+p] = c*akp - s*akq
					a[k*b+q] = s*akp + c*akq
				}
				for k := range b {
					apk, aqk := a[p*b+k], a[q*b+k]
					a[p*b+k] = c*apk - s*aqk
					a[q*b+k] = s*apk + c*aqk
				}
				for k := range b {
					ukp, ukq := u[k*b+p], u[k*b+q]
					u[k*b+p] = c*ukp - s*ukq
					u[k*b+q] = s*ukp + c*ukq
				}
			}
		}
	}
	idx := make([]int, b)
	for i := range idx {
		idx[i] = i
	}
	for i := 1; i < b; i++ { // insertion sort, b is tiny
		for j := i; j > 0 && a[idx[j]*b+idx[j]] > a[idx[j-1]*b+idx[j-1]]; j-- {
			idx[j], idx[j-1] = idx[j-1], idx[j]
		}
	}
	us := make([]float64, b*b)
	lam := make([]float64, b)
	for t, k := range idx {
		lam[t] = a[k*b+k]
		for i := range b {
			us[i*b+t] = u[i*b+k]
		}
	}
	return us, lam
}

// project computes every participant's sparsity-aware projection (doc §4.5):
// Σ (vote − centre)·component over the voted cells, scaled by √(n/|V|) where
// both n and |V| count moderated-out columns (zeroed for everyone).
func project(m *matrix, p pcaResult) [][2]float64 {
	nc := len(m.tids)
	nMod := 0
	for _, b := range m.modOut {
		if b {
			nMod++
		}
	}
	// One lookup per cell: the (x, y) contribution of each column and vote
	// value, and whether the column counts as voted (moderated-out columns
	// are counted for everyone through nMod).
	type entry struct{ x, y, w float64 }
	tab := make([]entry, 3*nc)
	for c := range nc {
		if m.modOut[c] {
			continue
		}
		for v := -1; v <= 1; v++ {
			d := float64(v) - p.center[c]
			tab[3*c+v+1] = entry{d * p.comps[0][c], d * p.comps[1][c], 1}
		}
	}
	out := make([][2]float64, len(m.rows))
	part := func(lo, hi int) {
		for r := lo; r < hi; r++ {
			var x, y, nv float64
			for _, e := range m.rows[r] {
				t := tab[3*int(e.col)+int(e.val)+1]
				x += t.x
				y += t.y
				nv += t.w
			}
			s := math.Sqrt(float64(nc) / max(nv+float64(nMod), 1))
			out[r] = [2]float64{x * s, y * s}
		}
	}
	n := len(m.rows)
	if n < 4096 {
		part(0, n)
		return out
	}
	var wg sync.WaitGroup
	wg.Go(func() { part(n/2, n) })
	part(0, n/2)
	wg.Wait()
	return out
}
