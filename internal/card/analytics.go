package card

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/civitas-city/civitas/internal/db"
)

// DefaultMinCell is the smallest count the analytics publish when the
// Service's MinCell is not set: a smaller one is shown as "fewer than k",
// so no figure points at a few people.
const DefaultMinCell = 10

// Cell is one published figure: the count of the period and of the
// period before, each suppressed when it is below k.
type Cell struct {
	Key                    string // an id, a district number, a band, a day, an hour
	Label                  string
	Uses, Prev             int64
	Suppressed, PrevHidden bool
}

// Table is one breakdown of the analytics.
type Table struct {
	Name  string // offers, partners, categories, districts, ages, days, hours
	Cells []Cell
}

// Analytics are the figures of one period, read from the rollups only.
type Analytics struct {
	From, To         time.Time // inclusive days
	PrevFrom, PrevTo time.Time
	K                int
	Uses             Cell // the total
	Holders          Cell // unique holders (cards used), exact, from the per-day sets
	Tables           []Table
}

func (s *Service) minCell() int {
	if s.MinCell > 0 {
		return s.MinCell
	}
	return DefaultMinCell
}

// suppress hides cells below k.
func suppress(c Cell, k int) Cell {
	if c.Uses < int64(k) {
		c.Suppressed, c.Uses = true, 0
	}
	if c.Prev < int64(k) {
		c.PrevHidden, c.Prev = true, 0
	}
	return c
}

// maxTop bounds the offers and partners listed.
const maxTop = 20

// Analytics reads the figures of the days from..to (inclusive) and of as
// many days before, every cell below k suppressed.
func (s *Service) Analytics(ctx context.Context, from, to time.Time) (*Analytics, error) {
	if to.Before(from) {
		from, to = to, from
	}
	days := int(to.Sub(from).Hours()/24) + 1
	a := &Analytics{From: from, To: to, PrevTo: from.AddDate(0, 0, -1), PrevFrom: from.AddDate(0, 0, -days), K: s.minCell()}
	f, t, pf, pt := from.Format(day), to.Format(day), a.PrevFrom.Format(day), a.PrevTo.Format(day)

	partners, err := s.Partners(ctx)
	if err != nil {
		return nil, err
	}
	partnerName, partnerCat := map[string]string{}, map[string]string{}
	for _, p := range partners {
		partnerName[p.ID], partnerCat[p.ID] = p.Name, p.Category
	}
	offerTitle := map[string]string{}
	err = db.Each(ctx, s.DB, func(r db.Scanner) error {
		var id, title, partner string
		if err := r.Scan(&id, &title, &partner); err != nil {
			return err
		}
		offerTitle[id] = title + " — " + partnerName[partner]
		return nil
	}, `SELECT id, title, partner_id FROM card_offers`)
	if err != nil {
		return nil, fmt.Errorf("card: analytics offers: %w", err)
	}

	// by sums uses by one dimension of the rollup in both periods ("day":
	// by day, from the hours).
	by := func(dim string) (map[string][2]int64, error) {
		col, where := "key", dim
		if dim == "day" {
			col, where = "day", "hour"
		}
		out := map[string][2]int64{}
		err := db.Each(ctx, s.DB, func(r db.Scanner) error {
			var (
				key      string
				cur, old int64
			)
			if err := r.Scan(&key, &cur, &old); err != nil {
				return err
			}
			out[key] = [2]int64{cur, old}
			return nil
		}, `SELECT `+col+`, SUM(CASE WHEN day >= $1 THEN uses ELSE 0 END), SUM(CASE WHEN day <= $4 THEN uses ELSE 0 END)
			FROM card_usage_dims WHERE day >= $3 AND day <= $2 AND dim = $5 GROUP BY `+col, f, t, pf, pt, where)
		if err != nil {
			return nil, fmt.Errorf("card: analytics by %s: %w", dim, err)
		}
		return out, nil
	}
	k := a.K
	table := func(name string, m map[string][2]int64, label func(string) string, order func([]Cell)) Table {
		var cells []Cell
		for key, v := range m {
			cells = append(cells, Cell{Key: key, Label: label(key), Uses: v[0], Prev: v[1]})
		}
		order(cells)
		for i := range cells {
			cells[i] = suppress(cells[i], k)
		}
		return Table{Name: name, Cells: cells}
	}
	byUses := func(cs []Cell) {
		sort.Slice(cs, func(i, j int) bool {
			if cs[i].Uses != cs[j].Uses {
				return cs[i].Uses > cs[j].Uses
			}
			return cs[i].Key < cs[j].Key
		})
	}
	byKey := func(numeric bool) func([]Cell) {
		return func(cs []Cell) {
			sort.Slice(cs, func(i, j int) bool {
				if numeric {
					a, _ := strconv.Atoi(cs[i].Key)
					b, _ := strconv.Atoi(cs[j].Key)
					return a < b
				}
				return cs[i].Key < cs[j].Key
			})
		}
	}
	ident := func(s string) string { return s }

	offers, err := by("offer")
	if err != nil {
		return nil, err
	}
	partnerUses, err := by("partner")
	if err != nil {
		return nil, err
	}
	categories := map[string][2]int64{}
	var total [2]int64
	for id, v := range partnerUses {
		c := categories[partnerCat[id]]
		categories[partnerCat[id]] = [2]int64{c[0] + v[0], c[1] + v[1]}
		total = [2]int64{total[0] + v[0], total[1] + v[1]}
	}
	top := func(name string, m map[string][2]int64, label func(string) string) Table {
		t := table(name, m, label, byUses)
		if len(t.Cells) > maxTop {
			t.Cells = t.Cells[:maxTop]
		}
		return t
	}
	a.Tables = append(a.Tables,
		top("offers", offers, func(id string) string { return offerTitle[id] }),
		top("partners", partnerUses, func(id string) string { return partnerName[id] }),
		table("categories", categories, ident, byUses))
	for _, c := range []struct {
		name, col string
		numeric   bool
	}{{"districts", "district", true}, {"ages", "age", false}, {"days", "day", false}, {"hours", "hour", true}} {
		m, err := by(c.col)
		if err != nil {
			return nil, err
		}
		a.Tables = append(a.Tables, table(c.name, m, ident, byKey(c.numeric)))
	}
	a.Uses = suppress(Cell{Key: "uses", Uses: total[0], Prev: total[1]}, k)

	var cur, old int64
	if err := s.DB.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(DISTINCT card_id) FROM card_day_holders WHERE day >= $1 AND day <= $2),
		(SELECT COUNT(DISTINCT card_id) FROM card_day_holders WHERE day >= $3 AND day <= $4)`, f, t, pf, pt).Scan(&cur, &old); err != nil {
		return nil, fmt.Errorf("card: unique holders: %w", err)
	}
	a.Holders = suppress(Cell{Key: "holders", Uses: cur, Prev: old}, k)
	return a, nil
}
