package budget

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/civitas-city/civitas/internal/db"
)

// The SQL of counting: the ballots a count reads, and the stored results
// and turnout.

func writeTurnout(ctx context.Context, q db.Querier, poolID string, byDim map[[2]string]int) error {
	if _, err := q.ExecContext(ctx, `DELETE FROM pb_turnout WHERE pool_id = $1`, poolID); err != nil {
		return err
	}
	for k, n := range byDim {
		if _, err := q.ExecContext(ctx, `INSERT INTO pb_turnout (pool_id, dimension, band, voters) VALUES ($1, $2, $3, $4)`,
			poolID, k[0], k[1], n); err != nil {
			return fmt.Errorf("budget: turnout: %w", err)
		}
	}
	return nil
}

// turnoutOf is a pool's stored turnout by district number and by age band.
func turnoutOf(ctx context.Context, q db.Querier, poolID string) (map[int]int, map[string]int, error) {
	byDistrict, byAge := map[int]int{}, map[string]int{}
	err := db.Each(ctx, q, func(row db.Scanner) error {
		var dim, band string
		var n int
		if err := row.Scan(&dim, &band, &n); err != nil {
			return err
		}
		switch dim {
		case "district":
			d, _ := strconv.Atoi(band)
			byDistrict[d] += n
		case "age":
			byAge[band] += n
		}
		return nil
	}, `SELECT dimension, band, voters FROM pb_turnout WHERE pool_id = $1`, poolID)
	return byDistrict, byAge, err
}

// poolCount is a pool's counted outcome as stored: the explanation's
// steps as JSON, the winners' ids in selection order.
type poolCount struct {
	Rule         string
	Voters, Void int
	TotalCost    int64
	Selected     []string
	Steps        string
	Add1K        int
	At           time.Time
	Projects     []projectCount
}

// projectCount is one project's stored outcome; Order 0: not selected.
type projectCount struct {
	ProjectID string
	Votes     int
	Score     string
	Selected  bool
	Order     int
}

// saveResult replaces a pool's stored result.
func saveResult(ctx context.Context, q db.Querier, poolID string, c poolCount) error {
	for _, query := range []string{`DELETE FROM pb_project_results WHERE pool_id = $1`, `DELETE FROM pb_results WHERE pool_id = $1`} {
		if _, err := q.ExecContext(ctx, query, poolID); err != nil {
			return err
		}
	}
	if _, err := q.ExecContext(ctx, `INSERT INTO pb_results (pool_id, rule, voters, void, total_cost, selected, explanation, add1_k, counted_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, poolID, c.Rule, c.Voters, c.Void, c.TotalCost,
		strings.Join(c.Selected, ","), c.Steps, c.Add1K, db.TS(c.At)); err != nil {
		return fmt.Errorf("budget: store result: %w", err)
	}
	for _, p := range c.Projects {
		if _, err := q.ExecContext(ctx, `INSERT INTO pb_project_results (pool_id, project_id, votes, score, selected, sel_order)
			VALUES ($1, $2, $3, $4, $5, $6)`, poolID, p.ProjectID, p.Votes, p.Score, p.Selected, p.Order); err != nil {
			return fmt.Errorf("budget: store result: %w", err)
		}
	}
	return nil
}

// loadResult reads a pool's stored result, its projects' outcomes
// included; NotFound before it is counted.
func loadResult(ctx context.Context, q db.Querier, poolID string) (poolCount, error) {
	var (
		c        poolCount
		selected string
		at       db.Time
	)
	err := q.QueryRowContext(ctx, `SELECT rule, voters, void, total_cost, selected, explanation, add1_k, counted_at
		FROM pb_results WHERE pool_id = $1`, poolID).Scan(&c.Rule, &c.Voters, &c.Void, &c.TotalCost, &selected, &c.Steps, &c.Add1K, &at)
	if err != nil {
		return c, db.MapError(err)
	}
	c.At = at.Time
	if selected != "" {
		c.Selected = strings.Split(selected, ",")
	}
	c.Projects, err = db.Query(ctx, q, func(row db.Scanner) (projectCount, error) {
		var p projectCount
		err := row.Scan(&p.ProjectID, &p.Votes, &p.Score, &p.Selected, &p.Order)
		return p, err
	}, `SELECT project_id, votes, score, selected, sel_order FROM pb_project_results WHERE pool_id = $1`, poolID)
	return c, err
}
