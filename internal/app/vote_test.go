package app_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/civitas-city/civitas/internal/app"
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

// newPoll creates a poll through the officers' form.
func newPoll(t *testing.T, srv *app.Server, officer *http.Client, slug, question, resultsAfter string, residentsOnly bool) {
	t.Helper()
	form := url.Values{"slug": {slug}, "question": {question}, "kind": {"single"}, "options": {"Tak\nNie"},
		"max_choices": {"1"}, "district": {"0"}, "results_after": {resultsAfter}, "opens_at": {""}, "closes_at": {""}}
	if residentsOnly {
		form.Set("residents_only", "on")
	}
	if r := do(t, officer, http.MethodPost, srv.URL+"/officer/votes/polls", form); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("create poll %s: %d\n%s", slug, r.StatusCode, r.Body)
	}
}

var choiceRE = regexp.MustCompile(`id="ask-poll-([a-z-]+)-([^"]+)" name="choice" value="([^"]+)"`)

// choices are the options of each poll's one-step form on a page, by slug.
func choices(body string) map[string][]string {
	out := map[string][]string{}
	for _, m := range choiceRE.FindAllStringSubmatch(body, -1) {
		out[m[1]] = append(out[m[1]], m[3])
	}
	return out
}

// Quick polls are answered in one step from the home page and from the
// profile: each signed-in resident sees a form for each open poll they
// may still answer (none for a poll of verified residents when they are
// not; nothing for anonymous visitors), answering brings them back with
// the notice and the results (or when they will be shown), and the form
// is gone afterwards. A form sent with nothing chosen comes back on the
// poll's page, keeping the way back.
func TestPollsAnsweredFromHomeAndProfile(t *testing.T) {
	srv := startSQLite(t)
	officer := signedIn(t, srv, "officer@polls.test", web.Role{Name: web.RoleOfficer, Domain: "votes"})
	newPoll(t, srv, officer, "latarnie", "Więcej latarni?", "answer", false)
	newPoll(t, srv, officer, "lawki", "Nowe ławki?", "close", false)
	newPoll(t, srv, officer, "tylko-mieszkancy", "Strefa ciszy?", "answer", true)
	en := []string{"Accept-Language", "en"}

	home := get(t, client(t), srv.URL+"/", en...)
	wantPage(t, home, http.StatusOK, "Quick poll: Więcej latarni?", "Quick poll: Strefa ciszy?")
	if strings.Contains(home.Body, `name="choice"`) {
		t.Error("an anonymous visitor gets a poll's form")
	}

	resident := signedIn(t, srv, "resident@polls.test")
	home = get(t, resident, srv.URL+"/", en...)
	wantPage(t, home, http.StatusOK, `action="/votes/polls/latarnie"`, `name="next" value="/"`)
	forms := choices(home.Body)
	if len(forms["latarnie"]) != 2 || forms["tylko-mieszkancy"] != nil {
		t.Fatalf("forms on the home page: %v; want the two open to any account, not the verified residents' one", forms)
	}

	// Nothing chosen: the poll's page says so and keeps the way back.
	r := do(t, resident, http.MethodPost, srv.URL+"/votes/polls/latarnie", url.Values{"next": {"/"}}, en...)
	wantPage(t, r, http.StatusUnprocessableEntity, "Answer at least one question", `name="next" value="/"`)

	r = do(t, resident, http.MethodPost, srv.URL+"/votes/polls/latarnie", url.Values{"choice": {forms["latarnie"][0]}, "next": {"/"}}, en...)
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/?answered=poll-latarnie#ask-poll-latarnie" {
		t.Fatalf("answer from home: %d to %q", r.StatusCode, r.Header.Get("Location"))
	}
	back := get(t, resident, srv.URL+"/?answered=poll-latarnie", en...)
	wantPage(t, back, http.StatusOK, `id="ask-poll-latarnie"`, "Thank you: your answer is recorded.",
		"<caption>Więcej latarni?</caption>", "1 person answered.", "Not a representative survey")
	if choices(back.Body)["latarnie"] != nil {
		t.Error("the answered poll's form is still on the home page")
	}
	// Another resident's made-up notice shows nothing.
	other := signedIn(t, srv, "other@polls.test")
	if b := get(t, other, srv.URL+"/?answered=poll-latarnie", en...).Body; strings.Contains(b, "Thank you") || choices(b)["latarnie"] == nil {
		t.Error("a resident who has not answered sees the notice, or not the form")
	}

	// From the profile: a poll showing its results at the close.
	profile := get(t, resident, srv.URL+"/account", en...)
	wantPage(t, profile, http.StatusOK, `action="/votes/polls/lawki"`, `name="next" value="/account"`)
	if forms := choices(profile.Body); forms["latarnie"] != nil || len(forms["lawki"]) != 2 {
		t.Fatalf("forms in the profile: %v; want only the poll not yet answered", forms)
	}
	r = do(t, resident, http.MethodPost, srv.URL+"/votes/polls/lawki", url.Values{"choice": {choices(profile.Body)["lawki"][1]}, "next": {"/account"}}, en...)
	if r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/account?answered=poll-") {
		t.Fatalf("answer from the profile: %d to %q", r.StatusCode, r.Header.Get("Location"))
	}
	profile = get(t, resident, srv.URL+r.Header.Get("Location"), en...)
	wantPage(t, profile, http.StatusOK, "Thank you: your answer is recorded.", "Results are shown when the poll closes.")
	if strings.Contains(profile.Body, "<caption>Nowe ławki?</caption>") || choices(profile.Body)["lawki"] != nil {
		t.Error("the profile shows the results before the close, or the answered poll's form")
	}

	// The officer closes a poll (audited): nobody answers it any more, and
	// the results shown at the close are there for everyone.
	if r := do(t, officer, http.MethodPost, srv.URL+"/officer/votes/polls/lawki/close", url.Values{}, en...); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("close: %d\n%s", r.StatusCode, r.Body)
	}
	var closed int
	srv.DB.QueryRowContext(t.Context(), `SELECT COUNT(*) FROM audit_log WHERE action = 'vote.poll.close' AND actor_label = $1`, "Test officer@polls.test").Scan(&closed)
	if closed != 1 {
		t.Errorf("%d closings audited, want 1", closed)
	}
	if forms := choices(get(t, other, srv.URL+"/account", en...).Body); forms["lawki"] != nil {
		t.Error("a closed poll's form is still in a profile")
	}
	r = do(t, other, http.MethodPost, srv.URL+"/votes/polls/lawki", url.Values{"choice": {forms["lawki"][0]}, "next": {"/"}}, en...)
	wantPage(t, r, http.StatusUnprocessableEntity, "Voting is not open")
	wantPage(t, get(t, client(t), srv.URL+"/votes/polls/lawki", en...), http.StatusOK, "<caption>Nowe ławki?</caption>")
}
