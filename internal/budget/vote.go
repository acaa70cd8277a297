package budget

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/db"
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
	req := &castReq{
		edition: e, pool: pool, slot: e.slot(pool), voter: r.Person, userID: userID, channel: ChannelOnline,
		district: r.District, ageBand: AgeBand(r.BirthDate, now), choices: strings.Join(choices, ","),
		points: joinInts(points), at: now, actor: a,
	}
	res, err := s.ballotWriter().Do(req)
	if err != nil {
		s.log().ErrorContext(ctx, "budget: ballot not recorded", "error", err)
		return Receipt{}, err
	}
	return Receipt{Code: res.receipt, Changed: res.changed}, res.err
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

// receiptAlphabet has no 0/O, 1/I/L: codes are read aloud and typed.
const receiptAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

// newReceipt is ten random characters (about 50 bits), as "K7QH2-M9XPD".
func newReceipt() string {
	var b [10]byte
	rand.Read(b[:])
	out := make([]byte, 0, 11)
	for i, x := range b {
		if i == 5 {
			out = append(out, '-')
		}
		out = append(out, receiptAlphabet[int(x)%len(receiptAlphabet)])
	}
	return string(out)
}

// NormalizeReceipt turns a receipt as typed into its stored form.
func NormalizeReceipt(s string) string {
	s = strings.ToUpper(strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' {
			return -1
		}
		return r
	}, s))
	if len(s) != 10 {
		return s
	}
	return s[:5] + "-" + s[5:]
}

// castReq is one ballot on its way into the database.
type castReq struct {
	edition  *Edition
	pool     *Pool
	slot     string
	voter    string // the person key
	userID   string
	channel  string
	batchID  string
	district int
	ageBand  string
	choices  string
	points   string
	at       time.Time
	actor    Actor
}

type castResult struct {
	receipt string
	changed bool
	// voided: a second channel voided the person's ballot (VoidBoth).
	voided bool
	err    error
}

// castBatch writes a batch of ballots in tx and returns each one's
// result. Refusals (closed, already voted) make no write. Ballots of people
// new to their slot — nearly all — are written with one multi-row INSERT
// of participations and one of ballots, so a batch costs a few statements
// whatever its size; the others go one by one (castConflict). An error
// from a statement is returned as fatal: the caller rolls back and retries
// each request in a transaction of its own.
func (s *Service) castBatch(ctx context.Context, tx *sql.Tx, batch []*castReq, open map[string]bool) ([]castResult, error) {
	results := make([]castResult, len(batch))
	live := make([]int, 0, len(batch))
	for i, r := range batch {
		isOpen, known := open[r.edition.ID]
		if !known {
			phase, end, err := votingEnds(ctx, s.stmts.Querier(s.DB, tx), r.edition.ID)
			if err != nil {
				return nil, fmt.Errorf("budget: phase: %w", err)
			}
			isOpen = phase == PhaseVoting && (!end.Valid || r.at.Before(end.Time))
			open[r.edition.ID] = isOpen
		}
		if !isOpen {
			results[i].err = ballotError("budget.vote.error.closed")
			continue
		}
		live = append(live, i)
	}
	pids := make([]string, len(batch))
	for _, i := range live {
		pids[i] = db.NewID()
	}
	inserted, err := s.insertParticipations(ctx, tx, batch, live, pids)
	if err != nil {
		return nil, err
	}
	fresh := make([]int, 0, len(live))
	for _, i := range live {
		if inserted[pids[i]] {
			fresh = append(fresh, i)
			results[i].receipt = newReceipt()
		}
	}
	if err := s.insertBallots(ctx, tx, batch, fresh, pids, results); err != nil {
		return nil, err
	}
	for _, i := range live {
		if !inserted[pids[i]] {
			if results[i], err = s.castConflict(ctx, tx, batch[i]); err != nil {
				return nil, err
			}
			if results[i].err != nil {
				continue
			}
		}
		if err := s.auditAssisted(ctx, tx, batch[i]); err != nil {
			return nil, err
		}
	}
	return results, nil
}

// castOne writes one ballot in tx (paper ballots, the demo).
func (s *Service) castOne(ctx context.Context, tx *sql.Tx, r *castReq, open map[string]bool) (castResult, error) {
	res, err := s.castBatch(ctx, tx, []*castReq{r}, open)
	if err != nil {
		return castResult{}, err
	}
	return res[0], nil
}

