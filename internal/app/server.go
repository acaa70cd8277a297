package app

import (
	"context"
	"errors"
	"fmt"
	"github.com/civitas-city/civitas/internal/addresses"
	"github.com/civitas-city/civitas/internal/web/backoffice"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"sync"
	"time"

	"github.com/civitas-city/civitas/internal/accounts"
	"github.com/civitas-city/civitas/internal/accounts/identity"
	"github.com/civitas-city/civitas/internal/city"
	"github.com/civitas-city/civitas/internal/config"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/i18n"
	"github.com/civitas-city/civitas/internal/jobs"
	"github.com/civitas-city/civitas/internal/ratelimit"
	"github.com/civitas-city/civitas/internal/session"
	"github.com/civitas-city/civitas/internal/web"
)

// Server is a running Civitas node.
type Server struct {
	// URL is where it listens, e.g. http://127.0.0.1:8080.
	URL string
	// MetricsURL is /metrics on CIVITAS_METRICS_ADDR, when that is set.
	MetricsURL string
	DB         *db.DB
	Routes     []web.Route
	Handler    http.Handler
	Catalog    *i18n.Catalog
	Site       *web.Site
	Jobs       *jobs.Runner

	cfg      config.Config
	log      *slog.Logger
	sessions *session.Store // flushed at shutdown
	// seeds load the modules' demo content, in moduleWirings order.
	seeds      []func(context.Context, demoUsers) error
	http       *http.Server
	metrics    *metrics
	metricsSrv *http.Server // on CIVITAS_METRICS_ADDR, when set
	stopJobs   context.CancelFunc
	background sync.WaitGroup
	closeOnce  sync.Once
	closeErr   error
}

// Start builds and starts a node: database, migrations, routes, jobs and
// the HTTP listener. It returns once the node accepts connections.
func Start(ctx context.Context, cfg config.Config) (*Server, error) {
	log := newLogger(cfg)
	if cfg.Demo {
		var err error
		if cfg, err = prepareDemo(cfg); err != nil {
			return nil, err
		}
	}
	d, err := db.Open(ctx, cfg.DB)
	if err != nil {
		return nil, err
	}
	if cfg.Migrate || cfg.Demo {
		if _, err := db.Migrate(ctx, d); err != nil {
			d.Close()
			return nil, err
		}
	}
	// Listen before building: with no CIVITAS_BASE_URL (allowed only on a
	// loopback address), links are built from the address actually bound.
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		d.Close()
		return nil, fmt.Errorf("listen on %s (CIVITAS_ADDR): %w", cfg.Addr, err)
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = "http://" + ln.Addr().String()
	}
	s, err := build(cfg, d, log)
	if err != nil {
		ln.Close()
		d.Close()
		return nil, err
	}
	if cfg.Demo {
		if err := seedDemo(ctx, s); err != nil {
			ln.Close()
			d.Close()
			return nil, fmt.Errorf("demo: %w", err)
		}
	}
	s.URL = "http://" + ln.Addr().String()
	s.http = &http.Server{
		Handler:           s.Handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	if cfg.MetricsAddr != "" {
		if err := s.serveMetrics(cfg.MetricsAddr); err != nil {
			ln.Close()
			d.Close()
			return nil, err
		}
	}
	jobsCtx, stopJobs := context.WithCancel(context.WithoutCancel(ctx))
	s.stopJobs = stopJobs
	s.background.Go(func() { s.Jobs.Run(jobsCtx) })
	s.background.Go(func() { s.sweep(jobsCtx) })
	s.background.Go(func() {
		if err := s.http.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("http server stopped", "error", err)
		}
	})
	log.Info("civitas started", "url", s.URL, "version", version(), "config", cfg.String())
	if cfg.Demo {
		printDemo(cfg, s)
	}
	return s, nil
}

// Shutdown stops accepting requests, lets in-flight requests and running
// jobs finish (within CIVITAS_SHUTDOWN_TIMEOUT), then closes the database.
func (s *Server) Shutdown() error {
	s.closeOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
		defer cancel()
		s.log.Info("shutting down")
		err := s.http.Shutdown(ctx)
		if s.metricsSrv != nil {
			err = errors.Join(err, s.metricsSrv.Shutdown(ctx))
		}
		s.stopJobs()
		s.background.Wait()
		flushErr := s.sessions.Flush(ctx) // refreshes still waiting
		s.closeErr = errors.Join(err, flushErr, s.DB.Close())
	})
	return s.closeErr
}

// serveMetrics serves /metrics alone, without a token, on addr: an address
// that only the monitoring system reaches.
func (s *Server) serveMetrics(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s (CIVITAS_METRICS_ADDR): %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", s.metrics.plain())
	s.metricsSrv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	s.MetricsURL = "http://" + ln.Addr().String() + "/metrics"
	s.background.Go(func() {
		if err := s.metricsSrv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("metrics server stopped", "error", err)
		}
	})
	return nil
}

