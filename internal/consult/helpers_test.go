package consult

import (
	"slices"

	"github.com/civitas-city/civitas/internal/consult/opinion"
)

// partition is a clustering as sorted member lists, sorted, so two
// clusterings compare whatever their labels.
func partition(gs []opinion.Group) [][]int64 {
	var out [][]int64
	for _, g := range gs {
		m := slices.Clone(g.Members)
		slices.Sort(m)
		out = append(out, m)
	}
	slices.SortFunc(out, func(a, b []int64) int { return slices.Compare(a, b) })
	return out
}

func equalPartitions(a, b [][]int64) bool {
	return slices.EqualFunc(a, b, func(x, y []int64) bool { return slices.Equal(x, y) })
}

func sizes(p [][]int64) []int {
	out := make([]int, len(p))
	for i, g := range p {
		out[i] = len(g)
	}
	return out
}
