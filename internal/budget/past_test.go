package budget_test

import (
	"context"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/civitas-city/civitas/internal/budget"
	"github.com/civitas-city/civitas/internal/budget/pabulib"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/web"
)

// A past edition imported from Pabulib shows the turnout its results
// count, the dates of its vote, no way to vote, and no import note to
// residents (officers still see it).
func TestPastEditionPage(t *testing.T) {
	n := startNode(t, db.SQLite)
	raw, err := os.ReadFile("demo/Poland_Krakow_2025_Stare_Miasto.pb")
	if err != nil {
		t.Fatal(err)
	}
	el, err := pabulib.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	s := &budget.Service{DB: n.srv.DB}
	imp, err := s.Import(context.Background(), el, budget.ImportOptions{Slug: "bo-past", Title: "BO 2025", PoolSlug: "stare-miasto",
		PoolName: "Stare Miasto", District: 1, Source: "Poland_Krakow_2025_Stare_Miasto.pb"})
	if err != nil {
		t.Fatal(err)
	}
	if got := imp.Edition.Starts[budget.PhaseVoting]; got.Format("2006-01-02") != "2025-09-19" {
		t.Errorf("voting starts %v, want the file's date_begin 2025-09-19", got)
	}
	resident := n.person("resident@past.test")
	p := resident.get("/budget/bo-past")
	p.must(t, http.StatusOK, "past edition")
	for _, want := range []string{"1882 ", `datetime="2025-09-19`} {
		if !strings.Contains(p.body, want) {
			t.Errorf("the past edition lacks %q\n%s", want, clip(p.body))
		}
	}
	for _, not := range []string{`href="/budget/bo-past/vote"`, "Poland_Krakow_2025_Stare_Miasto.pb"} {
		if strings.Contains(p.body, not) {
			t.Errorf("the past edition shows %q to a resident", not)
		}
	}
	officer := n.person("officer@past.test", web.Role{Name: web.RoleOfficer, Domain: "budget"})
	if p := officer.get("/budget/bo-past"); !strings.Contains(p.body, "Poland_Krakow_2025_Stare_Miasto.pb") {
		t.Error("officers no longer see where the edition was imported from")
	}
}
