package budget

import (
	"net/http"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/web"
)

// EditionJSON is an edition in the API.
type EditionJSON struct {
	Slug        string           `json:"slug"`
	Kind        Kind             `json:"kind"`
	Title       string           `json:"title"`
	Phase       Phase            `json:"phase"`
	VotingOpen  bool             `json:"voting_open"`
	Schedule    map[Phase]string `json:"schedule"`
	PoolPolicy  PoolPolicy       `json:"pool_policy"`
	AllowChange bool             `json:"allow_change"`
	MinAge      int              `json:"min_age"`
	Pools       []PoolInfoJSON   `json:"pools,omitempty"`
}

// PoolInfoJSON is a pool in the API, with its live turnout and the
// projects on its ballot.
type PoolInfoJSON struct {
	Slug          string           `json:"slug"`
	Name          string           `json:"name"`
	District      int              `json:"district,omitempty"`
	Amount        string           `json:"amount"`
	Ballot        BallotKind       `json:"ballot"`
	MinChoices    int              `json:"min_choices"`
	MaxChoices    int              `json:"max_choices"`
	Points        []int            `json:"points,omitempty"`
	MaxPoints     int              `json:"max_points,omitempty"`
	MaxPerProject int              `json:"max_per_project,omitempty"`
	Rule          string           `json:"rule"`
	Voters        int              `json:"voters"`
	Projects      []BallotProjJSON `json:"projects,omitempty"`
}

// BallotProjJSON is a project on a ballot.
type BallotProjJSON struct {
	ID    string `json:"id"`
	Code  string `json:"code"`
	Title string `json:"title"`
	Cost  string `json:"cost"`
}

func (h *Handler) editionJSON(e *Edition) EditionJSON {
	out := EditionJSON{Slug: e.Slug, Kind: e.Kind, Title: e.Title, Phase: e.Phase, VotingOpen: e.VotingOpen(h.Service.now()),
		Schedule: map[Phase]string{}, PoolPolicy: e.PoolPolicy, AllowChange: e.AllowChange, MinAge: e.MinAge}
	for p, t := range e.Starts {
		out.Schedule[p] = t.UTC().Format("2006-01-02T15:04:05Z")
	}
	return out
}

func (h *Handler) apiEditions(w http.ResponseWriter, r *http.Request) error {
	list, err := h.Service.Editions(r.Context())
	if err != nil {
		return err
	}
	out := []EditionJSON{}
	for _, e := range list {
		if e.Phase != PhaseDraft {
			out = append(out, h.editionJSON(e))
		}
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"editions": out})
}

func (h *Handler) apiEdition(w http.ResponseWriter, r *http.Request) error {
	e, err := h.edition(r)
	if err != nil {
		return err
	}
	if e.Phase == PhaseDraft {
		return apperr.E(apperr.NotFound, "error.not_found")
	}
	ctx := r.Context()
	turnout, err := h.Service.Turnout(ctx, e.ID)
	if err != nil {
		return err
	}
	out := h.editionJSON(e)
	for i := range e.Pools {
		p := &e.Pools[i]
		pj := PoolInfoJSON{Slug: p.Slug, Name: p.Name, District: p.District, Amount: MoneyDecimal(p.Amount), Ballot: p.Ballot,
			MinChoices: p.MinChoices, MaxChoices: p.MaxChoices, Points: p.Points, MaxPoints: p.MaxPoints,
			MaxPerProject: p.MaxPerProject, Rule: p.Rule, Voters: turnout[p.ID]}
		if e.Votes() {
			projects, err := h.Service.BallotProjects(ctx, e.Slug, p.Slug)
			if err != nil {
				return err
			}
			for _, pr := range projects {
				pj.Projects = append(pj.Projects, BallotProjJSON{ID: pr.ID, Code: pr.Code, Title: pr.Title, Cost: MoneyDecimal(pr.FinalCost())})
			}
		}
		out.Pools = append(out.Pools, pj)
	}
	return web.WriteJSON(w, http.StatusOK, out)
}

func (h *Handler) apiResults(w http.ResponseWriter, r *http.Request) error {
	e, pool, err := h.resultsPool(r)
	if err != nil {
		return err
	}
	res, err := h.Service.Result(r.Context(), pool)
	if err != nil {
		return err
	}
	out := poolJSON(e, pool, res)
	if err := h.Service.analysisJSON(r.Context(), e, pool, &out); err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, out)
}

// apiCast casts a ballot: {"projects": [ids], "points": [...]} answers 201
// {"receipt", "changed"} once the ballot is durably committed.
func (h *Handler) apiCast(w http.ResponseWriter, r *http.Request) error {
	var in BallotInput
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	receipt, err := h.Service.Cast(r.Context(), actor(r), participant(r), r.PathValue("edition"), r.PathValue("pool"), in)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusCreated, receipt)
}
