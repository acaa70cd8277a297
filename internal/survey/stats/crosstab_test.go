package stats

import "testing"

// TestCrossTab: counts, weighted counts and row shares of a 2×3 table.
func TestCrossTab(t *testing.T) {
	rows := []int{0, 0, 0, 1, 1, 1, 1}
	cols := []int{0, 1, 1, 0, 2, 2, 2}
	w := []float64{1, 1, 2, 1, 1, 1, 1}
	tab, err := CrossTab(rows, cols, 2, 3, w, 0)
	if err != nil {
		t.Fatal(err)
	}
	if c := tab.Cells[0][1]; c.N != 2 || c.Weighted != 3 || !near(c.Share, 0.75, 1e-12) {
		t.Errorf("cell (0,1) = %+v, want n 2, Σw 3, share 0.75", c)
	}
	if tab.Total.N != 7 || tab.Total.Weighted != 8 || tab.ColTotals[2].N != 3 || tab.RowTotals[1].Weighted != 4 {
		t.Errorf("totals %+v / %+v / %+v", tab.Total, tab.ColTotals, tab.RowTotals)
	}
	if _, err := CrossTab([]int{0}, []int{3}, 2, 3, nil, 0); err == nil {
		t.Error("column 3 of 3 accepted")
	}
}

// TestCrossTabSuppression: with k = 3 the cells of 1 and 2 responses are
// suppressed, and so is the smallest other cell of any row or column left
// with a single suppressed cell, so that no cell can be recovered from its
// row or column total; nothing of a suppressed cell is published.
func TestCrossTabSuppression(t *testing.T) {
	// counts: row 0: 5 1 6 ; row 1: 4 7 8 ; row 2: 9 3 5
	counts := [3][3]int{{5, 1, 6}, {4, 7, 8}, {9, 3, 5}}
	var rows, cols []int
	for r := range 3 {
		for c := range 3 {
			for range counts[r][c] {
				rows, cols = append(rows, r), append(cols, c)
			}
		}
	}
	tab, err := CrossTab(rows, cols, 3, 3, nil, 3)
	if err != nil {
		t.Fatal(err)
	}
	// (0,1) is primary; row 0's smallest other is (0,0)=5; column 1's is
	// (2,1)=3; then row 2 has (2,1) alone → (2,2)=5; column 0 has (0,0)
	// alone → (1,0)=4; column 2 has (2,2) → (0,2)... each line ends with
	// two or more suppressed cells.
	for r := range 3 {
		n := 0
		for c := range 3 {
			if tab.Cells[r][c].Suppressed {
				n++
			}
		}
		if n == 1 {
			t.Errorf("row %d has one suppressed cell", r)
		}
	}
	for c := range 3 {
		n := 0
		for r := range 3 {
			if tab.Cells[r][c].Suppressed {
				n++
				if cell := tab.Cells[r][c]; cell.N != 0 || cell.Weighted != 0 || cell.Share != 0 {
					t.Errorf("suppressed cell (%d,%d) publishes %+v", r, c, cell)
				}
			}
		}
		if n == 1 {
			t.Errorf("column %d has one suppressed cell", c)
		}
	}
	if !tab.Cells[0][1].Suppressed || !tab.Cells[0][0].Suppressed {
		t.Errorf("(0,1) (1 response) and its row's smallest other (0,0) must be suppressed: %+v", tab.Cells[0])
	}
	if tab.Cells[1][1].Suppressed && tab.Cells[1][2].Suppressed && tab.Cells[1][0].Suppressed {
		t.Error("the whole of row 1 suppressed: more than needed")
	}
	if tab.Total.Suppressed || tab.Total.N != 48 {
		t.Errorf("total %+v, want 48 published", tab.Total)
	}
	zero, _ := CrossTab([]int{0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1}, []int{0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1}, 2, 3, nil, 3)
	if !zero.Cells[0][2].Suppressed || !zero.Cells[1][2].Suppressed {
		t.Errorf("empty cells beside suppressed ones published: %+v", zero.Cells)
	}
	small, _ := CrossTab([]int{0, 0, 1}, []int{0, 0, 0}, 2, 1, nil, 5)
	if !small.Total.Suppressed || !small.ColTotals[0].Suppressed {
		t.Errorf("totals of 3 responses with k = 5 published: %+v", small)
	}
	if none, _ := CrossTab(rows, cols, 3, 3, nil, 1); none.Cells[0][1].Suppressed {
		t.Error("k = 1 suppressed a cell")
	}
}
