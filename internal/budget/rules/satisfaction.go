package rules

import (
	"math/big"
	"slices"
	"sort"
)

// VoterSatisfaction describes how an outcome serves the voters: for each voter, the share
// of the cost of the projects on their ballot that was funded.
type VoterSatisfaction struct {
	Voters        int // ballots, empty ones included
	WithProjects  int // ballots listing a project with a cost (the shares are over these)
	NothingFunded int // of those, ballots with no project funded
	AllFunded     int // of those, ballots with every project funded
	// Mean and Median share, 0 to 1.
	Mean, Median float64
	// Deciles counts the shares in [0, 0.1), [0.1, 0.2), …, [0.9, 1]: Deciles[9] includes 1.
	Deciles [10]int
	// Categories compares, per category (when known), the share of the support with the
	// share of the money spent; Districts, per group of voters, how well they are served.
	Categories []CategoryShare
	Districts  []DistrictShare
}

// CategoryShare is one category's part of the support and of the outcome.
type CategoryShare struct {
	Category string
	Projects int // projects in the category
	Selected int // of those, selected
	// SupportShare is the category's projects' approvals over all projects' approvals (a
	// project in several categories counts in each); FundedShare its selected projects'
	// cost over the cost of all selected projects; both 0 to 1.
	SupportShare, FundedShare float64
	FundedCost                *big.Rat
}

// DistrictShare is how the outcome serves the voters of one district (or group).
type DistrictShare struct {
	District      string
	Voters        int
	WithProjects  int
	NothingFunded int
	Mean          float64 // mean share of their ballots' cost funded
}

// satisfaction computes VoterSatisfaction for the selected projects.
func satisfaction(in *Instance, selected []int, categories [][]string, groups []string) VoterSatisfaction {
	chosen := make([]bool, len(in.Projects))
	for _, p := range selected {
		chosen[p] = true
	}
	s := VoterSatisfaction{Voters: len(in.Ballots)}
	shares := make([]float64, 0, len(in.Ballots))
	type acc struct {
		voters, with, nothing int
		sum                   float64
	}
	byGroup := map[string]*acc{}
	var funded, total big.Rat
	for v, b := range in.Ballots {
		funded.SetInt64(0)
		total.SetInt64(0)
		for _, p := range b.Projects {
			c := in.Projects[p].Cost
			total.Add(&total, c)
			if chosen[p] {
				funded.Add(&funded, c)
			}
		}
		var g *acc
		if groups != nil {
			g = byGroup[groups[v]]
			if g == nil {
				g = &acc{}
				byGroup[groups[v]] = g
			}
			g.voters++
		}
		if total.Sign() <= 0 {
			continue
		}
		share, _ := new(big.Rat).Quo(&funded, &total).Float64()
		shares = append(shares, share)
		s.Deciles[min(int(share*10), 9)]++
		switch {
		case funded.Sign() == 0:
			s.NothingFunded++
		case funded.Cmp(&total) == 0:
			s.AllFunded++
		}
		if g != nil {
			g.with++
			g.sum += share
			if funded.Sign() == 0 {
				g.nothing++
			}
		}
	}
	s.WithProjects = len(shares)
	if len(shares) > 0 {
		sum := 0.0
		for _, x := range shares {
			sum += x
		}
		s.Mean = sum / float64(len(shares))
		sort.Float64s(shares)
		if n := len(shares); n%2 == 1 {
			s.Median = shares[n/2]
		} else {
			s.Median = (shares[n/2-1] + shares[n/2]) / 2
		}
	}
	for name, g := range byGroup {
		d := DistrictShare{District: name, Voters: g.voters, WithProjects: g.with, NothingFunded: g.nothing}
		if g.with > 0 {
			d.Mean = g.sum / float64(g.with)
		}
		s.Districts = append(s.Districts, d)
	}
	slices.SortFunc(s.Districts, func(a, b DistrictShare) int {
		switch {
		case a.District < b.District:
			return -1
		case a.District > b.District:
			return 1
		}
		return 0
	})
	if categories != nil {
		s.Categories = categoryShares(in, chosen, categories)
	}
	return s
}

func categoryShares(in *Instance, chosen []bool, categories [][]string) []CategoryShare {
	_, approvals := in.Tally()
	allApprovals := 0
	for _, n := range approvals {
		allApprovals += n
	}
	selectedCost := new(big.Rat)
	byName := map[string]*CategoryShare{}
	support := map[string]int{}
	for p, cats := range categories {
		if chosen[p] {
			selectedCost.Add(selectedCost, in.Projects[p].Cost)
		}
		for _, c := range cats {
			cs := byName[c]
			if cs == nil {
				cs = &CategoryShare{Category: c, FundedCost: new(big.Rat)}
				byName[c] = cs
			}
			cs.Projects++
			support[c] += approvals[p]
			if chosen[p] {
				cs.Selected++
				cs.FundedCost.Add(cs.FundedCost, in.Projects[p].Cost)
			}
		}
	}
	out := make([]CategoryShare, 0, len(byName))
	for c, cs := range byName {
		if allApprovals > 0 {
			cs.SupportShare = float64(support[c]) / float64(allApprovals)
		}
		if selectedCost.Sign() > 0 {
			cs.FundedShare, _ = new(big.Rat).Quo(cs.FundedCost, selectedCost).Float64()
		}
		out = append(out, *cs)
	}
	slices.SortFunc(out, func(a, b CategoryShare) int {
		switch {
		case a.Category < b.Category:
			return -1
		case a.Category > b.Category:
			return 1
		}
		return 0
	})
	return out
}
