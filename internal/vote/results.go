package vote

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/civitas-city/civitas/internal/ballot"
)

// OptionResult is an option's votes (a ranking: its points too).
type OptionResult struct {
	Option Option
	Votes  int
	Points int
	// Percent is the share of the question's voters who chose it (a
	// ranking: of all points), in tenths of a per cent.
	Permille int
}

// QuestionResult is a question's count.
type QuestionResult struct {
	Question *Question
	Voters   int
	Options  []OptionResult
}

// Count is voters in a band of a turnout table.
type Count struct {
	Band   string
	Voters int
}

// Outcome is a referendum's result.
type Outcome struct {
	// Voters: the people who took part (in any question).
	Voters int
	// TurnoutPermille is Voters against the electorate (0 when unknown).
	TurnoutPermille int
	// Valid: the quorum is met (or there is none).
	Valid      bool
	ByDistrict []Count
	ByAge      []Count
	Questions  []QuestionResult
}

// countPool counts a pool's ballots that count, by option.
func (s *Service) countPool(ctx context.Context, pool string, options []Option, ranking bool) (int, []OptionResult, error) {
	votes, points := map[string]int{}, map[string]int{}
	voters := 0
	err := s.ballots().EachCounted(ctx, s.DB, pool, func(_, choices, pts string) {
		voters++
		p := ballot.SplitInts(pts)
		for i, c := range strings.Split(choices, ",") {
			votes[c]++
			if i < len(p) {
				points[c] += p[i]
			}
		}
	})
	if err != nil {
		return 0, nil, err
	}
	total := 0
	for _, n := range points {
		total += n
	}
	out := make([]OptionResult, len(options))
	for i, o := range options {
		out[i] = OptionResult{Option: o, Votes: votes[o.ID], Points: points[o.ID]}
		switch {
		case ranking && total > 0:
			out[i].Permille = points[o.ID] * 1000 / total
		case !ranking && voters > 0:
			out[i].Permille = votes[o.ID] * 1000 / voters
		}
	}
	return voters, out, nil
}

// Results counts a referendum: every question, the turnout by district
// and age band, and whether the quorum is met.
func (s *Service) Results(ctx context.Context, r *Referendum) (*Outcome, error) {
	o := &Outcome{}
	var err error
	if o.Voters, err = s.ballots().Voters(ctx, r.ID); err != nil {
		return nil, err
	}
	if r.Electorate > 0 {
		o.TurnoutPermille = o.Voters * 1000 / r.Electorate
	}
	o.Valid = r.Quorum == 0 || o.Voters*100 >= r.Quorum*r.Electorate
	bands, err := s.ballots().Bands(ctx, s.DB, r.ID, "")
	if err != nil {
		return nil, err
	}
	byDistrict, byAge := map[int]int{}, map[string]int{}
	for _, b := range bands {
		byDistrict[b.District] += b.Voters
		if b.AgeBand != "" {
			byAge[b.AgeBand] += b.Voters
		}
	}
	districts := make([]int, 0, len(byDistrict))
	for d := range byDistrict {
		districts = append(districts, d)
	}
	slices.Sort(districts)
	for _, d := range districts {
		o.ByDistrict = append(o.ByDistrict, Count{Band: strconv.Itoa(d), Voters: byDistrict[d]})
	}
	for _, band := range ballot.AgeBands {
		if n := byAge[band]; n > 0 {
			o.ByAge = append(o.ByAge, Count{Band: band, Voters: n})
		}
	}
	for i := range r.Questions {
		q := &r.Questions[i]
		voters, opts, err := s.countPool(ctx, q.ID, q.Options, q.Kind == Ranking)
		if err != nil {
			return nil, err
		}
		o.Questions = append(o.Questions, QuestionResult{Question: q, Voters: voters, Options: opts})
	}
	return o, nil
}

// PollOutcome is a poll's count.
type PollOutcome struct {
	Voters  int
	Options []OptionResult
}

// PollResults counts a poll.
func (s *Service) PollResults(ctx context.Context, p *Poll) (*PollOutcome, error) {
	voters, opts, err := s.countPool(ctx, p.ID, p.Options, false)
	if err != nil {
		return nil, err
	}
	return &PollOutcome{Voters: voters, Options: opts}, nil
}

// Ballots lists a question's published ballots after the receipt after.
func (s *Service) Ballots(ctx context.Context, questionID, after string, limit int) ([]ballot.Published, error) {
	return s.ballots().Ballots(ctx, questionID, ballot.NormalizeReceipt(after), limit)
}
