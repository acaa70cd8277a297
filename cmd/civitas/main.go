// Command civitas is the city's resident platform: the web server, the demo,
// migrations and the command-line tools, in one binary.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/civitas-city/civitas/internal/app"
	"github.com/civitas-city/civitas/internal/config"
)

func main() {
	cfg, err := config.Load(os.Args[1:], os.Getenv, os.Stderr)
	if err != nil {
		if !config.IsHelp(err) && err != config.ErrUsage {
			fmt.Fprintln(os.Stderr, "civitas:", err)
		}
		os.Exit(config.ExitCode(err))
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := app.Run(ctx, cfg); err != nil {
		if code, ok := app.IsExit(err); ok {
			os.Exit(code)
		}
		fmt.Fprintln(os.Stderr, "civitas:", err)
		os.Exit(1)
	}
}
