package opinion

import (
	"cmp"
	"slices"
	"sync"
)

// cell is one participant's latest vote on one statement.
type cell struct {
	col int32
	val int8
	t   int64
}

// matrix is the raw vote matrix (doc §2), stored sparse: one row per
// participant in row order, each row's cells sorted by column index. Column
// indices are assigned in order of arrival; tidOrder gives them by tid.
type matrix struct {
	pids  []int64
	rowOf map[int64]int32
	tids  []int64
	colOf map[int64]int32
	rows  [][]cell

	colN, colSum, colAgree, colDisagree []int32 // per column, over all rows

	modOutIDs []int64 // as given, including statements without votes
	modOut    []bool  // per column
	tidOrder  []int32 // column indices by ascending tid

	cov    *covAcc   // pairwise accumulators for the PCA; nil above covLimit columns
	covBuf []float64 // the dense covariance, reused between updates

	// Group tallies kept between updates so a warm update only revisits the
	// rows whose group or votes changed.
	tallied bool
	tallyOf map[int][]tally // group id → per-column tally
	tallyID []int           // row → group id it is counted in, or -1
	dirty   map[int32][]cell
}

// covLimit is the largest column count for which the pairwise accumulators
// (16 bytes per column pair) are kept; beyond it the PCA multiplies by the
// sparse matrix directly.
const covLimit = 2000

func buildMatrix(votes []Vote, order []int64, opt Options) *matrix {
	ps, ts := newFirsts(), newFirsts()
	pidx := make([]int32, len(votes))
	tidx := make([]int32, len(votes))
	for i, v := range votes {
		pidx[i], tidx[i] = ps.add(v.PID, v.Time, i), ts.add(v.TID, v.Time, i)
	}
	m := &matrix{rowOf: make(map[int64]int32), colOf: make(map[int64]int32)}
	rowOfP := m.admitRows(ps, order, opt.MaxParticipants)
	colOfT := m.admitColumns(ts, opt.MaxComments)
	byRow, rowStart := cellOrder(pidx, tidx, rowOfP, colOfT, len(m.pids), len(m.tids))
	cells := m.fillRows(votes, tidx, colOfT, byRow, rowStart)
	m.tidOrder = make([]int32, len(m.tids))
	for c := range m.tidOrder {
		m.tidOrder[c] = int32(c)
	}
	if len(m.tids) <= covLimit && pairWork(m.rows) <= 64*int64(cells)+1<<20 {
		m.cov = newCovAcc(len(m.tids))
		m.cov.addRows(m.rows)
	}
	return m
}

// firsts numbers the distinct participants (or statements) of the votes in
// order of appearance, and keeps when each first voted: the earliest time,
// and on a tie the earliest vote.
type firsts struct {
	ids    []int64
	of     map[int64]int32
	firstT []int64
	firstI []int32
}

func newFirsts() *firsts { return &firsts{of: make(map[int64]int32)} }

// add notes vote i of id at time t and returns id's number.
func (f *firsts) add(id, t int64, i int) int32 {
	n, ok := f.of[id]
	if !ok {
		n = int32(len(f.ids))
		f.of[id] = n
		f.ids = append(f.ids, id)
		f.firstT = append(f.firstT, t)
		f.firstI = append(f.firstI, int32(i))
	} else if t < f.firstT[n] {
		f.firstT[n], f.firstI[n] = t, int32(i)
	}
	return n
}

// byFirst orders numbers by first vote.
func (f *firsts) byFirst(a, b int32) int {
	if c := cmp.Compare(f.firstT[a], f.firstT[b]); c != 0 {
		return c
	}
	return cmp.Compare(f.firstI[a], f.firstI[b])
}

// numbers are 0, 1, ... n-1.
func numbers(n int) []int32 {
	out := make([]int32, n)
	for i := range out {
		out[i] = int32(i)
	}
	return out
}

