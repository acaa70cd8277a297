// Package budget is the participatory budget (budżet obywatelski): editions
// with their pools, projects submitted by residents and reviewed by
// officers, appeals, the vote (online and on paper), the results counted by
// the engine of package rules, and the realization of the winners.
//
// An edition moves through phases:
//
//	draft -> submission -> review -> appeals -> voting -> results -> realization
//
// by its schedule (a job wakes at each planned start) or by an officer;
// every change is audited. A local initiative edition has no vote: officers
// decide each project as it comes.
//
// Voting integrity (docs/budget.md has the whole argument): who took part
// and what they chose are two rows written in one transaction, a
// participation (person, slot) under a UNIQUE constraint and a ballot
// (receipt, choices) with no person and no time. The only way from one to
// the other is an HMAC of the participation id under the secret key, which
// only the server can compute. Ballots are cast through a group committer
// (commit.go): concurrent ballots share one durable transaction, and each
// request is answered after its transaction committed.
package budget

import (
	"context"
	"github.com/civitas-city/civitas/internal/i18n"
	"slices"
	"time"

	"github.com/civitas-city/civitas/internal/ballot"
)

// Kind is the kind of an edition.
type Kind string

// The kinds.
const (
	KindCity   Kind = "city"   // the city's budget: a city-wide pool and district pools
	KindSchool Kind = "school" // a school's budget: pupils on the roster vote
	KindLocal  Kind = "local"  // local initiatives: continuous submissions, officers decide, no vote
)

// Kinds lists every kind.
var Kinds = []Kind{KindCity, KindSchool, KindLocal}

// Phase is where an edition is in its cycle.
type Phase string

// The phases, in order.
const (
	PhaseDraft       Phase = "draft"
	PhaseSubmission  Phase = "submission"
	PhaseReview      Phase = "review"
	PhaseAppeals     Phase = "appeals"
	PhaseVoting      Phase = "voting"
	PhaseResults     Phase = "results"
	PhaseRealization Phase = "realization"
)

// Phases lists the phases in order.
var Phases = []Phase{PhaseDraft, PhaseSubmission, PhaseReview, PhaseAppeals, PhaseVoting, PhaseResults, PhaseRealization}

// ScheduledPhases are the phases with a planned start.
var ScheduledPhases = Phases[1:]

// Valid reports whether p is a known phase.
func (p Phase) Valid() bool { return slices.Contains(Phases, p) }

// Index is p's position in Phases.
func (p Phase) Index() int { return slices.Index(Phases, p) }

// PoolPolicy says which pools one resident may vote in.
type PoolPolicy string

// The policies.
const (
	// PolicyCityAndHome: every city-wide pool and their own district's.
	PolicyCityAndHome PoolPolicy = "city_and_home"
	// PolicyCityAndOneDistrict: every city-wide pool and any one district's.
	PolicyCityAndOneDistrict PoolPolicy = "city_and_one_district"
	// PolicyAny: every pool.
	PolicyAny PoolPolicy = "any"
)

// PaperPolicy says what happens when a person takes part in two channels.
type PaperPolicy string

// The policies.
const (
	// FirstWins keeps the first ballot and refuses the second.
	FirstWins PaperPolicy = "first_wins"
	// VoidBoth voids the first ballot and does not count the second.
	VoidBoth PaperPolicy = "void_both"
)

// BallotKind is how a ballot is filled in.
type BallotKind string

// The ballot kinds.
const (
	// Approval: choose between MinChoices and MaxChoices projects.
	Approval BallotKind = "approval"
	// Ranking: rank up to len(Points) projects; the first gets Points[0].
	Ranking BallotKind = "ranking"
	// Cumulative: spread up to MaxPoints points, at most MaxPerProject on one.
	Cumulative BallotKind = "cumulative"
)

// Channels a ballot comes through.
const (
	ChannelOnline   = ballot.ChannelOnline
	ChannelPaper    = ballot.ChannelPaper
	ChannelImported = ballot.ChannelImported
)

