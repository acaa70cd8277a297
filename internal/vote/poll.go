package vote

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/ballot"
	"github.com/civitas-city/civitas/internal/db"
)

// PollInput is a poll as an officer sets it up.
type PollInput struct {
	Slug, Question string
	Kind           Kind
	MaxChoices     int
	Options        []string
	ResidentsOnly  bool
	District       int
	ResultsAfter   string
	OpensAt        time.Time
	ClosesAt       time.Time
}

// CreatePoll sets up a poll (scheduled when OpensAt is later). Audited.
func (s *Service) CreatePoll(ctx context.Context, a Actor, in PollInput) (*Poll, error) {
	errs := apperr.Fields{}
	if !slugRE.MatchString(in.Slug) {
		errs["slug"] = "vote.error.slug"
	}
	if field, key := checkQuestion(in.Kind, in.Question, in.MaxChoices, in.Options, true); key != "" {
		if field == "text" {
			field = "question"
		}
		errs[field] = key
	}
	if in.District < 0 || in.District > 0 && s.IsDistrict != nil && !s.IsDistrict(in.District) {
		errs["district"] = "vote.error.district"
	}
	if in.ResultsAfter != AfterAnswer && in.ResultsAfter != AfterClose {
		errs["results_after"] = "vote.error.results_after"
	}
	if in.OpensAt.IsZero() || !in.ClosesAt.IsZero() && !in.ClosesAt.After(in.OpensAt) {
		errs["opens_at"] = "vote.error.dates"
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	max := in.MaxChoices
	if in.Kind != Multiple {
		max = 1
	}
	p := &Poll{ID: db.NewID(), Slug: in.Slug, Question: strings.TrimSpace(in.Question), Kind: in.Kind, MaxChoices: max,
		Options: optionsFor(in.Kind, in.Options), ResidentsOnly: in.ResidentsOnly, District: in.District,
		ResultsAfter: in.ResultsAfter, OpensAt: db.TS(in.OpensAt), CreatedBy: a.ID, CreatedAt: s.now()}
	if !in.ClosesAt.IsZero() {
		p.ClosesAt = db.TS(in.ClosesAt)
	}
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if err := insertPoll(ctx, tx, p); err != nil {
			if apperr.Is(err, apperr.Conflict) {
				return apperr.Fieldf("slug", "vote.error.slug_taken")
			}
			return err
		}
		return s.record(ctx, tx, a, "vote.poll.create", "vote_poll", p.ID, map[string]string{"slug": p.Slug})
	})
	return p, err
}

// Poll returns a poll by slug.
func (s *Service) Poll(ctx context.Context, slug string) (*Poll, error) {
	p, err := loadPoll(ctx, s.DB, "slug", slug)
	if apperr.Is(err, apperr.NotFound) {
		return nil, apperr.E(apperr.NotFound, "vote.error.no_poll")
	}
	return p, err
}

// Polls lists every poll, newest first.
func (s *Service) Polls(ctx context.Context) ([]*Poll, error) {
	return listPolls(ctx, s.DB)
}

// ClosePoll ends a poll now. Audited.
func (s *Service) ClosePoll(ctx context.Context, a Actor, slug string) error {
	p, err := s.Poll(ctx, slug)
	if err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if err := closePoll(ctx, tx, p.ID); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "vote.poll.close", "vote_poll", p.ID, nil)
	})
}

// pollVoter is who answers a poll: the person (verified residents) or,
// for a poll open to any account, a keyed hash of the account.
func (s *Service) pollVoter(ctx context.Context, p *Poll, userID string) (Residency, string, error) {
	if p.anyAccount() {
		return Residency{}, s.ballots().MAC("vote-poll-account", userID), nil
	}
	res, err := s.Residents.Residency(ctx, userID)
	if err != nil {
		return res, "", err
	}
	if err := p.checkVoter(res); err != nil {
		return res, "", err
	}
	return res, res.Person, nil
}

// anyAccount reports whether any signed-in account may answer.
func (p *Poll) anyAccount() bool { return !p.ResidentsOnly && p.District == 0 }

// checkVoter applies a poll's rules about the person: verified, of its
// district when it has one.
func (p *Poll) checkVoter(res Residency) error {
	switch {
	case !res.Verified || res.Person == "":
		return apperr.E(apperr.Forbidden, "vote.error.unverified")
	case p.District > 0 && res.District != p.District:
		return apperr.E(apperr.Forbidden, "vote.error.other_district")
	}
	return nil
}

// answerable tells which of the open polls userID may still answer, by
// slug: not answered yet, and allowed to. Two queries at most whatever the
// number of polls: their participations, and their residency when a poll
// needs it.
func (s *Service) answerable(ctx context.Context, userID string, polls []*Poll) (map[string]bool, error) {
	out := map[string]bool{}
	if userID == "" || len(polls) == 0 {
		return out, nil
	}
	boxes, err := s.ballots().Boxes(ctx, userID)
	if err != nil {
		return nil, err
	}
	var res *Residency
	now := s.now()
	for _, p := range polls {
		if !p.Open(now) || boxes[p.ID] {
			continue
		}
		if !p.anyAccount() {
			if res == nil {
				r, err := s.Residents.Residency(ctx, userID)
				if err != nil {
					return nil, err
				}
				res = &r
			}
			if p.checkVoter(*res) != nil {
				continue
			}
		}
		out[p.Slug] = true
	}
	return out, nil
}

// OpenPolls lists the polls not closed by an officer, newest first, with
// their options (those not open yet or past their end included: callers
// check Open).
func (s *Service) OpenPolls(ctx context.Context) ([]*Poll, error) {
	return listOpenPolls(ctx, s.DB)
}

// Answer records userID's answer to a poll: option ids (one, or up to the
// maximum of a multiple-choice poll).
func (s *Service) Answer(ctx context.Context, a Actor, userID, slug string, choices []string) error {
	p, err := s.Poll(ctx, slug)
	if err != nil {
		return err
	}
	now := s.now()
	if !p.Open(now) {
		return ballotError("vote.error.closed")
	}
	res, voter, err := s.pollVoter(ctx, p, userID)
	if err != nil {
		return err
	}
	ids := map[string]bool{}
	for _, o := range p.Options {
		ids[o.ID] = true
	}
	for _, c := range choices {
		if !ids[c] {
			return ballotError("vote.error.unknown_option")
		}
	}
	if len(choices) == 0 {
		return ballotError("vote.error.empty")
	}
	if _, err := checkChoices(p.Kind, p.MaxChoices, choices); err != nil {
		return err
	}
	r, err := s.ballots().Cast(ctx, &ballot.Ballot{Box: p.ID, Pool: p.ID, Slot: p.ID, Voter: voter, UserID: userID,
		Channel: ballot.ChannelOnline, District: res.District, AgeBand: ballot.AgeBand(res.BirthDate, now),
		Choices: strings.Join(choices, ","), At: now, Policy: ballot.FirstWins, Actor: a})
	if err != nil {
		return err
	}
	return r.Err
}

// Answered reports whether userID has answered the poll.
func (s *Service) Answered(ctx context.Context, p *Poll, userID string) (bool, error) {
	if userID == "" {
		return false, nil
	}
	mine, err := s.ballots().Mine(ctx, userID, p.ID)
	return len(mine) > 0, err
}

// ResultsVisible reports whether a poll's results may be shown to a
// resident who has (or has not) answered.
func (p *Poll) ResultsVisible(now time.Time, answered bool) bool {
	return p.Over(now) || p.ResultsAfter == AfterAnswer && answered
}
