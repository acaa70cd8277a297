// Package config builds the one Config value the binary runs with, from the
// command line and CIVITAS_* environment variables (flags win). There are no
// globals: main builds a Config and hands it to app.Run.
package config

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// Commands the binary knows. pb and opinion hand their arguments to their
// own command-line packages.
const (
	CmdServe     = "serve"
	CmdDemo      = "demo"
	CmdMigrate   = "migrate"
	CmdVersion   = "version"
	CmdHelp      = "help"
	CmdPB        = "pb"
	CmdOpinion   = "opinion"
	CmdSurvey    = "survey"
	CmdCensus    = "census"
	CmdAddresses = "addresses"
	CmdTax       = "tax"
	CmdCard      = "card"
	CmdBackup    = "backup"
)

// Config is everything the process needs to run.
type Config struct {
	Command string
	// Args are the arguments after the command, for pb, opinion, survey, census and addresses.
	Args []string

	DB       string // sqlite:PATH or postgres://...
	Migrate  bool   // apply migrations at serve start
	Addr     string // listen address
	BaseURL  string // public URL of the site, for links in mail and trusted origins
	CityDir  string // a city profile directory; empty means the embedded Kraków profile
	DataDir  string // demo only: where the demo database lives; empty means a temp dir
	Demo     bool   // load demo content and accounts
	LogLevel string // debug, info, warn, error
	LogJSON  bool

	MaxBodyBytes    int64
	MaxUploadBytes  int64 // multipart forms with photos and attachments
	ShutdownTimeout time.Duration
	SessionMaxAge   time.Duration
	Workers         int
	// TrustProxy: the site runs behind a load balancer or reverse proxy,
	// so X-Forwarded-Proto and X-Forwarded-For are read (see TrustedProxies).
	TrustProxy bool
	// TrustedProxies are the networks of the proxies in front of the site.
	// The client's address is the right-most X-Forwarded-For entry that is
	// not one of them; with none listed, only the peer that connected is
	// trusted, so the entry it appended is the client's.
	TrustedProxies []netip.Prefix

	// SecretKey keys HMACs (residents' identifiers) and must stay the same
	// across nodes and restarts. Never logged.
	SecretKey string

	// Open311PostsPerMinute limits the reports one Open311 API key may
	// file per minute (0: no limit).
	Open311PostsPerMinute int

	MetricsToken string // when set, /metrics needs "Authorization: Bearer TOKEN"
	// MetricsAddr, when set, is a second listen address serving only
	// /metrics, without a token (an address reachable only by the
	// monitoring system). `serve` without a token answers /metrics on the
	// main address with 404; the demo keeps it open.
	MetricsAddr string

	SMTP SMTP

	// OIDC is the identity provider residents verify their residency with.
	OIDC OIDC

	// BackupOut is where `civitas backup` writes.
	BackupOut string

	Stdout io.Writer `json:"-"`
	Stderr io.Writer `json:"-"`
}

// SMTP configures outgoing mail. With no Host, mail goes to the outbox page.
type SMTP struct {
	Host     string
	Port     int
	Username string
	Password string
	From     string
	TLS      string // starttls, tls or none
}

// OIDC configures verification through an OpenID Connect provider: the
// national identity provider or the city's own. It is off when Issuer is
// empty. (identity.OIDCConfig has the same fields: app converts it.)
type OIDC struct {
	Issuer       string
	ClientID     string
	ClientSecret string
	// PESELClaim names the ID token (or UserInfo) claim that carries the
	// PESEL; "pesel" by default.
	PESELClaim string
	// RedirectURL is the callback registered with the provider; empty
	// means CIVITAS_BASE_URL + /account/verify/oidc/callback.
	RedirectURL string
	// Name is the provider's name on the button, e.g. "login.gov.pl";
	// empty shows a generic label.
	Name string
	// Scopes are asked for besides "openid".
	Scopes []string
}

// String describes the config without secrets, for the start-up log.
func (c Config) String() string {
	db := c.DB
	if u, err := url.Parse(db); err == nil && u.User != nil {
		u.User = url.User(u.User.Username())
		db = u.String()
	}
	return fmt.Sprintf("command=%s db=%s addr=%s base_url=%s city=%q smtp_host=%q secret_key=%s",
		c.Command, db, c.Addr, c.BaseURL, c.CityDir, c.SMTP.Host, redact(c.SecretKey))
}

