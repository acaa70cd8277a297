package app

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/civitas-city/civitas/internal/db/dbtest"
	"github.com/civitas-city/civitas/internal/vote"
	"github.com/civitas-city/civitas/internal/web"
)

// The referendum these tests vote in: district 2, from age 50, a yes/no
// question and a multiple choice of at most two answers out of three. In
// the register idRegister writes, district 2 holds people 1 (born 1946),
// 19 (1964), 37 (1982, too young) and 55; person 2 lives in district 3.
func voteReferendumForm(slug string) url.Values {
	return url.Values{"slug": {slug}, "title": {"Skwer w Dzielnicy II"}, "district": {"2"}, "min_age": {"50"},
		"quorum": {"0"}, "electorate": {"0"}, "paper_policy": {"first_wins"},
		"q1-kind": {"yes_no"}, "q1-text": {"Czy skwer?"}, "q1-max_choices": {"1"},
		"q2-kind": {"multiple"}, "q2-text": {"Co na skwerze?"}, "q2-options": {"ławki\ndrzewa\nfontanna"}, "q2-max_choices": {"2"}}
}

// voteSetup registers 60 people, starts a node and opens the referendum
// slug for voting through the officers' pages; it returns the node, the
// people, the officer (of votes and of residents) and the questions.
// Edits adjust the referendum's form first.
func voteSetup(t *testing.T, dsn, slug string, edits ...func(url.Values)) (*Server, []idPerson, *http.Client, []vote.QuestionJSON) {
	t.Helper()
	ps, _ := idRegister(t, dsn, 60)
	srv := idNode(t, dsn, nil)
	officer, _ := idSignIn(t, srv, "desk@vote.test",
		web.Role{Name: web.RoleOfficer, Domain: "votes"}, web.Role{Name: web.RoleOfficer, Domain: "residents"})
	form := voteReferendumForm(slug)
	for _, e := range edits {
		e(form)
	}
	if r := idDo(t, officer, http.MethodPost, srv.URL+"/officer/votes/referenda", form); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("create the referendum: %d\n%s", r.StatusCode, r.Body)
	}
	setPhase(t, srv, officer, slug, vote.Voting)
	var ref vote.ReferendumJSON
	apiJSON(t, api(t, srv, http.MethodGet, "/api/v1/votes/referenda/"+slug, "", ""), http.StatusOK, &ref)
	if len(ref.Questions) != 2 || !ref.VotingOpen {
		t.Fatalf("the referendum in the API: %+v", ref)
	}
	return srv, ps, officer, ref.Questions
}

