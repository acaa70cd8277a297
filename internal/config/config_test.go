package config

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

const key = "0123456789abcdef0123456789abcdef"

func TestLoadDefaultsAndOverrides(t *testing.T) {
	cfg, err := Load([]string{"serve", "--addr", "0.0.0.0:9000"}, env(map[string]string{
		"CIVITAS_SECRET_KEY": key, "CIVITAS_DB": "postgres://u@db/civitas", "CIVITAS_ADDR": "127.0.0.1:1", "CIVITAS_SESSION_MAX_AGE": "2h",
		"CIVITAS_BASE_URL": "https://civitas.example",
	}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Addr != "0.0.0.0:9000" {
		t.Errorf("flag did not win over the variable: %s", cfg.Addr)
	}
	if cfg.DB != "postgres://u@db/civitas" || cfg.SessionMaxAge != 2*time.Hour || cfg.MaxBodyBytes != 1<<20 || !cfg.Migrate {
		t.Errorf("cfg = %+v", cfg)
	}
	if strings.Contains(cfg.String(), key) {
		t.Error("String() shows the secret key")
	}
}

func TestInvalidConfigNamesEveryVariable(t *testing.T) {
	_, err := Load([]string{"serve"}, env(map[string]string{
		"CIVITAS_DB": "mysql://x", "CIVITAS_MAX_BODY_BYTES": "lots", "CIVITAS_LOG_LEVEL": "loud", "CIVITAS_WORKERS": "-1",
	}), io.Discard)
	inv, ok := errors.AsType[*InvalidError](err)
	if !ok {
		t.Fatalf("err = %v, want *InvalidError", err)
	}
	msg := inv.Error()
	for _, name := range []string{"CIVITAS_DB", "CIVITAS_MAX_BODY_BYTES", "CIVITAS_LOG_LEVEL", "CIVITAS_WORKERS", "CIVITAS_SECRET_KEY"} {
		if !strings.Contains(msg, name) {
			t.Errorf("error does not name %s:\n%s", name, msg)
		}
	}
}

func TestUsageErrors(t *testing.T) {
	for name, args := range map[string][]string{
		"no command":      nil,
		"unknown command": {"frobnicate"},
		"unknown flag":    {"serve", "--nope"},
		"stray argument":  {"migrate", "extra"},
	} {
		var out strings.Builder
		_, err := Load(args, env(nil), &out)
		if !errors.Is(err, ErrUsage) || ExitCode(err) != 2 {
			t.Errorf("%s: err = %v, exit %d; want a usage error and exit 2", name, err, ExitCode(err))
		}
		if !strings.Contains(out.String(), "Usage") {
			t.Errorf("%s: no usage printed: %q", name, out.String())
		}
	}
	if _, err := Load([]string{"serve", "-h"}, env(nil), io.Discard); ExitCode(err) != 0 {
		t.Errorf("-h exits %d, want 0", ExitCode(err))
	}
}

func TestDemoNeedsNoSecretOrDatabase(t *testing.T) {
	cfg, err := Load([]string{"demo", "--data", "/tmp/x"}, env(nil), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.Demo || cfg.DataDir != "/tmp/x" || cfg.Addr != "127.0.0.1:8080" {
		t.Errorf("cfg = %+v", cfg)
	}
}

func TestPassThroughCommands(t *testing.T) {
	cfg, err := Load([]string{"pb", "count", "--rule", "greedy", "x.pb"}, env(nil), io.Discard)
	if err != nil || cfg.Command != CmdPB || len(cfg.Args) != 4 {
		t.Errorf("pb: %+v, %v", cfg, err)
	}
}

func TestSecretFromFile(t *testing.T) {
	path := t.TempDir() + "/key"
	if err := os.WriteFile(path, []byte(key+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load([]string{"serve"}, env(map[string]string{"CIVITAS_SECRET_KEY_FILE": path}), io.Discard)
	if err != nil || cfg.SecretKey != key {
		t.Errorf("secret from file: %q, %v", cfg.SecretKey, err)
	}
}

// A node on a public address needs its base URL (links are never built
// from the Host header); trusted proxies are networks or addresses.
func TestBaseURLAndTrustedProxies(t *testing.T) {
	base := map[string]string{"CIVITAS_SECRET_KEY": key, "CIVITAS_DB": "sqlite:/tmp/x.db"}
	with := func(extra map[string]string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	if _, err := Load([]string{"serve", "--addr", "0.0.0.0:8080"}, env(base), io.Discard); err == nil || !strings.Contains(err.Error(), "CIVITAS_BASE_URL") {
		t.Errorf("serve on 0.0.0.0 without a base URL: %v", err)
	}
	for _, addr := range []string{"127.0.0.1:8080", "localhost:8080", "[::1]:8080"} {
		if _, err := Load([]string{"serve", "--addr", addr}, env(base), io.Discard); err != nil {
			t.Errorf("serve on %s without a base URL: %v", addr, err)
		}
	}
	cfg, err := Load([]string{"serve"}, env(with(map[string]string{"CIVITAS_TRUST_PROXY": "true", "CIVITAS_TRUSTED_PROXIES": "10.0.0.0/8, 192.168.1.7 ,fd00::/8"})), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(cfg.TrustedProxies); got != "[10.0.0.0/8 192.168.1.7/32 fd00::/8]" {
		t.Errorf("trusted proxies %s", got)
	}
	_, err = Load([]string{"serve"}, env(with(map[string]string{"CIVITAS_TRUST_PROXY": "true", "CIVITAS_TRUSTED_PROXIES": "10.0.0.0/8,the-lb"})), io.Discard)
	if err == nil || !strings.Contains(err.Error(), `"the-lb"`) {
		t.Errorf("a bad trusted proxy: %v", err)
	}
	_, err = Load([]string{"serve"}, env(with(map[string]string{"CIVITAS_TRUSTED_PROXIES": "10.0.0.0/8"})), io.Discard)
	if err == nil || !strings.Contains(err.Error(), "CIVITAS_TRUST_PROXY") {
		t.Errorf("trusted proxies without CIVITAS_TRUST_PROXY: %v", err)
	}
}

// The identity provider's CIVITAS_OIDC_* settings: off by default, read
// with a secret file and defaults, and every problem named at once.
func TestOIDCSettings(t *testing.T) {
	secretFile := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(secretFile, []byte("from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name     string
		env      map[string]string
		enabled  bool
		problems []string
		check    func(OIDC) bool
	}{
		{"off", nil, false, nil, nil},
		{"full", map[string]string{"CIVITAS_OIDC_ISSUER": "https://login.example.gov.pl", "CIVITAS_OIDC_CLIENT_ID": "krakow",
			"CIVITAS_OIDC_CLIENT_SECRET": "s3cret", "CIVITAS_OIDC_PESEL_CLAIM": "personal_id", "CIVITAS_OIDC_SCOPES": "profile  pesel",
			"CIVITAS_OIDC_REDIRECT_URL": "https://civitas.krakow.pl/account/verify/oidc/callback", "CIVITAS_OIDC_NAME": "login.gov.pl"}, true, nil,
			func(c OIDC) bool {
				return c.PESELClaim == "personal_id" && len(c.Scopes) == 2 && c.ClientSecret == "s3cret" && c.Name == "login.gov.pl"
			}},
		{"defaults and secret file", map[string]string{"CIVITAS_OIDC_ISSUER": "http://127.0.0.1:5556", "CIVITAS_OIDC_CLIENT_ID": "c",
			"CIVITAS_OIDC_CLIENT_SECRET_FILE": secretFile}, true, nil,
			func(c OIDC) bool { return c.PESELClaim == "pesel" && c.ClientSecret == "from-file" }},
		{"every problem at once", map[string]string{"CIVITAS_OIDC_ISSUER": "http://idp.example", "CIVITAS_OIDC_REDIRECT_URL": "/relative",
			"CIVITAS_OIDC_CLIENT_SECRET_FILE": "/no/such/file"}, true,
			[]string{"CIVITAS_OIDC_CLIENT_SECRET_FILE cannot be read", "CIVITAS_OIDC_ISSUER must be an https URL", "CIVITAS_OIDC_CLIENT_ID must be set",
				"CIVITAS_OIDC_REDIRECT_URL must be an absolute"}, nil},
		{"client without issuer", map[string]string{"CIVITAS_OIDC_CLIENT_ID": "c"}, false, []string{"CIVITAS_OIDC_ISSUER must be set"}, nil},
	}
	for _, c := range cases {
		vars := map[string]string{"CIVITAS_SECRET_KEY": key, "CIVITAS_DB": "sqlite:x.db"}
		maps.Copy(vars, c.env)
		cfg, err := Load([]string{"serve"}, env(vars), io.Discard)
		var problems []string
		if inv, ok := errors.AsType[*InvalidError](err); ok {
			problems = inv.Problems
		} else if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if (cfg.OIDC.Issuer != "") != c.enabled || len(problems) != len(c.problems) {
			t.Errorf("%s: issuer %q, problems %q", c.name, cfg.OIDC.Issuer, problems)
			continue
		}
		for i, want := range c.problems {
			if !strings.HasPrefix(problems[i], want) {
				t.Errorf("%s: problem %q, want %q…", c.name, problems[i], want)
			}
		}
		if c.check != nil && !c.check(cfg.OIDC) {
			t.Errorf("%s: %+v", c.name, cfg.OIDC)
		}
		if strings.Contains(cfg.String(), "s3cret") {
			t.Errorf("%s: String() shows the client secret", c.name)
		}
	}
	// Commands that never verify anyone do not read the provider's settings.
	cfg, err := Load([]string{"migrate"}, env(map[string]string{"CIVITAS_DB": "sqlite:x.db", "CIVITAS_OIDC_CLIENT_SECRET_FILE": "/no/such/file"}), io.Discard)
	if err != nil || cfg.OIDC.Issuer != "" {
		t.Errorf("migrate with a broken OIDC setting: %+v, %v", cfg.OIDC, err)
	}
}