// Edition is one participatory budget.
type Edition struct {
	ID          string
	Slug        string
	Kind        Kind
	Title       string
	Description string
	School      string
	Phase       Phase
	// AutoPhases lets the schedule move the phase at each planned start.
	AutoPhases bool
	// Starts holds the planned start of each phase (zero: not planned).
	Starts      map[Phase]time.Time
	MinAge      int
	PoolPolicy  PoolPolicy
	AllowChange bool
	PaperPolicy PaperPolicy
	DoubleKey   bool
	// Signatures is how many residents must support a project before it is
	// submitted (0: none).
	Signatures int
	// MaxCost is the most one project may cost, in grosze (0: the pool's amount).
	MaxCost    int64
	Categories []string
	Source     string
	CreatedAt  time.Time
	UpdatedAt  time.Time

	Pools        []Pool
	Coordinators []string
	// Versions are the title, description and categories in the site's
	// other languages (fields "title", "description", "category:NAME").
	Versions i18n.Versions
}

// TitleText is the title with its versions in other languages.
func (e *Edition) TitleText() i18n.Text { return e.Versions.Text("title", e.Title) }

// DescriptionText is the description with its versions in other languages.
func (e *Edition) DescriptionText() i18n.Text { return e.Versions.Text("description", e.Description) }

// CategoryText is one of the edition's categories with its versions.
func (e *Edition) CategoryText(name string) i18n.Text { return e.Versions.Text("category:"+name, name) }

// Pool returns the edition's pool with slug.
func (e *Edition) Pool(slug string) (*Pool, bool) {
	for i := range e.Pools {
		if e.Pools[i].Slug == slug {
			return &e.Pools[i], true
		}
	}
	return nil, false
}

// PoolByID returns the edition's pool with id.
func (e *Edition) PoolByID(id string) (*Pool, bool) {
	for i := range e.Pools {
		if e.Pools[i].ID == id {
			return &e.Pools[i], true
		}
	}
	return nil, false
}

// Votes reports whether the edition has a vote (local initiatives do not).
func (e *Edition) Votes() bool { return e.Kind != KindLocal }

// VotingOpen reports whether ballots are accepted at now: the voting phase,
// and not past the planned end of voting.
func (e *Edition) VotingOpen(now time.Time) bool {
	if e.Phase != PhaseVoting {
		return false
	}
	end := e.Starts[PhaseResults]
	return end.IsZero() || now.Before(end)
}

// SubmissionOpen reports whether residents may submit projects now.
func (e *Edition) SubmissionOpen() bool {
	return e.Phase == PhaseSubmission || (e.Kind == KindLocal && e.Phase != PhaseDraft && e.Phase != PhaseRealization)
}

// PhaseDue is the phase the schedule says the edition should be in at now:
// the last planned phase whose start has passed, or "" when none has.
func (e *Edition) PhaseDue(now time.Time) Phase {
	due := Phase("")
	for _, p := range ScheduledPhases {
		if t := e.Starts[p]; !t.IsZero() && !now.Before(t) {
			due = p
		}
	}
	return due
}

// NextStart is the first planned start after now, or zero.
func (e *Edition) NextStart(now time.Time) time.Time {
	var next time.Time
	for _, p := range ScheduledPhases {
		if t := e.Starts[p]; t.After(now) && (next.IsZero() || t.Before(next)) {
			next = t
		}
	}
	return next
}

// slot is the participation slot of pool: all district pools share one
// when a resident may vote in any one of them.
func (e *Edition) slot(p *Pool) string {
	if e.PoolPolicy == PolicyCityAndOneDistrict && p.District > 0 {
		return "district"
	}
	return p.ID
}

// MayVoteIn reports whether a resident of district may vote in pool p
// under the edition's policy (the one-district rule is enforced by the
// participation slot).
func (e *Edition) MayVoteIn(p *Pool, district int) bool {
	switch {
	case p.District == 0 || e.PoolPolicy == PolicyAny || e.PoolPolicy == PolicyCityAndOneDistrict:
		return true
	}
	return p.District == district
}

// Pool is a part of an edition's money with its own ballot.
type Pool struct {
	ID        string
	EditionID string
	Slug      string
	Name      string
	// District is the district the pool is for; 0 for a city-wide pool.
	District int
	// Amount is the pool's money in grosze.
	Amount        int64
	Ballot        BallotKind
	MinChoices    int
	MaxChoices    int
	Points        []int
	MaxPoints     int
	MaxPerProject int
	// Rule is the counting rule (a rules.Rule name).
	Rule string
	// Threshold is the least score for greedy-threshold, as a decimal.
	Threshold string
	Position  int
	// Versions are the name in the site's other languages (field "name").
	Versions i18n.Versions
}

// NameText is the pool's name with its versions in other languages.
func (p *Pool) NameText() i18n.Text { return p.Versions.Text("name", p.Name) }

