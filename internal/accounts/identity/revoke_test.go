package identity_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/civitas-city/civitas/internal/accounts/identity"
	"github.com/civitas-city/civitas/internal/audit"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/db/dbtest"
)

// TestRevokeDisputedPESEL: someone verified with another resident's PESEL;
// the resident is refused online; an officer revokes the first
// verification with a reason (audited) and verifies the resident in person.
func TestRevokeDisputedPESEL(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		s := service(d)
		rs := residents(1)
		importRegister(t, d, rs)
		impostor := addUser(t, d, "impostor@example.test", true)
		owner := addUser(t, d, "owner@example.test", true)
		officer := addUser(t, d, "officer@example.test", true)
		if _, err := s.VerifyCensus(ctx, impostor, rs[0].pesel, rs[0].date(), ""); err != nil {
			t.Fatal(err)
		}
		if _, err := s.VerifyCensus(ctx, owner, rs[0].pesel, rs[0].date(), ""); !errors.Is(err, identity.ErrPESELTaken) {
			t.Fatalf("the owner's claim: %v, want the PESEL taken", err)
		}

		for _, reason := range []string{"", "   ", strings.Repeat("x", 1001)} {
			if err := s.Revoke(ctx, officer, impostor, reason); !errors.Is(err, identity.ErrRevokeReason) {
				t.Errorf("revoke with reason %.10q…: %v, want the reason asked for", reason, err)
			}
		}
		if _, ok, _ := s.IsVerifiedResident(ctx, impostor); !ok {
			t.Fatal("a refused revocation took the verification away")
		}
		if err := s.Revoke(ctx, officer, impostor, "The owner showed their identity card at the desk."); err != nil {
			t.Fatal(err)
		}
		if _, ok, err := s.IsVerifiedResident(ctx, impostor); ok || err != nil {
			t.Errorf("after revoking, the impostor is verified: %v, %v", ok, err)
		}
		if err := s.Revoke(ctx, officer, impostor, "again"); !errors.Is(err, identity.ErrNotVerified) {
			t.Errorf("revoking twice: %v", err)
		}
		es, err := audit.List(ctx, d, audit.Filter{Action: "residency.revoke"})
		if err != nil || len(es) != 1 || es[0].ActorID != officer || es[0].TargetID != impostor ||
			es[0].Details["reason"] != "The owner showed their identity card at the desk." || es[0].Details["method"] != "census" {
			t.Errorf("audit: %+v, %v", es, err)
		}

		res, err := s.VerifyInPerson(ctx, officer, owner, rs[0].pesel, "", 0)
		if err != nil || res.UserID != owner {
			t.Fatalf("verifying the owner in person: %+v, %v", res, err)
		}
		if district, ok, _ := s.IsVerifiedResident(ctx, owner); !ok || district != rs[0].district {
			t.Errorf("the owner: verified %v in district %d, want %d", ok, district, rs[0].district)
		}
	})
}
