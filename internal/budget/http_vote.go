package budget

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/web"
)

// VotePage lists the pools a resident may vote in.
type VotePage struct {
	EditionView
	Pools   []VotePool
	Problem string // why they cannot vote at all
	// Others counts the pools left off because they are for residents of
	// other districts: a resident who may vote sees only their own.
	Others int
}

// VotePool is a pool on the vote page.
type VotePool struct {
	PoolView
	Allowed bool
	Voted   bool
	Receipt string
}

func (h *Handler) handleVote(w http.ResponseWriter, r *http.Request) error {
	e, err := h.edition(r)
	if err != nil {
		return err
	}
	if !e.Votes() {
		return apperr.E(apperr.NotFound, "budget.error.no_vote")
	}
	ctx := r.Context()
	user := participant(r)
	page := VotePage{EditionView: h.editionView(r, e, nil)}
	res, err := h.Service.eligible(ctx, e, user)
	if err != nil {
		if page.Problem = apperr.MessageOf(err); page.Problem == "" {
			return err
		}
	} else if !page.Open {
		page.Problem = "budget.vote.error.closed"
	}
	mine, err := h.Service.MyBallots(ctx, user, e.ID)
	if err != nil {
		return err
	}
	for _, pv := range page.EditionView.Pools {
		vp := VotePool{PoolView: pv, Allowed: page.Problem == "" && e.MayVoteIn(pv.P, res.District)}
		for _, b := range mine {
			if b.PoolID == pv.P.ID {
				vp.Voted, vp.Receipt = true, b.Receipt
			}
		}
		if page.Problem == "" && !vp.Allowed && !vp.Voted {
			page.Others++
			continue
		}
		page.Pools = append(page.Pools, vp)
	}
	return h.render(w, r, "vote", "budget.vote.title", nil, page)
}

// BallotPage is the ballot of one pool.
type BallotPage struct {
	EditionView
	Pool     PoolView
	Projects []BallotChoice
	Ranks    []RankView // for a ranking
	Errors   web.FormErrors
	Problem  string
	Voted    *MyBallot
	Change   bool // the resident may still change their ballot
	Action   string
	Acting   bool
}

// RankView is a place on a ranking ballot and its points.
type RankView struct{ N, Points int }

func rankViews(pool *Pool) []RankView {
	if pool.Ballot != Ranking {
		return nil
	}
	out := make([]RankView, len(pool.Points))
	for i, pt := range pool.Points {
		out[i] = RankView{N: i + 1, Points: pt}
	}
	return out
}

// BallotChoice is a project on a ballot form, with what was chosen.
type BallotChoice struct {
	ProjectView
	Checked bool
	Rank    int
	Points  int
}

func (h *Handler) ballotPage(r *http.Request, e *Edition, pool *Pool, in BallotInput, errs web.FormErrors) (*BallotPage, error) {
	ctx := r.Context()
	page := &BallotPage{EditionView: h.editionView(r, e, nil), Errors: errs,
		Action: "/budget/" + e.Slug + "/vote/" + pool.Slug, Acting: web.OnBehalfOf(ctx) != ""}
	for _, pv := range page.EditionView.Pools {
		if pv.P.ID == pool.ID {
			page.Pool = pv
		}
	}
	page.Ranks = rankViews(pool)
	projects, err := h.Service.BallotProjects(ctx, e.Slug, pool.Slug)
	if err != nil {
		return nil, err
	}
	for _, p := range projects {
		c := BallotChoice{ProjectView: h.projectView(r, e, p)}
		if k := slices.Index(in.Projects, p.ID); k >= 0 {
			c.Checked, c.Rank = true, k+1
			if k < len(in.Points) {
				c.Points = in.Points[k]
			}
		}
		page.Projects = append(page.Projects, c)
	}
	user := participant(r)
	now := h.Service.now()
	res, err := h.Service.eligible(ctx, e, user)
	switch {
	case err != nil:
		if page.Problem = apperr.MessageOf(err); page.Problem == "" {
			return nil, err
		}
	case !e.VotingOpen(now):
		page.Problem = "budget.vote.error.closed"
	default:
		if err := e.checkVoter(pool, res, now); err != nil {
			page.Problem = apperr.MessageOf(err)
		}
	}
	mine, err := h.Service.MyBallots(ctx, user, e.ID)
	if err != nil {
		return nil, err
	}
	for i := range mine {
		if mine[i].PoolID == pool.ID || (e.slot(pool) == "district" && pool.District > 0 && h.poolDistrict(e, mine[i].PoolID) > 0) {
			page.Voted = &mine[i]
		}
	}
	page.Change = page.Voted != nil && e.AllowChange && page.Voted.Channel == ChannelOnline && !page.Voted.Void && page.Problem == ""
	return page, nil
}