func redact(s string) string {
	if s == "" {
		return "(unset)"
	}
	return "(set)"
}

// ErrUsage means the command line was wrong; usage has been printed and the
// process should exit with status 2.
var ErrUsage = errors.New("usage error")

// Usage is the top-level help text.
const Usage = `civitas — the city's resident platform

Usage:
  civitas serve   [flags]          run the web server
  civitas demo    [flags]          run on a fresh SQLite database with Kraków demo data
  civitas migrate [flags]          apply database migrations
  civitas backup  --out FILE       a consistent copy of the running database
  civitas census  import FILE.csv  load the residents' register (hashed identifiers only)
  civitas addresses import FILE.csv  load the address gazetteer (the register's address points)
  civitas tax     import FILE.csv  load the finance system's export of local taxes (docs/tax.md)
  civitas card    import FILE.csv  load the city's list of city-card holders (docs/card.md)
  civitas pb      COMMAND ...      participatory budget tools (count, stats, import); "civitas pb help"
  civitas opinion COMMAND ...      consultation opinion map; "civitas opinion help"
  civitas survey  weight ...       rake survey responses to population margins; "civitas survey help"
  civitas version                  print the version
  civitas help                     this text

Run "civitas COMMAND -h" for a command's flags. Every flag has a CIVITAS_* environment
variable; docs/operations.md lists them all.
`

