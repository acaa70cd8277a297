package budget

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/ballot"
	"github.com/civitas-city/civitas/internal/budget/pabulib"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/google/uuid"
)

//go:embed demo/Poland_Krakow_2025_Stare_Miasto.pb
var demoFS embed.FS

// DemoFile is the real Kraków election the demo imports (see
// demo/SOURCES.md).
const DemoFile = "Poland_Krakow_2025_Stare_Miasto.pb"

// Slugs of the demo editions.
const (
	DemoPastSlug    = "bo-krakow-2025"
	DemoCurrentSlug = "bo-krakow-2027"
	DemoLocalSlug   = "inicjatywy-lokalne-2027"
)

// Fixed ids of demo objects, so the browser tests can open their pages.
var (
	// DemoProjectID is the first city-wide project of the current edition
	// (by the demo resident).
	DemoProjectID = demoID("project:bo-krakow-2027:1")
	// DemoDraftID is the demo resident's draft local initiative.
	DemoDraftID = demoID("project:inicjatywy-lokalne-2027:draft")
	// DemoBatchID is a paper ballot batch of the current edition.
	DemoBatchID = demoID("batch:bo-krakow-2027:1")
)

func demoID(name string) string {
	return uuid.NewSHA1(uuid.NameSpaceURL, []byte("https://civitas.city/demo/"+name)).String()
}

// DemoOptions says who the demo's people are.
type DemoOptions struct {
	// ResidentID authors a few projects (the demo resident); may be "".
	ResidentID string
	// OfficerID reviews them (the demo officer); may be "".
	OfficerID string
	// Districts are the city's districts: one pool each.
	Districts []District
}

// SeedDemo loads the budget's demo: a past Kraków edition imported from a
// real Pabulib file (counted, with realization under way), an edition open
// for voting with a city-wide pool and one pool per district, and local
// initiatives taking submissions. Running it again changes nothing.
func SeedDemo(ctx context.Context, s *Service, o DemoOptions) error {
	if _, err := s.Edition(ctx, DemoPastSlug); err == nil {
		return nil
	} else if !apperr.Is(err, apperr.NotFound) {
		return err
	}
	officer := Actor{ID: o.OfficerID, Name: "demo"}
	raw, err := demoFS.ReadFile("demo/" + DemoFile)
	if err != nil {
		return err
	}
	el, err := pabulib.Parse(raw)
	if err != nil {
		return err
	}
	imp, err := s.Import(ctx, el, ImportOptions{Slug: DemoPastSlug, Title: "Budżet Obywatelski Krakowa 2025 (XII edycja)",
		PoolSlug: "stare-miasto", PoolName: "Dzielnica I Stare Miasto", District: 1, Source: DemoFile, Actor: officer})
	if err != nil {
		return fmt.Errorf("budget demo: import: %w", err)
	}
	if err := s.SetPhase(ctx, officer, imp.Edition.ID, PhaseRealization); err != nil {
		return err
	}
	if err := s.demoRealization(ctx, officer, imp); err != nil {
		return err
	}
	if err := s.demoCurrent(ctx, officer, o); err != nil {
		return err
	}
	return s.demoLocal(ctx, officer, o)
}

func (s *Service) demoRealization(ctx context.Context, officer Actor, imp *Imported) error {
	res, err := s.Result(ctx, imp.Pool)
	if err != nil {
		return err
	}
	states := []struct {
		status   string
		progress string
		note     string
	}{
		{RealCompleted, "100", "Zrealizowano: nasadzenia i odbiór prac zakończone."},
		{RealInProgress, "60", "Trwają prace; zakończenie planowane na wiosnę."},
		{RealTender, "20", "Ogłoszono przetarg na wykonawcę."},
		{RealDesign, "10", "Trwa projektowanie."},
	}
	i := 0
	for _, pr := range res.Projects {
		if !pr.Selected || i >= len(states) {
			continue
		}
		st := states[i]
		i++
		if err := s.UpdateRealization(ctx, officer, pr.Project.ID, RealizationInput{Status: st.status, Progress: st.progress, Note: st.note}); err != nil {
			return err
		}
		for j, m := range []string{"Projekt techniczny", "Wybór wykonawcy", "Realizacja", "Odbiór"} {
			if err := s.AddMilestone(ctx, officer, pr.Project.ID, m, fmt.Sprintf("2026-%02d-15", 3+j*2)); err != nil {
				return err
			}
		}
	}
	return nil
}

