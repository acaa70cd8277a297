package budget

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/ballot"
)

// BallotInput is a ballot as filled in: project ids in ballot order (for
// a ranking, best first) and, for a cumulative ballot, the points of each.
type BallotInput struct {
	Projects []string `json:"projects"`
	Points   []int    `json:"points,omitempty"`
}

// Receipt is what a voter gets back.
type Receipt struct {
	Code string `json:"receipt"`
	// Changed: an earlier ballot was replaced (the edition allows changes).
	Changed bool `json:"changed"`
}

// sheet is what checking a ballot needs about a pool: the edition, the
// pool and which projects are on its ballot. Sheets are cached for a few
// seconds; the transaction that records a ballot checks the phase again,
// so a stale sheet can never let a ballot in after the close.
type sheet struct {
	loaded  time.Time
	edition *Edition
	pool    *Pool
	// onBallot: project ids on this pool's ballot; inEdition: every
	// project id of the edition (to tell "another pool" from "unknown").
	onBallot  map[string]bool
	inEdition map[string]bool
	projects  []*Project
}

const sheetTTL = 3 * time.Second

func (s *Service) forgetSheets() {
	s.cacheMu.Lock()
	s.sheets = nil
	s.cacheMu.Unlock()
}

// sheet returns the ballot sheet of an edition's pool.
func (s *Service) sheet(ctx context.Context, editionSlug, poolSlug string) (*sheet, error) {
	key := editionSlug + "\x00" + poolSlug
	s.cacheMu.Lock()
	sh := s.sheets[key]
	s.cacheMu.Unlock()
	if sh != nil && time.Since(sh.loaded) < sheetTTL {
		return sh, nil
	}
	e, err := s.Edition(ctx, editionSlug)
	if err != nil {
		return nil, err
	}
	pool, ok := e.Pool(poolSlug)
	if !ok {
		return nil, apperr.E(apperr.NotFound, "budget.error.no_pool")
	}
	all, err := listProjects(ctx, s.DB, ProjectFilter{EditionID: e.ID, Public: true})
	if err != nil {
		return nil, err
	}
	sh = &sheet{loaded: time.Now(), edition: e, pool: pool, onBallot: map[string]bool{}, inEdition: map[string]bool{}}
	for _, p := range all {
		sh.inEdition[p.ID] = true
		if p.PoolID == pool.ID && p.Status == StatusAccepted {
			sh.onBallot[p.ID] = true
			sh.projects = append(sh.projects, p)
		}
	}
	sortProjects(sh.projects)
	s.cacheMu.Lock()
	if s.sheets == nil {
		s.sheets = map[string]*sheet{}
	}
	s.sheets[key] = sh
	s.cacheMu.Unlock()
	return sh, nil
}

// BallotProjects lists the projects on a pool's ballot, in code order.
func (s *Service) BallotProjects(ctx context.Context, editionSlug, poolSlug string) ([]*Project, error) {
	sh, err := s.sheet(ctx, editionSlug, poolSlug)
	if err != nil {
		return nil, err
	}
	return sh.projects, nil
}

func ballotError(key string) error {
	return &apperr.Error{Kind: apperr.Invalid, Field: "ballot", Message: key}
}

// check validates a ballot against the pool's rules and returns the
// choices and points to store (points aligned with choices; none for
// approval).
func (p *Pool) check(in BallotInput, onBallot, inEdition map[string]bool) ([]string, []int, error) {
	seen := map[string]bool{}
	for _, id := range in.Projects {
		switch {
		case seen[id]:
			return nil, nil, ballotError("budget.vote.error.twice")
		case !onBallot[id] && inEdition[id]:
			return nil, nil, ballotError("budget.vote.error.other_pool")
		case !onBallot[id]:
			return nil, nil, ballotError("budget.vote.error.unknown_project")
		}
		seen[id] = true
	}
	n := len(in.Projects)
	switch {
	case n < p.MinChoices || n == 0:
		return nil, nil, ballotError("budget.vote.error.too_few")
	case n > p.MaxChoices:
		return nil, nil, ballotError("budget.vote.error.too_many")
	}
	switch p.Ballot {
	case Approval:
		if len(in.Points) > 0 {
			return nil, nil, ballotError("budget.vote.error.points")
		}
		return in.Projects, nil, nil
	case Ranking:
		if len(in.Points) > 0 {
			return nil, nil, ballotError("budget.vote.error.points")
		}
		return in.Projects, p.Points[:n], nil
	case Cumulative:
		if len(in.Points) != n {
			return nil, nil, ballotError("budget.vote.error.points")
		}
		sum := 0
		for _, pt := range in.Points {
			switch {
			case pt < 1:
				return nil, nil, ballotError("budget.vote.error.points")
			case p.MaxPerProject > 0 && pt > p.MaxPerProject:
				return nil, nil, ballotError("budget.vote.error.points_project")
			}
			sum += pt
		}
		if sum > p.MaxPoints {
			return nil, nil, ballotError("budget.vote.error.points_total")
		}
		return in.Projects, in.Points, nil
	}
	return nil, nil, ballotError("budget.vote.error.points")
}

