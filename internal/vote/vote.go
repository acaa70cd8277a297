// Package vote is district referenda and quick polls ("Twoja opinia"),
// both on the shared ballot box (internal/ballot).
//
// A referendum is city-wide or one district's; who may vote comes from
// verified residency (district, minimum age), which the identity domain
// owns and hands over through Residents. It has several questions (yes/no,
// single choice, multiple choice with a maximum, ranking by points) and
// moves announced → voting → closed → results by its dates or by an
// officer, every change audited. Each question is a slot of the box: one
// ballot per person and question, whatever the channel (online, paper,
// an officer acting for a resident).
//
// A poll is one question answered in one step by a signed-in resident; it
// is not a representative survey unless limited to verified residents.
package vote

import (
	"context"
	"time"
)

// Kind is the kind of a question.
type Kind string

// Question kinds. Polls use Single, Multiple and Scale.
const (
	YesNo    Kind = "yes_no"
	Single   Kind = "single"
	Multiple Kind = "multiple"
	Ranking  Kind = "ranking"
	Scale    Kind = "scale" // 1–5, polls only
)

// Phase is where a referendum is.
type Phase string

// The phases, in order.
const (
	Announced Phase = "announced"
	Voting    Phase = "voting"
	Closed    Phase = "closed"
	Results   Phase = "results"
)

// Phases lists the phases in order.
var Phases = []Phase{Announced, Voting, Closed, Results}

func (p Phase) index() int {
	for i, x := range Phases {
		if x == p {
			return i
		}
	}
	return -1
}

// Option is a choice on a question or a poll.
type Option struct {
	ID    string
	Label string
}

// Question is one question of a referendum.
type Question struct {
	ID         string
	Position   int
	Kind       Kind
	Text       string
	MaxChoices int
	Options    []Option
}

// Referendum is a district or city-wide referendum.
type Referendum struct {
	ID, Slug, Title, Description string
	// District is the district whose residents vote; 0: the whole city.
	District int
	MinAge   int
	Binding  bool
	// Quorum is the per cent of the Electorate that must take part for the
	// result to be valid; 0: no quorum.
	Quorum      int
	Electorate  int
	PaperPolicy string
	// PaperDoubleKey: paper sheets are keyed by two officers and count
	// when both keyings agree (the ballot box's double-key entry).
	PaperDoubleKey bool
	Phase          Phase
	AutoPhases     bool
	// VotingStarts, VotingEnds and ResultsAt plan the phases.
	VotingStarts, VotingEnds, ResultsAt time.Time
	Questions                           []Question
	CreatedBy                           string
	CreatedAt, UpdatedAt                time.Time
}

// VotingOpen reports whether ballots are accepted at now.
func (r *Referendum) VotingOpen(now time.Time) bool {
	return r.Phase == Voting && (r.VotingEnds.IsZero() || now.Before(r.VotingEnds))
}

// PhaseDue is the phase the schedule says at now.
func (r *Referendum) PhaseDue(now time.Time) Phase {
	switch {
	case !r.ResultsAt.IsZero() && !now.Before(r.ResultsAt):
		return Results
	case !r.VotingEnds.IsZero() && !now.Before(r.VotingEnds):
		return Closed
	case !r.VotingStarts.IsZero() && !now.Before(r.VotingStarts):
		return Voting
	}
	return Announced
}

// NextStart is the first planned phase start after now (zero: none).
func (r *Referendum) NextStart(now time.Time) time.Time {
	for _, t := range []time.Time{r.VotingStarts, r.VotingEnds, r.ResultsAt} {
		if !t.IsZero() && t.After(now) {
			return t
		}
	}
	return time.Time{}
}

// Question finds a question by id.
func (r *Referendum) Question(id string) (*Question, bool) {
	for i := range r.Questions {
		if r.Questions[i].ID == id {
			return &r.Questions[i], true
		}
	}
	return nil, false
}

// Poll is a quick poll.
type Poll struct {
	ID, Slug, Question string
	Kind               Kind // Single, Multiple or Scale
	MaxChoices         int
	Options            []Option
	// ResidentsOnly: only verified residents (of District when set) answer.
	ResidentsOnly bool
	District      int
	// ResultsAfter: "answer" (shown to those who answered, and after the
	// close) or "close".
	ResultsAfter string
	OpensAt      time.Time
	ClosesAt     time.Time
	Closed       bool
	CreatedBy    string
	CreatedAt    time.Time
}

// When a poll shows its results.
const (
	AfterAnswer = "answer"
	AfterClose  = "close"
)

// Open reports whether the poll takes answers at now.
func (p *Poll) Open(now time.Time) bool {
	return !p.Closed && !now.Before(p.OpensAt) && (p.ClosesAt.IsZero() || now.Before(p.ClosesAt))
}

// Over reports whether the poll has ended at now.
func (p *Poll) Over(now time.Time) bool {
	return p.Closed || (!p.ClosesAt.IsZero() && !now.Before(p.ClosesAt))
}

// Representative reports whether the poll is limited to verified
// residents; otherwise its results are labelled "not a representative
// survey".
func (p *Poll) Representative() bool { return p.ResidentsOnly }

// Residency is verified residency as the vote uses it.
type Residency struct {
	Verified bool
	District int
	// BirthDate is zero when unknown.
	BirthDate time.Time
	// Person is the keyed hash of the PESEL (census.Hash); empty when not
	// verified.
	Person string
}

// Residents is verified residency (internal/accounts/identity): declared
// here, implemented by identity, wired by app.
type Residents interface {
	Residency(ctx context.Context, userID string) (Residency, error)
	// ByPESEL finds a resident by PESEL for a paper ballot: the account
	// ("" when none) and the residency. An invalid PESEL is Invalid, an
	// unknown one NotFound.
	ByPESEL(ctx context.Context, pesel string) (userID string, r Residency, err error)
}
