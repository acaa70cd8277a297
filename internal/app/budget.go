package app

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/civitas-city/civitas/internal/accounts"
	"github.com/civitas-city/civitas/internal/accounts/identity"
	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/budget"
	"github.com/civitas-city/civitas/internal/city"
	"github.com/civitas-city/civitas/internal/config"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/i18n"
	"github.com/civitas-city/civitas/internal/web"
)

// wireBudget adds the participatory budget: editions, projects, review,
// the vote online and on paper, results and realization.
func wireBudget(p *platform) (wired, error) {
	svc := newBudgetService(p.cfg, p.db, p.profile, p.site.Catalog, p.accounts)
	svc.Log = p.log
	h := &budget.Handler{Site: p.site, Service: svc, Districts: budgetDistricts(p.profile)}
	h.RegisterPages()
	return wired{
		locales: sub(budget.Locales(), "locales"),
		card:    &web.Module{Path: "/budget", TitleKey: "budget.title", DescKey: "budget.desc", InNav: true},
		routes:  h.Routes,
		jobs:    svc.JobHandlers(),
		openapi: budget.OpenAPIPaths,
		section: budgetSection{svc},
	}, nil
}

// newBudgetService builds the budget service from the node's parts.
func newBudgetService(cfg config.Config, d *db.DB, profile *city.Profile, cat *i18n.Catalog, acc *accounts.Service) *budget.Service {
	key := []byte(cfg.SecretKey)
	ids := &identity.Service{DB: d, Key: key, IsDistrict: func(n int) bool { _, ok := profile.Districts.ByNumber(n); return ok }}
	return &budget.Service{
		DB: d, Key: key, Residents: budgetResidents{ids: ids, db: d, stmt: &lazyStmt{}}, People: budgetPeople{acc}, Catalog: cat,
		IsDistrict: ids.IsDistrict, BaseURL: strings.TrimRight(baseURL(cfg), "/"), Country: "Poland", Unit: profile.Name,
	}
}

func budgetDistricts(profile *city.Profile) []budget.District {
	var out []budget.District
	for _, d := range profile.Districts.All() {
		out = append(out, budget.District{Number: d.Number, Name: d.Name, Population: d.Population})
	}
	return out
}

// budgetResidents answers the budget's questions about residency from the
// identity domain.
//
// Until identity exposes an account's residency in one call (asked for: a
// Residency(ctx, userID) with the PESEL hash, birth date and district),
// Residency reads the residency row and its register entry in one query —
// a ballot is cast on every request of a vote, so this is on the hot path
// — and applies identity's rule: the register's district when the PESEL
// is in it; else the verification's own district for an in-person
// verification (birth date unknown); else no residency (lapsed).
type budgetResidents struct {
	ids  *identity.Service
	db   *db.DB
	stmt *lazyStmt
}

const residencyQuery = `SELECT r.pesel_hash, r.method, r.district, c.birth_date, c.district
	FROM residency r LEFT JOIN census_entries c ON c.pesel_hash = r.pesel_hash WHERE r.user_id = $1`

// lazyStmt is a statement prepared on first use (the schema may not exist
// yet when the node is built), or nil when it cannot be.
type lazyStmt struct {
	once sync.Once
	stmt *sql.Stmt
}

func (l *lazyStmt) get(ctx context.Context, d *db.DB, query string) *sql.Stmt {
	l.once.Do(func() {
		if st, err := d.PrepareContext(ctx, query); err == nil {
			l.stmt = st
		}
	})
	return l.stmt
}

