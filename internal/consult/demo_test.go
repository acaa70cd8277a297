package consult

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/civitas-city/civitas/internal/consult/opinion"
	"github.com/civitas-city/civitas/internal/consult/polisexport"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/db/dbtest"
)

// The demo loads the embedded Pol.is export and computes its map; a second
// run changes nothing.
func TestSeedDemo(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		if err := SeedDemo(ctx, d); err != nil {
			t.Fatal(err)
		}
		if err := SeedDemo(ctx, d); err != nil {
			t.Fatalf("second run: %v", err)
		}
		s := &Service{DB: d}
		conv, err := s.Conversation(ctx, DemoID)
		if err != nil {
			t.Fatal(err)
		}
		sts, err := s.Statements(ctx, conv.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(sts) != 54 {
			t.Errorf("%d statements, want 54", len(sts))
		}
		m, err := s.Map(ctx, conv.ID)
		if err != nil {
			t.Fatal(err)
		}
		if m.Result == nil || m.VoteEvents != 2995 || m.Stale() {
			t.Fatalf("map: %+v", m)
		}
		if m.Result.Participants != 339 || len(m.Result.Groups) < 2 {
			t.Errorf("map: %d participants, %d groups", m.Result.Participants, len(m.Result.Groups))
		}
		if computed, err := s.RecomputeMap(ctx, conv.ID); err != nil || computed {
			t.Errorf("recompute without changes: computed=%v err=%v", computed, err)
		}
	})
}

// Our Pol.is export, read back by polisexport and mapped cold by opinion,
// gives the groups of the stored map; and it holds the same votes as the
// source files it was loaded from.
func TestExportRoundTrip(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		if err := SeedDemo(ctx, d); err != nil {
			t.Fatal(err)
		}
		s := &Service{DB: d}
		c, _ := s.Get(ctx, DemoID)
		conv, _ := s.Conversation(ctx, DemoID)
		dir := t.TempDir()
		for _, f := range ExportFiles {
			var buf bytes.Buffer
			if err := s.Export(ctx, &buf, &conv, f, "http://example.test/consultations/"+DemoID+"/conversation", false); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			if err := os.WriteFile(filepath.Join(dir, f), buf.Bytes(), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		var js bytes.Buffer
		if err := s.ExportJSON(ctx, &js, &c, &conv, ""); err != nil {
			t.Fatal(err)
		}
		back, err := polisexport.Read(dir)
		if err != nil {
			t.Fatal(err)
		}
		if len(back.History) != 2995 {
			t.Errorf("votes.csv read back: %d events", len(back.History))
		}
		m, err := s.Map(ctx, conv.ID)
		if err != nil {
			t.Fatal(err)
		}
		res, err := opinion.Compute(opinion.Input{Votes: back.Votes, ModOut: back.ModOut, Order: back.Order})
		if err != nil {
			t.Fatal(err)
		}
		want := partition(m.Result.Groups)
		if got := partition(res.Groups); !equalPartitions(got, want) {
			t.Errorf("groups from the export differ from the stored map:\n got %v\nwant %v", sizes(got), sizes(want))
		}
		// The export's group-id column is the stored map's.
		for pid, g := range back.Groups {
			if groupOf(m.Result)[pid] != g {
				t.Fatalf("participant %d: export says group %d", pid, g)
			}
		}
	})
}