// admitRows makes the rows: the given order first, then by first vote.
// Customs (doc §3) admit the earliest participants up to the cap. It
// returns each participant's row, -1 when left out.
func (m *matrix) admitRows(ps *firsts, order []int64, maxParticipants int) []int32 {
	rowOfP := make([]int32, len(ps.ids))
	for i := range rowOfP {
		rowOfP[i] = -1
	}
	addRow := func(p int32) {
		if rowOfP[p] >= 0 {
			return
		}
		rowOfP[p] = int32(len(m.pids))
		m.rowOf[ps.ids[p]] = rowOfP[p]
		m.pids = append(m.pids, ps.ids[p])
	}
	all := numbers(len(ps.ids))
	slices.SortFunc(all, ps.byFirst)
	keep := func(int32) bool { return true }
	if len(all) > maxParticipants {
		all = all[:maxParticipants]
		kept := make([]bool, len(ps.ids))
		for _, p := range all {
			kept[p] = true
		}
		keep = func(p int32) bool { return kept[p] }
	}
	for _, pid := range order {
		if p, ok := ps.of[pid]; ok && keep(p) {
			addRow(p)
		}
	}
	for _, p := range all {
		addRow(p)
	}
	return rowOfP
}

// admitColumns makes the columns, by tid: customs admit the earliest
// statements up to the cap. It returns each statement's column, -1 when
// left out.
func (m *matrix) admitColumns(ts *firsts, maxComments int) []int32 {
	cols := numbers(len(ts.ids))
	if len(cols) > maxComments {
		slices.SortFunc(cols, ts.byFirst)
		cols = cols[:maxComments]
	}
	slices.SortFunc(cols, func(a, b int32) int { return cmp.Compare(ts.ids[a], ts.ids[b]) })
	colOfT := make([]int32, len(ts.ids))
	for i := range colOfT {
		colOfT[i] = -1
	}
	for c, t := range cols {
		colOfT[t] = int32(c)
		m.colOf[ts.ids[t]] = int32(c)
		m.tids = append(m.tids, ts.ids[t])
	}
	return colOfT
}

// cellOrder orders the admitted votes by row, each row's in column order
// with equal cells in input order, by two stable counting sorts (by column,
// then by row), so the latest vote is found in one pass without a
// comparison sort. Row r's votes are byRow[rowStart[r]:rowStart[r+1]].
func cellOrder(pidx, tidx, rowOfP, colOfT []int32, nr, nc int) (byRow, rowStart []int32) {
	n := len(pidx)
	cnt := make([]int32, max(nr, nc)+1)
	for i := range n {
		if c := colOfT[tidx[i]]; c >= 0 && rowOfP[pidx[i]] >= 0 {
			cnt[c+1]++
		}
	}
	for c := range nc {
		cnt[c+1] += cnt[c]
	}
	total := int(cnt[nc])
	byCol := make([]int32, total)
	for i := range n {
		if c := colOfT[tidx[i]]; c >= 0 && rowOfP[pidx[i]] >= 0 {
			byCol[cnt[c]] = int32(i)
			cnt[c]++
		}
	}
	clear(cnt)
	for _, i := range byCol {
		cnt[rowOfP[pidx[i]]+1]++
	}
	for r := range nr {
		cnt[r+1] += cnt[r]
	}
	rowStart = slices.Clone(cnt[:nr+1])
	byRow = make([]int32, total)
	for _, i := range byCol {
		r := rowOfP[pidx[i]]
		byRow[cnt[r]] = i
		cnt[r]++
	}
	return byRow, rowStart
}