func (h *Handler) poolDistrict(e *Edition, poolID string) int {
	if p, ok := e.PoolByID(poolID); ok {
		return p.District
	}
	return 0
}

// votePool finds the path's edition and pool through the ballot sheet
// cache: the vote's hot path reads no edition from the database (the
// transaction that records a ballot checks the phase itself).
func (h *Handler) votePool(r *http.Request) (*Edition, *Pool, error) {
	sh, err := h.Service.sheet(r.Context(), r.PathValue("edition"), r.PathValue("pool"))
	if err != nil {
		return nil, nil, err
	}
	if !sh.edition.Votes() {
		return nil, nil, apperr.E(apperr.NotFound, "budget.error.no_vote")
	}
	return sh.edition, sh.pool, nil
}

func (h *Handler) handleBallot(w http.ResponseWriter, r *http.Request) error {
	e, pool, err := h.votePool(r)
	if err != nil {
		return err
	}
	page, err := h.ballotPage(r, e, pool, BallotInput{}, nil)
	if err != nil {
		return err
	}
	if page.Voted != nil {
		page.preselect(page.Voted)
	}
	return h.render(w, r, "ballot", "budget.ballot.title", nil, page)
}

// preselect marks a resident's current choices on the form.
func (p *BallotPage) preselect(b *MyBallot) {
	for i := range p.Projects {
		if k := slices.Index(b.Choices, p.Projects[i].P.ID); k >= 0 {
			p.Projects[i].Checked, p.Projects[i].Rank = true, k+1
			if k < len(b.Points) {
				p.Projects[i].Points = b.Points[k]
			}
		}
	}
}

// ballotInput reads a ballot form: checkboxes "project" (approval), selects
// "rank1".."rankN" (ranking) or numbers "points_ID" (cumulative).
func ballotInput(r *http.Request, pool *Pool, onBallot []string) (BallotInput, error) {
	var in BallotInput
	switch pool.Ballot {
	case Approval:
		for _, id := range r.PostForm["project"] {
			in.Projects = append(in.Projects, strings.TrimSpace(id))
		}
	case Ranking:
		for k := 1; k <= pool.MaxChoices; k++ {
			if id := trimmed(r, "rank"+strconv.Itoa(k)); id != "" {
				in.Projects = append(in.Projects, id)
			}
		}
	case Cumulative:
		for _, id := range onBallot {
			v := trimmed(r, "points_"+id)
			if v == "" || v == "0" {
				continue
			}
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return in, ballotError("budget.vote.error.points")
			}
			in.Projects, in.Points = append(in.Projects, id), append(in.Points, n)
		}
	}
	return in, nil
}

