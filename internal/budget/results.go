package budget

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/ballot"
	"github.com/civitas-city/civitas/internal/budget/pabulib"
	"github.com/civitas-city/civitas/internal/budget/rules"
)

// A pool is counted from its Pabulib election: the stored ballots are
// turned into exactly the file that "Export" gives, and that election goes
// through the engine as `civitas pb count --rule RULE FILE.pb` takes it
// (pabulib.Election.Instance, then rules.Count). So the published file
// reproduces the published outcome.

// pabulibRule is the META "rule" name of a counting rule.
func pabulibRule(rule string) string {
	switch rules.Rule(rule) {
	case rules.MESCost, rules.MESCard:
		return "equalshares"
	case rules.MESCostAdd1, rules.MESCardAdd1:
		return "equalshares/add1"
	}
	return rule
}

// linearPoints reports whether points are K, K-1, ..., 1 (what an ordinal
// Pabulib ballot means).
func linearPoints(points []int) bool {
	for i, p := range points {
		if p != len(points)-i {
			return false
		}
	}
	return len(points) > 0
}

// Election builds a pool's Pabulib election: the projects on its ballot
// (their final cost) and every ballot that counts, anonymised (voters are
// numbered in receipt order). It also returns the projects, indexed like
// the election's.
func (s *Service) Election(ctx context.Context, e *Edition, pool *Pool) (*pabulib.Election, []*Project, error) {
	projects, err := listProjects(ctx, s.DB, ProjectFilter{PoolID: pool.ID, Status: []string{StatusAccepted}})
	if err != nil {
		return nil, nil, err
	}
	sortProjects(projects)
	el := &pabulib.Election{Budget: MoneyRat(pool.Amount), VoteType: pabulib.Approval}
	switch {
	case pool.Ballot == Ranking && linearPoints(pool.Points):
		el.VoteType = pabulib.Ordinal
	case pool.Ballot == Ranking || pool.Ballot == Cumulative:
		el.VoteType = pabulib.Cumulative
	}
	byID := make(map[string]string, len(projects))
	for _, p := range projects {
		byID[p.ID] = p.Code
	}
	pointsOf := map[int]*big.Rat{}
	rat := func(n int) *big.Rat {
		if pointsOf[n] == nil {
			pointsOf[n] = big.NewRat(int64(n), 1)
		}
		return pointsOf[n]
	}
	err = s.ballots().EachCounted(ctx, s.DB, pool.ID, func(channel, choices, points string) {
		v := pabulib.Vote{Voter: strconv.Itoa(len(el.Votes) + 1), Extra: []string{channel}}
		pts := ballot.SplitInts(points)
		for i, id := range strings.Split(choices, ",") {
			code, ok := byID[id]
			if !ok {
				continue // a project withdrawn after the vote opened
			}
			v.Projects = append(v.Projects, code)
			if el.VoteType == pabulib.Cumulative && i < len(pts) {
				v.Points = append(v.Points, rat(pts[i]))
			}
		}
		el.Votes = append(el.Votes, v)
	})
	if err != nil {
		return nil, nil, err
	}
	el.VoteColumns = []string{"voter_id", "vote", "voting_method"}
	if el.VoteType.HasPoints() {
		el.VoteColumns = []string{"voter_id", "vote", "points", "voting_method"}
	}
	el.ProjectColumns = []string{"project_id", "cost", "name", "category"}
	for _, p := range projects {
		el.Projects = append(el.Projects, pabulib.Project{ID: p.Code, Cost: MoneyRat(p.FinalCost()),
			Extra: []string{oneLine(p.Title), oneLine(p.Category)}})
	}
	el.Meta = s.electionMeta(e, pool, len(el.Projects), len(el.Votes))
	return el, projects, nil
}

