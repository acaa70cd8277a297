package budget_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/civitas-city/civitas/internal/accounts"
	"github.com/civitas-city/civitas/internal/accounts/census"
	"github.com/civitas-city/civitas/internal/accounts/identity"
	"github.com/civitas-city/civitas/internal/accounts/pesel"
	"github.com/civitas-city/civitas/internal/app"
	"github.com/civitas-city/civitas/internal/app/apptest"
	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/budget"
	"github.com/civitas-city/civitas/internal/budget/pbcli"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/db/dbtest"
	"github.com/civitas-city/civitas/internal/web"
)

// node is a whole Civitas node for HTTP tests, as the binary runs it.
type node struct {
	srv *app.Server
	t   *testing.T
	reg []census.Entry
}

func startNode(t *testing.T, engine db.Dialect) *node {
	t.Helper()
	return &node{srv: apptest.Start(t, dbtest.DSN(t, engine)), t: t}
}

type browser struct {
	t  *testing.T
	c  *http.Client
	n  *node
	id string
}

type page struct {
	status int
	body   string
	header http.Header
}

func (b *browser) do(method, path string, form url.Values) page {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.n.srv.URL+path, body)
	if err != nil {
		b.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Accept-Language", "en")
	return b.send(req)
}

// send sends req with the browser's cookies and reads the answer.
func (b *browser) send(req *http.Request) page {
	b.t.Helper()
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return page{resp.StatusCode, string(raw), resp.Header}
}

func (b *browser) get(path string) page { return b.do(http.MethodGet, path, nil) }

// must checks a status and returns the page.
func (p page) must(t *testing.T, status int, what string) page {
	t.Helper()
	if p.status != status {
		t.Fatalf("%s: status %d, want %d\n%s", what, p.status, status, clip(p.body))
	}
	return p
}

func clip(s string) string {
	if i := strings.Index(s, `<main`); i >= 0 {
		s = s[i:]
	}
	if len(s) > 3000 {
		s = s[:3000]
	}
	return s
}

// person makes an account with roles and signs it in.
func (n *node) person(email string, roles ...web.Role) *browser {
	t := n.t
	t.Helper()
	ctx := context.Background()
	svc := &accounts.Service{DB: n.srv.DB}
	u, err := svc.Create(ctx, n.srv.DB, accounts.NewUser{Email: email, DisplayName: "Test " + email, Password: "correct horse battery", EmailConfirmed: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range roles {
		if err := svc.GrantRole(ctx, "", u.ID, r); err != nil {
			t.Fatal(err)
		}
	}
	jar, _ := cookiejar.New(nil)
	b := &browser{t: t, n: n, id: u.ID, c: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	b.do(http.MethodPost, "/signin", url.Values{"email": {email}, "password": {"correct horse battery"}, "next": {"/"}}).must(t, http.StatusSeeOther, "sign in")
	return b
}

// register puts residents into the register (PESEL, birth date,
// district) and returns their PESELs.
func (n *node) register(people ...census.Entry) {
	n.reg = append(n.reg, people...)
	err := n.srv.DB.InTx(context.Background(), func(tx *sql.Tx) error {
		return census.Replace(context.Background(), tx, n.reg, db.TS(time.Now()))
	})
	if err != nil {
		n.t.Fatal(err)
	}
}

// verified makes a verified resident of district, signed in.
func (n *node) verified(email string, serial, district int, birth time.Time) (*browser, string) {
	n.t.Helper()
	b := n.person(email)
	p := pesel.Generate(birth, serial, serial%2 == 0)
	n.register(census.Entry{Hash: census.Hash([]byte(testKey), p), BirthDate: birth, District: district})
	ids := &identity.Service{DB: n.srv.DB, Key: []byte(testKey)}
	if _, err := ids.VerifyCensus(context.Background(), b.id, p, birth.Format(time.DateOnly), ""); err != nil {
		n.t.Fatalf("verify %s: %v", email, err)
	}
	return b, p
}

var (
	receiptRE = regexp.MustCompile(`[2-9A-HJ-NP-Z]{5}-[2-9A-HJ-NP-Z]{5}`)
	idRE      = regexp.MustCompile(`/projects/([0-9a-f-]{36})`)
)

// TestBudgetOverHTTP runs an edition through the browser pages on both
// engines: configuration, submission, review, voting with refusals, the
// API, a paper ballot, counting, results, exports and the profile.
func TestBudgetOverHTTP(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) { testBudgetOverHTTP(t, engine) })
	}
}