// demoCityProjects and demoDistrictProjects are made up, in the manner of
// Kraków's projects.
var demoCityProjects = []struct{ title, category, cost string }{
	{"Zielone przystanki w całym mieście", "zieleń", "1800000"},
	{"Bezpłatne warsztaty pierwszej pomocy dla mieszkańców", "edukacja", "250000"},
	{"Tężnie solankowe w parkach miejskich", "zdrowie", "1200000"},
	{"Poidełka z wodą pitną przy bulwarach Wisły", "infrastruktura", "600000"},
	{"Kino plenerowe w każdej dzielnicy", "kultura", "450000"},
	{"Budki lęgowe i łąki kwietne dla zapylaczy", "zieleń", "300000"},
	{"Bezpieczne przejścia dla pieszych przy szkołach", "bezpieczeństwo", "2100000"},
	{"Rowerowe stacje naprawcze", "transport", "350000"},
}

var demoDistrictProjects = []struct{ title, category, cost string }{
	{"Plac zabaw przy ul. %s", "sport", "420000"},
	{"Nasadzenia drzew wzdłuż ul. %s", "zieleń", "280000"},
	{"Siłownia plenerowa w parku dzielnicy %s", "sport", "190000"},
	{"Zajęcia dla seniorów w dzielnicy %s", "kultura", "60000"},
}

var demoStreets = []string{"Floriańska", "Grzegórzecka", "Prądnicka", "Opolska", "Królewska", "Balicka", "Królowej Jadwigi",
	"Zielna", "Zakopiańska", "Niewodniczańskiego", "Wysłouchów", "Wielicka", "Limanowskiego", "Centralna", "Dobrego Pasterza",
	"Kurczaba", "Kocmyrzowska", "Igołomska"}

const demoDescription = "Projekt zakłada %s. Mieszkańcy od dawna zgłaszają tę potrzebę radzie dzielnicy; " +
	"realizacja poprawi jakość życia w okolicy i posłuży wszystkim pokoleniom.\n\n" +
	"**Co zrobimy:**\n\n- przygotujemy projekt wspólnie z mieszkańcami,\n- wykonamy prace w jednym sezonie,\n- zadbamy o utrzymanie przez trzy lata."

