package budget

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/civitas-city/civitas/internal/web"
)

// OfficerHomePage lists every edition for officers.
type OfficerHomePage struct {
	Editions []OfficerEditionLine
}

// OfficerEditionLine is an edition in the officers' list.
type OfficerEditionLine struct {
	E       *Edition
	Manages bool
}

func (h *Handler) handleOfficerHome(w http.ResponseWriter, r *http.Request) error {
	list, err := h.Service.Editions(r.Context())
	if err != nil {
		return err
	}
	a := actor(r)
	var page OfficerHomePage
	for _, e := range list {
		full, err := h.Service.EditionByID(r.Context(), e.ID)
		if err != nil {
			return err
		}
		page.Editions = append(page.Editions, OfficerEditionLine{E: full, Manages: full.MayManage(a)})
	}
	return h.render(w, r, "officer_home", "budget.officer.title", nil, page)
}

// ConfigPage is the configuration form of an edition (new or existing).
type ConfigPage struct {
	Edition  *Edition // nil for a new one
	Config   string
	Errors   web.FormErrors
	Problems []string
	Action   string
	Rules    []string
}

// exampleConfig starts a new edition: Kraków's rules.
func (h *Handler) exampleConfig() Config {
	year := h.Service.now().Year() + 1
	c := Config{
		Slug: "bo-" + strconv.Itoa(year), Kind: KindCity, Title: "Budżet Obywatelski " + strconv.Itoa(year), PoolPolicy: PolicyCityAndHome,
		PaperPolicy: FirstWins, MinAge: 0, Signatures: 0, Categories: []string{"zieleń", "sport", "kultura", "infrastruktura"},
		Pools: []PoolConfig{{Slug: "city", Name: "Ogólnomiejski", Amount: "10000000", Ballot: Ranking, MinChoices: 1, MaxChoices: 3,
			Points: []int{3, 2, 1}, Rule: "greedy"}},
	}
	for _, d := range h.Districts {
		c.Pools = append(c.Pools, PoolConfig{Slug: "d" + strconv.Itoa(d.Number), Name: d.Name, District: d.Number, Amount: "1000000",
			Ballot: Ranking, MinChoices: 1, MaxChoices: 3, Points: []int{3, 2, 1}, Rule: "greedy"})
	}
	return c
}

func (h *Handler) configPage(r *http.Request, e *Edition, text string, err error) (*ConfigPage, web.FormErrors, error) {
	page := &ConfigPage{Edition: e, Config: text, Action: "/officer/budget/new", Rules: CountingRules()}
	if e != nil {
		page.Action = "/officer/budget/" + e.Slug + "/config"
	}
	if err == nil {
		return page, nil, nil
	}
	errs, ferr := h.formErrors(r, err)
	if ferr != nil {
		return nil, nil, ferr
	}
	page.Errors = errs
	var ce *ConfigError
	if errors.As(err, &ce) {
		for _, p := range ce.Problems {
			page.Problems = append(page.Problems, p.Path+": "+h.t(r, p.Key))
		}
	}
	return page, errs, nil
}

func (h *Handler) handleNewEdition(w http.ResponseWriter, r *http.Request) error {
	page, _, _ := h.configPage(r, nil, h.exampleConfig().JSON(), nil)
	return h.render(w, r, "officer_config", "budget.officer.new", nil, page)
}

func (h *Handler) handleCreateEdition(w http.ResponseWriter, r *http.Request) error {
	text := r.PostFormValue("config")
	c, err := ParseConfig([]byte(text))
	var e *Edition
	if err == nil {
		e, err = h.Service.CreateEdition(r.Context(), actor(r), c)
	}
	if err != nil {
		page, errs, perr := h.configPage(r, nil, text, err)
		if perr != nil {
			return perr
		}
		return h.render(w, r, "officer_config", "budget.officer.new", errs, page)
	}
	return seeOther(w, r, "/officer/budget/"+e.Slug+"?done=created")
}

// OfficerEditionPage is where officers run an edition.
type OfficerEditionPage struct {
	EditionView
	Config    *ConfigPage
	Phases    []Phase
	Counts    map[string]int // projects by status
	Voters    int
	Roster    []Pupil
	Errors    web.FormErrors
	Notice    string
	Integrity Integrity
	// Settings is the settings form (the JSON below it is the advanced
	// option).
	Settings *SettingsForm
}

