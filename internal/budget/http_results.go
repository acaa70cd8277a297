package budget

import (
	"bytes"
	"html/template"
	"math/big"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/budget/pabulib"
	"github.com/civitas-city/civitas/internal/budget/rules"
	"github.com/civitas-city/civitas/internal/web"
)

// ResultsPage sums up every pool of an edition.
type ResultsPage struct {
	EditionView
	Pools []PoolSummary
}

// PoolSummary is a pool's outcome in brief.
type PoolSummary struct {
	PoolView
	Counted bool
	Voters  int
	Spent   string
	Winners []ProjectView
}

func (h *Handler) resultsEdition(r *http.Request) (*Edition, error) {
	e, err := h.edition(r)
	if err != nil {
		return nil, err
	}
	if !e.Votes() || e.Phase.Index() < PhaseResults.Index() {
		return nil, apperr.E(apperr.NotFound, "budget.results.not_yet")
	}
	return e, nil
}

// resultsPool loads the path's edition, once its results are out, and the
// path's pool of it.
func (h *Handler) resultsPool(r *http.Request) (*Edition, *Pool, error) {
	e, err := h.resultsEdition(r)
	if err != nil {
		return nil, nil, err
	}
	pool, ok := e.Pool(r.PathValue("pool"))
	if !ok {
		return nil, nil, apperr.E(apperr.NotFound, "budget.error.no_pool")
	}
	return e, pool, nil
}

func (h *Handler) handleResults(w http.ResponseWriter, r *http.Request) error {
	e, err := h.resultsEdition(r)
	if err != nil {
		return err
	}
	lang := web.Lang(r.Context())
	page := ResultsPage{EditionView: h.editionView(r, e, nil)}
	for _, pv := range page.EditionView.Pools {
		sum := PoolSummary{PoolView: pv}
		res, err := h.Service.Result(r.Context(), pv.P)
		switch {
		case apperr.Is(err, apperr.NotFound):
		case err != nil:
			return err
		default:
			sum.Counted, sum.Voters, sum.Spent = true, res.Voters, FormatMoney(lang, res.TotalCost)
			for _, pr := range res.Projects {
				if pr.Selected {
					sum.Winners = append(sum.Winners, h.projectView(r, e, pr.Project))
				}
			}
		}
		page.Pools = append(page.Pools, sum)
	}
	return h.render(w, r, "results", "budget.results.title", nil, page)
}

// PoolResultsPage is a pool's full result.
type PoolResultsPage struct {
	EditionView
	Pool      PoolView
	Rule      string
	Voters    int
	Void      int
	Spent     string
	Left      string
	Projects  []ResultLine
	Chart     template.HTML
	Districts []TurnoutLine
	DistChart template.HTML
	Ages      []TurnoutLine
	AgeChart  template.HTML
	CountedAt time.Time
	Points    bool
}

// ResultLine is a project's line in the results.
type ResultLine struct {
	ProjectView
	Votes    int
	Score    string
	Selected bool
	Order    int
	Why      []string
}

// TurnoutLine is a row of a turnout table.
type TurnoutLine struct {
	Label   string
	Voters  int
	Share   string // of the pool's voters
	Turnout string // of the residents, when the population is known
}