func (s *Service) demoCurrent(ctx context.Context, officer Actor, o DemoOptions) error {
	now := s.now().UTC().Truncate(time.Hour)
	sched := func(days int) *time.Time { t := now.AddDate(0, 0, days); return &t }
	c := Config{
		Slug: DemoCurrentSlug, Kind: KindCity, Title: "Budżet Obywatelski Krakowa 2027 (XIII edycja)",
		Description: "Głosowanie trwa: każdy mieszkaniec może oddać głos w puli ogólnomiejskiej i w puli swojej dzielnicy.",
		AutoPhases:  true,
		Schedule: Schedule{Submission: sched(-90), Review: sched(-60), Appeals: sched(-30), Voting: sched(-7),
			Results: sched(14), Realization: sched(60)},
		MinAge: 16, PoolPolicy: PolicyCityAndHome, AllowChange: true, PaperPolicy: FirstWins, DoubleKey: true,
		Categories: []string{"zieleń", "sport", "kultura", "edukacja", "zdrowie", "infrastruktura", "transport", "bezpieczeństwo"},
		Pools: []PoolConfig{{Slug: "miasto", Name: "Projekty ogólnomiejskie", Amount: "10000000", Ballot: Ranking,
			MinChoices: 1, MaxChoices: 3, Points: []int{3, 2, 1}, Rule: "greedy"}},
	}
	for _, d := range o.Districts {
		c.Pools = append(c.Pools, PoolConfig{Slug: fmt.Sprintf("d%02d", d.Number), Name: "Dzielnica " + d.Name, District: d.Number,
			Amount: strconv.Itoa(1_000_000 + d.Population*10), Ballot: Ranking, MinChoices: 1, MaxChoices: 3,
			Points: []int{3, 2, 1}, Rule: "greedy"})
	}
	if s.IsDistrict == nil && len(o.Districts) == 0 {
		return fmt.Errorf("budget demo: no districts")
	}
	e, err := s.CreateEdition(ctx, officer, c)
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(2027, 13))
	var accepted []*Project
	add := func(pool *Pool, i int, title, category, cost, author string, status string) error {
		amount, _ := ParseMoney(cost)
		id := db.NewID()
		if pool.District == 0 && i == 0 {
			id = DemoProjectID
		}
		p := &Project{ID: id, EditionID: e.ID, PoolID: pool.ID, AuthorID: author, Title: title,
			Description: fmt.Sprintf(demoDescription, strings.ToLower(title[:1])+title[1:]), Category: category,
			Address: "Kraków, ul. " + demoStreets[i%len(demoStreets)], Cost: amount, Status: status,
			CostItems: []CostItem{{Label: "Projekt i nadzór", Amount: amount / 10}, {Label: "Wykonanie", Amount: amount - amount/10}},
			CreatedAt: now.AddDate(0, 0, -80), SubmittedAt: now.AddDate(0, 0, -75), UpdatedAt: now.AddDate(0, 0, -40)}
		err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
			code, err := nextCode(ctx, tx, e.ID)
			if err != nil {
				return err
			}
			p.Code = code
			if err := insertProject(ctx, tx, p); err != nil {
				return err
			}
			for _, st := range ReviewStages {
				outcome, reasons := Positive, ""
				if status == StatusRejected && st == StageLegal {
					outcome, reasons = Negative, "Teren nie należy do Gminy Miejskiej Kraków; miasto nie może tu inwestować."
				}
				if _, err := tx.ExecContext(ctx, `INSERT INTO pb_reviews (id, project_id, stage, outcome, reasons, cost_before, officer_id, at)
					VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, db.NewID(), p.ID, st, outcome, reasons, p.Cost, officer.ID, db.TS(now.AddDate(0, 0, -50))); err != nil {
					return err
				}
				if outcome == Negative {
					break
				}
			}
			return nil
		})
		if err == nil && status == StatusAccepted {
			accepted = append(accepted, p)
		}
		return err
	}
	for i := range e.Pools {
		pool := &e.Pools[i]
		if pool.District == 0 {
			for j, dp := range demoCityProjects {
				author := ""
				if j == 0 {
					author = o.ResidentID
				}
				if err := add(pool, j, dp.title, dp.category, dp.cost, author, StatusAccepted); err != nil {
					return err
				}
			}
			if err := add(pool, 9, "Kolejka linowa na Kopiec Kościuszki", "transport", "9000000", "", StatusRejected); err != nil {
				return err
			}
			continue
		}
		name := strings.TrimPrefix(pool.Name, "Dzielnica ")
		for j := range 2 {
			dp := demoDistrictProjects[(pool.District+j)%len(demoDistrictProjects)]
			title := fmt.Sprintf(dp.title, demoStreets[(pool.District+j)%len(demoStreets)])
			if strings.Contains(dp.title, "dzielnicy") {
				title = fmt.Sprintf(dp.title, name)
			}
			if err := add(pool, pool.District+j, title, dp.category, dp.cost, "", StatusAccepted); err != nil {
				return err
			}
		}
	}
	if err := s.SetPhase(ctx, officer, e.ID, PhaseVoting); err != nil {
		return err
	}
	e, err = s.EditionByID(ctx, e.ID)
	if err != nil {
		return err
	}
	if _, err := s.createBatch(ctx, officer, e.ID, "miasto", "Urząd Miasta, pl. Wszystkich Świętych 3-4", "urna 1", DemoBatchID); err != nil {
		return err
	}
	return s.demoBallots(ctx, e, accepted, rng)
}

// demoBallots casts a few hundred ballots of made-up voters (no accounts),
// so the turnout is not zero.
func (s *Service) demoBallots(ctx context.Context, e *Edition, projects []*Project, rng *rand.Rand) error {
	byPool := map[string][]*Project{}
	for _, p := range projects {
		byPool[p.PoolID] = append(byPool[p.PoolID], p)
	}
	now := s.now()
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		open := map[string]bool{e.ID: true}
		for v := range 400 {
			district := 1 + rng.IntN(max(len(e.Pools)-1, 1))
			age := 16 + rng.IntN(70)
			for i := range e.Pools {
				pool := &e.Pools[i]
				if pool.District != 0 && pool.District != district {
					continue
				}
				if rng.IntN(3) == 0 {
					continue
				}
				ps := byPool[pool.ID]
				rng.Shuffle(len(ps), func(a, b int) { ps[a], ps[b] = ps[b], ps[a] })
				n := min(len(ps), 1+rng.IntN(3))
				var choices []string
				for _, p := range ps[:n] {
					choices = append(choices, p.ID)
				}
				r := &ballot.Ballot{Box: e.ID, Pool: pool.ID, Slot: e.slot(pool), Voter: "demo:" + strconv.Itoa(v), Channel: ChannelOnline,
					District: district, AgeBand: bandOf(age), Choices: strings.Join(choices, ","), Points: ballot.JoinInts(pool.Points[:n]),
					At: now.Add(-time.Duration(rng.IntN(7*24)) * time.Hour), AllowChange: e.AllowChange, Policy: ballot.Policy(e.PaperPolicy)}
				if _, err := s.ballots().CastIn(ctx, tx, r, open); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

func (s *Service) demoLocal(ctx context.Context, officer Actor, o DemoOptions) error {
	e, err := s.CreateEdition(ctx, officer, Config{
		Slug: DemoLocalSlug, Kind: KindLocal, Title: "Inicjatywy lokalne 2027",
		Description: "Mieszkańcy zgłaszają inicjatywy przez cały rok; miasto decyduje o każdej i pomaga ją zrealizować.",
		PoolPolicy:  PolicyAny, PaperPolicy: FirstWins, Categories: []string{"zieleń", "kultura", "sąsiedztwo"},
		Pools: []PoolConfig{{Slug: "inicjatywy", Name: "Inicjatywy lokalne", Amount: "500000", Ballot: Approval, MinChoices: 1,
			MaxChoices: 1, Rule: "greedy"}},
	})
	if err != nil {
		return err
	}
	if err := s.SetPhase(ctx, officer, e.ID, PhaseSubmission); err != nil {
		return err
	}
	e, err = s.EditionByID(ctx, e.ID)
	if err != nil {
		return err
	}
	now := s.now()
	for i, t := range []string{"Ogród społeczny na podwórku przy ul. Dietla", "Sąsiedzki festyn na Olszy"} {
		p := &Project{ID: db.NewID(), EditionID: e.ID, PoolID: e.Pools[0].ID, Code: strconv.Itoa(i + 1), AuthorID: o.ResidentID, Title: t,
			Description: fmt.Sprintf(demoDescription, strings.ToLower(t[:1])+t[1:]), Category: "sąsiedztwo", Address: "Kraków",
			Cost: 2_000_000 + int64(i)*1_500_000, Status: StatusSubmitted, CreatedAt: now, SubmittedAt: now, UpdatedAt: now,
			CostItems: []CostItem{{Label: "Materiały", Amount: 2_000_000 + int64(i)*1_500_000}}}
		if err := insertProject(ctx, s.DB, p); err != nil {
			return err
		}
		if i == 0 {
			if err := s.RecordReview(ctx, officer, p.ID, ReviewInput{Stage: StageDecision, Outcome: Positive,
				Reasons: "Inicjatywa zatwierdzona; miasto przekaże sadzonki i narzędzia."}); err != nil {
				return err
			}
		}
	}
	if o.ResidentID == "" {
		return nil
	}
	draft := &Project{ID: DemoDraftID, EditionID: e.ID, PoolID: e.Pools[0].ID, AuthorID: o.ResidentID, Title: "Wymiana książek na skwerze",
		Description: "Szafa na książki do wymiany między sąsiadami.", Category: "sąsiedztwo", Address: "Kraków, skwer przy ul. Smoleńsk",
		Cost: 150_000, Status: StatusDraft, CreatedAt: now, UpdatedAt: now, CostItems: []CostItem{{Label: "Szafa", Amount: 150_000}}}
	return insertProject(ctx, s.DB, draft)
}
