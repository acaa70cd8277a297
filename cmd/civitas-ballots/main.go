// Command civitas-ballots is the load client of the ballot benchmarks: the
// participatory budget's (docs/benchmarks-budget.md) and, with -referendum,
// a referendum's (docs/benchmarks.md). It has two steps:
//
//	civitas-ballots setup -db URL -voters 70000 -out voters.tsv
//
// opens the database a server uses (same machine), creates an edition open
// for voting (a city pool and one pool per Kraków district, 3/2/1 ranking,
// four projects each) and N verified residents with a signed-in session
// each, and writes their session tokens to a file. Every row is made by its
// module's Go API, as the product makes it: the edition by the budget
// service, the register by census, the accounts by accounts, the
// verifications by identity (through the register), the sessions by the
// session store. (The product has no test-only routes.)
//
//	civitas-ballots stamp -db URL -voters voters.tsv [-seen 15m]
//
// sets when the voters' sessions were last seen (see stampMain).
//
// With setup -referendum SLUG it creates a city-wide referendum open for
// voting instead (a yes/no question and a multiple choice of two among
// four), and run then casts one ballot per resident, answering both
// questions, through the form or the API.
//
//	civitas-ballots run -url http://127.0.0.1:8080 -voters voters.tsv -rate 1000 -d 60s
//
// casts ballots through HTTP as those residents: each resident votes once
// in the city pool and once in their district's pool, through the HTML form
// (or the JSON API with -api). With -rate it sends at a fixed rate (open
// loop, so slow answers do not slow the offered load); without it, -c
// workers send as fast as they can. It reports ballots per second and
// latency percentiles. Loopback only.
package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/civitas-city/civitas/internal/accounts"
	"github.com/civitas-city/civitas/internal/accounts/census"
	"github.com/civitas-city/civitas/internal/accounts/identity"
	"github.com/civitas-city/civitas/internal/accounts/pesel"
	"github.com/civitas-city/civitas/internal/budget"
	"github.com/civitas-city/civitas/internal/city"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/session"
	"github.com/civitas-city/civitas/internal/vote"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: civitas-ballots setup|stamp|run [flags] (see the package documentation)")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "setup":
		err = setupMain(os.Args[2:])
	case "run":
		err = runMain(os.Args[2:])
	case "stamp":
		err = stampMain(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q: want setup or run", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "civitas-ballots:", err)
		os.Exit(1)
	}
}

// --- setup -------------------------------------------------------------------------------

func setupMain(args []string) error {
	fs := flag.NewFlagSet("setup", flag.ExitOnError)
	dsn := fs.String("db", os.Getenv("CIVITAS_DB"), "database URL (sqlite:PATH or postgres://...)")
	key := fs.String("key", os.Getenv("CIVITAS_SECRET_KEY"), "the server's secret key (CIVITAS_SECRET_KEY)")
	n := fs.Int("voters", 10000, "verified residents to create")
	slug := fs.String("edition", "bench", "the edition's slug")
	out := fs.String("out", "voters.tsv", "file for the voters' session tokens")
	ahead := fs.Duration("seen-ahead", 15*time.Minute, "stamp the sessions as last seen this far ahead, so the once-a-minute session refresh does not write during the run")
	allowChange := fs.Bool("allow-change", false, "let residents change their ballots")
	referendum := fs.String("referendum", "", "create a referendum with this slug instead of a budget edition")
	pesels := fs.String("pesels", "", "also write the voters' synthetic PESELs here, one a line in the order of -out (for benchmarks that file data under them, such as scripts/bench-tax)")
	fs.Parse(args)
	if len(*key) < census.MinKeyLen {
		return census.ErrShortKey
	}
	ctx := context.Background()
	d, err := db.Open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer d.Close()
	if _, err := db.Migrate(ctx, d); err != nil {
		return err
	}
	profile := city.Krakow()
	start := time.Now()
	header := "# edition\t" + *slug
	if *referendum != "" {
		header = "# referendum\t" + *referendum
		if err := setupReferendum(ctx, d, []byte(*key), *referendum); err != nil {
			return fmt.Errorf("referendum: %w", err)
		}
	} else if err := setupEdition(ctx, d, []byte(*key), profile, *slug, *allowChange); err != nil {
		return fmt.Errorf("edition: %w", err)
	}
	// -voters 0 adds a vote for the voters of an earlier setup: the
	// register (which setupVoters replaces) is left alone.
	var tokens, peselList []string
	if *n > 0 {
		if tokens, peselList, err = setupVoters(ctx, d, []byte(*key), profile.Districts.Len(), *n, *ahead); err != nil {
			return fmt.Errorf("voters: %w", err)
		}
	}
	if *pesels != "" {
		if err := os.WriteFile(*pesels, []byte(strings.Join(peselList, "\n")+"\n"), 0o600); err != nil {
			return err
		}
	}
	f, err := os.Create(*out)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, header)
	for i, t := range tokens {
		fmt.Fprintf(w, "%s\t%d\n", t, 1+i%profile.Districts.Len())
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Printf("%s open for voting; %d verified residents with sessions in %s (%.1fs)\n", header[2:], len(tokens), *out, time.Since(start).Seconds())
	return nil
}

