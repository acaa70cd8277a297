// Package apptest starts whole civitas nodes for tests.
package apptest

import (
	"context"
	"io"
	"testing"

	"github.com/civitas-city/civitas/internal/app"
	"github.com/civitas-city/civitas/internal/config"
)

// Key is the secret key of the nodes Start starts, for tests that compute
// keyed values (census hashes, ballot links) themselves.
const Key = "test-secret-key-test-secret-key-0123456789"

// Start starts a node on dsn, listening on a free loopback port and logging
// nowhere, and stops it when the test ends. Each edit adjusts the
// configuration first.
func Start(t testing.TB, dsn string, edit ...func(*config.Config)) *app.Server {
	t.Helper()
	cfg, err := config.Load([]string{"serve", "--db", dsn, "--addr", "127.0.0.1:0", "--log-level", "error"},
		func(name string) string {
			if name == "CIVITAS_SECRET_KEY" {
				return Key
			}
			return ""
		}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Stderr, cfg.Stdout = io.Discard, io.Discard
	for _, e := range edit {
		e(&cfg)
	}
	srv, err := app.Start(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Shutdown() })
	return srv
}
