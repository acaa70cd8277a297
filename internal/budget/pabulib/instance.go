package pabulib

import (
	"math/big"

	"github.com/civitas-city/civitas/internal/budget/rules"
)

var formatRat = rules.FormatRat

// Instance converts the election to what the counting rules take, with the conventions of
// the reference (docs/pb-rules.md §2): approval and choose-1 ballots approve the listed
// projects; cumulative and scoring ballots carry their points (0-point entries stay
// listed); an ordinal ballot gives K − r points to its project at 0-based rank r, where K is
// META max_length if set and non-zero, else the longest ballot.
func (e *Election) Instance() (*rules.Instance, error) {
	in := &rules.Instance{
		Budget:   e.Budget,
		Projects: make([]rules.Project, len(e.Projects)),
		Ballots:  make([]rules.Ballot, len(e.Votes)),
	}
	idx := make(map[string]int, len(e.Projects))
	for i, p := range e.Projects {
		in.Projects[i] = rules.Project{ID: p.ID, Cost: p.Cost}
		idx[p.ID] = i
	}
	var rankPoints []*big.Rat
	switch e.VoteType {
	case Cumulative, Scoring:
		in.Points = true
	case Ordinal:
		in.Points = true
		k, err := e.rankScale()
		if err != nil {
			return nil, err
		}
		rankPoints = make([]*big.Rat, 0, k)
		for r := range k {
			rankPoints = append(rankPoints, big.NewRat(int64(k-r), 1))
		}
	}
	flat := make([]int, 0, len(e.Votes)*3)
	for v, vote := range e.Votes {
		start := len(flat)
		for j, id := range vote.Projects {
			// The reader's index, unless the election was changed since.
			if j < len(vote.index) {
				if p := vote.index[j]; p < len(e.Projects) && e.Projects[p].ID == id {
					flat = append(flat, p)
					continue
				}
			}
			p, ok := idx[id]
			if !ok {
				return nil, errorf(0, "vote", "voter %q: unknown project %q", vote.Voter, id)
			}
			flat = append(flat, p)
		}
		b := &in.Ballots[v]
		b.Projects = flat[start:len(flat):len(flat)]
		switch e.VoteType {
		case Cumulative, Scoring:
			b.Points = vote.Points
			if b.Points == nil {
				b.Points = []*big.Rat{}
			}
		case Ordinal:
			if len(b.Projects) <= len(rankPoints) {
				b.Points = rankPoints[:len(b.Projects):len(b.Projects)] // shared, read-only
				break
			}
			b.Points = make([]*big.Rat, len(b.Projects))
			for r := range b.Points {
				b.Points[r] = big.NewRat(int64(len(rankPoints)-r), 1) // past max_length: pabutools goes ≤ 0
			}
		}
	}
	return in, nil
}

// rankScale returns K for ordinal ballots.
func (e *Election) rankScale() (int, error) {
	if v, ok := e.MetaValue("max_length"); ok && v != "" && !isNone(v) {
		r, err := parseNumber(v)
		if err != nil || !r.IsInt() || !r.Num().IsInt64() || r.Num().Int64() < 0 || r.Num().Int64() > 1<<20 {
			return 0, errorf(0, "max_length", "not a ballot length: %q", v)
		}
		if k := int(r.Num().Int64()); k > 0 {
			return k, nil
		}
	}
	k := 0
	for _, v := range e.Votes {
		k = max(k, len(v.Projects))
	}
	return k, nil
}