func (r budgetResidents) Residency(ctx context.Context, userID string) (budget.Residency, error) {
	var (
		hash, method string
		own          int
		birth        sql.NullString
		district     sql.NullInt64
		row          *sql.Row
	)
	if st := r.stmt.get(ctx, r.db, residencyQuery); st != nil {
		row = st.QueryRowContext(ctx, userID)
	} else {
		row = r.db.QueryRowContext(ctx, residencyQuery, userID)
	}
	err := row.Scan(&hash, &method, &own, &birth, &district)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return budget.Residency{}, nil
	case err != nil:
		return budget.Residency{}, fmt.Errorf("budget residents: %w", err)
	case district.Valid:
		b, _ := time.Parse(time.DateOnly, birth.String)
		return budget.Residency{Verified: true, District: int(district.Int64), BirthDate: b, Person: hash}, nil
	case method == string(identity.MethodInPerson):
		return budget.Residency{Verified: true, District: own, Person: hash}, nil
	}
	return budget.Residency{}, nil // verified through the register, which no longer lists them
}

func (r budgetResidents) ByPESEL(ctx context.Context, in string) (string, budget.Residency, error) {
	userID, birth, district, err := r.ids.FindByPESEL(ctx, in)
	if err != nil {
		return "", budget.Residency{}, err
	}
	p, err := identity.ParsePESEL(in)
	if err != nil {
		return "", budget.Residency{}, err
	}
	return userID, budget.Residency{Verified: true, District: district, BirthDate: birth, Person: r.ids.PESELHash(p.Digits())}, nil
}

// budgetPeople finds account holders for the budget.
type budgetPeople struct{ acc *accounts.Service }

func (p budgetPeople) Contact(ctx context.Context, userID string) (budget.Contact, error) {
	u, err := p.acc.FindByID(ctx, userID)
	if err != nil {
		return budget.Contact{}, err
	}
	return budget.Contact{Email: u.Email, Name: u.DisplayName, Lang: u.Language, Notify: u.NotifyEmail}, nil
}

func (p budgetPeople) UserByEmail(ctx context.Context, email string) (string, error) {
	users, err := p.acc.Search(ctx, email, 20)
	if err != nil {
		return "", err
	}
	for _, u := range users {
		if strings.EqualFold(u.Email, strings.TrimSpace(email)) {
			return u.ID, nil
		}
	}
	return "", apperr.E(apperr.NotFound, "budget.roster.error.unknown")
}

// budgetSection is the budget's part of "my profile".
type budgetSection struct{ s *budget.Service }

func (budgetSection) Key() string      { return "budget" }
func (budgetSection) TitleKey() string { return "budget.profile.title" }

func (b budgetSection) Items(ctx context.Context, userID string) ([]accounts.Item, error) {
	items, err := b.s.ProfileItems(ctx, web.Lang(ctx), userID)
	if err != nil {
		return nil, err
	}
	out := make([]accounts.Item, len(items))
	for i, it := range items {
		out[i] = accounts.Item{Title: it.Title, Status: it.Status, URL: it.URL, At: it.At}
	}
	return out, nil
}

func (b budgetSection) PersonalData(ctx context.Context, userID string) (any, error) {
	return b.s.PersonalData(ctx, userID)
}

func (b budgetSection) Erase(ctx context.Context, tx *sql.Tx, userID string) error {
	return b.s.Erase(ctx, tx, userID)
}

// seedBudget loads the budget's demo editions.
func seedBudget(ctx context.Context, s *Server) error {
	profile := city.Krakow()
	if s.cfg.CityDir != "" {
		var err error
		if profile, err = city.LoadDir(s.cfg.CityDir); err != nil {
			return err
		}
	}
	acc := &accounts.Service{DB: s.DB}
	svc := newBudgetService(s.cfg, s.DB, profile, s.Catalog, acc)
	o := budget.DemoOptions{Districts: budgetDistricts(profile)}
	if u, err := acc.Authenticate(ctx, demoAccounts[3].Email, demoAccounts[3].Password); err == nil {
		o.ResidentID = u.ID
	}
	if u, err := acc.Authenticate(ctx, demoAccounts[1].Email, demoAccounts[1].Password); err == nil {
		o.OfficerID = u.ID
	}
	return budget.SeedDemo(ctx, svc, o)
}
