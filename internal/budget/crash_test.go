package budget_test

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

	"github.com/civitas-city/civitas/internal/budget"
	"github.com/civitas-city/civitas/internal/db"
)

// TestCrashDuringVoting kills the server with SIGKILL while residents cast
// ballots over HTTP, restarts it and checks that every ballot answered
// with 201 is there, none twice, and every participation has exactly one
// ballot. SQLite only: that is where a 2xx depends on the server's own
// fsync (PostgreSQL's durability is the database server's).
func TestCrashDuringVoting(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the binary")
	}
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
	setup := exec.Command(tool, "setup", "-voters", "250", "-edition", "crash", "-out", filepath.Join(tmp, "voters.tsv"))
	setup.Env = env
	if b, err := setup.CombinedOutput(); err != nil {
		t.Fatalf("setup: %v\n%s", err, b)
	}
	tokens := readTokens(t, filepath.Join(tmp, "voters.tsv"))

	srv := startServer(t, bin, env, tmp)
	projects := cityProjects(t, srv.url)

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
		body := fmt.Sprintf(`{"projects":["%s"]}`, projects[voter%len(projects)])
		req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/budget/editions/crash/pools/city/ballot", strings.NewReader(body))
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
		var r budget.Receipt
		json.Unmarshal(raw, &r)
		return resp.StatusCode, r.Code
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
	svc := &budget.Service{DB: d, Key: []byte(testKey)}
	e, err := svc.Edition(context.Background(), "crash")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int]string{}
	for _, a := range got {
		if prev, dup := seen[a.voter]; dup {
			t.Errorf("voter %d got two 201 answers (%s, %s)", a.voter, prev, a.receipt)
		}
		seen[a.voter] = a.receipt
		if _, _, err := svc.FindReceipt(context.Background(), e.ID, a.receipt); err != nil {
			t.Errorf("ballot %s answered 201 before the crash is missing: %v", a.receipt, err)
		}
	}
	integ, err := svc.CheckIntegrity(context.Background(), e.ID)
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
