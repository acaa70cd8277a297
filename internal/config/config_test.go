package config

import (
	"errors"
	"fmt"
	"io"
	"os"
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