// everyone is the residency of the setup's project authors.
type everyone struct{}

func (everyone) Residency(context.Context, string) (budget.Residency, error) {
	return budget.Residency{Verified: true, Person: "setup-author", District: 1}, nil
}

func (everyone) ByPESEL(context.Context, string) (string, budget.Residency, error) {
	return "", budget.Residency{}, errors.New("not used")
}

func setupEdition(ctx context.Context, d *db.DB, key []byte, profile *city.Profile, slug string, allowChange bool) error {
	svc := &budget.Service{DB: d, Key: key, Residents: everyone{}}
	pool := func(slug, name string, district int) budget.PoolConfig {
		return budget.PoolConfig{Slug: slug, Name: name, District: district, Amount: "1000000", Ballot: budget.Ranking,
			MinChoices: 1, MaxChoices: 3, Points: []int{3, 2, 1}, Rule: "greedy"}
	}
	c := budget.Config{Slug: slug, Kind: budget.KindCity, Title: "Benchmark " + slug, PoolPolicy: budget.PolicyCityAndHome,
		PaperPolicy: budget.FirstWins, AllowChange: allowChange, Pools: []budget.PoolConfig{pool("city", "City", 0)}}
	for _, dd := range profile.Districts.All() {
		c.Pools = append(c.Pools, pool(fmt.Sprintf("d%02d", dd.Number), dd.Name, dd.Number))
	}
	a := budget.Actor{Name: "civitas-ballots setup"}
	e, err := svc.CreateEdition(ctx, a, c)
	if err != nil {
		return err
	}
	if err := svc.SetPhase(ctx, a, e.ID, budget.PhaseSubmission); err != nil {
		return err
	}
	for _, p := range e.Pools {
		for i := range 4 {
			pr, err := svc.SaveProject(ctx, a, "setup-author", e.ID, "", budget.ProjectInput{
				Pool: p.Slug, Title: fmt.Sprintf("Project %d of %s", i+1, p.Name), Address: "Kraków",
				Description: strings.Repeat("A project for the ballot benchmark. ", 3),
				CostItems:   []budget.CostItemInput{{Label: "Works", Amount: strconv.Itoa(100000 + 50000*i)}},
			}, true)
			if err != nil {
				return err
			}
			for _, st := range budget.ReviewStages {
				if err := svc.RecordReview(ctx, a, pr.ID, budget.ReviewInput{Stage: st, Outcome: budget.Positive}); err != nil {
					return err
				}
			}
		}
	}
	return svc.SetPhase(ctx, a, e.ID, budget.PhaseVoting)
}

// setupReferendum creates a city-wide referendum open for voting, through
// the vote service.
func setupReferendum(ctx context.Context, d *db.DB, key []byte, slug string) error {
	svc := &vote.Service{DB: d, Key: key}
	a := vote.Actor{Name: "civitas-ballots setup"}
	r, err := svc.CreateReferendum(ctx, a, vote.ReferendumInput{Slug: slug, Title: "Benchmark " + slug, MinAge: 16,
		PaperPolicy: "first_wins", Questions: []vote.QuestionInput{
			{Kind: vote.YesNo, Text: "Yes or no?"},
			{Kind: vote.Multiple, Text: "Two of four", MaxChoices: 2, Options: []string{"A", "B", "C", "D"}},
		}})
	if err != nil {
		return err
	}
	return svc.SetPhase(ctx, a, r.Slug, vote.Voting)
}

