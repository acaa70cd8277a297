package db

import (
	"context"
	"path/filepath"
	"testing"
)

// A database that has a later migration but not an earlier one (modules'
// migrations landing out of order) gets the earlier one applied.
func TestMigrateAppliesAMissingEarlierMigration(t *testing.T) {
	ctx := context.Background()
	d, err := Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "o.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := Migrate(ctx, d); err != nil {
		t.Fatal(err)
	}
	p, err := provider(d)
	if err != nil {
		t.Fatal(err)
	}
	const missing = 11 // rate_events: a module's own table
	if _, err := p.ApplyVersion(ctx, missing, false); err != nil {
		t.Fatal(err)
	}
	n, err := Migrate(ctx, d)
	if err != nil {
		t.Fatalf("migrate with version %d missing: %v", missing, err)
	}
	if n != 1 {
		t.Errorf("%d migrations applied, want the missing one", n)
	}
	if _, err := d.ExecContext(ctx, `SELECT COUNT(*) FROM rate_events`); err != nil {
		t.Errorf("the missing migration's table: %v", err)
	}
}
