package app

import (
	"context"
	"fmt"

	"github.com/civitas-city/civitas/internal/config"
)

// censusMain runs `civitas census ...`.
func censusMain(ctx context.Context, cfg config.Config) int {
	fmt.Fprintln(cfg.Stderr, "civitas census: not available in this build yet")
	return 2
}