// electionMeta is the META section of a pool's Pabulib file.
func (s *Service) electionMeta(e *Edition, pool *Pool, projects, votes int) []pabulib.MetaField {
	meta := [][2]string{
		{"description", oneLine(e.Title + " — " + pool.Name)},
		{"country", s.Country},
		{"unit", s.Unit},
		{"instance", e.Slug},
		{"subunit", oneLine(pool.Name)},
		{"num_projects", strconv.Itoa(projects)},
		{"num_votes", strconv.Itoa(votes)},
		{"budget", ""},
		{"vote_type", ""},
		{"rule", pabulibRule(pool.Rule)},
		{"min_length", strconv.Itoa(pool.MinChoices)},
		{"max_length", strconv.Itoa(pool.MaxChoices)},
	}
	if pool.Ballot == Cumulative {
		meta = append(meta, [2]string{"max_sum_points", strconv.Itoa(pool.MaxPoints)})
		if pool.MaxPerProject > 0 {
			meta = append(meta, [2]string{"max_points", strconv.Itoa(pool.MaxPerProject)})
		}
	}
	if pool.Threshold != "" {
		meta = append(meta, [2]string{"min_project_score_threshold", pool.Threshold})
	}
	if t := e.Starts[PhaseVoting]; !t.IsZero() {
		meta = append(meta, [2]string{"date_begin", t.Format("02.01.2006")})
	}
	if t := e.Starts[PhaseResults]; !t.IsZero() {
		meta = append(meta, [2]string{"date_end", t.Format("02.01.2006")})
	}
	meta = append(meta, [2]string{"currency", "PLN"},
		[2]string{"comment", "#1: Exported by Civitas; counted with `civitas pb count --rule " + pool.Rule + "` on this file."})
	var out []pabulib.MetaField
	for _, m := range meta {
		if m[1] != "" || m[0] == "budget" || m[0] == "vote_type" {
			out = append(out, pabulib.MetaField{Key: m[0], Value: m[1]})
		}
	}
	return out
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// CountEdition counts every pool of an edition.
func (s *Service) CountEdition(ctx context.Context, editionID string) error {
	e, err := s.EditionByID(ctx, editionID)
	if err != nil {
		return err
	}
	for i := range e.Pools {
		if _, err := s.CountPool(ctx, e, &e.Pools[i]); err != nil {
			return fmt.Errorf("budget: count %s/%s: %w", e.Slug, e.Pools[i].Slug, err)
		}
	}
	return nil
}

// Recount counts every pool of an edition now, at an officer's request
// (after late paper ballots, say), audited.
func (s *Service) Recount(ctx context.Context, a Actor, editionID string) error {
	e, err := s.EditionByID(ctx, editionID)
	if err != nil {
		return err
	}
	if err := s.mustManage(e, a); err != nil {
		return err
	}
	if !e.Votes() || e.Phase.Index() < PhaseResults.Index() {
		return apperr.E(apperr.Invalid, "budget.officer.count_phase")
	}
	if err := s.CountEdition(ctx, editionID); err != nil {
		return err
	}
	return s.record(ctx, s.DB, a, "budget.count", "pb_edition", e.ID, nil)
}

// CountPool counts a pool with its rule, with explanations, and stores the
// outcome, every project's votes and score, and the turnout.
func (s *Service) CountPool(ctx context.Context, e *Edition, pool *Pool) (*rules.Result, error) {
	el, projects, err := s.Election(ctx, e, pool)
	if err != nil {
		return nil, err
	}
	in, err := el.Instance()
	if err != nil {
		return nil, err
	}
	opt := rules.Options{Explain: true}
	if pool.Threshold != "" {
		opt.Threshold, _ = new(big.Rat).SetString(pool.Threshold)
	}
	cctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	res, err := rules.Count(cctx, in, rules.Rule(pool.Rule), opt)
	if err != nil {
		return nil, err
	}
	scores, approvals := in.Tally()
	total, err := RatMoney(res.TotalCost)
	if err != nil {
		return nil, err
	}
	order := map[int]int{}
	for k, i := range res.Indices {
		order[i] = k + 1
	}
	void, err := s.ballots().VoidBallots(ctx, s.DB, pool.ID)
	if err != nil {
		return nil, err
	}
	steps, err := json.Marshal(res.Steps)
	if err != nil {
		return nil, err
	}
	c := poolCount{Rule: pool.Rule, Voters: len(el.Votes), Void: void, TotalCost: total, Selected: make([]string, len(res.Indices)),
		Steps: string(steps), Add1K: res.Add1K, At: s.now()}
	for k, i := range res.Indices {
		c.Selected[k] = projects[i].ID
	}
	for i, p := range projects {
		c.Projects = append(c.Projects, projectCount{ProjectID: p.ID, Votes: approvals[i], Score: rules.FormatRat(scores[i]),
			Selected: order[i] > 0, Order: order[i]})
	}
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if err := saveResult(ctx, tx, pool.ID, c); err != nil {
			return err
		}
		return s.storeTurnout(ctx, tx, pool.ID)
	})
	return res, err
}

