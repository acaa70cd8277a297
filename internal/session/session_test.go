package session_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/db/dbtest"
	"github.com/civitas-city/civitas/internal/session"
	"github.com/civitas-city/civitas/internal/web"
)

func addUser(t *testing.T, d *db.DB, id string) {
	t.Helper()
	if _, err := d.ExecContext(t.Context(), `INSERT INTO users (id, display_name, created_at) VALUES ($1, 'U', $2)`, id, db.TS(time.Now())); err != nil {
		t.Fatal(err)
	}
}

// start signs userID in on a request that carries cookie (may be empty)
// and returns the new token.
func start(t *testing.T, s *session.Store, userID, cookie string) (string, *http.Cookie) {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, "/signin", nil)
	if cookie != "" {
		r.AddCookie(&http.Cookie{Name: web.SessionCookie, Value: cookie})
	}
	w := httptest.NewRecorder()
	if _, err := s.Start(t.Context(), w, r, userID); err != nil {
		t.Fatal(err)
	}
	c := w.Result().Cookies()[0]
	return c.Value, c
}

func TestSessionLifecycle(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		now := time.Now()
		s := &session.Store{DB: d, MaxAge: time.Hour, Now: func() time.Time { return now }}
		addUser(t, d, "u1")
		token, c := start(t, s, "u1", "")
		if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Secure {
			t.Errorf("cookie flags: %+v", c)
		}
		got, err := s.Load(t.Context(), token)
		if err != nil || got.UserID != "u1" {
			t.Fatalf("Load = %+v, %v", got, err)
		}
		// The table stores a hash, never the token.
		var n int
		d.QueryRowContext(t.Context(), `SELECT count(*) FROM sessions WHERE id = $1`, token).Scan(&n)
		if n != 0 {
			t.Error("the raw token is stored")
		}
		now = now.Add(2 * time.Hour)
		if _, err := s.Load(t.Context(), token); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("expired session: %v", err)
		}
		if n, err := s.DeleteExpired(t.Context()); n != 1 || err != nil {
			t.Errorf("DeleteExpired = %d, %v", n, err)
		}
	})
}

// Signing in replaces whatever session the browser brought: a session id
// planted by an attacker before sign-in is worthless after it.
func TestNoSessionFixation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := &session.Store{DB: d, MaxAge: time.Hour}
		addUser(t, d, "u1")
		planted, _ := start(t, s, "u1", "")
		fresh, _ := start(t, s, "u1", planted)
		if fresh == planted {
			t.Fatal("sign-in kept the old token")
		}
		if _, err := s.Load(t.Context(), planted); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("the planted session still works: %v", err)
		}
		if _, err := s.Load(t.Context(), fresh); err != nil {
			t.Errorf("the new session does not work: %v", err)
		}
	})
}

func TestSignOutEverywhere(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := &session.Store{DB: d, MaxAge: time.Hour}
		addUser(t, d, "u1")
		addUser(t, d, "u2")
		a, _ := start(t, s, "u1", "")
		start(t, s, "u1", "")
		other, _ := start(t, s, "u2", "")
		if list, _ := s.ForUser(t.Context(), "u1"); len(list) != 2 {
			t.Fatalf("u1 has %d sessions, want 2", len(list))
		}
		if err := s.EndAll(t.Context(), d, "u1"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Load(t.Context(), a); err == nil {
			t.Error("a session survived sign out everywhere")
		}
		if _, err := s.Load(t.Context(), other); err != nil {
			t.Error("another user's session ended")
		}
	})
}

func TestSecureCookieUnderTLS(t *testing.T) {
	d := dbtest.Open(t, db.SQLite)
	s := &session.Store{DB: d, MaxAge: time.Hour, TrustProxy: true}
	addUser(t, d, "u1")
	r := httptest.NewRequest(http.MethodPost, "/signin", nil)
	r.Header.Set("X-Forwarded-Proto", "https")
	w := httptest.NewRecorder()
	s.Start(t.Context(), w, r, "u1")
	if c := w.Result().Cookies()[0]; !c.Secure {
		t.Error("cookie not Secure under TLS")
	}
}

