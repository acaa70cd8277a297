package app

import (
	"context"
	"strings"
	"time"

	"github.com/civitas-city/civitas/internal/accounts/census"
	"github.com/civitas-city/civitas/internal/accounts/identity"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/jobs"
	"github.com/civitas-city/civitas/internal/reports"
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
	p.surveys = svc
	return wired{
		locales: survey.Locales(),
		card:    &web.Module{Path: "/surveys", TitleKey: "survey.title", DescKey: "survey.desc", InNav: true},
		routes:  h.Routes,
		jobs:    map[string]jobs.Handler{survey.JobRemind: svc.RemindHandler()},
		section: survey.ProfileSection{S: svc},
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

// surveyCaseFeedback hands the reports' satisfaction answers after closed
// cases to surveys.
type surveyCaseFeedback struct{ reports *reports.Service }

func (f surveyCaseFeedback) CaseRatings(ctx context.Context, since time.Time) ([]survey.CaseRating, error) {
	answers, err := f.reports.FeedbackAnswers(ctx, since)
	if err != nil {
		return nil, err
	}
	out := make([]survey.CaseRating, len(answers))
	for i, a := range answers {
		out[i] = survey.CaseRating{Unit: a.Unit, Category: a.Category, Rating: a.Rating}
	}
	return out, nil
}

// reportsSatisfaction hands surveys' scores of those answers back to the
// reports' statistics page.
type reportsSatisfaction struct{ surveys *survey.Service }

func (r reportsSatisfaction) Satisfaction(ctx context.Context, since time.Time) (reports.SatisfactionScores, error) {
	sc, err := r.surveys.CaseSatisfaction(ctx, since)
	if err != nil {
		return reports.SatisfactionScores{}, err
	}
	out := reports.SatisfactionScores{All: reportsScore(sc.All)}
	for _, u := range sc.Units {
		out.Units = append(out.Units, reportsScore(u))
	}
	for _, c := range sc.Categories {
		out.Categories = append(out.Categories, reportsScore(c))
	}
	return out, nil
}

func reportsScore(c survey.CaseScore) reports.SatisfactionScore {
	return reports.SatisfactionScore{Group: c.Group, N: c.N, Score: c.Score.Value, Lo: c.Score.Lo, Hi: c.Score.Hi,
		HasInterval: !c.Suppressed && c.Score.HasInterval(), Suppressed: c.Suppressed}
}

// linkReportsAndSurveys lets surveys score the reports' satisfaction
// answers and the reports' statistics page show the scores; neither
// module imports the other.
func linkReportsAndSurveys(p *platform, svc *reports.Service, h *reports.Handler) {
	if p.surveys == nil {
		return
	}
	p.surveys.CaseFeedback = surveyCaseFeedback{svc}
	h.Satisfaction = reportsSatisfaction{p.surveys}
}
