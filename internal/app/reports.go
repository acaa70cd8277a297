package app

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strings"

	"github.com/civitas-city/civitas/internal/accounts"
	"github.com/civitas-city/civitas/internal/city"
	"github.com/civitas-city/civitas/internal/config"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/districts"
	"github.com/civitas-city/civitas/internal/files"
	"github.com/civitas-city/civitas/internal/i18n"
	"github.com/civitas-city/civitas/internal/jobs"
	"github.com/civitas-city/civitas/internal/reports"
	"github.com/civitas-city/civitas/internal/web"
)

// wireReports adds problem reports, cases and the Open311 GeoReport v2 API.
func wireReports(p *platform) (wired, error) {
	svc := newReportsService(p.cfg, p.db, p.profile, p.site.Catalog, p.accounts, p.log)
	api := &reports.Open311{Service: svc, Jurisdictions: jurisdictions(p.cfg, p.profile)}
	h := &reports.Handler{Site: p.site, Service: svc, Open311: api}
	h.RegisterPages()
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
	}, nil
}

// newReportsService builds the reports service from the node's parts.
func newReportsService(cfg config.Config, d *db.DB, profile *city.Profile, cat *i18n.Catalog, acc *accounts.Service, log *slog.Logger) *reports.Service {
	// Reports may lie a little beyond the city's box (a street on the
	// boundary), about 5 km.
	const margin = 0.05
	b := profile.Bounds
	if b == (districts.BBox{}) {
		b = profile.Districts.Bounds()
	}
	b = districts.BBox{MinLon: b.MinLon - margin, MinLat: b.MinLat - margin, MaxLon: b.MaxLon + margin, MaxLat: b.MaxLat + margin}
	// A photo must fit in a request body with the rest of the form.
	photoMax := min(files.Images.MaxBytes, cfg.MaxUploadBytes-16<<10)
	secret := sha256.Sum256([]byte("civitas reports key\x00" + cfg.SecretKey))
	return &reports.Service{
		DB: d, Districts: profile.Districts, Bounds: b, Catalog: cat, Location: profile.Location,
		BaseURL: strings.TrimRight(cfg.BaseURL, "/"), Secret: secret[:], PhotoMaxBytes: photoMax, Log: log,
		Open311PostsPerMinute: cfg.Open311PostsPerMinute,
		Users: func(ctx context.Context, id string) (string, string, error) {
			u, err := acc.FindByID(ctx, id)
			if err != nil {
				return "", "", err
			}
			return u.Email, u.DisplayName, nil
		},
	}
}

// jurisdictions are the Open311 jurisdiction_id values the node answers
// to: the city's slug and the host of its public URL.
func jurisdictions(cfg config.Config, profile *city.Profile) []string {
	out := []string{profile.Slug}
	if u, err := url.Parse(cfg.BaseURL); err == nil && u.Hostname() != "" {
		out = append(out, u.Hostname(), strings.TrimPrefix(u.Hostname(), "www."))
	}
	return out
}

// seedReports loads the demo's units, categories and reports.
func seedReports(ctx context.Context, s *Server) error {
	profile := city.Krakow()
	if s.cfg.CityDir != "" {
		var err error
		if profile, err = city.LoadDir(s.cfg.CityDir); err != nil {
			return err
		}
	}
	acc := &accounts.Service{DB: s.DB}
	svc := newReportsService(s.cfg, s.DB, profile, s.Catalog, acc, s.log)
	opt := reports.DemoOptions{OfficerEmail: demoAccounts[1].Email}
	resident := demoAccounts[3]
	if u, err := acc.Authenticate(ctx, resident.Email, resident.Password); err == nil {
		opt.ResidentID, opt.ResidentEmail, opt.ResidentName = u.ID, u.Email, u.DisplayName
	}
	return reports.SeedDemo(ctx, svc, opt)
}

// printReportsDemo tells the demo's user how to try the Open311 API.
func printReportsDemo(out io.Writer, s *Server) {
	fmt.Fprintf(out, "\nOpen311 GeoReport v2 API: %s%s/discovery.xml\n", s.URL, reports.Prefix)
	fmt.Fprintf(out, "  demo API key (partner app): %s\n", reports.DemoAPIKey)
	fmt.Fprintf(out, "  try: curl -d api_key=%s -d service_code=pothole -d lat=50.0617 -d long=19.9373 -d 'description=Test' %s%s/requests.json\n",
		reports.DemoAPIKey, s.URL, reports.Prefix)
}