func (h *Handler) handlePoolResults(w http.ResponseWriter, r *http.Request) error {
	e, pool, err := h.resultsPool(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	lang := web.Lang(ctx)
	res, err := h.Service.Result(ctx, pool)
	if err != nil {
		if apperr.Is(err, apperr.NotFound) {
			return apperr.E(apperr.NotFound, "budget.results.not_counted")
		}
		return err
	}
	page := PoolResultsPage{EditionView: h.editionView(r, e, nil), Rule: res.Rule, Voters: res.Voters, Void: res.Void,
		Spent: FormatMoney(lang, res.TotalCost), Left: FormatMoney(lang, pool.Amount-res.TotalCost),
		CountedAt: res.CountedAt, Points: pool.Ballot != Approval}
	for _, pv := range page.EditionView.Pools {
		if pv.P.ID == pool.ID {
			page.Pool = pv
		}
	}
	var bars []web.Bar
	for _, pr := range res.Projects {
		line := ResultLine{ProjectView: h.projectView(r, e, pr.Project), Votes: pr.Votes, Score: score(lang, pr.Score),
			Selected: pr.Selected, Order: pr.Order, Why: Explain(h.Site.Catalog, lang, pr.Steps, pr.Selected)}
		page.Projects = append(page.Projects, line)
		v, _ := new(big.Rat).SetString(pr.Score)
		f := 0.0
		if v != nil {
			f, _ = v.Float64()
		}
		bars = append(bars, web.Bar{Label: pr.Project.Code + " " + pr.Project.Title, Value: f, ValueLabel: line.Score, Highlight: pr.Selected})
	}
	scoreKey := "budget.results.chart_votes"
	if page.Points {
		scoreKey = "budget.results.chart_points"
	}
	page.Chart = web.BarChart("chart-projects", h.t(r, scoreKey, pool.NameText().For(web.Lang(r.Context()))), bars)
	share := func(n, of int) string {
		if of == 0 {
			return ""
		}
		return strconv.FormatFloat(float64(n)*100/float64(of), 'f', 1, 64) + "%"
	}
	var dbars []web.Bar
	districts := make([]int, 0, len(res.ByDistrict))
	for d := range res.ByDistrict {
		districts = append(districts, d)
	}
	slices.Sort(districts)
	for _, d := range districts {
		n := res.ByDistrict[d]
		l := TurnoutLine{Label: h.t(r, "budget.results.unknown_district"), Voters: n, Share: share(n, res.Voters)}
		if d > 0 {
			l.Label = h.districtName(d)
			for _, dd := range h.Districts {
				if dd.Number == d && dd.Population > 0 {
					l.Turnout = share(n, dd.Population)
				}
			}
		}
		page.Districts = append(page.Districts, l)
		dbars = append(dbars, web.Bar{Label: l.Label, Value: float64(n), ValueLabel: FormatInt(lang, n)})
	}
	if len(dbars) > 0 {
		page.DistChart = web.BarChart("chart-districts", h.t(r, "budget.results.chart_districts", pool.NameText().For(web.Lang(r.Context()))), dbars)
	}
	var abars []web.Bar
	for _, band := range AgeBands {
		if n, ok := res.ByAge[band]; ok {
			page.Ages = append(page.Ages, TurnoutLine{Label: band, Voters: n, Share: share(n, res.Voters)})
			abars = append(abars, web.Bar{Label: band, Value: float64(n), ValueLabel: FormatInt(lang, n)})
		}
	}
	if len(abars) > 0 {
		page.AgeChart = web.BarChart("chart-ages", h.t(r, "budget.results.chart_ages", pool.NameText().For(web.Lang(r.Context()))), abars)
	}
	return h.render(w, r, "pool_results", "budget.results.title", nil, page)
}

// Export files of a pool.
const (
	ExportPabulib = "pool.pb"
	ExportCSV     = "pool.csv"
	ExportJSON    = "pool.json"
)

// PoolJSON is a pool's result in the JSON export and the API.
type PoolJSON struct {
	Edition   string        `json:"edition"`
	Pool      string        `json:"pool"`
	Name      string        `json:"name"`
	District  int           `json:"district,omitempty"`
	Budget    string        `json:"budget"`
	Rule      string        `json:"rule"`
	Voters    int           `json:"voters"`
	Void      int           `json:"void_ballots"`
	TotalCost string        `json:"total_cost"`
	Selected  []string      `json:"selected"`
	Projects  []ProjectJSON `json:"projects"`
	Turnout   TurnoutJSON   `json:"turnout"`
	CountedAt string        `json:"counted_at"`
	// Analysis explains the outcome and Comparison sets greedy counting and Equal Shares
	// side by side (as civitas pb analyze and pb compare print them); project ids are codes.
	Analysis   *rules.AnalysisReport   `json:"analysis,omitempty"`
	Comparison *rules.ComparisonReport `json:"comparison,omitempty"`
}

// ProjectJSON is a project's result.
type ProjectJSON struct {
	Code     string `json:"code"`
	Title    string `json:"title"`
	Category string `json:"category,omitempty"`
	Cost     string `json:"cost"`
	Votes    int    `json:"votes"`
	Score    string `json:"score"`
	Selected bool   `json:"selected"`
	Order    int    `json:"selection_order,omitempty"`
}

// TurnoutJSON is a pool's turnout.
type TurnoutJSON struct {
	ByDistrict map[string]int `json:"by_district"`
	ByAge      map[string]int `json:"by_age"`
}

func poolJSON(e *Edition, pool *Pool, res *PoolResult) PoolJSON {
	out := PoolJSON{Edition: e.Slug, Pool: pool.Slug, Name: pool.Name, District: pool.District, Budget: MoneyDecimal(pool.Amount),
		Rule: res.Rule, Voters: res.Voters, Void: res.Void, TotalCost: MoneyDecimal(res.TotalCost), Selected: []string{},
		Projects: []ProjectJSON{}, Turnout: TurnoutJSON{ByDistrict: map[string]int{}, ByAge: res.ByAge},
		CountedAt: res.CountedAt.UTC().Format("2006-01-02T15:04:05Z")}
	code := map[string]string{}
	for _, pr := range res.Projects {
		code[pr.Project.ID] = pr.Project.Code
		out.Projects = append(out.Projects, ProjectJSON{Code: pr.Project.Code, Title: pr.Project.Title, Category: pr.Project.Category,
			Cost: MoneyDecimal(pr.Project.FinalCost()), Votes: pr.Votes, Score: pr.Score, Selected: pr.Selected, Order: pr.Order})
	}
	for _, id := range res.Selected {
		out.Selected = append(out.Selected, code[id])
	}
	for d, n := range res.ByDistrict {
		out.Turnout.ByDistrict[strconv.Itoa(d)] = n
	}
	return out
}

func (h *Handler) handleExport(w http.ResponseWriter, r *http.Request) error {
	e, pool, err := h.resultsPool(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	name := e.Slug + "-" + pool.Slug
	switch r.PathValue("file") {
	case ExportPabulib:
		el, _, err := h.Service.Election(ctx, e, pool)
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		if err := pabulib.Write(&buf, el); err != nil {
			return err
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.pb"`)
		_, err = w.Write(buf.Bytes())
		return err
	case ExportCSV, ExportJSON:
	default:
		return apperr.E(apperr.NotFound, "error.not_found")
	}
	res, err := h.Service.Result(ctx, pool)
	if err != nil {
		return err
	}
	data := poolJSON(e, pool, res)
	if r.PathValue("file") == ExportJSON {
		if err := h.Service.analysisJSON(ctx, e, pool, &data); err != nil {
			return err
		}
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.json"`)
		return web.WriteJSON(w, http.StatusOK, data)
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.csv"`)
	cw := web.NewCSV(w, true) // titles are residents' text: never a formula in a spreadsheet
	cw.Write([]string{"code", "title", "category", "cost", "votes", "score", "selected", "selection_order"})
	for _, p := range data.Projects {
		order := ""
		if p.Order > 0 {
			order = strconv.Itoa(p.Order)
		}
		cw.Write([]string{p.Code, p.Title, p.Category, p.Cost, strconv.Itoa(p.Votes), p.Score, strconv.FormatBool(p.Selected), order})
	}
	return cw.Flush()
}
