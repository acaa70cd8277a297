package app

import (
	"context"
	"strings"
	"time"

	"github.com/civitas-city/civitas/internal/accounts/census"
	"github.com/civitas-city/civitas/internal/accounts/identity"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/jobs"
	"github.com/civitas-city/civitas/internal/survey"
	"github.com/civitas-city/civitas/internal/web"
)

// surveyMinCell is the smallest count published in survey results (k).
const surveyMinCell = 5

// wireSurvey adds surveys: questionnaires, waves, panels, results weighted
// to the residents' register.
func wireSurvey(p *platform) (wired, error) {
	svc := &survey.Service{DB: p.db, Key: []byte(p.cfg.SecretKey), Residents: surveyResidents{p.residents},
		Catalog: p.site.Catalog, BaseURL: strings.TrimRight(baseURL(p.cfg), "/"),
		Population: surveyPopulation{p.db}, MinCell: surveyMinCell, Log: p.log}
	h := &survey.Handler{Site: p.site, Service: svc, Location: p.profile.Location}
	h.RegisterPages()
	return wired{
		locales: survey.Locales(),
		card:    &web.Module{Path: "/surveys", TitleKey: "survey.title", DescKey: "survey.desc", InNav: true},
		routes:  h.Routes,
		jobs:    map[string]jobs.Handler{survey.JobRemind: svc.RemindHandler()},
		seed: func(ctx context.Context, demo demoUsers) error {
			return survey.SeedDemo(ctx, svc, demo[demoOfficer].ID)
		},
	}, nil
}

// surveyResidents hands identity's residency to surveys in their terms.
type surveyResidents struct{ ids *identity.Service }

func (r surveyResidents) Residency(ctx context.Context, userID string) (survey.Residency, error) {
	res, err := r.ids.Residency(ctx, userID)
	return survey.Residency{Verified: res.Verified, District: res.District, BirthDate: res.BirthDate}, err
}

// surveyPopulation counts the register's residents by district and age
// band (the age a resident reaches in the current year).
type surveyPopulation struct{ db *db.DB }

func (p surveyPopulation) Counts(ctx context.Context, now time.Time) ([]survey.PopulationCount, error) {
	counts, err := census.CountByBirthYear(ctx, p.db)
	if err != nil {
		return nil, err
	}
	var out []survey.PopulationCount
	for _, c := range counts {
		band := survey.AgeBand(time.Date(c.BirthYear, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(now.Year(), 12, 31, 0, 0, 0, 0, time.UTC))
		if band != "" {
			out = append(out, survey.PopulationCount{District: c.District, AgeBand: band, N: float64(c.N)})
		}
	}
	return out, nil
}