// setupVoters creates n verified residents with a session each and returns
// their session tokens and PESELs. Birth dates and districts cycle; the PESELs are
// synthetic (pesel.Generate) and only their keyed hashes are stored. The
// sessions look last seen ahead from now.
func setupVoters(ctx context.Context, d *db.DB, key []byte, districts, n int, ahead time.Duration) (tokens, pesels []string, err error) {
	now := db.TS(time.Now())
	type voter struct {
		pesel string
		birth time.Time
		id    string
	}
	voters := make([]voter, n)
	entries := make([]census.Entry, n)
	for i := range voters {
		birth := time.Date(1940, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i%20000)
		p := pesel.Generate(birth, (i/20000)%1000, i%2 == 0)
		voters[i] = voter{pesel: p, birth: birth}
		entries[i] = census.Entry{Hash: census.Hash(key, p), BirthDate: birth, District: 1 + i%districts}
	}
	if err := d.InTx(ctx, func(tx *sql.Tx) error { return census.Replace(ctx, tx, entries, now) }); err != nil {
		return nil, nil, err
	}
	// One password hash for all: hashing each (argon2id, 0.13 s) would take hours.
	hash, err := accounts.HashPassword(rand.Text())
	if err != nil {
		return nil, nil, err
	}
	acc := &accounts.Service{DB: d}
	const chunk = 500
	for lo := 0; lo < n; lo += chunk {
		err := d.InTx(ctx, func(tx *sql.Tx) error {
			for i := lo; i < min(n, lo+chunk); i++ {
				u, err := acc.Create(ctx, tx, accounts.NewUser{Email: fmt.Sprintf("voter%07d@bench.civitas.local", i),
					DisplayName: fmt.Sprintf("Voter %d", i), PasswordHash: hash, EmailConfirmed: true})
				if err != nil {
					return err
				}
				voters[i].id = u.ID
			}
			return nil
		})
		if err != nil {
			return nil, nil, err
		}
	}
	ids := &identity.Service{DB: d, Key: key}
	sessions := &session.Store{DB: d, MaxAge: 30 * 24 * time.Hour, Now: func() time.Time { return now.Add(ahead) }}
	tokens = make([]string, n)
	// A few at a time: PostgreSQL overlaps them; SQLite queues the writes.
	const workers = 4
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < n && errs[w] == nil; i += workers {
				v := voters[i]
				if _, err := ids.VerifyCensus(ctx, v.id, v.pesel, v.birth.Format(time.DateOnly), ""); err != nil {
					errs[w] = fmt.Errorf("verify voter %d: %w", i, err)
					break
				}
				tokens[i], _, errs[w] = sessions.Create(ctx, v.id)
			}
		})
	}
	wg.Wait()
	pesels = make([]string, n)
	for i, v := range voters {
		pesels[i] = v.pesel
	}
	return tokens, pesels, errors.Join(errs...)
}

// --- stamp -------------------------------------------------------------------------------

// stampMain sets when the voters' sessions were last seen, relative to now:
// ahead (the default, 15m) keeps the session middleware from refreshing them
// during a run, as for residents who have just signed in; "-seen -2m" makes
// every first request of a session refresh it (one more write each).
func stampMain(args []string) error {
	fs := flag.NewFlagSet("stamp", flag.ExitOnError)
	dsn := fs.String("db", os.Getenv("CIVITAS_DB"), "database URL")
	votersFile := fs.String("voters", "voters.tsv", "the file setup wrote")
	seen := fs.Duration("seen", 15*time.Minute, "last seen at now + this (negative: in the past)")
	fs.Parse(args)
	_, _, voters, err := readVoters(*votersFile)
	if err != nil {
		return err
	}
	tokens := make([]string, len(voters))
	for i, v := range voters {
		tokens[i] = v.token
	}
	ctx := context.Background()
	d, err := db.Open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer d.Close()
	n, err := (&session.Store{DB: d}).SetLastSeen(ctx, tokens, time.Now().Add(*seen))
	if err != nil {
		return err
	}
	if d.Dialect == db.SQLite {
		// Fold the update into the database file now, not during the run.
		if _, err := d.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
			return err
		}
	}
	fmt.Printf("%d sessions last seen at now%+v\n", n, *seen)
	return nil
}

// --- run ---------------------------------------------------------------------------------

type voterLine struct {
	token    string
	district int
}

type ballotJob struct {
	voter int
	pool  string
}