// storeTurnout replaces a pool's turnout by district and age band with
// the counts from its participations. Imported pools have none; their
// turnout comes from the file and is kept.
func (s *Service) storeTurnout(ctx context.Context, tx *sql.Tx, poolID string) error {
	bands, err := s.ballots().Bands(ctx, tx, "", poolID)
	if err != nil {
		return err
	}
	byDim := map[[2]string]int{}
	for _, b := range bands {
		byDim[[2]string{"district", strconv.Itoa(b.District)}] += b.Voters
		if b.AgeBand != "" {
			byDim[[2]string{"age", b.AgeBand}] += b.Voters
		}
	}
	if len(byDim) == 0 {
		return nil
	}
	return writeTurnout(ctx, tx, poolID, byDim)
}

// PoolResult is a counted pool.
type PoolResult struct {
	Rule      string
	Voters    int
	Void      int
	TotalCost int64
	// Selected are the winning project ids in selection order.
	Selected  []string
	Steps     []rules.Step
	Add1K     int
	CountedAt time.Time
	// Projects are every project on the ballot, most votes (points) first.
	Projects []ProjectResult
	// Turnout counts voters by district number and by age band.
	ByDistrict map[int]int
	ByAge      map[string]int
}

// ProjectResult is one project's outcome.
type ProjectResult struct {
	Project  *Project
	Votes    int
	Score    string
	Selected bool
	Order    int
	// Steps are the engine's steps about this project.
	Steps []rules.Step
}

// Result returns a pool's stored result; NotFound before it is counted.
func (s *Service) Result(ctx context.Context, pool *Pool) (*PoolResult, error) {
	c, err := loadResult(ctx, s.DB, pool.ID)
	if err != nil {
		return nil, err
	}
	r := PoolResult{Rule: c.Rule, Voters: c.Voters, Void: c.Void, TotalCost: c.TotalCost, Selected: c.Selected, Add1K: c.Add1K, CountedAt: c.At}
	if err := json.Unmarshal([]byte(c.Steps), &r.Steps); err != nil {
		return nil, fmt.Errorf("budget: explanation: %w", err)
	}
	projects, err := listProjects(ctx, s.DB, ProjectFilter{PoolID: pool.ID})
	if err != nil {
		return nil, err
	}
	byID := map[string]*Project{}
	byCode := map[string]*Project{}
	for _, p := range projects {
		byID[p.ID], byCode[p.Code] = p, p
	}
	stepsOf := map[string][]rules.Step{}
	for _, st := range r.Steps {
		if p := byCode[st.Project]; p != nil {
			stepsOf[p.ID] = append(stepsOf[p.ID], st)
		}
	}
	for _, pc := range c.Projects {
		pr := ProjectResult{Project: byID[pc.ProjectID], Votes: pc.Votes, Score: pc.Score, Selected: pc.Selected, Order: pc.Order,
			Steps: stepsOf[pc.ProjectID]}
		if pr.Project != nil {
			r.Projects = append(r.Projects, pr)
		}
	}
	slices.SortStableFunc(r.Projects, func(a, b ProjectResult) int {
		if c := compareDecimal(b.Score, a.Score); c != 0 {
			return c
		}
		return compareCodes(a.Project.Code, b.Project.Code)
	})
	r.ByDistrict, r.ByAge, err = turnoutOf(ctx, s.DB, pool.ID)
	return &r, err
}

func compareDecimal(a, b string) int {
	x, okx := new(big.Rat).SetString(a)
	y, oky := new(big.Rat).SetString(b)
	if !okx || !oky {
		return strings.Compare(a, b)
	}
	return x.Cmp(y)
}