// sweep removes what has expired: sessions, and jobs finished a week ago.
// Every node sweeps; the deletes are idempotent.
func (s *Server) sweep(ctx context.Context) {
	store := session.Store{DB: s.DB}
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if n, err := store.DeleteExpired(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("sessions: sweep", "error", err)
		} else if n > 0 {
			s.log.Info("sessions: swept expired", "count", n)
		}
		if _, err := ratelimit.Sweep(ctx, s.DB, time.Now()); err != nil && ctx.Err() == nil {
			s.log.Warn("rate limits: sweep", "error", err)
		}
		if n, err := jobs.SweepFinished(ctx, s.DB, time.Now().Add(-7*24*time.Hour)); err != nil && ctx.Err() == nil {
			s.log.Warn("jobs: sweep", "error", err)
		} else if n > 0 {
			s.log.Info("jobs: swept finished", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func newLogger(cfg config.Config) *slog.Logger {
	var level slog.Level
	level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	out := cfg.Stderr
	if out == nil {
		out = os.Stderr
	}
	if cfg.LogJSON {
		return slog.New(slog.NewJSONHandler(out, opts))
	}
	return slog.New(slog.NewTextHandler(out, opts))
}

// build makes every part of a node from cfg and an open database: the
// platform every module shares, then each module in moduleWirings.
func build(cfg config.Config, d *db.DB, log *slog.Logger) (*Server, error) {
	profile := city.Krakow()
	if cfg.CityDir != "" {
		var err error
		if profile, err = city.LoadDir(cfg.CityDir); err != nil {
			return nil, fmt.Errorf("CIVITAS_CITY_DIR: %w", err)
		}
	}
	cat := i18n.New(profile.Languages...)
	assets, err := web.NewAssets(web.Static())
	if err != nil {
		return nil, err
	}
	site := &web.Site{
		Name:     "Civitas " + profile.Name,
		Log:      log,
		Catalog:  cat,
		Renderer: web.NewRenderer(cat, assets, profile.Location),
	}
	p := &platform{
		cfg: cfg, log: log, db: d, profile: profile, site: site,
		jobs:      jobs.NewRunner(d, log, cfg.Workers),
		sessions:  &session.Store{DB: d, MaxAge: cfg.SessionMaxAge, TrustProxy: cfg.TrustProxy, Log: log},
		accounts:  &accounts.Service{DB: d, Key: []byte(cfg.SecretKey), BaseURL: baseURL(cfg), Catalog: cat},
		residents: &identity.Service{DB: d, Key: []byte(cfg.SecretKey), IsDistrict: profile.Districts.Has},
		addresses: &addresses.Gazetteer{DB: d},
	}
	s := &Server{DB: d, Catalog: cat, Site: site, Jobs: p.jobs, sessions: p.sessions, cfg: cfg, log: log}
	p.routes = func() []web.Route { return s.Routes }

	mux := http.NewServeMux()
	register := func(pattern string, access web.Access, h web.HandlerFunc) {
		s.Routes = append(s.Routes, web.Route{Pattern: pattern, Access: access})
		mux.Handle(pattern, site.Handler(access, h))
	}
	raw := func(pattern string, access web.Access, h http.Handler) {
		s.Routes = append(s.Routes, web.Route{Pattern: pattern, Access: access})
		mux.Handle(pattern, web.Raw(h))
	}
	var (
		apiPaths          [][]byte
		crossOriginExempt []string
	)
	office := &backoffice.Handler{Site: site}
	for _, wire := range moduleWirings {
		m, err := wire(p)
		if err != nil {
			return nil, err
		}
		if m.locales != nil {
			if err := cat.AddFS(m.locales); err != nil {
				return nil, err
			}
		}
		if m.card != nil {
			site.Modules = append(site.Modules, *m.card)
		}
		if m.routes != nil {
			m.routes(register)
		}
		for kind, h := range m.jobs {
			p.jobs.Handle(kind, h)
		}
		if m.openapi != nil {
			apiPaths = append(apiPaths, m.openapi)
		}
		if m.section != nil {
			p.accountsHandler.Sections = append(p.accountsHandler.Sections, m.section)
		}
		if m.seed != nil {
			s.seeds = append(s.seeds, m.seed)
		}
		if m.open != nil {
			p.shell.Openers = append(p.shell.Openers, m.open)
		}
		if m.items != nil {
			p.shell.Listers = append(p.shell.Listers, m.items)
		}
		if m.queues != nil {
			office.Sections = append(office.Sections, m.queues)
		}
		crossOriginExempt = append(crossOriginExempt, m.crossOriginExempt...)
	}
	// The staff's dashboard gathers every module's queues.
	if err := cat.AddFS(sub(backoffice.Locales(), "locales")); err != nil {
		return nil, err
	}
	office.RegisterPages()
	office.Routes(register)
	openapi, err := openAPIDocument(profile.Name, version(), apiPaths)
	if err != nil {
		return nil, err
	}
	raw("GET /api/v1/openapi.json", web.Public, openapi)
	raw("GET /static/{hash}/{name...}", web.Public, assets)
	metrics := newMetrics(d)
	s.metrics = metrics
	raw("GET /metrics", web.Public, metrics.handler(cfg.MetricsToken, cfg.Demo))

	var trusted []string
	if cfg.BaseURL != "" {
		u, _ := url.Parse(cfg.BaseURL)
		trusted = append(trusted, u.Scheme+"://"+u.Host)
	}
	crossOrigin, err := site.CrossOrigin(trusted, crossOriginExempt)
	if err != nil {
		return nil, fmt.Errorf("CIVITAS_BASE_URL: %w", err)
	}
	s.Handler = web.Chain(mux,
		web.RequestLog(log, metrics.observe),
		site.Recover,
		web.SecureHeaders(cfg.TrustProxy),
		web.ClientAddrs(web.Proxies{Trust: cfg.TrustProxy, Networks: cfg.TrustedProxies}),
		site.Languages(),
		crossOrigin,
		site.LimitBody(cfg.MaxBodyBytes, cfg.MaxUploadBytes),
		p.sessions.Middleware(log, p.accounts.WebUser),
		p.accountsHandler.Bearer,
	)
	return s, nil
}

// baseURL is where links in mail point: CIVITAS_BASE_URL, else the listen
// address (fine for the demo and tests; production sets the variable).
func baseURL(cfg config.Config) string {
	if cfg.BaseURL != "" {
		return cfg.BaseURL
	}
	return "http://" + cfg.Addr
}