// fillRows stores each row's cells (the latest vote on each column) in one
// backing array and counts the columns; it returns the number of cells.
func (m *matrix) fillRows(votes []Vote, tidx, colOfT, byRow, rowStart []int32) int {
	nr, nc := len(m.pids), len(m.tids)
	backing := make([]cell, 0, len(byRow))
	m.rows = make([][]cell, nr)
	m.colN = make([]int32, nc)
	m.colSum = make([]int32, nc)
	m.colAgree = make([]int32, nc)
	m.colDisagree = make([]int32, nc)
	for r := range nr {
		start := len(backing)
		for k := rowStart[r]; k < rowStart[r+1]; k++ {
			v := votes[byRow[k]]
			c := colOfT[tidx[byRow[k]]]
			if l := len(backing); l > start && backing[l-1].col == c {
				if v.Time >= backing[l-1].t {
					backing[l-1].val, backing[l-1].t = int8(v.Value), v.Time
				}
				continue
			}
			backing = append(backing, cell{col: c, val: int8(v.Value), t: v.Time})
		}
		m.rows[r] = backing[start:len(backing):len(backing)]
		for _, e := range m.rows[r] {
			m.countCell(e, 1)
		}
	}
	return len(backing)
}

func pairWork(rows [][]cell) int64 {
	var w int64
	for _, r := range rows {
		w += int64(len(r)) * int64(len(r)+1) / 2
	}
	return w
}

func (m *matrix) countCell(e cell, sign int32) {
	m.colN[e.col] += sign
	m.colSum[e.col] += sign * int32(e.val)
	switch e.val {
	case Agree:
		m.colAgree[e.col] += sign
	case Disagree:
		m.colDisagree[e.col] += sign
	}
}

func (m *matrix) setModOut(tids []int64) {
	m.modOutIDs = slices.Clone(tids)
	slices.Sort(m.modOutIDs)
	m.modOutIDs = slices.Compact(m.modOutIDs)
	m.modOut = make([]bool, len(m.tids))
	for _, t := range tids {
		if c, ok := m.colOf[t]; ok {
			m.modOut[c] = true
		}
	}
}

// addVotes applies new votes in time order; a vote older than the stored one
// for the same cell is ignored.
func (m *matrix) addVotes(votes []Vote, opt Options) {
	vs := slices.Clone(votes)
	slices.SortStableFunc(vs, func(a, b Vote) int { return cmp.Compare(a.Time, b.Time) })
	// Each touched row's cells before the batch (for the pair accumulators
	// and the group tallies) and, for the accumulators, the changed columns.
	type change struct {
		old  []cell
		cols map[int32]bool
	}
	touched := make(map[int32]*change)
	for _, v := range vs {
		r, rok := m.rowOf[v.PID]
		c, cok := m.colOf[v.TID]
		if (!rok && len(m.pids) >= opt.MaxParticipants) || (!cok && len(m.tids) >= opt.MaxComments) {
			continue
		}
		if !rok {
			r = int32(len(m.pids))
			m.rowOf[v.PID] = r
			m.pids = append(m.pids, v.PID)
			m.rows = append(m.rows, nil)
		}
		if !cok {
			c = m.addColumn(v.TID)
		}
		row := m.rows[r]
		k, found := slices.BinarySearchFunc(row, c, func(e cell, c int32) int { return cmp.Compare(e.col, c) })
		if found && v.Time < row[k].t {
			continue
		}
		ch := touched[r]
		if ch == nil {
			ch = &change{old: slices.Clone(row), cols: make(map[int32]bool)}
			touched[r] = ch
		}
		ch.cols[c] = true
		if found {
			m.countCell(row[k], -1)
			row[k].val, row[k].t = int8(v.Value), v.Time
			m.countCell(row[k], 1)
			continue
		}
		e := cell{col: c, val: int8(v.Value), t: v.Time}
		m.rows[r] = slices.Insert(row, k, e)
		m.countCell(e, 1)
	}
	for r, ch := range touched {
		if m.cov != nil {
			m.cov.addPairs(ch.old, ch.cols, -1)
			m.cov.addPairs(m.rows[r], ch.cols, 1)
		}
		if m.tallied {
			if m.dirty == nil {
				m.dirty = make(map[int32][]cell)
			}
			if _, ok := m.dirty[r]; !ok {
				m.dirty[r] = ch.old
			}
		}
	}
}

