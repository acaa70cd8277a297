package ballot_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/civitas-city/civitas/internal/app/apptest"
	"github.com/civitas-city/civitas/internal/ballot"
	"github.com/civitas-city/civitas/internal/budget"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/vote"
)

const testKey = apptest.Key

// crashTarget is what residents vote on in the crash test: a budget pool
// or a referendum, each with its own ballot and its box's id.
type crashTarget struct {
	name  string
	setup []string // civitas-ballots setup's flags
	// ballot is the request of voter's ballot.
	ballot func(t *testing.T, base string) func(voter int) (path, body string)
	// receipt reads the receipt of a 201 answer.
	receipt func(raw []byte) string
	// box finds the box's id and the Box to check it with.
	box func(t *testing.T, d *db.DB) (string, *ballot.Box)
}

var crashTargets = []crashTarget{
	{
		name: "budget pool", setup: []string{"-edition", "crash"},
		ballot: func(t *testing.T, base string) func(int) (string, string) {
			projects := cityProjects(t, base)
			return func(voter int) (string, string) {
				return "/api/v1/budget/editions/crash/pools/city/ballot", fmt.Sprintf(`{"projects":["%s"]}`, projects[voter%len(projects)])
			}
		},
		receipt: func(raw []byte) string {
			var r budget.Receipt
			json.Unmarshal(raw, &r)
			return r.Code
		},
		box: func(t *testing.T, d *db.DB) (string, *ballot.Box) {
			svc := &budget.Service{DB: d, Key: []byte(testKey)}
			e, err := svc.Edition(context.Background(), "crash")
			if err != nil {
				t.Fatal(err)
			}
			return e.ID, svc.Box()
		},
	},
	{
		name: "referendum", setup: []string{"-referendum", "crash"},
		ballot: func(t *testing.T, base string) func(int) (string, string) {
			questions := referendumQuestions(t, base)
			return func(voter int) (string, string) {
				answers := vote.Answers{}
				for q, opts := range questions {
					answers[q] = []string{opts[voter%2]}
				}
				body, _ := json.Marshal(map[string]any{"answers": answers})
				return "/api/v1/votes/referenda/crash/ballot", string(body)
			}
		},
		receipt: func(raw []byte) string {
			var out struct {
				Receipts []vote.Receipt `json:"receipts"`
			}
			json.Unmarshal(raw, &out)
			if len(out.Receipts) == 0 {
				return ""
			}
			return out.Receipts[0].Code
		},
		box: func(t *testing.T, d *db.DB) (string, *ballot.Box) {
			svc := &vote.Service{DB: d, Key: []byte(testKey)}
			r, err := svc.Referendum(context.Background(), "crash")
			if err != nil {
				t.Fatal(err)
			}
			return r.ID, svc.Box()
		},
	},
}

// TestCrashDuringVoting kills the server with SIGKILL while residents cast
// ballots over HTTP, in a budget pool and in a referendum, restarts it and
// checks that every ballot answered with 201 is there, none twice, and
// every participation has exactly one ballot. SQLite only: that is where a
// 2xx depends on the server's own fsync (PostgreSQL's durability is the
// database server's).
func TestCrashDuringVoting(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the binary")
	}
	for _, target := range crashTargets {
		t.Run(target.name, func(t *testing.T) { crashDuringVoting(t, target) })
	}
}