// Load parses args (without the program name) and the environment.
// Problems with values are returned together, each naming its variable.
func Load(args []string, getenv func(string) string, stderr io.Writer) (Config, error) {
	cfg := Config{Stdout: os.Stdout, Stderr: stderr}
	if len(args) == 0 {
		fmt.Fprint(stderr, Usage)
		return cfg, ErrUsage
	}
	cfg.Command, args = args[0], args[1:]
	switch cfg.Command {
	case CmdHelp, "-h", "-help", "--help":
		cfg.Command = CmdHelp
		return cfg, nil
	case CmdVersion, "-version", "--version":
		cfg.Command = CmdVersion
		return cfg, nil
	case CmdPB, CmdOpinion, CmdSurvey, CmdCensus, CmdAddresses, CmdTax, CmdCard:
		cfg.Args = args
		return cfg, nil
	case CmdServe, CmdDemo, CmdMigrate, CmdBackup:
	default:
		fmt.Fprintf(stderr, "civitas: unknown command %q\n\n%s", cfg.Command, Usage)
		return cfg, ErrUsage
	}

	var p problems
	env := envReader{getenv: getenv, p: &p}
	cfg.Demo = cfg.Command == CmdDemo
	defaultDB := "sqlite:data/civitas.db"
	defaultAddr := "localhost:8080"
	if cfg.Demo {
		defaultDB = "" // a fresh database in the demo data directory
		defaultAddr = "127.0.0.1:8080"
	}
	cfg.DB = env.str("CIVITAS_DB", defaultDB)
	cfg.Migrate = env.bool("CIVITAS_MIGRATE", true)
	cfg.Addr = env.str("CIVITAS_ADDR", defaultAddr)
	cfg.BaseURL = env.str("CIVITAS_BASE_URL", "")
	cfg.CityDir = env.str("CIVITAS_CITY_DIR", "")
	cfg.LogLevel = env.str("CIVITAS_LOG_LEVEL", "info")
	cfg.LogJSON = env.str("CIVITAS_LOG_FORMAT", "text") == "json"
	cfg.MaxBodyBytes = env.int64("CIVITAS_MAX_BODY_BYTES", 1<<20)
	cfg.MaxUploadBytes = env.int64("CIVITAS_MAX_UPLOAD_BYTES", 32<<20)
	cfg.ShutdownTimeout = env.duration("CIVITAS_SHUTDOWN_TIMEOUT", 20*time.Second)
	cfg.SessionMaxAge = env.duration("CIVITAS_SESSION_MAX_AGE", 14*24*time.Hour)
	cfg.Workers = int(env.int64("CIVITAS_WORKERS", 2))
	cfg.TrustProxy = env.bool("CIVITAS_TRUST_PROXY", false)
	cfg.TrustedProxies = env.prefixes("CIVITAS_TRUSTED_PROXIES")
	cfg.MetricsAddr = env.str("CIVITAS_METRICS_ADDR", "")
	cfg.Open311PostsPerMinute = int(env.int64("CIVITAS_OPEN311_POSTS_PER_MINUTE", 120))
	cfg.SecretKey = env.secret("CIVITAS_SECRET_KEY")
	cfg.MetricsToken = env.secret("CIVITAS_METRICS_TOKEN")
	cfg.SMTP = SMTP{
		Host:     env.str("CIVITAS_SMTP_HOST", ""),
		Port:     int(env.int64("CIVITAS_SMTP_PORT", 587)),
		Username: env.str("CIVITAS_SMTP_USERNAME", ""),
		Password: env.secret("CIVITAS_SMTP_PASSWORD"),
		From:     env.str("CIVITAS_SMTP_FROM", "Civitas <no-reply@localhost>"),
		TLS:      env.str("CIVITAS_SMTP_TLS", "starttls"),
	}
	if cfg.Command == CmdServe || cfg.Demo {
		cfg.OIDC = readOIDC(env)
	}
	logFormat := "text"
	if cfg.LogJSON {
		logFormat = "json"
	}

	fs := newFlagSet(cfg.Command, stderr)
	fs.StringVar(&cfg.DB, "db", cfg.DB, "database: sqlite:PATH or postgres://... (CIVITAS_DB)")
	if cfg.Command == CmdBackup {
		fs.StringVar(&cfg.BackupOut, "out", "", "file to write the backup to (must not exist)")
	}
	if cfg.Command != CmdMigrate && cfg.Command != CmdBackup {
		fs.StringVar(&cfg.Addr, "addr", cfg.Addr, "listen address (CIVITAS_ADDR)")
		fs.StringVar(&cfg.BaseURL, "base-url", cfg.BaseURL, "public URL of the site (CIVITAS_BASE_URL)")
		fs.StringVar(&cfg.CityDir, "city", cfg.CityDir, "city profile directory; empty: Kraków (CIVITAS_CITY_DIR)")
		fs.Int64Var(&cfg.MaxBodyBytes, "max-body", cfg.MaxBodyBytes, "largest request body in bytes (CIVITAS_MAX_BODY_BYTES)")
		fs.Int64Var(&cfg.MaxUploadBytes, "max-upload", cfg.MaxUploadBytes, "largest multipart upload in bytes (CIVITAS_MAX_UPLOAD_BYTES)")
		fs.IntVar(&cfg.Workers, "workers", cfg.Workers, "background job workers (CIVITAS_WORKERS)")
	}
	if cfg.Command == CmdServe {
		fs.BoolVar(&cfg.Migrate, "migrate", cfg.Migrate, "apply migrations at start (CIVITAS_MIGRATE)")
	}
	if cfg.Demo {
		fs.StringVar(&cfg.DataDir, "data", "", "directory for the demo database; empty: a temporary directory")
	}
	fs.StringVar(&cfg.LogLevel, "log-level", cfg.LogLevel, "debug, info, warn or error (CIVITAS_LOG_LEVEL)")
	fs.StringVar(&logFormat, "log-format", logFormat, "text or json (CIVITAS_LOG_FORMAT)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, errHelp) {
			return cfg, errHelp
		}
		return cfg, ErrUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "civitas %s: unexpected argument %q\n", cfg.Command, fs.Arg(0))
		fs.Usage()
		return cfg, ErrUsage
	}
	cfg.LogJSON = logFormat == "json"
	if logFormat != "json" && logFormat != "text" {
		p.add("CIVITAS_LOG_FORMAT (--log-format)", "must be text or json, not %q", logFormat)
	}
	cfg.validate(&p)
	return cfg, p.err()
}