func (m *matrix) addColumn(tid int64) int32 {
	c := int32(len(m.tids))
	m.colOf[tid] = c
	m.tids = append(m.tids, tid)
	m.colN = append(m.colN, 0)
	m.colSum = append(m.colSum, 0)
	m.colAgree = append(m.colAgree, 0)
	m.colDisagree = append(m.colDisagree, 0)
	k, _ := slices.BinarySearchFunc(m.tidOrder, tid, func(c int32, t int64) int { return cmp.Compare(m.tids[c], t) })
	m.tidOrder = slices.Insert(m.tidOrder, k, c)
	if m.cov != nil {
		if len(m.tids) > covLimit {
			m.cov = nil
		} else {
			m.cov.grow(len(m.tids))
		}
	}
	return c
}

// voteCount is a row's number of raw cells (doc §3: passes and votes on
// moderated-out statements count).
func (m *matrix) voteCount(r int) int { return len(m.rows[r]) }

// groupTallies returns each group's agree, disagree and seen counts per
// column on the raw matrix; ids[r] is row r's group id or -1. After the first
// call only rows whose group or votes changed are revisited.
func (m *matrix) groupTallies(ids []int) map[int][]tally {
	nc := len(m.tids)
	add := func(t []tally, cells []cell, sign int) {
		for _, e := range cells {
			p := &t[e.col]
			p.s += sign
			switch e.val {
			case Agree:
				p.a += sign
			case Disagree:
				p.d += sign
			}
		}
	}
	if !m.tallied {
		m.tallyOf = fullTallies(m, ids)
		m.tallied = true
	} else {
		for id, t := range m.tallyOf {
			if len(t) < nc {
				m.tallyOf[id] = append(t, make([]tally, nc-len(t))...)
			}
		}
		for r, id := range ids {
			old := -1
			if r < len(m.tallyID) {
				old = m.tallyID[r]
			}
			before, dirty := m.dirty[int32(r)]
			if !dirty && old == id {
				continue
			}
			if !dirty {
				before = m.rows[r]
			}
			if old >= 0 {
				add(m.tallyOf[old], before, -1)
			}
			if id >= 0 {
				t, ok := m.tallyOf[id]
				if !ok {
					t = make([]tally, nc)
					m.tallyOf[id] = t
				}
				add(t, m.rows[r], 1)
			}
		}
	}
	present := make(map[int]bool)
	for _, id := range ids {
		if id >= 0 {
			present[id] = true
		}
	}
	for id := range m.tallyOf {
		if !present[id] {
			delete(m.tallyOf, id)
		}
	}
	m.tallyID = slices.Clone(ids)
	m.dirty = nil
	return m.tallyOf
}

// fullTallies counts from scratch in one pass over the rows, on two cores.
func fullTallies(m *matrix, ids []int) map[int][]tally {
	nc := len(m.tids)
	part := func(lo, hi int) map[int][]tally {
		out := make(map[int][]tally)
		for r := lo; r < hi; r++ {
			id := ids[r]
			if id < 0 {
				continue
			}
			tg, ok := out[id]
			if !ok {
				tg = make([]tally, nc)
				out[id] = tg
			}
			for _, e := range m.rows[r] {
				t := &tg[e.col]
				t.s++
				switch e.val {
				case Agree:
					t.a++
				case Disagree:
					t.d++
				}
			}
		}
		return out
	}
	n := len(ids)
	if n < 4096 {
		return part(0, n)
	}
	var other map[int][]tally
	var wg sync.WaitGroup
	wg.Go(func() { other = part(n/2, n) })
	out := part(0, n/2)
	wg.Wait()
	for id, t := range other {
		o, ok := out[id]
		if !ok {
			out[id] = t
			continue
		}
		for c := range o {
			o[c].a += t[c].a
			o[c].d += t[c].d
			o[c].s += t[c].s
		}
	}
	return out
}
