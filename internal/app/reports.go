package app

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/civitas-city/civitas/internal/jobs"
	"github.com/civitas-city/civitas/internal/reports"
	"github.com/civitas-city/civitas/internal/web"
)

// wireReports adds problem reports, cases and the Open311 GeoReport v2 API.
func wireReports(p *platform) (wired, error) {
	svc := &reports.Service{
		DB: p.db, Districts: p.profile.Districts, Bounds: reports.AreaAround(p.profile.Bounds), Catalog: p.site.Catalog,
		Addresses: reportsAddresses(p.addresses),
		Location:  p.profile.Location, BaseURL: strings.TrimRight(baseURL(p.cfg), "/"), Secret: reports.SecretFrom(p.cfg.SecretKey),
		PhotoMaxBytes: reports.PhotoLimit(p.cfg.MaxUploadBytes), Log: p.log, Open311PostsPerMinute: p.cfg.Open311PostsPerMinute,
		Users: func(ctx context.Context, id string) (string, string, error) {
			u, err := p.accounts.FindByID(ctx, id)
			if err != nil {
				return "", "", err
			}
			return u.Email, u.DisplayName, nil
		},
	}
	api := &reports.Open311{Service: svc, Jurisdictions: reports.Jurisdictions(p.profile.Slug, p.cfg.BaseURL)}
	h := &reports.Handler{Site: p.site, Service: svc, Open311: api}
	h.RegisterPages()
	linkReportsAndSurveys(p, svc, h)
	p.site.WriteErrorsUnder(reports.Prefix+"/", api.WriteError)
	return wired{
		locales: sub(reports.Locales(), "locales"),
		card:    &web.Module{Path: "/reports", TitleKey: "reports.title", DescKey: "reports.desc", InNav: true},
		routes: func(handle web.Registrar) {
			h.Routes(handle)
			api.Routes(handle)
		},
		jobs:    map[string]jobs.Handler{reports.JobAutoClose: svc.AutoCloseJob()},
		section: reports.Section{S: svc},
		queues:  reports.Backoffice{S: svc},
		// The demo's units, categories and reports.
		seed: func(ctx context.Context, demo demoUsers) error {
			resident := demo[demoResident]
			return reports.SeedDemo(ctx, svc, reports.DemoOptions{
				OfficerEmail: demoAccounts[demoOfficer].Email,
				ResidentID:   resident.ID, ResidentEmail: resident.Email, ResidentName: resident.DisplayName,
			})
		},
	}, nil
}

// printReportsDemo tells the demo's user how to try the Open311 API.
func printReportsDemo(out io.Writer, s *Server) {
	fmt.Fprintf(out, "\nOpen311 GeoReport v2 API: %s%s/discovery.xml\n", s.URL, reports.Prefix)
	fmt.Fprintf(out, "  demo API key (partner app): %s\n", reports.DemoAPIKey)
	fmt.Fprintf(out, "  try: curl -d api_key=%s -d service_code=pothole -d lat=50.0617 -d long=19.9373 -d 'description=Test' %s%s/requests.json\n",
		reports.DemoAPIKey, s.URL, reports.Prefix)
}
