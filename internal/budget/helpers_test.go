package budget_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/civitas-city/civitas/internal/app/apptest"
	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/budget"
	"github.com/civitas-city/civitas/internal/db"
)

// residents is the identity domain as the budget sees it, for the budget's
// own tests: a consumer-declared interface answered from a map. The real
// implementation is tested in app (internal/app/budget_test.go).
type residents struct {
	mu     sync.Mutex
	byUser map[string]budget.Residency
	pesels map[string]string // pesel -> user id ("" for a resident without an account)
	ofPESL map[string]budget.Residency
}

func newResidents() *residents {
	return &residents{byUser: map[string]budget.Residency{}, pesels: map[string]string{}, ofPESL: map[string]budget.Residency{}}
}

func (r *residents) Residency(_ context.Context, userID string) (budget.Residency, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.byUser[userID], nil
}

func (r *residents) ByPESEL(_ context.Context, pesel string) (string, budget.Residency, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(pesel) != 11 {
		return "", budget.Residency{}, &apperr.Error{Kind: apperr.Invalid, Field: "pesel", Message: "accounts.pesel.error.length"}
	}
	res, ok := r.ofPESL[pesel]
	if !ok {
		return "", budget.Residency{}, &apperr.Error{Kind: apperr.NotFound, Field: "pesel", Message: "identity.error.unknown_pesel"}
	}
	return r.pesels[pesel], res, nil
}

// add makes a verified resident of district born on birth, with a PESEL
// (an account when userID is not "").
func (r *residents) add(userID, pesel string, district int, birth time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	res := budget.Residency{Verified: true, District: district, BirthDate: birth, Person: "person:" + pesel}
	if userID != "" {
		r.byUser[userID] = res
	}
	r.pesels[pesel] = userID
	r.ofPESL[pesel] = res
}

var (
	adult = time.Date(1980, 5, 1, 0, 0, 0, 0, time.UTC)
	now0  = time.Date(2027, 3, 1, 10, 0, 0, 0, time.UTC)
)

const testKey = apptest.Key

// clock is a settable time.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

func newService(t testing.TB, d *db.DB) (*budget.Service, *residents, *clock) {
	t.Helper()
	res := newResidents()
	clk := &clock{t: now0}
	return &budget.Service{DB: d, Key: []byte(testKey), Residents: res, Now: clk.Now, Country: "Poland", Unit: "Kraków"}, res, clk
}

var officer = budget.Actor{ID: "officer-1", Name: "Officer One"}

// cityConfig is a Kraków-like edition: a city pool and two district pools,
// ranking 3/2/1, greedy.
func cityConfig(slug string) budget.Config {
	pool := func(slug, name string, district int, amount string) budget.PoolConfig {
		return budget.PoolConfig{Slug: slug, Name: name, District: district, Amount: amount, Ballot: budget.Ranking,
			MinChoices: 1, MaxChoices: 3, Points: []int{3, 2, 1}, Rule: "greedy"}
	}
	return budget.Config{
		Slug: slug, Kind: budget.KindCity, Title: "Budżet Obywatelski Krakowa 2027", PoolPolicy: budget.PolicyCityAndHome,
		PaperPolicy: budget.FirstWins, MinAge: 16, Categories: []string{"zieleń", "sport"},
		Pools: []budget.PoolConfig{
			pool("city", "Ogólnomiejski", 0, "1000000"),
			pool("d1", "Stare Miasto", 1, "300000"),
			pool("d2", "Grzegórzki", 2, "300000.50"),
		},
	}
}

// acceptedProject submits a project to pool and passes it through review.
func acceptedProject(t testing.TB, s *budget.Service, e *budget.Edition, author, pool, title, cost string) *budget.Project {
	t.Helper()
	ctx := context.Background()
	p, err := s.SaveProject(ctx, budget.Actor{ID: author}, author, e.ID, "", budget.ProjectInput{
		Pool: pool, Title: title, Description: "Opis projektu, który jest wystarczająco długi, by przejść weryfikację formalną.",
		Category: "zieleń", Address: "ul. Floriańska 1", CostItems: []budget.CostItemInput{{Label: "Prace", Amount: cost}},
	}, true)
	if err != nil {
		t.Fatalf("submit %s: %v", title, err)
	}
	for _, st := range budget.ReviewStages {
		if err := s.RecordReview(ctx, officer, p.ID, budget.ReviewInput{Stage: st, Outcome: budget.Positive}); err != nil {
			t.Fatalf("review %s: %v", title, err)
		}
	}
	p, err = s.Project(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if p.Status != budget.StatusAccepted {
		t.Fatalf("project %s is %s after a positive review", title, p.Status)
	}
	return p
}

// submissionEdition creates an edition from c and opens its submissions.
func submissionEdition(t testing.TB, s *budget.Service, c budget.Config) *budget.Edition {
	t.Helper()
	ctx := context.Background()
	e, err := s.CreateEdition(ctx, officer, c)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetPhase(ctx, officer, e.ID, budget.PhaseSubmission); err != nil {
		t.Fatal(err)
	}
	return e
}

// votingEdition makes an edition with accepted projects in every pool and
// opens the vote. It returns the edition and the projects by pool slug.
func votingEdition(t testing.TB, s *budget.Service, res *residents, slug string, edit ...func(*budget.Config)) (*budget.Edition, map[string][]*budget.Project) {
	t.Helper()
	ctx := context.Background()
	c := cityConfig(slug)
	for _, f := range edit {
		f(&c)
	}
	e := submissionEdition(t, s, c)
	res.add("author", "00000000000", 1, adult)
	projects := map[string][]*budget.Project{}
	for _, p := range e.Pools {
		n := 2 // the district pools need two projects, the city pool four
		if p.District == 0 {
			n = 4
		}
		for i := range n {
			cost := fmt.Sprintf("%d", 100000+i*50000)
			pr := acceptedProject(t, s, e, "author", p.Slug, fmt.Sprintf("Projekt %s %d", p.Slug, i+1), cost)
			projects[p.Slug] = append(projects[p.Slug], pr)
		}
	}
	if err := s.SetPhase(ctx, officer, e.ID, budget.PhaseVoting); err != nil {
		t.Fatal(err)
	}
	e, err := s.EditionByID(ctx, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	return e, projects
}

func ids(ps ...*budget.Project) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.ID
	}
	return out
}

// count returns the number of rows a query finds.
func count(t testing.TB, d *db.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := d.QueryRowContext(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
