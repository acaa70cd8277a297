package ballot_test

import (
	"context"
	"testing"

	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/db/dbtest"
)

// TestMigrationMovesBudgetBallots: the budget's participations, ballots and
// paper sheets move into the box's tables unchanged (and back down).
func TestMigrationMovesBudgetBallots(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			ctx := context.Background()
			d, err := db.Open(ctx, dbtest.DSN(t, engine))
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			if err := db.MigrateTo(ctx, d, 10); err != nil {
				t.Fatal(err)
			}
			at := db.TS(start)
			for _, q := range []struct {
				sql  string
				args []any
			}{
				{`INSERT INTO pb_editions (id, slug, kind, title, phase, pool_policy, paper_policy, created_at, updated_at)
					VALUES ('e1', 'bo', 'city', 'BO', 'voting', 'any', 'first_wins', $1, $1)`, []any{at}},
				{`INSERT INTO pb_pools (id, edition_id, slug, name, amount, ballot, min_choices, max_choices, rule, position)
					VALUES ('p1', 'e1', 'city', 'City', 100, 'approval', 1, 3, 'greedy', 0)`, nil},
				{`INSERT INTO pb_paper_batches (id, edition_id, pool_id, booth, label, double_key, status, created_by, created_at)
					VALUES ('b1', 'e1', 'p1', 'Urząd', 'urna 1', FALSE, 'open', 'o1', $1)`, []any{at}},
				{`INSERT INTO pb_participations (id, edition_id, pool_id, slot, voter_key, user_id, channel, batch_id, district, age_band, at)
					VALUES ('x1', 'e1', 'p1', 'p1', 'k1', 'u1', 'paper', 'b1', 4, '30-44', $1)`, []any{at}},
				{`INSERT INTO pb_ballots (id, edition_id, pool_id, receipt, link, channel, batch_id, choices, points)
					VALUES ('y1', 'e1', 'p1', 'AAAAA-BBBBB', 'l1', 'paper', 'b1', 'a,b', '')`, nil},
				{`INSERT INTO pb_paper_entries (id, batch_id, seq, keying, officer_id, voter_key, choices_mac, outcome, at)
					VALUES ('z1', 'b1', 1, 1, 'o1', 'k1', 'm', 'counted', $1)`, []any{at}},
			} {
				if _, err := d.ExecContext(ctx, q.sql, q.args...); err != nil {
					t.Fatalf("%s: %v", q.sql, err)
				}
			}
			if err := db.MigrateTo(ctx, d, 12); err != nil {
				t.Fatal(err)
			}
			for query, want := range map[string]int{
				`SELECT COUNT(*) FROM ballot_participations WHERE box = 'e1' AND pool = 'p1' AND voter_key = 'k1' AND district = 4 AND batch_id = 'b1'`: 1,
				`SELECT COUNT(*) FROM ballot_ballots WHERE box = 'e1' AND pool = 'p1' AND receipt = 'AAAAA-BBBBB' AND link = 'l1' AND choices = 'a,b'`:  1,
				`SELECT COUNT(*) FROM ballot_paper_batches WHERE box = 'e1' AND pool = 'p1' AND booth = 'Urząd'`:                                        1,
				`SELECT COUNT(*) FROM ballot_paper_entries WHERE batch_id = 'b1' AND outcome = 'counted'`:                                               1,
			} {
				if n := count(t, d, query); n != want {
					t.Errorf("%s: %d, want %d", query, n, want)
				}
			}
			if err := db.MigrateTo(ctx, d, 10); err != nil {
				t.Fatal(err)
			}
			if n := count(t, d, `SELECT COUNT(*) FROM pb_ballots WHERE link = 'l1'`) + count(t, d, `SELECT COUNT(*) FROM pb_paper_entries`); n != 2 {
				t.Errorf("down: %d rows back, want 2", n)
			}
		})
	}
}