func runMain(args []string) error {
	fs := flag.NewFlagSet("run", flag.ExitOnError)
	target := fs.String("url", "http://127.0.0.1:8080", "the server (loopback only)")
	votersFile := fs.String("voters", "voters.tsv", "the file setup wrote")
	rate := fs.Int("rate", 0, "ballots per second to offer (0: as fast as -c workers go)")
	conc := fs.Int("c", 64, "concurrent requests at most")
	duration := fs.Duration("d", 60*time.Second, "measured duration")
	warmup := fs.Duration("warmup", 5*time.Second, "unmeasured warm-up")
	api := fs.Bool("api", false, "use the JSON API instead of the HTML form")
	logFile := fs.String("log", "", "write one line per answer: voter, pool, status, receipt")
	fs.Parse(args)
	u, err := url.Parse(*target)
	if err != nil || !isLoopback(u.Hostname()) {
		return errors.New("-url must be an http URL on this machine")
	}
	kind, slug, voters, err := readVoters(*votersFile)
	if err != nil {
		return err
	}
	client := &http.Client{Timeout: 30 * time.Second,
		Transport:     &http.Transport{MaxIdleConns: *conc, MaxIdleConnsPerHost: *conc, MaxConnsPerHost: *conc, DisableCompression: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	var pools map[string][]string
	jobs := ballotJobs(voters)
	if kind == "referendum" {
		pools, err = fetchQuestions(client, *target, slug)
		jobs = jobs[:len(voters)] // one ballot a resident, answering every question
	} else {
		pools, err = fetchPools(client, *target, slug)
	}
	if err != nil {
		return err
	}
	var logw *bufio.Writer
	if *logFile != "" {
		f, err := os.Create(*logFile)
		if err != nil {
			return err
		}
		defer f.Close()
		logw = bufio.NewWriter(f)
		defer logw.Flush()
	}
	start := time.Now()
	l := &load{
		r: &runner{client: client, base: strings.TrimRight(*target, "/"), slug: slug, voters: voters, pools: pools, api: *api,
			referendum: kind == "referendum"},
		jobs: jobs, log: logw, start: start, measureFrom: start.Add(*warmup), statuses: map[int]int{},
	}
	ctx, cancel := context.WithDeadline(context.Background(), l.measureFrom.Add(*duration))
	defer cancel()
	if *rate > 0 {
		l.offerPaced(ctx, *rate, *conc)
	} else {
		l.offerClosed(ctx, *conc)
	}
	elapsed := min(time.Since(l.measureFrom), *duration)
	if l.next.Load() >= int64(len(l.jobs)) {
		fmt.Fprintln(os.Stderr, "civitas-ballots: every voter has voted before the end: create more with setup -voters")
	}
	mode := "form"
	if *api {
		mode = "api"
	}
	offered := "closed loop, " + strconv.Itoa(*conc) + " workers"
	if *rate > 0 {
		offered = fmt.Sprintf("open loop at %d/s, at most %d in flight", *rate, *conc)
	}
	fmt.Printf("mode %s, %s, measured %s after %s warm-up\n", mode, offered, elapsed.Round(time.Millisecond), *warmup)
	l.report(elapsed, *conc)
	return nil
}

// ballotJobs are the ballots to cast: every voter in the city pool, then
// (after all of those) in their district's pool: two ballots a resident.
func ballotJobs(voters []voterLine) []ballotJob {
	jobs := make([]ballotJob, 0, 2*len(voters))
	for i := range voters {
		jobs = append(jobs, ballotJob{i, "city"})
	}
	for i, v := range voters {
		jobs = append(jobs, ballotJob{i, fmt.Sprintf("d%02d", v.district)})
	}
	return jobs
}

// load casts the jobs and measures the answers that start after the
// warm-up and end before the deadline.
type load struct {
	r                  *runner
	jobs               []ballotJob
	next               atomic.Int64 // the next job to take
	start, measureFrom time.Time

	logMu sync.Mutex
	log   *bufio.Writer // nil: no log

	mu       sync.Mutex
	lat      []time.Duration // of the recorded ballots
	statuses map[int]int
	failures int // transport errors
	late     int // due but not sent: every worker busy
}

// take is the next job, false when every job is taken.
func (l *load) take() (ballotJob, bool) {
	i := l.next.Add(1) - 1
	if int(i) >= len(l.jobs) {
		return ballotJob{}, false
	}
	return l.jobs[i], true
}

// do casts one ballot and records its answer.
func (l *load) do(ctx context.Context, j ballotJob) {
	t0 := time.Now()
	status, receipt, err := l.r.cast(ctx, j)
	d := time.Since(t0)
	if l.log != nil {
		l.logMu.Lock()
		fmt.Fprintf(l.log, "%d\t%s\t%d\t%s\n", j.voter, j.pool, status, receipt)
		l.logMu.Unlock()
	}
	if t0.Before(l.measureFrom) || ctx.Err() != nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if err != nil {
		l.failures++
		return
	}
	l.statuses[status]++
	if ok(status) {
		l.lat = append(l.lat, d)
	}
}

// offerPaced offers rate ballots a second, at most conc in flight. It
// paces by the clock, not by a ticker: a late tick must not lower the
// offered rate, it sends what is due at once.
func (l *load) offerPaced(ctx context.Context, rate, conc int) {
	var wg sync.WaitGroup
	defer wg.Wait()
	sem := make(chan struct{}, conc)
	sent := 0
	for ctx.Err() == nil {
		due := int(time.Since(l.start).Seconds() * float64(rate))
		for ; sent < due; sent++ {
			j, more := l.take()
			if !more {
				return
			}
			select {
			case sem <- struct{}{}:
				wg.Go(func() { defer func() { <-sem }(); l.do(ctx, j) })
			default:
				l.mu.Lock()
				if time.Now().After(l.measureFrom) {
					l.late++
				}
				l.mu.Unlock()
			}
		}
		time.Sleep(500 * time.Microsecond)
	}
}

// offerClosed casts with conc workers, each as fast as answers come.
func (l *load) offerClosed(ctx context.Context, conc int) {
	var wg sync.WaitGroup
	for range conc {
		wg.Go(func() {
			for ctx.Err() == nil {
				j, more := l.take()
				if !more {
					return
				}
				l.do(ctx, j)
			}
		})
	}
	wg.Wait()
}

// report prints the throughput, the statuses and the latency percentiles.
func (l *load) report(elapsed time.Duration, conc int) {
	slices.Sort(l.lat)
	pct := func(p float64) time.Duration {
		if len(l.lat) == 0 {
			return 0
		}
		return l.lat[min(len(l.lat)-1, int(p*float64(len(l.lat))))]
	}
	var codes []string
	for c, n := range l.statuses {
		codes = append(codes, fmt.Sprintf("%d:%d", c, n))
	}
	slices.Sort(codes)
	fmt.Printf("ballots recorded: %d (%.0f/s)\n", len(l.lat), float64(len(l.lat))/elapsed.Seconds())
	fmt.Printf("statuses: %s; transport errors %d; not sent (all %d in flight) %d\n", strings.Join(codes, " "), l.failures, conc, l.late)
	fmt.Printf("latency of recorded ballots: p50 %s  p90 %s  p99 %s  max %s\n",
		pct(0.50).Round(100*time.Microsecond), pct(0.90).Round(100*time.Microsecond), pct(0.99).Round(100*time.Microsecond), pct(1).Round(100*time.Microsecond))
}

// ok: a ballot recorded (the referendum form answers 200 with the receipts).
func ok(status int) bool {
	return status == http.StatusSeeOther || status == http.StatusCreated || status == http.StatusOK
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// readVoters reads the file setup wrote: what is voted on ("edition" or
// "referendum"), its slug, and the voters.
func readVoters(path string) (string, string, []voterLine, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", "", nil, err
	}
	defer f.Close()
	var (
		kind, slug string
		voters     []voterLine
	)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, "# "); ok {
			kind, slug, _ = strings.Cut(rest, "\t")
			continue
		}
		token, district, _ := strings.Cut(line, "\t")
		n, err := strconv.Atoi(district)
		if err != nil {
			return "", "", nil, fmt.Errorf("%s: bad line %q", path, line)
		}
		voters = append(voters, voterLine{token, n})
	}
	if slug == "" || kind != "edition" && kind != "referendum" {
		return "", "", nil, fmt.Errorf("%s: no edition or referendum line", path)
	}
	return kind, slug, voters, sc.Err()
}

