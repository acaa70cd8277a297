package rules

import "slices"

// ballotGroups are the ballots grouped by the set of candidates they list (only that set
// matters to MES and Phragmén), with the groups listing each candidate.
type ballotGroups struct {
	gMult  []int64   // voters per group
	gMultF []float64 // the same, as floats
	gStart []int32   // candidates on group g: gItems[gStart[g]:gStart[g+1]]
	gItems []int32

	supStart []int32 // groups listing candidate c: supG[supStart[c]:supStart[c+1]]
	supG     []int32
}

// groupBallots groups in's ballots; candOf maps a project to its candidate index, or -1
// for projects to leave out.
func groupBallots(in *Instance, candOf []int32, nCand int) ballotGroups {
	var b ballotGroups
	groups := make(map[string]int32)
	var key []byte
	var items []int32
	b.gStart = append(b.gStart, 0)
	for _, bl := range in.Ballots {
		items = items[:0]
		for _, pr := range bl.Projects {
			if c := candOf[pr]; c >= 0 {
				items = append(items, c)
			}
		}
		if len(items) == 0 {
			continue
		}
		slices.Sort(items)
		key = key[:0]
		for _, c := range items {
			key = append(key, byte(c), byte(c>>8), byte(c>>16), byte(c>>24))
		}
		if g, ok := groups[string(key)]; ok {
			b.gMult[g]++
			continue
		}
		groups[string(key)] = int32(len(b.gMult))
		b.gMult = append(b.gMult, 1)
		b.gItems = append(b.gItems, items...)
		b.gStart = append(b.gStart, int32(len(b.gItems)))
	}

	b.gMultF = make([]float64, len(b.gMult))
	for g, m := range b.gMult {
		b.gMultF[g] = float64(m)
	}

	// Groups per candidate, by counting sort.
	b.supStart = make([]int32, nCand+1)
	for _, c := range b.gItems {
		b.supStart[c+1]++
	}
	for c := range nCand {
		b.supStart[c+1] += b.supStart[c]
	}
	b.supG = make([]int32, len(b.gItems))
	fill := slices.Clone(b.supStart[:nCand])
	for g := range b.gMult {
		for _, c := range b.items(int32(g)) {
			b.supG[fill[c]] = int32(g)
			fill[c]++
		}
	}
	return b
}

// items returns the candidates on group g.
func (b *ballotGroups) items(g int32) []int32 { return b.gItems[b.gStart[g]:b.gStart[g+1]] }

// supporters returns the groups listing candidate c.
func (b *ballotGroups) supporters(c int32) []int32 { return b.supG[b.supStart[c]:b.supStart[c+1]] }