func crashDuringVoting(t *testing.T, target crashTarget) {
	tmp := t.TempDir()
	bin, tool := filepath.Join(tmp, "civitas"), filepath.Join(tmp, "civitas-ballots")
	build := func(out, pkg string) {
		args := []string{"build", "-o", out}
		if raceEnabled {
			args = append(args, "-race")
		}
		cmd := exec.Command("go", append(args, pkg)...)
		cmd.Dir = "../.."
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", pkg, err, b)
		}
	}
	build(bin, "./cmd/civitas")
	build(tool, "./cmd/civitas-ballots")

	dsn := "sqlite:" + filepath.Join(tmp, "civitas.db")
	env := append(os.Environ(), "CIVITAS_SECRET_KEY="+testKey, "CIVITAS_DB="+dsn)
	setup := exec.Command(tool, append([]string{"setup", "-voters", "250", "-out", filepath.Join(tmp, "voters.tsv")}, target.setup...)...)
	setup.Env = env
	if b, err := setup.CombinedOutput(); err != nil {
		t.Fatalf("setup: %v\n%s", err, b)
	}
	tokens := readTokens(t, filepath.Join(tmp, "voters.tsv"))

	srv := startServer(t, bin, env, tmp)
	ballotOf := target.ballot(t, srv.url)

	// Cast: 8 workers over the voters; every 7th voter also sends a
	// second, simultaneous ballot. Kill the server after 80 answers.
	type answer struct {
		voter   int
		receipt string
	}
	var (
		mu       sync.Mutex
		answered []answer
		next     atomic.Int64
		killed   = make(chan struct{})
		once     sync.Once
	)
	client := &http.Client{Timeout: 10 * time.Second}
	cast := func(base string, voter int) (int, string) {
		path, body := ballotOf(voter)
		req, _ := http.NewRequest(http.MethodPost, base+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.AddCookie(&http.Cookie{Name: "civitas_session", Value: tokens[voter]})
		resp, err := client.Do(req)
		if err != nil {
			return 0, ""
		}
		defer resp.Body.Close()
		raw, err := io.ReadAll(resp.Body)
		if err != nil {
			return 0, ""
		}
		return resp.StatusCode, target.receipt(raw)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for {
				select {
				case <-killed:
					return
				default:
				}
				v := int(next.Add(1) - 1)
				if v >= len(tokens) {
					return
				}
				tries := 1
				if v%7 == 0 {
					tries = 2
				}
				var inner sync.WaitGroup
				for range tries {
					inner.Go(func() {
						status, receipt := cast(srv.url, v)
						if status == http.StatusCreated {
							mu.Lock()
							answered = append(answered, answer{v, receipt})
							n := len(answered)
							mu.Unlock()
							if n >= 80 {
								once.Do(func() {
									srv.kill(t)
									close(killed)
								})
							}
						}
					})
				}
				inner.Wait()
			}
		})
	}
	wg.Wait()
	once.Do(func() { srv.kill(t); close(killed) })
	mu.Lock()
	got := append([]answer(nil), answered...)
	mu.Unlock()
	if len(got) < 80 {
		t.Fatalf("only %d ballots answered before the end", len(got))
	}

	// Restart on the same database and check.
	srv = startServer(t, bin, env, tmp)
	d, err := db.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	boxID, box := target.box(t, d)
	seen := map[int]string{}
	for _, a := range got {
		if prev, dup := seen[a.voter]; dup {
			t.Errorf("voter %d got two 201 answers (%s, %s)", a.voter, prev, a.receipt)
		}
		seen[a.voter] = a.receipt
		if _, _, err := box.FindReceipt(context.Background(), boxID, a.receipt); err != nil {
			t.Errorf("ballot %s answered 201 before the crash is missing: %v", a.receipt, err)
		}
	}
	integ, err := box.CheckIntegrity(context.Background(), boxID)
	if err != nil {
		t.Fatal(err)
	}
	if !integ.OK() || integ.Participations < len(got) {
		t.Errorf("after the crash: %+v, %d answered", integ, len(got))
	}
	// The restarted server takes ballots again, and still refuses a second one.
	var fresh int
	for v := len(tokens) - 1; v >= 0; v-- {
		if _, voted := seen[v]; !voted {
			fresh = v
			break
		}
	}
	if status, _ := cast(srv.url, fresh); status != http.StatusCreated && status != http.StatusConflict {
		t.Errorf("after the restart: status %d", status)
	}
	if status, _ := cast(srv.url, got[0].voter); status != http.StatusConflict {
		t.Errorf("a second ballot after the restart: status %d, want 409", status)
	}
	t.Logf("%d ballots answered 201 before SIGKILL; after restart %+v", len(got), integ)
}

type server struct {
	cmd *exec.Cmd
	url string
}

func (s *server) kill(t *testing.T) {
	if err := s.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Errorf("kill: %v", err)
	}
	s.cmd.Wait()
}

func startServer(t *testing.T, bin string, env []string, dir string) *server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, "serve", "--addr", addr, "--log-level", "error")
	cmd.Env = env
	logf, _ := os.Create(filepath.Join(dir, "server-"+strings.ReplaceAll(addr, ":", "_")+".log"))
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd, url: "http://" + addr}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Signal(syscall.SIGTERM)
			cmd.Wait()
		}
		logf.Close()
	})
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(s.url + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("the server did not start; see %s", logf.Name())
	return nil
}

func readTokens(t *testing.T, path string) []string {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "#") {
			continue
		}
		tok, _, _ := strings.Cut(sc.Text(), "\t")
		out = append(out, tok)
	}
	return out
}

// referendumQuestions reads the crash referendum's questions and options.
func referendumQuestions(t *testing.T, base string) map[string][]string {
	resp, err := http.Get(base + "/api/v1/votes/referenda/crash")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r vote.ReferendumJSON
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, q := range r.Questions {
		for _, o := range q.Options {
			out[q.ID] = append(out[q.ID], o.ID)
		}
	}
	return out
}

func cityProjects(t *testing.T, base string) []string {
	resp, err := http.Get(base + "/api/v1/budget/editions/crash")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var e budget.EditionJSON
	if err := json.NewDecoder(resp.Body).Decode(&e); err != nil {
		t.Fatal(err)
	}
	for _, p := range e.Pools {
		if p.Slug == "city" {
			var out []string
			for _, pr := range p.Projects {
				out = append(out, pr.ID)
			}
			return out
		}
	}
	t.Fatal("no city pool")
	return nil
}
