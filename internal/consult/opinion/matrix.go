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
	n := len(votes)
	pidx := make([]int32, n)
	tidx := make([]int32, n)
	pidOf := make(map[int64]int32)
	tidOf := make(map[int64]int32)
	var pidList, tidList []int64
	var pFirstT, tFirstT []int64
	var pFirstI, tFirstI []int32
	for i, v := range votes {
		p, ok := pidOf[v.PID]
		if !ok {
			p = int32(len(pidList))
			pidOf[v.PID] = p
			pidList = append(pidList, v.PID)
			pFirstT = append(pFirstT, v.Time)
			pFirstI = append(pFirstI, int32(i))
		} else if v.Time < pFirstT[p] {
			pFirstT[p], pFirstI[p] = v.Time, int32(i)
		}
		t, ok := tidOf[v.TID]
		if !ok {
			t = int32(len(tidList))
			tidOf[v.TID] = t
			tidList = append(tidList, v.TID)
			tFirstT = append(tFirstT, v.Time)
			tFirstI = append(tFirstI, int32(i))
		} else if v.Time < tFirstT[t] {
			tFirstT[t], tFirstI[t] = v.Time, int32(i)
		}
		pidx[i], tidx[i] = p, t
	}

	// Rows: the given order first, then by first vote. Customs (doc §3)
	// admit the earliest participants and statements up to the caps.
	byFirst := func(firstT []int64, firstI []int32) func(a, b int32) int {
		return func(a, b int32) int {
			if c := cmp.Compare(firstT[a], firstT[b]); c != 0 {
				return c
			}
			return cmp.Compare(firstI[a], firstI[b])
		}
	}
	rowOfP := make([]int32, len(pidList))
	for i := range rowOfP {
		rowOfP[i] = -1
	}
	m := &matrix{rowOf: make(map[int64]int32), colOf: make(map[int64]int32)}
	addRow := func(p int32) {
		if rowOfP[p] >= 0 {
			return
		}
		rowOfP[p] = int32(len(m.pids))
		m.rowOf[pidList[p]] = rowOfP[p]
		m.pids = append(m.pids, pidList[p])
	}
	ps := make([]int32, len(pidList))
	for i := range ps {
		ps[i] = int32(i)
	}
	slices.SortFunc(ps, byFirst(pFirstT, pFirstI))
	if len(ps) > opt.MaxParticipants {
		keep := make([]bool, len(pidList))
		for _, p := range ps[:opt.MaxParticipants] {
			keep[p] = true
		}
		for _, pid := range order {
			if p, ok := pidOf[pid]; ok && keep[p] {
				addRow(p)
			}
		}
		for _, p := range ps[:opt.MaxParticipants] {
			addRow(p)
		}
	} else {
		for _, pid := range order {
			if p, ok := pidOf[pid]; ok {
				addRow(p)
			}
		}
		for _, p := range ps {
			addRow(p)
		}
	}

	ts := make([]int32, len(tidList))
	for i := range ts {
		ts[i] = int32(i)
	}
	if len(ts) > opt.MaxComments {
		slices.SortFunc(ts, byFirst(tFirstT, tFirstI))
		ts = ts[:opt.MaxComments]
	}
	slices.SortFunc(ts, func(a, b int32) int { return cmp.Compare(tidList[a], tidList[b]) })
	colOfT := make([]int32, len(tidList))
	for i := range colOfT {
		colOfT[i] = -1
	}
	for c, t := range ts {
		colOfT[t] = int32(c)
		m.colOf[tidList[t]] = int32(c)
		m.tids = append(m.tids, tidList[t])
	}
	nr, nc := len(m.pids), len(m.tids)

	// Two stable counting sorts (by column, then by row) leave each row's
	// votes in column order with equal cells in input order, so the latest
	// vote is found in one pass without a comparison sort.
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
	rowStart := slices.Clone(cnt[:nr+1])
	byRow := make([]int32, total)
	for _, i := range byCol {
		r := rowOfP[pidx[i]]
		byRow[cnt[r]] = i
		cnt[r]++
	}
	byCol = nil

	backing := make([]cell, 0, total)
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
	m.tidOrder = make([]int32, nc)
	for c := range m.tidOrder {
		m.tidOrder[c] = int32(c)
	}
	if nc <= covLimit && pairWork(m.rows) <= 64*int64(len(backing))+1<<20 {
		m.cov = newCovAcc(nc)
		m.cov.addRows(m.rows)
	}
	return m
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