func testBudgetOverHTTP(t *testing.T, engine db.Dialect) {
	n := startNode(t, engine)
	off := n.person("officer@budget.test", web.Role{Name: web.RoleOfficer, Domain: "budget"})
	anna, _ := n.verified("anna@budget.test", 1, 1, time.Date(1985, 3, 4, 0, 0, 0, 0, time.UTC))
	bob, bobPESEL := n.verified("bob@budget.test", 2, 2, time.Date(1990, 7, 8, 0, 0, 0, 0, time.UTC))
	kid, _ := n.verified("kid@budget.test", 3, 1, time.Now().AddDate(-12, 0, 0))
	stranger := n.person("stranger@budget.test")

	// Configure an edition.
	off.get("/officer/budget/new").must(t, 200, "new edition form")
	c := cityConfig("bo-http")
	c.Pools = append(c.Pools[:2], budget.PoolConfig{Slug: "approve", Name: "Approval pool", Amount: "500000", Ballot: budget.Approval,
		MinChoices: 1, MaxChoices: 2, Rule: "mes-cost-add1"})
	cfgJSON, _ := json.Marshal(c)
	bad := off.do(http.MethodPost, "/officer/budget/new", url.Values{"config": {strings.Replace(string(cfgJSON), `"min_age":16`, `"min_age":-1`, 1)}})
	// The problem is listed by its path, not only present in the JSON text area.
	if bad.status != http.StatusUnprocessableEntity || !regexp.MustCompile(`<ul class="error"><li>[^<]*min_age: `).MatchString(bad.body) {
		t.Fatalf("a bad configuration: %d\n%s", bad.status, clip(bad.body))
	}
	off.do(http.MethodPost, "/officer/budget/new", url.Values{"config": {string(cfgJSON)}}).must(t, 303, "create edition")
	// The settings form: a word where a number goes, then a number the
	// rules refuse, each shown next to its field; then a good one.
	settings := func(minAge string) page {
		return off.do(http.MethodPost, "/officer/budget/bo-http/settings", url.Values{"title": {"BO over HTTP"}, "min_age": {minAge},
			"signatures": {"0"}, "pool_policy": {"city_and_home"}, "paper_policy": {"first_wins"}})
	}
	if p := settings("sixteen"); p.status < 400 || !strings.Contains(p.body, `id="min_age-error"`) || !strings.Contains(p.body, `value="sixteen"`) {
		t.Errorf("settings with a word for the age: %d\n%s", p.status, clip(p.body))
	}
	if p := settings("200"); p.status < 400 || !regexp.MustCompile(`id="min_age-error">[^<]*between 0 and 120`).MatchString(p.body) {
		t.Errorf("settings with an age of 200: %d\n%s", p.status, clip(p.body))
	}
	if p := off.get("/officer/budget/bo-http"); !strings.Contains(p.body, `size="4" value="16"`) {
		t.Errorf("the form does not show the minimum age 16\n%s", clip(p.body))
	}
	settings("15").must(t, 303, "settings")
	if p := off.get("/officer/budget/bo-http"); !strings.Contains(p.body, `size="4" value="15"`) {
		t.Errorf("the saved minimum age 15 is not on the form\n%s", clip(p.body))
	}
	settings("16").must(t, 303, "settings back")

	// A phase change asks first: the confirmation names both phases and
	// posts again with confirm=yes; nothing changes until then.
	ask := off.do(http.MethodPost, "/officer/budget/bo-http/phase", url.Values{"phase": {"submission"}})
	if ask.status != http.StatusOK || !strings.Contains(ask.body, `name="confirm" value="yes"`) || !strings.Contains(ask.body, `name="phase" value="submission"`) {
		t.Fatalf("a phase change without confirmation: %d\n%s", ask.status, clip(ask.body))
	}
	if p := anna.get("/budget/bo-http/submit"); strings.Contains(p.body, `name="title"`) {
		t.Error("the phase changed before it was confirmed")
	}
	off.do(http.MethodPost, "/officer/budget/bo-http/phase", url.Values{"phase": {"submission"}, "confirm": {"yes"}}).must(t, 303, "open submission")

	// Anna submits a project; a stranger cannot.
	anna.get("/budget/bo-http/submit").must(t, 200, "submission form")
	if p := stranger.get("/budget/bo-http/submit"); !strings.Contains(p.body, "verified residency") {
		t.Errorf("an unverified resident sees the form:\n%s", clip(p.body))
	}
	form := url.Values{"pool": {"city"}, "title": {"Ławki w parku"}, "description": {"Nowe **ławki** w parku, bo stare się rozpadły i nie ma gdzie usiąść. <script>alert(1)</script>"},
		"category": {"zieleń"}, "address": {"Park Jordana"}, "lat": {""}, "lon": {""},
		"cost_label_0": {"Ławki"}, "cost_amount_0": {"120 000"}, "cost_label_1": {""}, "cost_amount_1": {""}, "action": {"submit"}}
	tooShort := url.Values{}
	for k, v := range form {
		tooShort[k] = v
	}
	tooShort.Set("cost_amount_0", "abc")
	if p := anna.do(http.MethodPost, "/budget/bo-http/projects", tooShort); p.status != 422 || !strings.Contains(p.body, "Write an amount") {
		t.Errorf("a bad amount: %d\n%s", p.status, clip(p.body))
	}
	sub := anna.do(http.MethodPost, "/budget/bo-http/projects", form).must(t, 303, "submit project")
	loc := sub.header.Get("Location")
	m := idRE.FindStringSubmatch(loc)
	if m == nil {
		t.Fatalf("redirect to %q", loc)
	}
	projectID := m[1]
	pp := anna.get(loc).must(t, 200, "project page")
	if !strings.Contains(pp.body, "<strong>ławki</strong>") || strings.Contains(pp.body, "<script>alert") {
		t.Errorf("the description is not rendered safely:\n%s", clip(pp.body))
	}
	second := anna.do(http.MethodPost, "/budget/bo-http/projects", withValues(form, "title", "Fontanna na rynku", "cost_amount_0", "300000")).must(t, 303, "second project")
	third := anna.do(http.MethodPost, "/budget/bo-http/projects", withValues(form, "title", "Stojaki rowerowe", "pool", "d1", "cost_amount_0", "50000")).must(t, 303, "third project")
	approve := anna.do(http.MethodPost, "/budget/bo-http/projects", withValues(form, "title", "Drzewa przy szkole", "pool", "approve", "cost_amount_0", "200000")).must(t, 303, "fourth project")
	ids := []string{projectID, idRE.FindStringSubmatch(second.header.Get("Location"))[1], idRE.FindStringSubmatch(third.header.Get("Location"))[1],
		idRE.FindStringSubmatch(approve.header.Get("Location"))[1]}

	// Review: a negative review of the fountain, with reasons; an appeal.
	off.do(http.MethodPost, "/officer/budget/bo-http/phase", url.Values{"phase": {"review"}, "confirm": {"yes"}}).must(t, 303, "review phase")
	off.get("/officer/budget/bo-http/review").must(t, 200, "review queue")
	for i, id := range ids {
		for _, st := range budget.ReviewStages {
			f := url.Values{"stage": {st}, "outcome": {"positive"}, "reasons": {""}, "cost": {""}}
			if i == 1 && st == budget.StageLegal {
				f.Set("outcome", "negative")
				f.Set("reasons", "Teren prywatny, miasto nie może inwestować.")
			}
			if i == 0 && st == budget.StageTechnical {
				f.Set("cost", "125000")
			}
			off.do(http.MethodPost, "/officer/budget/bo-http/projects/"+id+"/review", f).must(t, 303, "review "+st)
			if i == 1 && st == budget.StageLegal {
				break
			}
		}
	}
	if p := off.do(http.MethodPost, "/officer/budget/bo-http/projects/"+ids[0]+"/review", url.Values{"stage": {"legal"}, "outcome": {"negative"}, "reasons": {"no"}}); p.status != 422 {
		t.Errorf("a negative review without reasons: %d", p.status)
	}
	rejected := anna.get("/budget/bo-http/projects/"+ids[1]).must(t, 200, "rejected project")
	if !strings.Contains(rejected.body, "Teren prywatny") || !strings.Contains(rejected.body, "rejected") {
		t.Errorf("the rejection's reasons are not public:\n%s", clip(rejected.body))
	}
	anna.do(http.MethodPost, "/budget/bo-http/projects/"+ids[1]+"/appeal", url.Values{"appeal": {"Teren należy do miasta, załączam mapę."}}).must(t, 303, "appeal")
	off.get("/officer/budget/bo-http/projects/"+ids[1]).must(t, 200, "officer project page")
	if n := count(t, n.srv.DB, `SELECT COUNT(*) FROM mail_outbox`) + count(t, n.srv.DB, `SELECT COUNT(*) FROM jobs WHERE kind = 'mail.send'`); n == 0 {
		t.Error("the author was not mailed about the review")
	}

	// Voting.
	off.do(http.MethodPost, "/officer/budget/bo-http/phase", url.Values{"phase": {"voting"}, "confirm": {"yes"}}).must(t, 303, "voting phase")
	ballot := anna.get("/budget/bo-http/vote/city").must(t, 200, "ballot page")
	if !strings.Contains(ballot.body, `name="rank1"`) {
		t.Fatalf("no ranking on the ballot:\n%s", clip(ballot.body))
	}
	refusals := []struct {
		who  *browser
		pool string
		form url.Values
		want string
		code int
	}{
		{anna, "city", url.Values{"rank1": {ids[0]}, "rank2": {ids[0]}}, "appears twice", 422},
		{anna, "city", url.Values{"rank1": {ids[0]}, "rank2": {ids[2]}}, "another pool", 422},
		{anna, "city", url.Values{"rank1": {ids[1]}}, "another pool", 422}, // rejected: not on the ballot
		{anna, "city", url.Values{}, "too few", 422},
		{anna, "approve", url.Values{"project": {ids[3], ids[0], ids[2]}}, "another pool", 422},
		{bob, "d1", url.Values{"rank1": {ids[2]}}, "your own district", 422},
		{kid, "city", url.Values{"rank1": {ids[0]}}, "minimum age", 422},
		{stranger, "city", url.Values{"rank1": {ids[0]}}, "verified residency", 422},
	}
	for i, r := range refusals {
		p := r.who.do(http.MethodPost, "/budget/bo-http/vote/"+r.pool, r.form)
		if p.status != r.code || !strings.Contains(p.body, r.want) {
			t.Errorf("refusal %d: status %d, want %d with %q\n%s", i, p.status, r.code, r.want, clip(p.body))
		}
	}
	if got := count(t, n.srv.DB, `SELECT COUNT(*) FROM ballot_ballots`); got != 0 {
		t.Fatalf("refused ballots left %d rows", got)
	}
	cast := anna.do(http.MethodPost, "/budget/bo-http/vote/city", url.Values{"rank1": {ids[0]}}).must(t, 303, "cast")
	done := anna.get(cast.header.Get("Location")).must(t, 200, "confirmation")
	receipt := receiptRE.FindString(done.body)
	if receipt == "" {
		t.Fatalf("no receipt on the confirmation page:\n%s", clip(done.body))
	}
	if p := anna.do(http.MethodPost, "/budget/bo-http/vote/city", url.Values{"rank1": {ids[0]}}); p.status != 422 || !strings.Contains(p.body, "already voted") {
		t.Errorf("a second ballot: %d\n%s", p.status, clip(p.body))
	}
	anna.do(http.MethodPost, "/budget/bo-http/vote/d1", url.Values{"rank1": {ids[2]}}).must(t, 303, "district ballot")
	anna.do(http.MethodPost, "/budget/bo-http/vote/approve", url.Values{"project": {ids[3]}}).must(t, 303, "approval ballot")
	// Bob votes through the API.
	api := bob.apiCast("/api/v1/budget/editions/bo-http/pools/city/ballot", `{"projects":["`+ids[0]+`"]}`)
	if api.status != http.StatusCreated || !receiptRE.MatchString(api.body) {
		t.Errorf("API ballot: %d %s", api.status, api.body)
	}
	if p := bob.apiCast("/api/v1/budget/editions/bo-http/pools/city/ballot", `{"projects":["`+ids[0]+`","`+ids[0]+`"]}`); p.status != 400 {
		t.Errorf("API ballot with a project twice: %d %s", p.status, p.body)
	}
	if p := bob.apiCast("/api/v1/budget/editions/bo-http/pools/city/ballot", `{"projects":["`+ids[0]+`"]}`); p.status != 409 {
		t.Errorf("API second ballot: %d %s", p.status, p.body)
	}
	anna.get("/budget/bo-http/ballots?receipt="+receipt).must(t, 200, "receipt check")
	if p := anna.get("/account"); !strings.Contains(p.body, receipt) {
		t.Errorf("the profile does not show the receipt %s", receipt)
	}

	// A paper ballot for Bob, who voted online: refused (first wins).
	off.get("/officer/budget/bo-http/paper").must(t, 200, "paper page")
	batch := off.do(http.MethodPost, "/officer/budget/bo-http/paper", url.Values{"pool": {"city"}, "booth": {"Wydział"}, "label": {"urna 1"}}).must(t, 303, "batch")
	entry := off.do(http.MethodPost, batch.header.Get("Location"), url.Values{"seq": {"1"}, "pesel": {bobPESEL}, "rank1": {ids[0]}}).must(t, 303, "sheet")
	if !strings.Contains(entry.header.Get("Location"), "outcome=refused") {
		t.Errorf("paper ballot of an online voter: %s", entry.header.Get("Location"))
	}
	if p := off.do(http.MethodPost, batch.header.Get("Location"), url.Values{"seq": {"2"}, "pesel": {"123"}, "rank1": {ids[0]}}); p.status != 422 {
		t.Errorf("a bad PESEL: %d", p.status)
	}
	off.get(batch.header.Get("Location")).must(t, 200, "batch page")

	// Results.
	if p := anna.get("/budget/bo-http/results"); p.status != 404 {
		t.Errorf("results during the vote: %d", p.status)
	}
	off.do(http.MethodPost, "/officer/budget/bo-http/phase", url.Values{"phase": {"results"}, "confirm": {"yes"}}).must(t, 303, "results phase")
	if p := bob.do(http.MethodPost, "/budget/bo-http/vote/approve", url.Values{"project": {ids[3]}}); p.status != 422 || !strings.Contains(p.body, "not open") {
		t.Errorf("a ballot after the close: %d", p.status)
	}
	off.do(http.MethodPost, "/officer/budget/bo-http/count", url.Values{}).must(t, 303, "count")
	anna.get("/budget/bo-http/results").must(t, 200, "results")
	res := anna.get("/budget/bo-http/results/city").must(t, 200, "pool results")
	if !strings.Contains(res.body, "<svg") || !strings.Contains(res.body, "Selected at place 1") {
		t.Errorf("results page:\n%s", clip(res.body))
	}
	anna.get("/budget/bo-http/ballots?pool=city").must(t, 200, "ballot list")
	pb := anna.get("/budget/bo-http/results/city/pool.pb").must(t, 200, "pabulib export")
	var outcome budget.PoolJSON
	if err := json.Unmarshal([]byte(anna.get("/budget/bo-http/results/city/pool.json").must(t, 200, "json").body), &outcome); err != nil {
		t.Fatal(err)
	}
	anna.get("/budget/bo-http/results/city/pool.csv").must(t, 200, "csv")
	if outcome.Analysis == nil || len(outcome.Analysis.Projects) != len(outcome.Projects) || outcome.Comparison == nil {
		t.Errorf("the JSON export carries no analysis or comparison: %+v %+v", outcome.Analysis, outcome.Comparison)
	}
	if an := anna.get("/budget/bo-http/results/approve/analysis").must(t, 200, "analysis"); !strings.Contains(an.body, "<svg") {
		t.Errorf("analysis page:\n%s", clip(an.body))
	}
	anna.get("/budget/bo-http/results/approve/compare").must(t, 200, "comparison")
	path := filepath.Join(t.TempDir(), "city.pb")
	os.WriteFile(path, []byte(pb.body), 0o600)
	var out, errs strings.Builder
	if code := pbcli.Main([]string{"count", "--rule", "greedy", path}, &out, &errs); code != 0 {
		t.Fatalf("pb count on the export: %s", errs.String())
	}
	var cli pbcli.CountOutput
	json.Unmarshal([]byte(out.String()), &cli)
	if !slices.Equal(cli.Selected, outcome.Selected) || outcome.Voters != 2 {
		t.Errorf("published outcome %v (voters %d), civitas pb count %v", outcome.Selected, outcome.Voters, cli.Selected)
	}
	if strings.Contains(pb.body, anna.id) || strings.Contains(pb.body, receipt) {
		t.Error("the Pabulib export is not anonymous")
	}
	if p := anna.get("/api/v1/budget/editions/bo-http/pools/approve/results"); p.status != 200 {
		t.Errorf("API results: %d", p.status)
	}
	// Realization of a winner.
	off.do(http.MethodPost, "/officer/budget/bo-http/phase", url.Values{"phase": {"realization"}, "confirm": {"yes"}}).must(t, 303, "realization phase")
	off.do(http.MethodPost, "/officer/budget/bo-http/projects/"+ids[0]+"/realization", url.Values{"status": {"in_progress"}, "progress": {"40"}, "note": {"Trwają prace."}}).must(t, 303, "realization")
	off.do(http.MethodPost, "/officer/budget/bo-http/projects/"+ids[0]+"/milestones", url.Values{"milestone_title": {"Odbiór"}, "milestone_due": {"2027-10-01"}}).must(t, 303, "milestone")
	if p := anna.get("/budget/bo-http/projects/" + ids[0]); !strings.Contains(p.body, "Trwają prace.") || !strings.Contains(p.body, "Odbiór") {
		t.Errorf("realization not shown:\n%s", clip(p.body))
	}
	for _, p := range []string{"/budget", "/budget/bo-http", "/budget/bo-http/projects", "/officer/budget", "/officer/budget/bo-http"} {
		off.get(p).must(t, 200, p)
	}
}