func setPhase(t *testing.T, srv *Server, officer *http.Client, slug string, phase vote.Phase) {
	t.Helper()
	r := idDo(t, officer, http.MethodPost, srv.URL+"/officer/votes/referenda/"+slug+"/phase", url.Values{"phase": {string(phase)}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("phase %s: %d\n%s", phase, r.StatusCode, r.Body)
	}
}

// verifiedResident signs up an account and verifies it with person p.
func verifiedResident(t *testing.T, srv *Server, email string, p idPerson) *http.Client {
	t.Helper()
	c, _ := idSignIn(t, srv, email)
	r := idDo(t, c, http.MethodPost, srv.URL+"/account/verify/census", url.Values{"pesel": {p.pesel}, "birth_date": {p.date()}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("verify %s: %d\n%s", email, r.StatusCode, r.Body)
	}
	return c
}

var tokenRE = regexp.MustCompile(`civ_[A-Za-z0-9_-]+`)

// apiToken makes a personal access token on the tokens page.
func apiToken(t *testing.T, srv *Server, c *http.Client) string {
	t.Helper()
	secret := tokenRE.FindString(idDo(t, c, http.MethodPost, srv.URL+"/account/tokens", url.Values{"name": {"script"}}).Body)
	if secret == "" {
		t.Fatal("no token made")
	}
	return secret
}

// api calls the JSON API, with a personal access token when one is given.
func api(t *testing.T, srv *Server, method, path, token, body string) idResponse {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept-Language", "en")
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := idClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return idResponse{resp, string(b)}
}

// apiJSON checks the status of an API answer and decodes it into v.
func apiJSON(t *testing.T, r idResponse, status int, v any) {
	t.Helper()
	if r.StatusCode != status {
		t.Fatalf("%s %s: status %d, want %d\n%s", r.Request.Method, r.Request.URL.Path, r.StatusCode, status, r.Body)
	}
	if err := json.Unmarshal([]byte(r.Body), v); err != nil {
		t.Fatalf("%s %s: %v\n%s", r.Request.Method, r.Request.URL.Path, err, r.Body)
	}
}

// apiRefused checks an API refusal: its status and the message a
// resident reads.
func apiRefused(t *testing.T, what string, r idResponse, status int, message string) {
	t.Helper()
	var e struct {
		Error struct {
			Status  int    `json:"status"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if r.StatusCode != status || json.Unmarshal([]byte(r.Body), &e) != nil || e.Error.Message != message {
		t.Errorf("%s: %d %s; want %d %q", what, r.StatusCode, strings.TrimSpace(r.Body), status, message)
	}
}

// ballotJSON is a cast request's body.
func ballotJSON(answers map[string][]string) string {
	b, _ := json.Marshal(map[string]any{"answers": answers})
	return string(b)
}

// An officer acting for a managed resident casts that resident's
// referendum ballot (audited as assisted, on the resident's behalf); when
// the resident later claims the profile online, they cannot vote again:
// one ballot per person, whatever the channel. On every engine.
func TestOfficerVotesForManagedResident(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			dsn := dbtest.DSN(t, engine)
			const slug = "skwer-ii"
			srv, ps, officer, qs := voteSetup(t, dsn, slug)
			helena := ps[1] // district 2, born 1946

			r := idDo(t, officer, http.MethodPost, srv.URL+"/officer/residents", url.Values{"name": {"Helena Bez-Internetu"}, "pesel": {helena.pesel}})
			wantStatus(t, r, http.StatusOK, "Helena Bez-Internetu")
			code := codeRE.FindString(r.Body)
			var managedID string
			srv.DB.QueryRowContext(t.Context(), `SELECT user_id FROM managed_profiles`).Scan(&managedID)
			if code == "" || managedID == "" {
				t.Fatalf("no managed profile (code %q, id %q)", code, managedID)
			}

			ballotPage := "/votes/referenda/" + slug + "/vote"
			r = idDo(t, officer, http.MethodPost, srv.URL+"/officer/act/"+managedID, url.Values{"next": {ballotPage}})
			if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != ballotPage {
				t.Fatalf("act for the resident: %d %s", r.StatusCode, r.Header.Get("Location"))
			}
			wantStatus(t, idDo(t, officer, http.MethodGet, srv.URL+ballotPage, nil), http.StatusOK, "You are voting for the resident you are helping.")
			r = idDo(t, officer, http.MethodPost, srv.URL+ballotPage, url.Values{
				"q-" + qs[0].ID: {qs[0].Options[0].ID}, "q-" + qs[1].ID: {qs[1].Options[0].ID, qs[1].Options[2].ID}})
			if r.StatusCode != http.StatusSeeOther {
				t.Fatalf("the officer's ballot for the resident: %d\n%s", r.StatusCode, r.Body)
			}
			var assisted int
			srv.DB.QueryRowContext(t.Context(), `SELECT COUNT(*) FROM audit_log WHERE action = 'vote.vote.assisted' AND on_behalf_of = $1`, managedID).Scan(&assisted)
			if assisted != 2 {
				t.Errorf("%d assisted ballots audited on the resident's behalf, want 2 (one per question)", assisted)
			}
			// The officer stops; acting again for her is one ballot too.
			idDo(t, officer, http.MethodPost, srv.URL+"/officer/act/stop", url.Values{"next": {"/"}})

			// Helena claims her profile online, then tries to vote herself.
			helenaOnline, _ := idSignIn(t, srv, "helena@vote.test")
			r = idDo(t, helenaOnline, http.MethodPost, srv.URL+"/account/verify/census",
				url.Values{"pesel": {helena.pesel}, "birth_date": {helena.date()}, "claim_code": {code}})
			if r.StatusCode != http.StatusSeeOther {
				t.Fatalf("claim: %d\n%s", r.StatusCode, r.Body)
			}
			again := idClient()
			if r := idDo(t, again, http.MethodPost, srv.URL+"/signin", url.Values{"email": {"helena@vote.test"}, "password": {idPassword}, "next": {"/"}}); r.StatusCode != http.StatusSeeOther {
				t.Fatalf("sign in after the claim: %d", r.StatusCode)
			}
			wantStatus(t, idDo(t, again, http.MethodGet, srv.URL+"/votes/referenda/"+slug, nil), http.StatusOK, "You have voted. Your receipts:")
			r = idDo(t, again, http.MethodPost, srv.URL+ballotPage, url.Values{"q-" + qs[0].ID: {qs[0].Options[1].ID}})
			wantStatus(t, r, http.StatusUnprocessableEntity, "You have already voted on this question.")
			apiRefused(t, "the API after the assisted ballot",
				api(t, srv, http.MethodPost, "/api/v1/votes/referenda/"+slug+"/ballot", apiToken(t, srv, again),
					ballotJSON(map[string][]string{qs[0].ID: {qs[0].Options[1].ID}})),
				http.StatusConflict, "You have already voted on this question.")
			var ballots, participations int
			srv.DB.QueryRowContext(t.Context(), `SELECT COUNT(*) FROM ballot_ballots WHERE pool = $1`, qs[0].ID).Scan(&ballots)
			srv.DB.QueryRowContext(t.Context(), `SELECT COUNT(*) FROM ballot_participations WHERE pool = $1`, qs[0].ID).Scan(&participations)
			if ballots != 1 || participations != 1 {
				t.Errorf("%d ballots and %d participations on the question, want 1 and 1", ballots, participations)
			}
		})
	}
}

// The vote's JSON API against a real node, on every engine: listing,
// casting with a personal access token, every refusal with its status and
// the message a resident reads (and nothing recorded), results once
// published; polls answered through it, their results shown only to whom
// the poll allows.
func TestVoteAPI(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			dsn := dbtest.DSN(t, engine)
			const slug = "skwer-api"
			srv, ps, officer, qs := voteSetup(t, dsn, slug)
			path := "/api/v1/votes/referenda/" + slug

			var list struct {
				Referenda []vote.ReferendumJSON `json:"referenda"`
			}
			apiJSON(t, api(t, srv, http.MethodGet, "/api/v1/votes/referenda", "", ""), http.StatusOK, &list)
			if len(list.Referenda) != 1 || list.Referenda[0].Slug != slug || !list.Referenda[0].VotingOpen || list.Referenda[0].MinAge != 50 {
				t.Errorf("the list: %+v", list.Referenda)
			}
			apiRefused(t, "an unknown referendum", api(t, srv, http.MethodGet, "/api/v1/votes/referenda/none", "", ""),
				http.StatusNotFound, "There is no such referendum.")

			anna := apiToken(t, srv, verifiedResident(t, srv, "anna@vote.test", ps[19])) // district 2, born 1964
			yes, no := qs[0].Options[0].ID, qs[0].Options[1].ID
			o := qs[1].Options
			cast := func(token, body string) idResponse {
				return api(t, srv, http.MethodPost, path+"/ballot", token, body)
			}
			if r := cast("", ballotJSON(map[string][]string{qs[0].ID: {yes}})); r.StatusCode != http.StatusUnauthorized {
				t.Errorf("a ballot without a token: %d", r.StatusCode)
			}
			for _, c := range []struct {
				what, body string
				status     int
				message    string
			}{
				{"not JSON", "{", http.StatusBadRequest, "The request body is not the JSON this call expects."},
				{"an unknown field", `{"answer": {}}`, http.StatusBadRequest, "The request body is not the JSON this call expects."},
				{"no answer", `{"answers": {}}`, http.StatusBadRequest, "Answer at least one question."},
				{"too many choices", ballotJSON(map[string][]string{qs[1].ID: {o[0].ID, o[1].ID, o[2].ID}}), http.StatusBadRequest, "Too many answers chosen for this question."},
				{"a choice of another question", ballotJSON(map[string][]string{qs[0].ID: {o[0].ID}}), http.StatusBadRequest, "An answer belongs to another question."},
				{"an unknown question", ballotJSON(map[string][]string{"nope": {yes}}), http.StatusBadRequest, "This referendum has no such question."},
				{"an unknown answer", ballotJSON(map[string][]string{qs[0].ID: {"nope"}}), http.StatusBadRequest, "An answer is not on this ballot."},
				{"one answer twice", ballotJSON(map[string][]string{qs[1].ID: {o[0].ID, o[0].ID}}), http.StatusBadRequest, "The same answer is chosen twice."},
				{"yes and no", ballotJSON(map[string][]string{qs[0].ID: {yes, no}}), http.StatusBadRequest, "Choose exactly one answer."},
			} {
				apiRefused(t, c.what, cast(anna, c.body), c.status, c.message)
			}
			valid := ballotJSON(map[string][]string{qs[0].ID: {yes}, qs[1].ID: {o[2].ID, o[0].ID}})
			for _, c := range []struct {
				what, token, message string
				status               int
			}{
				{"a resident of another district", apiToken(t, srv, verifiedResident(t, srv, "far@vote.test", ps[2])),
					"Only residents of this district may vote here.", http.StatusForbidden},
				{"a resident under the minimum age", apiToken(t, srv, verifiedResident(t, srv, "young@vote.test", ps[37])),
					"You are below the minimum age for this vote.", http.StatusForbidden},
				{"an account not verified", apiToken(t, srv, func() *http.Client { c, _ := idSignIn(t, srv, "new@vote.test"); return c }()),
					"Only verified residents may vote here. Verify your residency in your account first.", http.StatusForbidden},
			} {
				apiRefused(t, c.what, cast(c.token, valid), c.status, c.message)
			}
			apiRefused(t, "an unknown referendum", api(t, srv, http.MethodPost, "/api/v1/votes/referenda/none/ballot", anna, valid),
				http.StatusNotFound, "There is no such referendum.")
			var none int
			srv.DB.QueryRowContext(t.Context(), `SELECT COUNT(*) FROM ballot_participations`).Scan(&none)
			if none != 0 {
				t.Fatalf("%d participations after refusals only", none)
			}

			var receipts struct {
				Receipts []vote.Receipt `json:"receipts"`
			}
			apiJSON(t, cast(anna, valid), http.StatusCreated, &receipts)
			if len(receipts.Receipts) != 2 || !codeRE.MatchString(receipts.Receipts[0].Code) || receipts.Receipts[1].Question != qs[1].ID {
				t.Errorf("receipts %+v, want one per question", receipts.Receipts)
			}
			apiRefused(t, "a second ballot", cast(anna, valid), http.StatusConflict, "You have already voted on this question.")
			apiRefused(t, "results during voting", api(t, srv, http.MethodGet, path+"/results", "", ""),
				http.StatusNotFound, "The results are not published yet.")

			setPhase(t, srv, officer, slug, vote.Closed)
			apiRefused(t, "a ballot after the close", cast(apiToken(t, srv, verifiedResident(t, srv, "late@vote.test", ps[1])), valid),
				http.StatusBadRequest, "Voting is not open: it has not begun or has ended.")
			setPhase(t, srv, officer, slug, vote.Results)
			var results vote.ResultsJSON
			apiJSON(t, api(t, srv, http.MethodGet, path+"/results", "", ""), http.StatusOK, &results)
			q1, q2 := results.Referendum.Questions[0], results.Referendum.Questions[1]
			if results.Voters != 1 || *q1.Options[0].Votes != 1 || *q1.Options[1].Votes != 0 || *q2.Options[2].Votes != 1 || *q2.Options[1].Votes != 0 {
				t.Errorf("results: %s", api(t, srv, http.MethodGet, path+"/results", "", "").Body)
			}

			// Polls.
			for _, p := range []url.Values{
				{"slug": {"latarnie"}, "question": {"Więcej latarni?"}, "results_after": {"answer"}},
				{"slug": {"cisza"}, "question": {"Strefa ciszy?"}, "results_after": {"close"}, "residents_only": {"on"}},
			} {
				p.Set("kind", "single")
				p.Set("options", "Tak\nNie")
				p.Set("district", "0")
				if r := idDo(t, officer, http.MethodPost, srv.URL+"/officer/votes/polls", p); r.StatusCode != http.StatusSeeOther {
					t.Fatalf("poll %s: %d\n%s", p.Get("slug"), r.StatusCode, r.Body)
				}
			}
			var polls struct {
				Polls []vote.PollJSON `json:"polls"`
			}
			apiJSON(t, api(t, srv, http.MethodGet, "/api/v1/votes/polls", "", ""), http.StatusOK, &polls)
			options := map[string][]vote.OptionJSON{}
			for _, p := range polls.Polls {
				options[p.Slug] = p.Options
			}
			if len(polls.Polls) != 2 || len(options["latarnie"]) != 2 || len(options["cisza"]) != 2 {
				t.Fatalf("polls: %+v", polls.Polls)
			}
			answer := func(token, slug, body string) idResponse {
				return api(t, srv, http.MethodPost, "/api/v1/votes/polls/"+slug+"/answer", token, body)
			}
			choice := func(slug string) string { return `{"choices": ["` + options[slug][0].ID + `"]}` }
			apiRefused(t, "poll results before answering", api(t, srv, http.MethodGet, "/api/v1/votes/polls/latarnie/results", anna, ""),
				http.StatusForbidden, "The results of this poll are not shown yet.")
			apiRefused(t, "a poll answered with nothing", answer(anna, "latarnie", `{"choices": []}`), http.StatusBadRequest, "Answer at least one question.")
			apiRefused(t, "a poll answered with two", answer(anna, "latarnie", `{"choices": ["`+options["latarnie"][0].ID+`", "`+options["latarnie"][1].ID+`"]}`),
				http.StatusBadRequest, "Choose exactly one answer.")
			if r := answer(anna, "latarnie", choice("latarnie")); r.StatusCode != http.StatusCreated {
				t.Fatalf("answer: %d %s", r.StatusCode, r.Body)
			}
			apiRefused(t, "a poll answered twice", answer(anna, "latarnie", choice("latarnie")), http.StatusConflict, "You have already voted on this question.")
			var count vote.PollJSON
			apiJSON(t, api(t, srv, http.MethodGet, "/api/v1/votes/polls/latarnie/results", anna, ""), http.StatusOK, &count)
			if count.Voters == nil || *count.Voters != 1 || *count.Options[0].Votes != 1 || count.Representative {
				t.Errorf("poll results: %+v", count)
			}
			unverified, _ := idSignIn(t, srv, "guest@vote.test")
			apiRefused(t, "a residents' poll answered by an account not verified", answer(apiToken(t, srv, unverified), "cisza", choice("cisza")),
				http.StatusForbidden, "Only verified residents may vote here. Verify your residency in your account first.")
			if r := answer(anna, "cisza", choice("cisza")); r.StatusCode != http.StatusCreated {
				t.Fatalf("answer the residents' poll: %d %s", r.StatusCode, r.Body)
			}
			apiRefused(t, "results of a poll shown at its close", api(t, srv, http.MethodGet, "/api/v1/votes/polls/cisza/results", anna, ""),
				http.StatusForbidden, "The results of this poll are not shown yet.")
		})
	}
}

var batchRE = regexp.MustCompile(`action="/officer/votes/referenda/[a-z-]+/paper/([^"/]+)"`)

// Paper ballots of a referendum set up for double-key entry, on its pages:
// the first keying waits, a second officer's differing keying is listed
// with the button that discards both, and the sheet is then keyed again.
func TestDoubleKeyPaperPages(t *testing.T) {
	const slug = "skwer-papier"
	srv, ps, officer, qs := voteSetup(t, dbtest.DSN(t, dbtest.Engines()[0]), slug, func(f url.Values) { f.Set("paper_double_key", "on") })
	second, _ := idSignIn(t, srv, "second@vote.test", web.Role{Name: web.RoleOfficer, Domain: "votes"})
	paper := srv.URL + "/officer/votes/referenda/" + slug + "/paper"
	r := idDo(t, officer, http.MethodPost, paper, url.Values{"question": {qs[0].ID}, "booth": {"Rada Dzielnicy II"}, "label": {"urna 1"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("open a batch: %d\n%s", r.StatusCode, r.Body)
	}
	page := idDo(t, officer, http.MethodGet, paper, nil)
	wantStatus(t, page, http.StatusOK, "double-key entry")
	m := batchRE.FindStringSubmatch(page.Body)
	if m == nil {
		t.Fatalf("no batch on the page:\n%s", page.Body)
	}
	sheet := func(c *http.Client, choice string) string {
		t.Helper()
		r := idDo(t, c, http.MethodPost, paper+"/"+m[1], url.Values{"seq": {"1"}, "pesel": {ps[19].pesel}, "choice": {choice}})
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("key the sheet: %d\n%s", r.StatusCode, r.Body)
		}
		return r.Header.Get("Location")
	}
	yes, no := qs[0].Options[0].ID, qs[0].Options[1].ID
	if to := sheet(officer, yes); !strings.HasSuffix(to, "outcome=pending") {
		t.Errorf("first keying went to %s", to)
	}
	wantStatus(t, idDo(t, officer, http.MethodGet, paper, nil), http.StatusOK, "1 waiting for a second keying")
	if to := sheet(second, no); !strings.HasSuffix(to, "outcome=mismatch") {
		t.Errorf("differing keying went to %s", to)
	}
	wantStatus(t, idDo(t, officer, http.MethodGet, paper, nil), http.StatusOK, "Sheet 1: the two keyings differ",
		`action="/officer/votes/referenda/`+slug+`/paper/`+m[1]+`/discard"`)
	wantStatus(t, idDo(t, officer, http.MethodPost, paper+"/"+m[1]+"/close", url.Values{}), http.StatusUnprocessableEntity,
		"Some sheets wait for a second keying or differ.")
	r = idDo(t, second, http.MethodPost, paper+"/"+m[1]+"/discard", url.Values{"seq": {"1"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("discard: %d\n%s", r.StatusCode, r.Body)
	}
	wantStatus(t, idDo(t, officer, http.MethodGet, srv.URL+r.Header.Get("Location"), nil), http.StatusOK, "Both keyings of the sheet are discarded")
	sheet(officer, no)
	if to := sheet(second, no); !strings.HasSuffix(to, "outcome=counted") {
		t.Errorf("agreeing keyings went to %s", to)
	}
	var ballots int
	srv.DB.QueryRowContext(t.Context(), `SELECT COUNT(*) FROM ballot_ballots WHERE pool = $1 AND void = FALSE`, qs[0].ID).Scan(&ballots)
	if ballots != 1 {
		t.Errorf("%d ballots, want 1", ballots)
	}
}