// The middleware slides a session's expiry when it was last seen over a
// minute ago, also when many sessions are due at once (their refreshes are
// written together, shortly after), and leaves recent sessions unwritten.
func TestMiddlewareSlidesExpiry(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		var (
			mu  sync.Mutex
			now = time.Now().Truncate(time.Second)
		)
		clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
		advance := func(by time.Duration) { mu.Lock(); now = now.Add(by); mu.Unlock() }
		s := &session.Store{DB: d, MaxAge: time.Hour, Now: clock}
		const n = 30
		tokens := make([]string, n)
		for i := range tokens {
			id := fmt.Sprintf("u%d", i)
			addUser(t, d, id)
			tokens[i], _ = start(t, s, id, "")
		}
		seen := make(chan string, n)
		h := s.Middleware(slog.New(slog.DiscardHandler), func(ctx context.Context, id string) (*web.User, error) {
			return &web.User{ID: id}, nil
		})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if u := web.CurrentUser(r.Context()); u != nil {
				seen <- u.ID
			}
		}))
		serveAll := func() {
			var wg sync.WaitGroup
			for _, tok := range tokens {
				wg.Go(func() {
					r := httptest.NewRequest(http.MethodGet, "/", nil)
					r.AddCookie(&http.Cookie{Name: web.SessionCookie, Value: tok})
					h.ServeHTTP(httptest.NewRecorder(), r)
				})
			}
			wg.Wait()
			if len(seen) != n {
				t.Fatalf("%d requests signed in, want %d", len(seen), n)
			}
			for range n {
				<-seen
			}
		}
		expiries := func() map[string]time.Time {
			out := map[string]time.Time{}
			for _, tok := range tokens {
				sess, err := s.Load(t.Context(), tok)
				if err != nil {
					t.Fatal(err)
				}
				out[tok] = sess.ExpiresAt
			}
			return out
		}

		advance(5 * time.Minute)
		serveAll()
		want := clock().Add(time.Hour)
		// The refreshes are written by a timer a moment later.
		for deadline := time.Now().Add(20 * time.Second); ; {
			moved := 0
			for _, until := range expiries() {
				if until.Equal(want) {
					moved++
				}
			}
			if moved == n {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%d of %d sessions refreshed after a request 5 minutes on", moved, n)
			}
			time.Sleep(50 * time.Millisecond)
		}
		advance(30 * time.Second) // seen under a minute ago: no write
		serveAll()
		if err := s.Flush(t.Context()); err != nil {
			t.Fatal(err)
		}
		for _, until := range expiries() {
			if !until.Equal(want) {
				t.Errorf("expiry %v moved by a request 30 s after the last, want %v", until, want)
			}
		}
	})
}

// Create signs a resident in without a request (load-test tools), and
// SetLastSeen moves when their sessions were last seen, chunk by chunk.
func TestCreateAndSetLastSeen(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		now := time.Now().UTC().Truncate(time.Second)
		s := &session.Store{DB: d, MaxAge: time.Hour, Now: func() time.Time { return now }}
		var tokens []string
		for i := range 1201 { // three chunks
			id := fmt.Sprintf("u%d", i)
			addUser(t, d, id)
			token, sess, err := s.Create(ctx, id)
			if err != nil || sess.UserID != id || !sess.ExpiresAt.Equal(now.Add(time.Hour)) {
				t.Fatalf("Create = %+v, %v", sess, err)
			}
			tokens = append(tokens, token)
		}
		if got, err := s.Load(ctx, tokens[7]); err != nil || got.UserID != "u7" {
			t.Fatalf("Load of a created session = %+v, %v", got, err)
		}
		past := now.Add(-2 * time.Minute)
		n, err := s.SetLastSeen(ctx, append(tokens, "not-a-token"), past)
		if err != nil || n != int64(len(tokens)) {
			t.Fatalf("SetLastSeen = %d, %v; want %d", n, err, len(tokens))
		}
		for _, i := range []int{0, 600, 1200} {
			if got, err := s.Load(ctx, tokens[i]); err != nil || !got.LastSeen.Equal(past) {
				t.Errorf("session %d last seen %v, %v; want %v", i, got.LastSeen, err, past)
			}
		}
	})
}
