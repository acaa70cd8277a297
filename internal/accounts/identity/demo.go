package identity

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/civitas-city/civitas/internal/accounts/census"
	"github.com/civitas-city/civitas/internal/accounts/pesel"
	"github.com/civitas-city/civitas/internal/db"
)

// DemoResident is one entry of the synthetic demo register.
type DemoResident struct {
	PESEL     string
	BirthDate time.Time
	District  int
}

// demoSize is the number of people in the demo register.
const demoSize = 1000

// DemoRegister is the synthetic register the demo loads: 1,000 people
// spread evenly over districts 1..18, born 1930..2008, with PESELs
// computed by pesel.Generate from a fixed seed (never collected from real
// people; that one matches a real person's is chance). The same every run.
func DemoRegister() []DemoResident {
	r := rand.New(rand.NewPCG(2026, 11))
	out := make([]DemoResident, demoSize)
	for i := range out {
		birth := time.Date(1930+r.IntN(79), time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC)
		// The serial is the index, so no two entries share a PESEL.
		out[i] = DemoResident{PESEL: pesel.Generate(birth, i, r.IntN(2) == 0), BirthDate: birth, District: 1 + i%18}
	}
	return out
}

// DemoVerified is the demo register entry SeedDemo verifies the demo
// resident with; DemoUnclaimed is one no account has, for a tester to
// verify another account with (the demo prints it).
func DemoVerified() DemoResident  { return DemoRegister()[0] }
func DemoUnclaimed() DemoResident { return DemoRegister()[1] }

// DemoManaged is the register entry of the demo's managed profile.
func DemoManaged() DemoResident { return DemoRegister()[2] }

// DemoManagedName is the name of the demo's managed profile.
const DemoManagedName = "Helena Przykładowa"

// SeedDemo loads the demo register (replacing any register), verifies
// verifiedUserID with DemoVerified through the register, and makes one
// managed profile (DemoManaged, as if made at a desk; a new claim code is
// made on its page at /officer/residents). Running it again changes
// nothing.
func SeedDemo(ctx context.Context, d *db.DB, key []byte, verifiedUserID string) error {
	if len(key) < census.MinKeyLen {
		return census.ErrShortKey
	}
	reg := DemoRegister()
	entries := make([]census.Entry, len(reg))
	for i, r := range reg {
		entries[i] = census.Entry{Hash: census.Hash(key, r.PESEL), BirthDate: r.BirthDate, District: r.District}
	}
	if err := d.InTx(ctx, func(tx *sql.Tx) error { return census.Replace(ctx, tx, entries, db.TS(time.Now())) }); err != nil {
		return fmt.Errorf("identity: demo register: %w", err)
	}
	s := &Service{DB: d, Key: key}
	m := DemoManaged()
	_, err := s.CreateManaged(ctx, "", NewManaged{Name: DemoManagedName, PESEL: m.PESEL})
	if err != nil && !errors.Is(err, ErrManagedExists) {
		return fmt.Errorf("identity: demo managed profile: %w", err)
	}
	if verifiedUserID == "" {
		return nil
	}
	v := DemoVerified()
	if _, err := s.VerifyCensus(ctx, verifiedUserID, v.PESEL, v.BirthDate.Format(time.DateOnly), ""); err != nil {
		return fmt.Errorf("identity: demo verification: %w", err)
	}
	return nil
}