// insertParticipations inserts the participations of batch[idx] (ids
// pids[i]), leaving out those whose person already has one in the slot,
// and returns the ids inserted. Two ballots of one person in one batch: the
// first is inserted, the second conflicts.
func (s *Service) insertParticipations(ctx context.Context, tx *sql.Tx, batch []*castReq, idx []int, pids []string) (map[string]bool, error) {
	if len(idx) == 0 {
		return map[string]bool{}, nil
	}
	args := make([]any, 0, len(idx)*participationCols)
	for _, i := range idx {
		r := batch[i]
		args = append(args, pids[i], r.edition.ID, r.pool.ID, r.slot, r.voter, db.Null(r.userID), r.channel, db.Null(r.batchID),
			r.district, r.ageBand, db.TS(r.at))
	}
	return insertParticipationRows(ctx, tx, s.stmts.Querier(s.DB, tx), args)
}

// insertBallots inserts the ballots of batch[idx], linked to their
// participations, with the receipts already in results.
func (s *Service) insertBallots(ctx context.Context, tx *sql.Tx, batch []*castReq, idx []int, pids []string, results []castResult) error {
	if len(idx) == 0 {
		return nil
	}
	args := make([]any, 0, len(idx)*ballotCols)
	for _, i := range idx {
		r := batch[i]
		args = append(args, randomID(), r.edition.ID, r.pool.ID, results[i].receipt, s.ballotLink(pids[i]), r.channel,
			db.Null(r.batchID), r.choices, r.points)
	}
	return insertBallotRows(ctx, tx, s.stmts.Querier(s.DB, tx), args)
}

// castConflict handles a ballot whose person has taken part already in the
// slot: a change (when allowed), the paper policy across channels, or a
// refusal.
func (s *Service) castConflict(ctx context.Context, tx *sql.Tx, r *castReq) (res castResult, fatal error) {
	prev, err := participationIn(ctx, tx, r.edition.ID, r.slot, r.voter)
	if err != nil {
		return res, err
	}
	switch {
	case prev.Void:
		res.err = apperr.E(apperr.Conflict, "budget.vote.error.voided")
		return res, nil
	case prev.Channel != r.channel || r.channel == ChannelPaper:
		if r.edition.PaperPolicy != VoidBoth {
			key := "budget.vote.error.already_voted_online"
			if prev.Channel == ChannelPaper {
				key = "budget.vote.error.already_voted_paper"
			}
			res.err = apperr.E(apperr.Conflict, key)
			return res, nil
		}
		if err := voidParticipation(ctx, tx, prev.ID, s.ballotLink(prev.ID)); err != nil {
			return res, err
		}
		res.voided = true
		res.err = apperr.E(apperr.Conflict, "budget.vote.error.voided_now")
		return res, nil
	case !r.edition.AllowChange:
		res.err = apperr.E(apperr.Conflict, "budget.vote.error.already_voted")
		return res, nil
	}
	if res.receipt, err = changeBallot(ctx, tx, prev, s.ballotLink(prev.ID), r.pool.ID, r.choices, r.points); err != nil {
		return res, err
	}
	res.changed = true
	return res, nil
}

// auditAssisted records that an officer voted for a resident: who, for
// whom, in which pool; never what.
func (s *Service) auditAssisted(ctx context.Context, tx *sql.Tx, r *castReq) error {
	if r.actor.OnBehalfOf == "" {
		return nil
	}
	return s.record(ctx, tx, r.actor, "budget.vote.assisted", "pb_pool", r.pool.ID, nil)
}

// randomID is a random UUID (version 4): ballot ids carry no time.
func randomID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

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
	out, ids, err := participationsOf(ctx, s.DB, userID, editionID)
	if err != nil {
		return nil, err
	}
	for i, id := range ids {
		if err := ballotByLink(ctx, s.DB, s.ballotLink(id), &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Turnout counts the people who took part in each pool of an edition
// (void participations left out), by pool id.
func (s *Service) Turnout(ctx context.Context, editionID string) (map[string]int, error) {
	return turnoutByPool(ctx, s.DB, editionID)
}

// PublishedBallot is a line of the published ballot list.
type PublishedBallot struct {
	Receipt string
	Channel string
	Choices []string
	Points  []int
	Void    bool
}

// Ballots lists a pool's ballots in receipt order after the receipt after.
func (s *Service) Ballots(ctx context.Context, poolID, after string, limit int) ([]PublishedBallot, error) {
	return publishedBallots(ctx, s.DB, poolID, after, limit)
}

// FindReceipt finds the ballot with receipt in an edition, and its pool.
func (s *Service) FindReceipt(ctx context.Context, editionID, receipt string) (PublishedBallot, string, error) {
	b, pool, err := ballotByReceipt(ctx, s.DB, editionID, NormalizeReceipt(receipt))
	if errors.Is(err, sql.ErrNoRows) {
		return PublishedBallot{}, "", apperr.E(apperr.NotFound, "budget.ballots.not_found")
	}
	if err != nil {
		return PublishedBallot{}, "", fmt.Errorf("budget: receipt: %w", err)
	}
	return b, pool, nil
}
