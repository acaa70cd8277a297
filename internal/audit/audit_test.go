package audit_test

import (
	"testing"

	"github.com/civitas-city/civitas/internal/audit"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/db/dbtest"
)

func TestRecordAndList(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		for _, a := range []string{"role.grant", "role.revoke", "ballot.paper.enter"} {
			err := audit.Record(ctx, d, audit.Entry{ActorID: "officer-1", Action: a, TargetType: "user", TargetID: "u1", Details: map[string]string{"role": "officer"}})
			if err != nil {
				t.Fatal(err)
			}
		}
		all, err := audit.List(ctx, d, audit.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 3 || all[0].Action != "ballot.paper.enter" || all[2].Action != "role.grant" {
			t.Fatalf("List = %+v, want 3 entries newest first", all)
		}
		if all[2].Details["role"] != "officer" {
			t.Errorf("details lost: %v", all[2].Details)
		}
		roles, _ := audit.List(ctx, d, audit.Filter{Action: "role."})
		if len(roles) != 2 {
			t.Errorf("prefix filter: %d entries, want 2", len(roles))
		}
		older, _ := audit.List(ctx, d, audit.Filter{Before: all[0].ID, Limit: 1})
		if len(older) != 1 || older[0].ID != all[1].ID {
			t.Errorf("pagination: got %+v", older)
		}
	})
}

// The database itself refuses to change or delete audit rows.
func TestAuditRowsCannotChange(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		if err := audit.Record(ctx, d, audit.Entry{Action: "test.action"}); err != nil {
			t.Fatal(err)
		}
		if _, err := d.ExecContext(ctx, `UPDATE audit_log SET action = 'forged'`); err == nil {
			t.Error("UPDATE of audit_log succeeded")
		}
		if _, err := d.ExecContext(ctx, `DELETE FROM audit_log`); err == nil {
			t.Error("DELETE from audit_log succeeded")
		}
		got, _ := audit.List(ctx, d, audit.Filter{})
		if len(got) != 1 || got[0].Action != "test.action" {
			t.Errorf("audit rows changed: %+v", got)
		}
	})
}

func TestRecordNeedsAnAction(t *testing.T) {
	d := dbtest.Open(t, db.SQLite)
	if err := audit.Record(t.Context(), d, audit.Entry{}); err == nil {
		t.Error("Record accepted an entry without an action")
	}
}
