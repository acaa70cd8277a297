package stats

import "fmt"

// Cell is one cell (or total) of a cross-tabulation.
type Cell struct {
	N          int     // responses (unweighted)
	Weighted   float64 // Σw
	Share      float64 // Weighted over its row's total (row percentages as fractions)
	Suppressed bool    // too few responses to publish: N and Weighted are zeroed
}

// Table is a cross-tabulation of two categorical variables.
type Table struct {
	Cells     [][]Cell // [row][column]
	RowTotals []Cell
	ColTotals []Cell
	Total     Cell
}

// CrossTab counts responses by row level (0..rows-1) and column level
// (0..cols-1), weighted by w (nil: unweighted), and suppresses for
// publication every cell and total counting between 1 and k−1 responses.
// A row or column with exactly one suppressed cell would give it away by
// subtraction from the total, so the smallest other cell in it is
// suppressed too, until no row or column has a lone suppressed cell; and
// an empty cell in a line with suppressed cells is hidden as well (it
// would tell that the group is all in the others).
// k ≤ 1 suppresses nothing.
func CrossTab(rowCodes, colCodes []int, rows, cols int, w []float64, k int) (Table, error) {
	if len(rowCodes) != len(colCodes) {
		return Table{}, fmt.Errorf("stats: %d row codes, %d column codes", len(rowCodes), len(colCodes))
	}
	if err := checkWeights(len(rowCodes), w); err != nil {
		return Table{}, err
	}
	t := Table{Cells: make([][]Cell, rows), RowTotals: make([]Cell, rows), ColTotals: make([]Cell, cols)}
	for r := range t.Cells {
		t.Cells[r] = make([]Cell, cols)
	}
	for i, r := range rowCodes {
		c := colCodes[i]
		if r < 0 || r >= rows || c < 0 || c >= cols {
			return Table{}, fmt.Errorf("stats: response %d has levels (%d, %d), outside the %d×%d table", i, r, c, rows, cols)
		}
		wi := weight(w, i)
		for _, cell := range []*Cell{&t.Cells[r][c], &t.RowTotals[r], &t.ColTotals[c], &t.Total} {
			cell.N++
			cell.Weighted += wi
		}
	}
	for r := range t.Cells {
		for c := range t.Cells[r] {
			if t.RowTotals[r].Weighted > 0 {
				t.Cells[r][c].Share = t.Cells[r][c].Weighted / t.RowTotals[r].Weighted
			}
		}
		if t.Total.Weighted > 0 {
			t.RowTotals[r].Share = t.RowTotals[r].Weighted / t.Total.Weighted
		}
	}
	for c := range t.ColTotals {
		if t.Total.Weighted > 0 {
			t.ColTotals[c].Share = t.ColTotals[c].Weighted / t.Total.Weighted
		}
	}
	t.Total.Share = 1
	if k > 1 {
		t.suppress(k)
	}
	return t, nil
}

func small(c Cell, k int) bool { return c.N > 0 && c.N < k }

// suppress marks the small cells and totals, adds the secondary
// suppressions, then zeroes what is suppressed.
func (t *Table) suppress(k int) {
	for r := range t.Cells {
		for c := range t.Cells[r] {
			t.Cells[r][c].Suppressed = small(t.Cells[r][c], k)
		}
		t.RowTotals[r].Suppressed = small(t.RowTotals[r], k)
	}
	for c := range t.ColTotals {
		t.ColTotals[c].Suppressed = small(t.ColTotals[c], k)
	}
	t.Total.Suppressed = small(t.Total, k)
	rows, cols := len(t.Cells), len(t.ColTotals)
	for changed := true; changed; {
		changed = false
		for r := range rows {
			line := make([]*Cell, cols)
			for c := range cols {
				line[c] = &t.Cells[r][c]
			}
			changed = secondary(line) || changed
		}
		for c := range cols {
			line := make([]*Cell, rows)
			for r := range rows {
				line[r] = &t.Cells[r][c]
			}
			changed = secondary(line) || changed
		}
	}
	// An empty cell beside suppressed ones would tell that the group is
	// all in the other cells: hide it too.
	for r := range rows {
		for c := range cols {
			if t.Cells[r][c].N == 0 && (lineSuppressed(t.Cells[r]) || colSuppressed(t.Cells, c)) {
				t.Cells[r][c].Suppressed = true
			}
		}
	}
	for _, cell := range t.all() {
		if cell.Suppressed {
			cell.N, cell.Weighted, cell.Share = 0, 0, 0
		}
	}
}

func lineSuppressed(line []Cell) bool {
	for _, c := range line {
		if c.Suppressed && c.N > 0 {
			return true
		}
	}
	return false
}

func colSuppressed(cells [][]Cell, c int) bool {
	for _, row := range cells {
		if row[c].Suppressed && row[c].N > 0 {
			return true
		}
	}
	return false
}

// secondary suppresses the smallest other cell of a line that has exactly
// one suppressed cell, and reports whether it did.
func secondary(line []*Cell) bool {
	suppressed, pick := 0, -1
	for i, c := range line {
		if c.Suppressed {
			suppressed++
		} else if pick < 0 || order(c) < order(line[pick]) {
			pick = i
		}
	}
	if suppressed != 1 || pick < 0 {
		return false
	}
	line[pick].Suppressed = true
	return true
}

// order ranks the candidates for secondary suppression: the smallest
// non-empty cell first, an empty one (which hides nothing) last.
func order(c *Cell) int {
	if c.N == 0 {
		return int(^uint(0) >> 1)
	}
	return c.N
}

func (t *Table) all() []*Cell {
	var out []*Cell
	for r := range t.Cells {
		for c := range t.Cells[r] {
			out = append(out, &t.Cells[r][c])
		}
		out = append(out, &t.RowTotals[r])
	}
	for c := range t.ColTotals {
		out = append(out, &t.ColTotals[c])
	}
	return append(out, &t.Total)
}