func withValues(v url.Values, kv ...string) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = slices.Clone(vs)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out.Set(kv[i], kv[i+1])
	}
	return out
}

func (b *browser) apiCast(path, body string) page {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, b.n.srv.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	return b.send(req)
}

// TestConcurrentBallotsOverHTTP: 50 simultaneous ballots of one resident
// through the API leave exactly one ballot, on both engines.
func TestConcurrentBallotsOverHTTP(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			n := startNode(t, engine)
			ctx := context.Background()
			svc := &budget.Service{DB: n.srv.DB, Key: []byte(testKey), Residents: everyoneVerified{}}
			e := submissionEdition(t, svc, cityConfig("bo-race"))
			p := acceptedProject(t, svc, e, "author", "city", "Projekt", "1000")
			if err := svc.SetPhase(ctx, officer, e.ID, budget.PhaseVoting); err != nil {
				t.Fatal(err)
			}
			anna, _ := n.verified("anna@race.test", 1, 1, time.Date(1980, 1, 2, 0, 0, 0, 0, time.UTC))
			var (
				wg     sync.WaitGroup
				mu     sync.Mutex
				status = map[int]int{}
			)
			for range 50 {
				wg.Go(func() {
					r := anna.apiCast("/api/v1/budget/editions/bo-race/pools/city/ballot", `{"projects":["`+p.ID+`"]}`)
					mu.Lock()
					status[r.status]++
					mu.Unlock()
				})
			}
			wg.Wait()
			if status[201] != 1 || status[409] != 49 {
				t.Errorf("answers %v, want one 201 and 49 409", status)
			}
			if got := count(t, n.srv.DB, `SELECT COUNT(*) FROM ballot_ballots`); got != 1 {
				t.Errorf("%d ballots, want 1", got)
			}
			if got := count(t, n.srv.DB, `SELECT COUNT(*) FROM ballot_participations`); got != 1 {
				t.Errorf("%d participations, want 1", got)
			}
		})
	}
}

// everyoneVerified lets the test's project author submit.
type everyoneVerified struct{}

func (everyoneVerified) Residency(context.Context, string) (budget.Residency, error) {
	return budget.Residency{Verified: true, District: 1, BirthDate: adult, Person: "author"}, nil
}

func (everyoneVerified) ByPESEL(context.Context, string) (string, budget.Residency, error) {
	return "", budget.Residency{}, apperr.E(apperr.NotFound, "identity.error.unknown_pesel")
}