// Project statuses.
const (
	StatusDraft      = "draft"      // the author's, not public
	StatusCollecting = "collecting" // public, waiting for supporting signatures
	StatusSubmitted  = "submitted"  // waiting for review
	StatusAccepted   = "accepted"   // passed review: on the ballot (or approved, for local initiatives)
	StatusRejected   = "rejected"   // failed review; the reasons are public
	StatusAppealed   = "appealed"   // rejected, with an appeal waiting
	StatusWithdrawn  = "withdrawn"  // the author withdrew it
)

// Review stages.
const (
	StageFormal    = "formal"
	StageLegal     = "legal"
	StageTechnical = "technical"
	// StageDecision is the one decision on a local initiative.
	StageDecision = "decision"
)

// ReviewStages are the stages a city or school project passes.
var ReviewStages = []string{StageFormal, StageLegal, StageTechnical}

// Review outcomes.
const (
	Positive = "positive"
	Negative = "negative"
)

// Appeal outcomes.
const (
	AppealUpheld    = "upheld"
	AppealDismissed = "dismissed"
)

// Project is a proposal in an edition.
type Project struct {
	ID          string
	EditionID   string
	PoolID      string
	Code        string // the public number; "" for a draft
	AuthorID    string
	Title       string
	Description string // Markdown
	Category    string
	Address     string
	HasPoint    bool
	Lat, Lon    float64
	// Cost is the author's estimate; CostFinal the cost after review, when
	// an officer corrected it (0: not corrected).
	Cost        int64
	CostFinal   int64
	Status      string
	CostItems   []CostItem
	Signatures  int
	CreatedAt   time.Time
	SubmittedAt time.Time
	UpdatedAt   time.Time
}

// FinalCost is what the project costs for the vote: the corrected cost
// when there is one.
func (p *Project) FinalCost() int64 {
	if p.CostFinal > 0 {
		return p.CostFinal
	}
	return p.Cost
}

// Public reports whether anyone may see the project.
func (p *Project) Public() bool { return p.Status != StatusDraft }

// CostItem is one line of a cost estimate.
type CostItem struct {
	Label  string
	Amount int64
}

// Review is one recorded review decision.
type Review struct {
	ID         string
	Stage      string
	Outcome    string
	Reasons    string
	CostBefore int64
	CostAfter  int64 // 0: unchanged
	OfficerID  string
	At         time.Time
}

// Appeal is an author's appeal against a rejection.
type Appeal struct {
	ID        string
	ProjectID string
	Body      string
	FiledAt   time.Time
	Outcome   string // "" while pending
	Reasons   string
	DecidedBy string
	DecidedAt time.Time
}

// Residency is what the budget needs to know about a person.
type Residency struct {
	// Verified: a verified resident now.
	Verified bool
	District int
	// BirthDate is zero when unknown.
	BirthDate time.Time
	// Person identifies the person across accounts and channels: the keyed
	// hash of their PESEL (census.Hash). Empty when not verified.
	Person string
}

// Residents is verified residency (internal/accounts/identity), as the
// budget uses it: declared here, implemented by the identity domain and
// wired by app.
type Residents interface {
	// Residency tells whether an account is a verified resident, and who.
	Residency(ctx context.Context, userID string) (Residency, error)
	// ByPESEL finds a resident by PESEL for a paper ballot: the account
	// the PESEL verifies ("" when none) and the residency. An invalid
	// PESEL is an Invalid error on field "pesel"; an unknown one NotFound.
	ByPESEL(ctx context.Context, pesel string) (userID string, r Residency, err error)
}

// Contact is how to reach an account holder by mail.
type Contact struct {
	Email  string
	Name   string
	Lang   string
	Notify bool
}

// People is the accounts domain as the budget uses it: to mail authors
// about their project's review, and to find the pupils a school's
// coordinator puts on the roster.
type People interface {
	Contact(ctx context.Context, userID string) (Contact, error)
	// UserByEmail returns the id of the account with email; NotFound when
	// there is none.
	UserByEmail(ctx context.Context, email string) (string, error)
}

// Age bands for turnout (the ballot box's).
var AgeBands = ballot.AgeBands

// AgeBand returns the band of someone born on birth, at now; "" when the
// birth date is unknown.
func AgeBand(birth, now time.Time) string { return ballot.AgeBand(birth, now) }

func bandOf(age int) string { return ballot.BandOf(age) }

// Age is the age in whole years of someone born on birth, at now.
func Age(birth, now time.Time) int { return ballot.Age(birth, now) }