// fetchQuestions reads a referendum's questions and their options from the
// API.
func fetchQuestions(c *http.Client, base, slug string) (map[string][]string, error) {
	resp, err := c.Get(strings.TrimRight(base, "/") + "/api/v1/votes/referenda/" + slug)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		return nil, fmt.Errorf("referendum %s: %s: %s", slug, resp.Status, b)
	}
	var ref vote.ReferendumJSON
	if err := json.NewDecoder(resp.Body).Decode(&ref); err != nil {
		return nil, err
	}
	out := map[string][]string{}
	for _, q := range ref.Questions {
		for _, o := range q.Options {
			out[q.ID] = append(out[q.ID], o.ID)
		}
	}
	return out, nil
}

// fetchPools reads the projects on each pool's ballot from the API.
func fetchPools(c *http.Client, base, slug string) (map[string][]string, error) {
	resp, err := c.Get(strings.TrimRight(base, "/") + "/api/v1/budget/editions/" + slug)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		return nil, fmt.Errorf("edition %s: %s: %s", slug, resp.Status, b)
	}
	var e budget.EditionJSON
	if err := json.NewDecoder(resp.Body).Decode(&e); err != nil {
		return nil, err
	}
	out := map[string][]string{}
	for _, p := range e.Pools {
		for _, pr := range p.Projects {
			out[p.Slug] = append(out[p.Slug], pr.ID)
		}
	}
	return out, nil
}