// Cast records userID's ballot in an edition's pool, after checking the
// phase, who they are, their age, which pools they may use, and the ballot
// itself. It returns once the ballot is durably committed. A second ballot
// replaces the first when the edition allows changes; otherwise it is
// refused and nothing changes.
func (s *Service) Cast(ctx context.Context, a Actor, userID, editionSlug, poolSlug string, in BallotInput) (Receipt, error) {
	sh, err := s.sheet(ctx, editionSlug, poolSlug)
	if err != nil {
		return Receipt{}, err
	}
	e, pool := sh.edition, sh.pool
	now := s.now()
	if !e.Votes() {
		return Receipt{}, apperr.E(apperr.NotFound, "budget.error.no_vote")
	}
	if !e.VotingOpen(now) {
		return Receipt{}, ballotError("budget.vote.error.closed")
	}
	r, err := s.eligible(ctx, e, userID)
	if err != nil {
		return Receipt{}, err
	}
	if err := e.checkVoter(pool, r, now); err != nil {
		return Receipt{}, err
	}
	choices, points, err := pool.check(in, sh.onBallot, sh.inEdition)
	if err != nil {
		return Receipt{}, err
	}
	res, err := s.ballots().Cast(ctx, &ballot.Ballot{
		Box: e.ID, Pool: pool.ID, Slot: e.slot(pool), Voter: r.Person, UserID: userID, Channel: ChannelOnline,
		District: r.District, AgeBand: AgeBand(r.BirthDate, now), Choices: strings.Join(choices, ","),
		Points: ballot.JoinInts(points), At: now, AllowChange: e.AllowChange, Policy: ballot.Policy(e.PaperPolicy),
		Actor: boxActor(a),
	})
	if err != nil {
		return Receipt{}, err
	}
	return Receipt{Code: res.Receipt, Changed: res.Changed}, res.Err
}

// checkVoter applies the edition's rules about the person: the minimum
// age and the pools they may vote in.
func (e *Edition) checkVoter(pool *Pool, r Residency, now time.Time) error {
	if e.MinAge > 0 && e.Kind != KindSchool {
		if r.BirthDate.IsZero() {
			return apperr.E(apperr.Forbidden, "budget.vote.error.age_unknown")
		}
		if Age(r.BirthDate, now) < e.MinAge {
			return apperr.E(apperr.Forbidden, "budget.vote.error.too_young")
		}
	}
	if !e.MayVoteIn(pool, r.District) {
		return apperr.E(apperr.Forbidden, "budget.vote.error.not_your_district")
	}
	return nil
}

// NormalizeReceipt turns a receipt as typed into its stored form.
func NormalizeReceipt(s string) string { return ballot.NormalizeReceipt(s) }

// MyBallot is one of a resident's ballots, found through its link.
type MyBallot struct {
	EditionID string
	PoolID    string
	Channel   string
	At        time.Time
	Void      bool
	Receipt   string
	Choices   []string
	Points    []int
}

// MyBallots lists userID's participations with their ballots (in one
// edition, or all when editionID is "").
func (s *Service) MyBallots(ctx context.Context, userID, editionID string) ([]MyBallot, error) {
	mine, err := s.ballots().Mine(ctx, userID, editionID)
	if err != nil {
		return nil, err
	}
	// The box is shared (referenda and polls cast into it too): of all
	// the resident's ballots, only those of an edition are the budget's.
	editions := map[string]bool{editionID: true}
	if editionID == "" {
		all, err := s.Editions(ctx)
		if err != nil {
			return nil, err
		}
		for _, e := range all {
			editions[e.ID] = true
		}
	}
	out := make([]MyBallot, 0, len(mine))
	for _, m := range mine {
		if editions[m.Box] {
			out = append(out, MyBallot{EditionID: m.Box, PoolID: m.Pool, Channel: m.Channel, At: m.At, Void: m.Void,
				Receipt: m.Receipt, Choices: m.Choices, Points: m.Points})
		}
	}
	return out, nil
}

// Turnout counts the people who took part in each pool of an edition
// (void participations left out), by pool id.
func (s *Service) Turnout(ctx context.Context, editionID string) (map[string]int, error) {
	return s.ballots().Turnout(ctx, editionID)
}

// PublishedBallot is a line of the published ballot list.
type PublishedBallot = ballot.Published

// Ballots lists a pool's ballots in receipt order after the receipt after.
func (s *Service) Ballots(ctx context.Context, poolID, after string, limit int) ([]PublishedBallot, error) {
	return s.ballots().Ballots(ctx, poolID, after, limit)
}

// FindReceipt finds the ballot with receipt in an edition, and its pool.
func (s *Service) FindReceipt(ctx context.Context, editionID, receipt string) (PublishedBallot, string, error) {
	b, pool, err := s.ballots().FindReceipt(ctx, editionID, receipt)
	if errors.Is(err, sql.ErrNoRows) {
		return PublishedBallot{}, "", apperr.E(apperr.NotFound, "budget.ballots.not_found")
	}
	if err != nil {
		return PublishedBallot{}, "", fmt.Errorf("budget: receipt: %w", err)
	}
	return b, pool, nil
}
