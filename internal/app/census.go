package app

import (
	"context"
	"os"

	"github.com/civitas-city/civitas/internal/accounts/census/censuscli"
	"github.com/civitas-city/civitas/internal/addresses/addressescli"
	"github.com/civitas-city/civitas/internal/config"
)

// censusMain runs `civitas census ...`; the importer reads CIVITAS_DB,
// CIVITAS_SECRET_KEY and CIVITAS_CITY_DIR itself.
func censusMain(ctx context.Context, cfg config.Config) int {
	return censuscli.Main(ctx, cfg.Args, cfg.Stdout, cfg.Stderr, os.Getenv)
}

// addressesMain runs `civitas addresses ...`; the importer reads CIVITAS_DB
// itself.
func addressesMain(ctx context.Context, cfg config.Config) int {
	return addressescli.Main(ctx, cfg.Args, cfg.Stdout, cfg.Stderr, os.Getenv)
}