// validate checks values that flags or variables may have set wrong.
func (c *Config) validate(p *problems) {
	if c.DB != "" && !strings.HasPrefix(c.DB, "sqlite:") && !strings.HasPrefix(c.DB, "postgres://") && !strings.HasPrefix(c.DB, "postgresql://") {
		p.add("CIVITAS_DB (--db)", "must start with sqlite: or postgres://, got %q", c.DB)
	}
	if c.DB == "" && !c.Demo {
		p.add("CIVITAS_DB (--db)", "is empty")
	}
	if c.Command == CmdBackup && c.BackupOut == "" {
		p.add("--out", "is required: the file to write the backup to")
	}
	if c.Command == CmdMigrate || c.Command == CmdBackup {
		return
	}
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		p.add("CIVITAS_ADDR (--addr)", "must be host:port, got %q", c.Addr)
	}
	if len(c.TrustedProxies) > 0 && !c.TrustProxy {
		p.add("CIVITAS_TRUSTED_PROXIES", "is set but CIVITAS_TRUST_PROXY is not true")
	}
	if c.Open311PostsPerMinute < 0 {
		p.add("CIVITAS_OPEN311_POSTS_PER_MINUTE", "must be 0 (no limit) or more, got %d", c.Open311PostsPerMinute)
	}
	if c.MetricsAddr != "" {
		if _, _, err := net.SplitHostPort(c.MetricsAddr); err != nil {
			p.add("CIVITAS_METRICS_ADDR", "must be host:port, got %q", c.MetricsAddr)
		}
	}
	if c.Command == CmdServe && c.BaseURL == "" && !loopback(c.Addr) {
		p.add("CIVITAS_BASE_URL (--base-url)", "must be set when listening on %q: links in mail and the Open311 and OpenID addresses are built from it, never from the request's Host header", c.Addr)
	}
	if c.BaseURL != "" {
		if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			p.add("CIVITAS_BASE_URL (--base-url)", "must be an absolute http(s) URL, got %q", c.BaseURL)
		}
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		p.add("CIVITAS_LOG_LEVEL (--log-level)", "must be debug, info, warn or error, got %q", c.LogLevel)
	}
	if c.MaxBodyBytes < 1024 {
		p.add("CIVITAS_MAX_BODY_BYTES (--max-body)", "must be at least 1024, got %d", c.MaxBodyBytes)
	}
	if c.MaxUploadBytes < c.MaxBodyBytes {
		p.add("CIVITAS_MAX_UPLOAD_BYTES (--max-upload)", "must be at least CIVITAS_MAX_BODY_BYTES (%d), got %d", c.MaxBodyBytes, c.MaxUploadBytes)
	}
	if c.Workers < 0 || c.Workers > 64 {
		p.add("CIVITAS_WORKERS (--workers)", "must be between 0 and 64, got %d", c.Workers)
	}
	if c.ShutdownTimeout <= 0 {
		p.add("CIVITAS_SHUTDOWN_TIMEOUT", "must be positive")
	}
	if c.SessionMaxAge < time.Minute {
		p.add("CIVITAS_SESSION_MAX_AGE", "must be at least 1m")
	}
	if c.Command == CmdServe && len(c.SecretKey) < 32 {
		p.add("CIVITAS_SECRET_KEY", "must be set to at least 32 characters (or CIVITAS_SECRET_KEY_FILE to a file holding it); it must be the same on every node")
	}
	switch c.SMTP.TLS {
	case "starttls", "tls", "none":
	default:
		p.add("CIVITAS_SMTP_TLS", "must be starttls, tls or none, got %q", c.SMTP.TLS)
	}
	if c.SMTP.Host != "" && (c.SMTP.Port <= 0 || c.SMTP.Port > 65535) {
		p.add("CIVITAS_SMTP_PORT", "must be a port number, got %d", c.SMTP.Port)
	}
	c.OIDC.validate(p)
}

// readOIDC reads the CIVITAS_OIDC_* variables: SCOPES is space-separated,
// and the client secret may come from CIVITAS_OIDC_CLIENT_SECRET_FILE.
func readOIDC(env envReader) OIDC {
	return OIDC{
		Issuer:       strings.TrimSpace(env.str("CIVITAS_OIDC_ISSUER", "")),
		ClientID:     strings.TrimSpace(env.str("CIVITAS_OIDC_CLIENT_ID", "")),
		ClientSecret: env.secret("CIVITAS_OIDC_CLIENT_SECRET"),
		PESELClaim:   cmp.Or(strings.TrimSpace(env.str("CIVITAS_OIDC_PESEL_CLAIM", "")), "pesel"),
		RedirectURL:  strings.TrimSpace(env.str("CIVITAS_OIDC_REDIRECT_URL", "")),
		Name:         strings.TrimSpace(env.str("CIVITAS_OIDC_NAME", "")),
		Scopes:       strings.Fields(env.str("CIVITAS_OIDC_SCOPES", "")),
	}
}

