package app

import (
	"context"
	"github.com/civitas-city/civitas/internal/addresses"
	"github.com/civitas-city/civitas/internal/web/backoffice"
	"io/fs"
	"log/slog"
	"strings"

	"github.com/civitas-city/civitas/internal/accounts"
	"github.com/civitas-city/civitas/internal/accounts/identity"
	"github.com/civitas-city/civitas/internal/audit"
	"github.com/civitas-city/civitas/internal/city"
	"github.com/civitas-city/civitas/internal/config"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/districts"
	"github.com/civitas-city/civitas/internal/files"
	"github.com/civitas-city/civitas/internal/jobs"
	"github.com/civitas-city/civitas/internal/mail"
	"github.com/civitas-city/civitas/internal/session"
	"github.com/civitas-city/civitas/internal/survey"
	"github.com/civitas-city/civitas/internal/web"
	"github.com/civitas-city/civitas/internal/web/profile"
)

// platform is what every module is wired from.
type platform struct {
	cfg      config.Config
	log      *slog.Logger
	db       *db.DB
	profile  *city.Profile
	site     *web.Site
	jobs     *jobs.Runner
	sessions *session.Store
	accounts *accounts.Service
	// residents is verified residency (identity), which the modules that
	// count residents ask; one value, so its prepared statement is shared.
	residents *identity.Service
	// accountsHandler gathers the profile sections of later modules and
	// signs in API clients.
	accountsHandler *accounts.Handler
	// addresses is the city's address gazetteer, for reports and districts.
	addresses *addresses.Gazetteer
	// shell gathers the modules' "open now" for the home page.
	shell *web.Shell
	// surveys is the surveys' service, which scores the reports'
	// satisfaction answers (set by wireSurvey, wired before reports).
	surveys *survey.Service
	// mailer delivers mail now (SMTP, or the outbox), for senders that
	// batch it themselves (newsletters); others enqueue mail.send jobs.
	mailer mail.BatchMailer
	// routes lists every route registered so far (the sitemap reads it
	// when asked, after all are).
	routes func() []web.Route
}

// wired is one module's contribution to the site.
type wired struct {
	locales fs.FS                   // the module's pl/en/uk.json
	card    *web.Module             // its entry on the home page (and navigation)
	routes  func(web.Registrar)     // its routes
	jobs    map[string]jobs.Handler // its background jobs
	openapi []byte                  // its paths in /api/v1/openapi.json
	section profile.Section         // its part of "my profile"
	queues  backoffice.Section      // its part of the staff's dashboard (/officer)
	open    web.Opener              // its part of the home page's "open now"
	items   web.ItemLister          // its public item pages in sitemap.xml
	// crossOriginExempt are route patterns that accept cross-origin POSTs
	// (each must carry its own proof, such as a signed token).
	crossOriginExempt []string
	// seed loads its demo content (civitas demo), after the demo accounts.
	seed func(ctx context.Context, demo demoUsers) error
}

// moduleWirings lists the modules in the order their cards appear. A new
// domain adds its wiring function (in a file of its own) here.
var moduleWirings = []func(*platform) (wired, error){
	wireShell,
	wireMail,
	wireAudit,
	wireAccounts,
	wireIdentity,
	wireBudget,
	wireVote,
	wireNews,
	wireConsult,
	wireSurvey,
	wireAddresses,
	wireReports,
	wireDistricts,
	wireTax,
	wireCard,
	wireFiles,
}

func wireShell(p *platform) (wired, error) {
	c := p.profile.Contact
	shell := &web.Shell{Site: p.site, Ping: p.db.PingContext, BaseURL: strings.TrimSuffix(baseURL(p.cfg), "/"), RouteList: p.routes,
		City: web.CityInfo{Office: c.Office, Address: c.Address, Phone: c.Phone, Email: c.Email, Web: c.Web, Controller: c.Controller, DPOEmail: c.DPOEmail},
		DistrictOf: func(ctx context.Context, id string) (int, error) {
			u, err := p.accounts.FindByID(ctx, id)
			if err != nil {
				return 0, err
			}
			return u.District, nil
		}}
	for _, d := range p.profile.Districts.All() {
		shell.Items = append(shell.Items, "/districts/"+d.Slug)
	}
	p.shell = shell
	p.site.RegisterShellPages()
	return wired{locales: sub(web.Locales(), "locales"), routes: shell.Routes}, nil
}

func wireMail(p *platform) (wired, error) {
	var mailer interface {
		mail.Mailer
		mail.BatchMailer
	} = mail.Outbox{DB: p.db}
	if p.cfg.SMTP.Host != "" && !p.cfg.Demo {
		var err error
		if mailer, err = mail.NewSMTP(mail.SMTPConfig(p.cfg.SMTP)); err != nil {
			return wired{}, err
		}
	} else if !p.cfg.Demo {
		p.log.Warn("CIVITAS_SMTP_HOST is not set: mail is kept in the outbox (/admin/outbox), not sent")
	}
	p.mailer = mailer
	h := &mail.Handler{Site: p.site, DB: p.db}
	h.RegisterPages()
	return wired{
		locales: sub(mail.Locales(), "locales"),
		routes:  h.Routes,
		jobs:    map[string]jobs.Handler{mail.JobKind: mail.JobHandler(mailer)},
	}, nil
}

func wireAudit(p *platform) (wired, error) {
	h := &audit.Handler{Site: p.site, DB: p.db}
	h.RegisterPages()
	return wired{locales: sub(audit.Locales(), "locales"), routes: h.Routes}, nil
}

func wireAccounts(p *platform) (wired, error) {
	h := &accounts.Handler{Site: p.site, Service: p.accounts, Sessions: p.sessions}
	for _, d := range p.profile.Districts.All() {
		h.Districts = append(h.Districts, accounts.DistrictOption{Number: d.Number, Label: d.Numeral + " " + d.Name})
	}
	h.RegisterPages()
	p.accountsHandler = h
	return wired{locales: sub(accounts.Locales(), "locales"), routes: h.Routes, openapi: accounts.OpenAPIPaths}, nil
}

func wireDistricts(p *platform) (wired, error) {
	h := &districts.Handler{Site: p.site, Set: p.profile.Districts, Boundary: p.profile.Boundary, Addresses: districtsAddresses(p.addresses)}
	if err := h.RegisterPages(); err != nil {
		return wired{}, err
	}
	return wired{
		locales: sub(districts.Locales(), "locales"),
		card:    &web.Module{Path: "/districts", TitleKey: "districts.title", DescKey: "districts.desc", InNav: true},
		routes:  h.Routes,
		openapi: districts.OpenAPIPaths,
	}, nil
}

func wireFiles(p *platform) (wired, error) {
	h := &files.Handler{DB: p.db}
	return wired{locales: sub(files.Locales(), "locales"), routes: h.Routes}, nil
}