func (h *Handler) handleCast(w http.ResponseWriter, r *http.Request) error {
	e, pool, err := h.votePool(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	projects, err := h.Service.BallotProjects(ctx, e.Slug, pool.Slug)
	if err != nil {
		return err
	}
	var onBallot []string
	for _, p := range projects {
		onBallot = append(onBallot, p.ID)
	}
	in, err := ballotInput(r, pool, onBallot)
	if err == nil {
		_, err = h.Service.Cast(ctx, actor(r), participant(r), e.Slug, pool.Slug, in)
	}
	if err != nil {
		return h.showAgain(w, r, err, "ballot", "budget.ballot.title", func(errs web.FormErrors) (any, error) {
			return h.ballotPage(r, e, pool, in, errs)
		}, apperr.Forbidden)
	}
	return seeOther(w, r, "/budget/"+e.Slug+"/vote/"+pool.Slug+"/done")
}

// BallotDonePage confirms a ballot.
type BallotDonePage struct {
	EditionView
	Pool    PoolView
	Ballot  *MyBallot
	Choices []DoneChoice
}

// DoneChoice is a chosen project on the confirmation page.
type DoneChoice struct {
	Code, Title string
	Points      int
}

func (h *Handler) handleCastDone(w http.ResponseWriter, r *http.Request) error {
	e, pool, err := h.votePool(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	mine, err := h.Service.MyBallots(ctx, participant(r), e.ID)
	if err != nil {
		return err
	}
	page := BallotDonePage{EditionView: h.editionView(r, e, nil)}
	for _, pv := range page.EditionView.Pools {
		if pv.P.ID == pool.ID {
			page.Pool = pv
		}
	}
	for i := range mine {
		if mine[i].PoolID == pool.ID {
			page.Ballot = &mine[i]
		}
	}
	if page.Ballot == nil {
		return h.render(w, r, "ballot_done", "budget.vote.title", nil, page)
	}
	titles, err := h.projectTitles(r, e)
	if err != nil {
		return err
	}
	for i, id := range page.Ballot.Choices {
		c := DoneChoice{Code: titles[id][0], Title: titles[id][1]}
		if i < len(page.Ballot.Points) {
			c.Points = page.Ballot.Points[i]
		}
		page.Choices = append(page.Choices, c)
	}
	return h.render(w, r, "ballot_done", "budget.done.title", nil, page)
}

// projectTitles maps an edition's public project ids to [code, title].
func (h *Handler) projectTitles(r *http.Request, e *Edition) (map[string][2]string, error) {
	ps, err := h.Service.Projects(r.Context(), ProjectFilter{EditionID: e.ID, Public: true})
	if err != nil {
		return nil, err
	}
	out := make(map[string][2]string, len(ps))
	for _, p := range ps {
		out[p.ID] = [2]string{p.Code, p.Title}
	}
	return out, nil
}

// BallotsPage is the published ballot list of a pool, and the receipt
// check.
type BallotsPage struct {
	EditionView
	Pool      *Pool
	Published bool // the list is public (voting has closed)
	Ballots   []BallotLine
	Next      string
	Receipt   string
	Found     *BallotLine
	FoundPool string
	NotFound  bool
}

// BallotLine is one published ballot.
type BallotLine struct {
	Receipt string
	Channel string
	Void    bool
	Choices []DoneChoice
}

func (h *Handler) handleBallots(w http.ResponseWriter, r *http.Request) error {
	e, err := h.edition(r)
	if err != nil {
		return err
	}
	if !e.Votes() || e.Phase == PhaseDraft {
		return apperr.E(apperr.NotFound, "budget.error.no_vote")
	}
	ctx := r.Context()
	q := r.URL.Query()
	page := BallotsPage{EditionView: h.editionView(r, e, nil), Published: e.Phase.Index() >= PhaseResults.Index(),
		Receipt: strings.TrimSpace(q.Get("receipt"))}
	titles, err := h.projectTitles(r, e)
	if err != nil {
		return err
	}
	line := func(b PublishedBallot) BallotLine {
		l := BallotLine{Receipt: b.Receipt, Channel: b.Channel, Void: b.Void}
		for i, id := range b.Choices {
			c := DoneChoice{Code: titles[id][0], Title: titles[id][1]}
			if i < len(b.Points) {
				c.Points = b.Points[i]
			}
			l.Choices = append(l.Choices, c)
		}
		return l
	}
	if page.Receipt != "" {
		b, poolID, err := h.Service.FindReceipt(ctx, e.ID, page.Receipt)
		switch {
		case err == nil:
			l := line(b)
			if !page.Published {
				l.Choices = nil
			}
			page.Found = &l
			if p, ok := e.PoolByID(poolID); ok {
				page.FoundPool = p.NameText().For(web.Lang(r.Context()))
			}
		case apperr.Is(err, apperr.NotFound):
			page.NotFound = true
		default:
			return err
		}
	}
	if page.Published && len(e.Pools) > 0 {
		page.Pool = &e.Pools[0]
		if slug := q.Get("pool"); slug != "" {
			p, ok := e.Pool(slug)
			if !ok {
				return apperr.E(apperr.NotFound, "budget.error.no_pool")
			}
			page.Pool = p
		}
		const perPage = 100
		list, err := h.Service.Ballots(ctx, page.Pool.ID, NormalizeReceipt(q.Get("after")), perPage+1)
		if err != nil {
			return err
		}
		if len(list) > perPage {
			list = list[:perPage]
			page.Next = list[perPage-1].Receipt
		}
		for _, b := range list {
			page.Ballots = append(page.Ballots, line(b))
		}
	}
	return h.render(w, r, "ballots", "budget.ballots.title", nil, page)
}
