package app_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/civitas-city/civitas/internal/app/apptest"
	"github.com/civitas-city/civitas/internal/db/dbtest"
	"github.com/civitas-city/civitas/internal/web"
)

func wantPage(t *testing.T, r response, status int, contains ...string) {
	t.Helper()
	if r.StatusCode != status {
		t.Fatalf("%s %s: status %d, want %d\n%s", r.Request.Method, r.Request.URL.Path, r.StatusCode, status, r.Body)
	}
	for _, c := range contains {
		if !strings.Contains(r.Body, c) {
			t.Fatalf("%s %s: the page lacks %q\n%s", r.Request.Method, r.Request.URL.Path, c, r.Body)
		}
	}
}

// referendumForm is a valid new-referendum form: a yes/no question and a
// ranking of two places out of three.
func referendumForm(slug string) url.Values {
	return url.Values{
		"slug": {slug}, "title": {"Skwer na Kazimierzu"}, "description": {"Czy **skwer**?"}, "district": {"1"},
		"min_age": {"16"}, "binding": {"on"}, "quorum": {"30"}, "electorate": {"1000"}, "paper_policy": {"first_wins"},
		"auto_phases": {"on"}, "voting_starts": {"2031-05-01T08:00"}, "voting_ends": {"2031-05-15T20:00"}, "results_at": {""},
		"q1-kind": {"yes_no"}, "q1-text": {"Czy urządzić skwer?"}, "q1-options": {""}, "q1-max_choices": {"1"},
		"q2-kind": {"ranking"}, "q2-text": {"Co najpierw?"}, "q2-options": {"drzewa\nławki\nfontanna"}, "q2-max_choices": {"2"},
		"q3-kind": {"yes_no"}, "q3-text": {""}, "q3-options": {""}, "q3-max_choices": {"1"},
	}
}

// Officers set up a referendum on its pages, on every engine: mistakes
// come back beside their fields with nothing saved, "Add a question" adds
// one without saving, the referendum is created and changed (audited),
// and once voting has started a change is refused with the reason.
func TestOfficerReferendumPages(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			srv := apptest.Start(t, dbtest.DSN(t, engine))
			officer := signedIn(t, srv, "officer@vote.test", web.Role{Name: web.RoleOfficer, Domain: "votes"})
			en := []string{"Accept-Language", "en"}
			base := srv.URL + "/officer/votes/referenda"

			wantPage(t, get(t, officer, srv.URL+"/officer/votes", en...), http.StatusOK, `href="/officer/votes/referenda/new"`)
			wantPage(t, get(t, officer, base+"/new", en...), http.StatusOK, `action="/officer/votes/referenda"`, `id="q1-text"`)

			// Mistakes: each beside its field; the empty third question is dropped.
			bad := referendumForm("Zły Adres!")
			bad.Set("title", " ")
			bad.Set("q2-max_choices", "4")
			bad.Set("voting_ends", "2031-04-01T08:00")
			r := do(t, officer, http.MethodPost, base, bad, en...)
			wantPage(t, r, http.StatusUnprocessableEntity, `id="slug-error"`, `id="title-error"`, `id="q2-max_choices-error"`,
				`id="voting_starts-error"`, `href="#q2-max_choices"`, "Check the dates", `value="Zły Adres!"`)
			if strings.Contains(r.Body, `id="q4-text"`) {
				t.Error("the form shows more empty questions than it was sent")
			}
			var n int
			srv.DB.QueryRowContext(t.Context(), `SELECT COUNT(*) FROM vote_referenda`).Scan(&n)
			if n != 0 {
				t.Fatalf("%d referenda saved from a refused form", n)
			}

			// "Add a question" shows one more empty question and saves nothing.
			more := referendumForm("skwer")
			more.Set("more", "1")
			wantPage(t, do(t, officer, http.MethodPost, base, more, en...), http.StatusOK, `id="q3-text"`, `id="q4-text"`, "Czy urządzić skwer?")

			r = do(t, officer, http.MethodPost, base, referendumForm("skwer"), en...)
			if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/officer/votes#ref-skwer" {
				t.Fatalf("create: %d %s\n%s", r.StatusCode, r.Header.Get("Location"), r.Body)
			}
			wantPage(t, get(t, officer, srv.URL+"/votes/referenda/skwer", en...), http.StatusOK, "Skwer na Kazimierzu", "Co najpierw?", "fontanna")
			wantPage(t, get(t, officer, srv.URL+"/officer/votes", en...), http.StatusOK, `href="/officer/votes/referenda/skwer/edit"`)

			// Changed before voting: the form shows what is saved.
			wantPage(t, get(t, officer, base+"/skwer/edit", en...), http.StatusOK, `value="Skwer na Kazimierzu"`,
				"drzewa\nławki\nfontanna", `value="2031-05-01T08:00"`, `id="binding" name="binding" checked`)
			change := referendumForm("ignored")
			change.Set("title", "Skwer Nowy")
			change.Set("q2-kind", "multiple")
			r = do(t, officer, http.MethodPost, base+"/skwer/edit", change, en...)
			if r.StatusCode != http.StatusSeeOther {
				t.Fatalf("change: %d\n%s", r.StatusCode, r.Body)
			}
			wantPage(t, get(t, officer, srv.URL+"/votes/referenda/skwer", en...), http.StatusOK, "Skwer Nowy")
			for action, want := range map[string]int{"vote.referendum.create": 1, "vote.referendum.update": 1} {
				srv.DB.QueryRowContext(t.Context(), `SELECT COUNT(*) FROM audit_log WHERE action = $1 AND actor_label = $2`,
					action, "Test officer@vote.test").Scan(&n)
				if n != want {
					t.Errorf("%s audited %d times by the officer, want %d", action, n, want)
				}
			}

			// Voting starts: the referendum can no longer be changed, and the officer is told why.
			r = do(t, officer, http.MethodPost, base+"/skwer/phase", url.Values{"phase": {"voting"}}, en...)
			if r.StatusCode != http.StatusSeeOther {
				t.Fatalf("open the vote: %d\n%s", r.StatusCode, r.Body)
			}
			wantPage(t, get(t, officer, base+"/skwer/edit", en...), http.StatusConflict, "Voting has started")
			change.Set("title", "Za późno")
			wantPage(t, do(t, officer, http.MethodPost, base+"/skwer/edit", change, en...), http.StatusUnprocessableEntity, "Voting has started")
			wantPage(t, get(t, officer, srv.URL+"/votes/referenda/skwer", en...), http.StatusOK, "Skwer Nowy")
			if strings.Contains(get(t, officer, srv.URL+"/officer/votes", en...).Body, `href="/officer/votes/referenda/skwer/edit"`) {
				t.Error("the desk still offers to change a referendum in voting")
			}
		})
	}
}
