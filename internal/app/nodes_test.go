package app_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/civitas-city/civitas/internal/app/apptest"
	"github.com/civitas-city/civitas/internal/config"
	"github.com/civitas-city/civitas/internal/db/dbtest"
	"github.com/civitas-city/civitas/internal/jobs"
	"github.com/civitas-city/civitas/internal/mail"
	"github.com/civitas-city/civitas/internal/web"
)

// Two nodes on one database behave as one site: a session made on one is
// valid on the other, and jobs enqueued through both run exactly once.
func TestTwoNodesShareSessionsAndJobs(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			dsn := dbtest.DSN(t, engine)
			a := apptest.Start(t, dsn)
			b := apptest.Start(t, dsn)

			c := signedIn(t, a, "admin@nodes.test", web.Role{Name: web.RoleAdmin})
			// The session cookie is for host 127.0.0.1, so the jar sends it to
			// node b too, as a browser behind a load balancer would.
			r := get(t, c, b.URL+"/admin/audit")
			if r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "Test admin@nodes.test") {
				t.Fatalf("session from node a on node b: status %d", r.StatusCode)
			}

			const n = 100
			var wg sync.WaitGroup
			for i := range n {
				node := a
				if i%2 == 1 {
					node = b
				}
				wg.Go(func() {
					msg := mail.Message{To: "r@example.org", Subject: fmt.Sprintf("job %03d", i), Text: "x"}
					if err := mail.Enqueue(t.Context(), node.DB, msg); err != nil {
						t.Error(err)
					}
				})
			}
			wg.Wait()
			a.Jobs.Wake()
			b.Jobs.Wake()
			deadline := time.Now().Add(60 * time.Second)
			for time.Now().Before(deadline) {
				counts, err := jobs.Counts(t.Context(), a.DB)
				if err != nil {
					t.Fatal(err)
				}
				if counts[jobs.StateDone] >= n || counts[jobs.StateFailed] > 0 {
					break
				}
				time.Sleep(50 * time.Millisecond)
			}
			// The outbox mailer stores one row per delivery: a job that ran
			// twice would leave two rows with its subject.
			rows, err := a.DB.QueryContext(t.Context(), `SELECT subject, count(*) FROM mail_outbox WHERE subject LIKE 'job %' GROUP BY subject`)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			distinct := 0
			for rows.Next() {
				var s string
				var k int
				rows.Scan(&s, &k)
				distinct++
				if k != 1 {
					t.Errorf("%s was delivered %d times", s, k)
				}
			}
			if distinct != n {
				t.Errorf("%d of %d jobs ran", distinct, n)
			}
			var nodes int
			a.DB.QueryRowContext(t.Context(), `SELECT count(DISTINCT locked_by) FROM jobs WHERE state = 'done'`).Scan(&nodes)
			t.Logf("%s: %d jobs done, by %d nodes", engine, distinct, nodes)
		})
	}
}

// A job enqueued before a node stops runs after the next node starts.
func TestJobsSurviveRestart(t *testing.T) {
	dsn := dbtest.DSN(t, "sqlite")
	first := apptest.Start(t, dsn, func(c *config.Config) { c.Workers = 0 })
	if err := mail.Enqueue(t.Context(), first.DB, mail.Message{To: "r@example.org", Subject: "after restart", Text: "x"}); err != nil {
		t.Fatal(err)
	}
	if err := first.Shutdown(); err != nil {
		t.Fatal(err)
	}
	second := apptest.Start(t, dsn)
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		var n int
		second.DB.QueryRowContext(t.Context(), `SELECT count(*) FROM mail_outbox WHERE subject = 'after restart'`).Scan(&n)
		if n == 1 {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Error("the job enqueued before the restart never ran")
}