func (h *Handler) officerEditionPage(r *http.Request, e *Edition, cfg *ConfigPage, errs web.FormErrors) (*OfficerEditionPage, error) {
	ctx := r.Context()
	turnout, err := h.Service.Turnout(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	if cfg == nil {
		cfg, _, _ = h.configPage(r, e, e.Config().JSON(), nil)
	}
	settings := h.settingsOf(e.Config())
	page := &OfficerEditionPage{EditionView: h.editionView(r, e, turnout), Config: cfg, Settings: settings, Errors: errs, Counts: map[string]int{},
		Notice: r.URL.Query().Get("done")}
	for _, p := range Phases {
		if !e.Votes() && (p == PhaseAppeals || p == PhaseVoting || p == PhaseResults) {
			continue
		}
		page.Phases = append(page.Phases, p)
	}
	for _, n := range turnout {
		page.Voters += n
	}
	if e.Votes() {
		if page.Integrity, err = h.Service.CheckIntegrity(ctx, e.ID); err != nil {
			return nil, err
		}
	}
	ps, err := h.Service.Projects(ctx, ProjectFilter{EditionID: e.ID})
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		page.Counts[p.Status]++
	}
	if e.Kind == KindSchool {
		if page.Roster, err = h.Service.Roster(ctx, e.ID); err != nil {
			return nil, err
		}
	}
	return page, nil
}

func (h *Handler) handleOfficerEdition(w http.ResponseWriter, r *http.Request) error {
	e, err := h.managedEdition(r)
	if err != nil {
		return err
	}
	page, err := h.officerEditionPage(r, e, nil, nil)
	if err != nil {
		return err
	}
	return h.render(w, r, "officer_edition", "budget.officer.title", nil, page)
}

func (h *Handler) handleConfig(w http.ResponseWriter, r *http.Request) error {
	e, err := h.managedEdition(r)
	if err != nil {
		return err
	}
	text := r.PostFormValue("config")
	c, err := ParseConfig([]byte(text))
	if err == nil {
		err = h.Service.UpdateEdition(r.Context(), actor(r), e.ID, c)
	}
	if err != nil {
		cfg, errs, perr := h.configPage(r, e, text, err)
		if perr != nil {
			return perr
		}
		page, perr := h.officerEditionPage(r, e, cfg, errs)
		if perr != nil {
			return perr
		}
		return h.render(w, r, "officer_edition", "budget.officer.title", errs, page)
	}
	return seeOther(w, r, "/officer/budget/"+c.Slug+"?done=saved")
}

// editionAction runs an officer's change on an edition and shows the
// edition's page again with the problem, or goes back to it; done (with a
// fragment if any) tells the page what happened.
func (h *Handler) editionAction(w http.ResponseWriter, r *http.Request, do func(e *Edition) error, done string) error {
	e, err := h.managedEdition(r)
	if err != nil {
		return err
	}
	if err := do(e); err != nil {
		return h.showAgain(w, r, err, "officer_edition", "budget.officer.title", func(errs web.FormErrors) (any, error) {
			return h.officerEditionPage(r, e, nil, errs)
		})
	}
	return seeOther(w, r, "/officer/budget/"+e.Slug+"?done="+done)
}

// PhaseConfirmPage asks before a phase change: it opens or closes what
// residents may do (submit, vote), so a slip of the dropdown must not do it.
type PhaseConfirmPage struct {
	E        *Edition
	From, To Phase
}

// handlePhase changes the phase once confirmed: the first post shows a
// confirmation page whose form posts again with confirm=yes.
func (h *Handler) handlePhase(w http.ResponseWriter, r *http.Request) error {
	to := Phase(r.PostFormValue("phase"))
	if r.PostFormValue("confirm") != "yes" && to.Valid() {
		e, err := h.managedEdition(r)
		if err != nil {
			return err
		}
		if to != e.Phase {
			return h.render(w, r, "officer_phase", "budget.phase_confirm.title", nil, PhaseConfirmPage{E: e, From: e.Phase, To: to})
		}
	}
	return h.editionAction(w, r, func(e *Edition) error {
		return h.Service.SetPhase(r.Context(), actor(r), e.ID, Phase(r.PostFormValue("phase")))
	}, "phase")
}

func (h *Handler) handleCount(w http.ResponseWriter, r *http.Request) error {
	e, err := h.managedEdition(r)
	if err != nil {
		return err
	}
	if err := h.Service.Recount(r.Context(), actor(r), e.ID); err != nil {
		return err
	}
	return seeOther(w, r, "/officer/budget/"+e.Slug+"?done=counted")
}

func (h *Handler) handleRoster(w http.ResponseWriter, r *http.Request) error {
	return h.editionAction(w, r, func(e *Edition) error {
		return h.Service.AddToRoster(r.Context(), actor(r), e.ID, r.PostFormValue("email"))
	}, "roster#roster")
}
