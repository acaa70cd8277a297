// Package app wires Civitas together: it builds the stores, services,
// routes and jobs from a Config and runs them. Tests start the whole app
// through Start, exactly as the binary does.
package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"runtime/pprof"

	"github.com/civitas-city/civitas/internal/card/cardcli"
	"github.com/civitas-city/civitas/internal/tax/taxcli"

	"github.com/civitas-city/civitas/internal/budget/importcli"
	"github.com/civitas-city/civitas/internal/budget/pbcli"
	"github.com/civitas-city/civitas/internal/config"
	"github.com/civitas-city/civitas/internal/consult/opinioncli"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/survey/weightcli"
)

// Version is set at build time with -ldflags "-X .../internal/app.Version=v1.2.3";
// otherwise it comes from the module's build information.
var Version = ""

// ExitError carries the exit status of a command that failed after it has
// already told the user why (on stderr).
type ExitError struct{ Code int }

func (e *ExitError) Error() string { return fmt.Sprintf("exit status %d", e.Code) }

// Run executes the configured command until it ends or ctx is cancelled.
func Run(ctx context.Context, cfg config.Config) error {
	switch cfg.Command {
	case config.CmdHelp:
		fmt.Fprint(cfg.Stdout, config.Usage)
		return nil
	case config.CmdVersion:
		fmt.Fprintln(cfg.Stdout, "civitas", version())
		return nil
	case config.CmdPB:
		// pb import writes to the database; count and stats are pure.
		if len(cfg.Args) > 0 && cfg.Args[0] == "import" {
			return exitCode(importcli.Main(cfg.Args[1:], cfg.Stdout, cfg.Stderr))
		}
		return exitCode(pbcli.Main(cfg.Args, cfg.Stdout, cfg.Stderr))
	case config.CmdOpinion:
		return exitCode(opinioncli.Main(cfg.Args, cfg.Stdout, cfg.Stderr))
	case config.CmdSurvey:
		return exitCode(weightcli.Main(cfg.Args, cfg.Stdout, cfg.Stderr))
	case config.CmdMigrate:
		return migrate(ctx, cfg)
	case config.CmdBackup:
		return backup(ctx, cfg)
	case config.CmdCensus:
		return exitCode(censusMain(ctx, cfg))
	case config.CmdAddresses:
		return exitCode(addressesMain(ctx, cfg))
	case config.CmdTax:
		return exitCode(taxcli.Main(ctx, cfg.Args, cfg.Stdout, cfg.Stderr, os.Getenv))
	case config.CmdCard:
		return exitCode(cardcli.Main(ctx, cfg.Args, cfg.Stdout, cfg.Stderr, os.Getenv))
	case config.CmdServe, config.CmdDemo:
		stop, err := cpuProfile(os.Getenv("CIVITAS_CPU_PROFILE"))
		if err != nil {
			return err
		}
		defer stop()
		srv, err := Start(ctx, cfg)
		if err != nil {
			return err
		}
		<-ctx.Done()
		return srv.Shutdown()
	}
	return fmt.Errorf("app: unknown command %q", cfg.Command)
}

func exitCode(code int) error {
	if code == 0 {
		return nil
	}
	return &ExitError{Code: code}
}

func migrate(ctx context.Context, cfg config.Config) error {
	d, err := db.Open(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer d.Close()
	n, err := db.Migrate(ctx, d)
	if err != nil {
		return err
	}
	v, err := db.Version(ctx, d)
	if err != nil {
		return err
	}
	fmt.Fprintf(cfg.Stdout, "applied %d migrations; the schema is at version %d\n", n, v)
	return nil
}

func backup(ctx context.Context, cfg config.Config) error {
	d, err := db.Open(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := db.Backup(ctx, d, cfg.DB, cfg.BackupOut); err != nil {
		return err
	}
	fmt.Fprintf(cfg.Stdout, "backup written to %s\n", cfg.BackupOut)
	return nil
}

func version() string {
	if Version != "" {
		return Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// IsExit reports whether err only carries an exit status.
func IsExit(err error) (int, bool) {
	if e, ok := errors.AsType[*ExitError](err); ok {
		return e.Code, true
	}
	return 0, false
}

// cpuProfile writes a CPU profile of the whole run to path when it is set
// (CIVITAS_CPU_PROFILE, for benchmarks: `go tool pprof` reads it); stop
// ends it.
func cpuProfile(path string) (stop func(), err error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("CIVITAS_CPU_PROFILE: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("CIVITAS_CPU_PROFILE: %w", err)
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}