// validate checks the identity provider's settings; without an issuer
// the others must be unset, and the provider is off.
func (o *OIDC) validate(p *problems) {
	if o.Issuer == "" {
		if o.ClientID != "" || o.ClientSecret != "" || o.RedirectURL != "" {
			p.add("CIVITAS_OIDC_ISSUER", "must be set when other CIVITAS_OIDC_* variables are")
		}
		*o = OIDC{PESELClaim: o.PESELClaim}
		return
	}
	if u, err := url.Parse(o.Issuer); err != nil || u.Host == "" || (u.Scheme != "https" && !(u.Scheme == "http" && isLoopback(u.Hostname()))) {
		p.add("CIVITAS_OIDC_ISSUER", "must be an https URL (http only on localhost), got %q", o.Issuer)
	}
	if o.ClientID == "" {
		p.add("CIVITAS_OIDC_CLIENT_ID", "must be set when CIVITAS_OIDC_ISSUER is")
	}
	if o.RedirectURL != "" {
		if u, err := url.Parse(o.RedirectURL); err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
			p.add("CIVITAS_OIDC_REDIRECT_URL", "must be an absolute http(s) URL ending in /account/verify/oidc/callback, got %q", o.RedirectURL)
		}
	}
}

func isLoopback(host string) bool {
	return host == "localhost" || host == "127.0.0.1" || host == "::1"
}

// loopback reports whether a listen address is reachable only from this
// machine (a developer's or a test's node).
func loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}

// ExitCode tells main how to exit after Load failed.
func ExitCode(err error) int {
	if errors.Is(err, errHelp) {
		return 0
	}
	return 2
}

type problems []string

func (p *problems) add(name, format string, args ...any) {
	*p = append(*p, name+" "+fmt.Sprintf(format, args...))
}

func (p problems) err() error {
	if len(p) == 0 {
		return nil
	}
	return &InvalidError{Problems: p}
}

// InvalidError lists every configuration problem found, each naming its
// variable, so an operator fixes them in one go.
type InvalidError struct{ Problems []string }

func (e *InvalidError) Error() string {
	return "invalid configuration:\n  " + strings.Join(e.Problems, "\n  ")
}

type envReader struct {
	getenv func(string) string
	p      *problems
}

func (e envReader) str(name, def string) string {
	if v := e.getenv(name); v != "" {
		return v
	}
	return def
}

// secret reads NAME, or the file named by NAME_FILE (for container secrets).
func (e envReader) secret(name string) string {
	if v := e.getenv(name); v != "" {
		return v
	}
	if path := e.getenv(name + "_FILE"); path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			e.p.add(name+"_FILE", "cannot be read: %v", err)
			return ""
		}
		return strings.TrimSpace(string(b))
	}
	return ""
}

func (e envReader) bool(name string, def bool) bool {
	v := e.getenv(name)
	if v == "" {
		return def
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		e.p.add(name, "must be true or false, got %q", v)
		return def
	}
	return b
}

func (e envReader) int64(name string, def int64) int64 {
	v := e.getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		e.p.add(name, "must be a whole number, got %q", v)
		return def
	}
	return n
}

// prefixes reads a comma-separated list of networks (10.0.0.0/8) or single
// addresses (10.0.0.7).
func (e envReader) prefixes(name string) []netip.Prefix {
	var out []netip.Prefix
	for _, f := range strings.Split(e.getenv(name), ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		pre, err := netip.ParsePrefix(f)
		if err != nil {
			a, aerr := netip.ParseAddr(f)
			if aerr != nil {
				e.p.add(name, "must list networks like 10.0.0.0/8 or addresses, separated by commas; %q is neither", f)
				continue
			}
			pre = netip.PrefixFrom(a, a.BitLen())
		}
		out = append(out, pre.Masked())
	}
	return out
}

func (e envReader) duration(name string, def time.Duration) time.Duration {
	v := e.getenv(name)
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		e.p.add(name, "must be a duration like 30s or 2h, got %q", v)
		return def
	}
	return d
}
