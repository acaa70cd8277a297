package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/civitas-city/civitas/internal/accounts"
	"github.com/civitas-city/civitas/internal/accounts/identity"
	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/config"
	"github.com/civitas-city/civitas/internal/mail"
	"github.com/civitas-city/civitas/internal/web"
)

// demoAccount is a demo login printed at start.
type demoAccount struct {
	Email, Name, Password string
	Roles                 []web.Role
}

// demoAccounts are fixed so a tester can sign in from the printed list;
// the passwords are public and only ever used on demo databases.
var demoAccounts = []demoAccount{
	{"admin@demo.civitas.local", "Anna Administratorka", "demo-admin-2026", []web.Role{{Name: web.RoleAdmin}}},
	{"officer@demo.civitas.local", "Olgierd Urzędnik", "demo-officer-2026", []web.Role{{Name: web.RoleOfficer}}},
	{"moderator@demo.civitas.local", "Monika Moderatorka", "demo-moderator-2026", []web.Role{{Name: web.RoleModerator}}},
	{"resident@demo.civitas.local", "Roman Mieszkaniec", "demo-resident-2026", nil},
	{"newcomer@demo.civitas.local", "Nina Nowa", "demo-newcomer-2026", nil},
}

// Demo accounts by their place in demoAccounts.
const (
	demoAdmin    = 0
	demoOfficer  = 1
	demoResident = 3 // verified against the synthetic register
	demoNewcomer = 4 // not verified: verifies with identity.DemoUnclaimed()
)

// demoUsers are the demo accounts as created, by their place in
// demoAccounts (demo[demoResident].ID); modules' seeds take them.
type demoUsers []*accounts.User

// prepareDemo points cfg at the demo database: DIR/civitas.db with --data
// DIR, else a fresh temporary directory. A demo directory keeps its own
// secret key so hashed identifiers stay valid between runs.
func prepareDemo(cfg config.Config) (config.Config, error) {
	dir := cfg.DataDir
	if dir == "" {
		var err error
		if dir, err = os.MkdirTemp("", "civitas-demo-"); err != nil {
			return cfg, err
		}
	} else if err := os.MkdirAll(dir, 0o750); err != nil {
		return cfg, fmt.Errorf("demo --data: %w", err)
	}
	cfg.DataDir = dir
	if cfg.DB == "" {
		cfg.DB = "sqlite:" + filepath.Join(dir, "civitas.db")
	}
	if cfg.SecretKey == "" {
		keyFile := filepath.Join(dir, "secret-key")
		b, err := os.ReadFile(keyFile)
		if errors.Is(err, fs.ErrNotExist) {
			var k [32]byte
			rand.Read(k[:])
			b = []byte(hex.EncodeToString(k[:]))
			err = os.WriteFile(keyFile, b, 0o600)
		}
		if err != nil {
			return cfg, fmt.Errorf("demo secret key: %w", err)
		}
		cfg.SecretKey = string(b)
	}
	return cfg, nil
}

// seedDemo adds the demo accounts, then each module's demo content, once;
// running the demo again on the same --data directory keeps what is there.
func seedDemo(ctx context.Context, s *Server) error {
	svc := &accounts.Service{DB: s.DB}
	users := make(demoUsers, len(demoAccounts))
	for i, a := range demoAccounts {
		u, err := svc.Create(ctx, s.DB, accounts.NewUser{Email: a.Email, DisplayName: a.Name, Password: a.Password, EmailConfirmed: true})
		if apperr.Is(err, apperr.Conflict) {
			return nil // seeded on an earlier run
		}
		if err != nil {
			return err
		}
		users[i] = u
		for _, r := range a.Roles {
			if err := svc.GrantRole(ctx, users[demoAdmin].ID, u.ID, r); err != nil {
				return err
			}
		}
	}
	for _, seed := range s.seeds {
		if err := seed(ctx, users); err != nil {
			return err
		}
	}
	return mail.Enqueue(ctx, s.DB, mail.Message{
		To:      demoAccounts[demoResident].Email,
		Subject: "Witamy w Civitas / Welcome to Civitas",
		Text:    "To jest wiadomość z trybu demonstracyjnego: poczta trafia do skrzynki nadawczej (/admin/outbox), a nie do adresata.\n\nThis is a demo-mode message: mail goes to the outbox (/admin/outbox) instead of being sent.",
	})
}

func printDemo(cfg config.Config, s *Server) {
	out := cfg.Stdout
	if out == nil {
		out = os.Stdout
	}
	fmt.Fprintf(out, "\nCivitas demo is running at %s/\n", s.URL)
	fmt.Fprintf(out, "Database: %s (data directory %s)\n\nDemo accounts (email / password):\n", cfg.DB, cfg.DataDir)
	for i, a := range demoAccounts {
		role := web.RoleResident
		if len(a.Roles) > 0 {
			role = a.Roles[0].Name
		}
		switch i {
		case demoResident:
			role += " (verified)"
		case demoNewcomer:
			role += " (unverified)"
		}
		fmt.Fprintf(out, "  %-22s %-32s %s\n", role, a.Email, a.Password)
	}
	un := identity.DemoUnclaimed()
	fmt.Fprintf(out, "\nTo verify the unverified resident on /account/verify: PESEL %s, born %s (synthetic, not a real person).\n",
		un.PESEL, un.BirthDate.Format("2006-01-02"))
	printReportsDemo(out, s)
	fmt.Fprintln(out, "\nPress Ctrl-C to stop.")
}
