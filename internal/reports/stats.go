package reports

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/civitas-city/civitas/internal/db"
)

// Stats are the public statistics: counts by status, and per category and
// district the counts and the median time to resolve.
type Stats struct {
	Since      time.Time
	Total      int
	ByStatus   []StatusCount
	Categories []StatRow // by category code
	Districts  []StatRow // by district number, as text; "0" is unknown
}

// StatusCount is how many cases are in one status.
type StatusCount struct {
	Status Status
	N      int
}

// StatRow is one line of the statistics tables.
type StatRow struct {
	Key      string
	Total    int
	Open     int
	Resolved int // resolved at some point (resolved or closed after it)
	// Median is the median time from report to resolution of the resolved
	// ones; HasMedian is false when none is resolved.
	Median    time.Duration
	HasMedian bool
}

// Stats computes the statistics of cases reported since the given time.
// It reads one row per case; a year of Kraków's reports is a few tens of
// thousands of rows.
func (s *Service) Stats(ctx context.Context, since time.Time) (*Stats, error) {
	type acc struct {
		row   StatRow
		times []time.Duration
	}
	byStatus := map[Status]int{}
	cats, dists := map[string]*acc{}, map[string]*acc{}
	add := func(m map[string]*acc, key string, st Status, d time.Duration, resolved bool) {
		a := m[key]
		if a == nil {
			a = &acc{row: StatRow{Key: key}}
			m[key] = a
		}
		a.row.Total++
		if st.Open() {
			a.row.Open++
		}
		if resolved {
			a.row.Resolved++
			a.times = append(a.times, d)
		}
	}
	st := &Stats{Since: since}
	err := caseTimes(ctx, s.DB, since, func(cat string, district int, status Status, created time.Time, resolved db.NullTime) {
		st.Total++
		byStatus[status]++
		d := resolved.Time.Sub(created)
		add(cats, cat, status, d, resolved.Valid)
		add(dists, fmt.Sprint(district), status, d, resolved.Valid)
	})
	if err != nil {
		return nil, fmt.Errorf("reports: stats: %w", err)
	}
	for _, s := range Statuses {
		st.ByStatus = append(st.ByStatus, StatusCount{Status: s, N: byStatus[s]})
	}
	finish := func(m map[string]*acc) []StatRow {
		out := make([]StatRow, 0, len(m))
		for _, a := range m {
			a.row.Median, a.row.HasMedian = Median(a.times)
			out = append(out, a.row)
		}
		slices.SortFunc(out, func(a, b StatRow) int { return b.Total - a.Total })
		return out
	}
	st.Categories, st.Districts = finish(cats), finish(dists)
	return st, nil
}

// Median returns the median of ds (the mean of the middle two for an even
// count) and false when ds is empty. It sorts ds.
func Median(ds []time.Duration) (time.Duration, bool) {
	if len(ds) == 0 {
		return 0, false
	}
	slices.Sort(ds)
	m := len(ds) / 2
	if len(ds)%2 == 1 {
		return ds[m], true
	}
	return ds[m-1] + (ds[m]-ds[m-1])/2, true
}