type runner struct {
	client *http.Client
	base   string
	slug   string
	voters []voterLine
	pools  map[string][]string
	api    bool
	// referendum: pools are its questions; one ballot answers them all.
	referendum bool
}

// cast sends one ballot: up to three projects of the pool, ranked.
func (r *runner) cast(ctx context.Context, j ballotJob) (int, string, error) {
	if r.referendum {
		return r.castReferendum(ctx, j)
	}
	projects := r.pools[j.pool]
	n := 1 + j.voter%3
	choice := make([]string, 0, n)
	for k := range min(n, len(projects)) {
		choice = append(choice, projects[(j.voter+k)%len(projects)])
	}
	var req *http.Request
	var err error
	if r.api {
		body, _ := json.Marshal(budget.BallotInput{Projects: choice})
		req, err = http.NewRequestWithContext(ctx, http.MethodPost, r.base+"/api/v1/budget/editions/"+r.slug+"/pools/"+j.pool+"/ballot", strings.NewReader(string(body)))
		if err == nil {
			req.Header.Set("Content-Type", "application/json")
		}
	} else {
		form := url.Values{}
		for k, id := range choice {
			form.Set("rank"+strconv.Itoa(k+1), id)
		}
		req, err = http.NewRequestWithContext(ctx, http.MethodPost, r.base+"/budget/"+r.slug+"/vote/"+j.pool, strings.NewReader(form.Encode()))
		if err == nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
	}
	if err != nil {
		return 0, "", err
	}
	return r.send(req, j, func(body []byte) string {
		var rc budget.Receipt
		json.Unmarshal(body, &rc)
		return rc.Code
	})
}

// castReferendum answers every question: the first option (of a yes/no)
// or two options, varying with the voter.
func (r *runner) castReferendum(ctx context.Context, j ballotJob) (int, string, error) {
	answers := vote.Answers{}
	for q, opts := range r.pools {
		if len(opts) == 2 {
			answers[q] = []string{opts[j.voter%2]}
		} else {
			answers[q] = []string{opts[j.voter%len(opts)], opts[(j.voter+1)%len(opts)]}
		}
	}
	var (
		req *http.Request
		err error
	)
	if r.api {
		body, _ := json.Marshal(map[string]any{"answers": answers})
		req, err = http.NewRequestWithContext(ctx, http.MethodPost, r.base+"/api/v1/votes/referenda/"+r.slug+"/ballot", strings.NewReader(string(body)))
		if err == nil {
			req.Header.Set("Content-Type", "application/json")
		}
	} else {
		form := url.Values{}
		for q, ids := range answers {
			form["q-"+q] = ids
		}
		req, err = http.NewRequestWithContext(ctx, http.MethodPost, r.base+"/votes/referenda/"+r.slug+"/vote", strings.NewReader(form.Encode()))
		if err == nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
	}
	if err != nil {
		return 0, "", err
	}
	return r.send(req, j, func(body []byte) string {
		var out struct {
			Receipts []vote.Receipt `json:"receipts"`
		}
		json.Unmarshal(body, &out)
		if len(out.Receipts) == 0 {
			return ""
		}
		return out.Receipts[0].Code
	})
}

// send sends a ballot as its voter; receipt reads the receipt from a JSON
// answer.
func (r *runner) send(req *http.Request, j ballotJob, receipt func([]byte) string) (int, string, error) {
	req.AddCookie(&http.Cookie{Name: "civitas_session", Value: r.voters[j.voter].token})
	resp, err := r.client.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, "", err
	}
	code := ""
	if r.api && resp.StatusCode == http.StatusCreated {
		code = receipt(body)
	}
	return resp.StatusCode, code, nil
}
