package rules

import "math"

// AnalysisReport is an Analysis as JSON (`civitas pb analyze`, the results' JSON export
// and API). Amounts are exact, in FormatRat's format; shares are numbers from 0 to 1.
type AnalysisReport struct {
	Rule         Rule               `json:"rule"`
	Projects     []ProjectReport    `json:"projects"`
	Satisfaction SatisfactionReport `json:"satisfaction"`
	// NotComputed lists the losing projects whose max_winning_cost is null only because
	// the time for recounts ran out (AnalysisOptions.CostDeadline); absent when none.
	NotComputed []string `json:"max_winning_cost_not_computed,omitempty"`
}

// ProjectReport is one project of an AnalysisReport.
type ProjectReport struct {
	ID               string      `json:"id"`
	Selected         bool        `json:"selected"`
	EffectiveSupport *int        `json:"effective_support"`
	ProjectLoss      *LossReport `json:"project_loss"`
	MaxWinningCost   *string     `json:"max_winning_cost"`
}

// LossReport is a ProjectLoss as JSON.
type LossReport struct {
	SupportersBudget string            `json:"supporters_budget"`
	SpentOn          map[string]string `json:"spent_on"`
}

// SatisfactionReport is a VoterSatisfaction as JSON.
type SatisfactionReport struct {
	Voters             int              `json:"voters"`
	VotersWithProjects int              `json:"voters_with_projects"`
	NothingFunded      int              `json:"nothing_funded"`
	NothingFundedShare float64          `json:"nothing_funded_share"`
	AllFundedShare     float64          `json:"all_funded_share"`
	MeanShare          float64          `json:"mean_share"`
	MedianShare        float64          `json:"median_share"`
	Distribution       []DecileReport   `json:"distribution"`
	Categories         []CategoryReport `json:"categories,omitempty"`
	Districts          []DistrictReport `json:"districts,omitempty"`
}

// DecileReport counts the voters whose funded share is in [From, To) percent (the last
// decile includes 100).
type DecileReport struct {
	From   int `json:"from_percent"`
	To     int `json:"to_percent"`
	Voters int `json:"voters"`
}

// CategoryReport is a CategoryShare as JSON.
type CategoryReport struct {
	Category     string  `json:"category"`
	Projects     int     `json:"projects"`
	Selected     int     `json:"selected"`
	SupportShare float64 `json:"support_share"`
	FundedShare  float64 `json:"funded_share"`
	FundedCost   string  `json:"funded_cost"`
}

// DistrictReport is a DistrictShare as JSON.
type DistrictReport struct {
	District           string  `json:"district"`
	Voters             int     `json:"voters"`
	VotersWithProjects int     `json:"voters_with_projects"`
	NothingFunded      int     `json:"nothing_funded"`
	MeanShare          float64 `json:"mean_share"`
}

// Report returns the analysis of in as JSON.
func (a *Analysis) Report(in *Instance) AnalysisReport {
	r := AnalysisReport{Rule: a.Rule, Projects: make([]ProjectReport, len(a.Projects))}
	for i, p := range a.Projects {
		pr := ProjectReport{ID: in.Projects[i].ID, Selected: p.Selected, EffectiveSupport: p.EffectiveSupport}
		if p.Loss != nil {
			l := &LossReport{SupportersBudget: FormatRat(p.Loss.SupportersBudget), SpentOn: map[string]string{}}
			for id, x := range p.Loss.SpentOn {
				l.SpentOn[id] = FormatRat(x)
			}
			pr.ProjectLoss = l
		}
		if p.MaxWinningCost != nil {
			s := FormatRat(p.MaxWinningCost)
			pr.MaxWinningCost = &s
		}
		r.Projects[i] = pr
	}
	for _, p := range a.NotComputed {
		r.NotComputed = append(r.NotComputed, in.Projects[p].ID)
	}
	s := a.Satisfaction
	r.Satisfaction = SatisfactionReport{
		Voters: s.Voters, VotersWithProjects: s.WithProjects, NothingFunded: s.NothingFunded,
		NothingFundedShare: share(s.NothingFunded, s.WithProjects), AllFundedShare: share(s.AllFunded, s.WithProjects),
		MeanShare: round4(s.Mean), MedianShare: round4(s.Median),
	}
	for d, n := range s.Deciles {
		r.Satisfaction.Distribution = append(r.Satisfaction.Distribution, DecileReport{From: 10 * d, To: 10 * (d + 1), Voters: n})
	}
	for _, c := range s.Categories {
		r.Satisfaction.Categories = append(r.Satisfaction.Categories, CategoryReport{Category: c.Category, Projects: c.Projects,
			Selected: c.Selected, SupportShare: round4(c.SupportShare), FundedShare: round4(c.FundedShare), FundedCost: FormatRat(c.FundedCost)})
	}
	for _, d := range s.Districts {
		r.Satisfaction.Districts = append(r.Satisfaction.Districts, DistrictReport{District: d.District, Voters: d.Voters,
			VotersWithProjects: d.WithProjects, NothingFunded: d.NothingFunded, MeanShare: round4(d.Mean)})
	}
	return r
}

func share(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return round4(float64(n) / float64(of))
}

// round4 rounds a share to 4 decimals (0.01 %), enough for any page and stable in JSON.
func round4(x float64) float64 { return math.Round(x*1e4) / 1e4 }
