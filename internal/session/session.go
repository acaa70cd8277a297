// Package session keeps sign-in sessions in the database, so any node
// behind the load balancer serves any session. The cookie holds a random
// token; the table holds only its SHA-256, so a leaked table does not hand
// out sessions.
package session

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/web"
)

// Session is one signed-in browser.
type Session struct {
	ID     string // hash of the token
	UserID string
	// Data holds small per-session state, such as the resident an officer
	// acts for.
	Data      map[string]string
	CreatedAt time.Time
	LastSeen  time.Time
	ExpiresAt time.Time
}

// Store reads and writes sessions.
type Store struct {
	DB         *db.DB
	MaxAge     time.Duration // idle time after which a session ends
	TrustProxy bool
	Now        func() time.Time

	Log *slog.Logger

	dueMu    sync.Mutex
	due      map[string]bool // sessions whose refresh is waiting, see touch
	dueTimer *time.Timer
}

func (s *Store) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Start signs userID in: it ends the session the request came with (so a
// session id planted before sign-in is worthless: no fixation) and sets a
// cookie with a fresh token.
func (s *Store) Start(ctx context.Context, w http.ResponseWriter, r *http.Request, userID string) (*Session, error) {
	if old := web.SessionToken(r); old != "" {
		if _, err := s.DB.ExecContext(ctx, `DELETE FROM sessions WHERE id = $1`, hashToken(old)); err != nil {
			return nil, fmt.Errorf("session: end previous: %w", err)
		}
	}
	token, sess, err := s.Create(ctx, userID)
	if err != nil {
		return nil, err
	}
	http.SetCookie(w, &http.Cookie{
		Name: web.SessionCookie, Value: token, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: web.IsTLS(r, s.TrustProxy),
		MaxAge: int(s.MaxAge.Seconds()),
	})
	return sess, nil
}

// Create stores a new session of userID and returns its token (what the
// cookie holds). Start uses it; so do tools that sign residents in for a
// load test.
func (s *Store) Create(ctx context.Context, userID string) (string, *Session, error) {
	var b [32]byte
	rand.Read(b[:])
	token := base64.RawURLEncoding.EncodeToString(b[:])
	now := db.TS(s.now())
	sess := &Session{ID: hashToken(token), UserID: userID, CreatedAt: now, LastSeen: now, ExpiresAt: now.Add(s.MaxAge)}
	_, err := s.DB.ExecContext(ctx, `INSERT INTO sessions (id, user_id, created_at, last_seen_at, expires_at) VALUES ($1, $2, $3, $4, $5)`,
		sess.ID, userID, now, now, sess.ExpiresAt)
	if err != nil {
		return "", nil, fmt.Errorf("session: start: %w", db.MapError(err))
	}
	return token, sess, nil
}

// Load finds the live session for token.
func (s *Store) Load(ctx context.Context, token string) (*Session, error) {
	var (
		sess                 Session
		created, seen, until db.Time
		user                 *string
		data                 string
	)
	err := s.DB.QueryRowContext(ctx, `SELECT id, user_id, data, created_at, last_seen_at, expires_at FROM sessions WHERE id = $1`,
		hashToken(token)).Scan(&sess.ID, &user, &data, &created, &seen, &until)
	if err != nil {
		return nil, db.MapError(err)
	}
	if err := json.Unmarshal([]byte(data), &sess.Data); err != nil {
		return nil, fmt.Errorf("session: data: %w", err)
	}
	if user != nil {
		sess.UserID = *user
	}
	sess.CreatedAt, sess.LastSeen, sess.ExpiresAt = created.Time, seen.Time, until.Time
	if !s.now().Before(sess.ExpiresAt) {
		return nil, apperr.E(apperr.NotFound, "session expired")
	}
	return &sess, nil
}

// Set stores key=value in a session's data; an empty value removes the key.
func (s *Store) Set(ctx context.Context, sessionID, key, value string) error {
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		var raw string
		if err := tx.QueryRowContext(ctx, `SELECT data FROM sessions WHERE id = $1`, sessionID).Scan(&raw); err != nil {
			return db.MapError(err)
		}
		data := map[string]string{}
		if err := json.Unmarshal([]byte(raw), &data); err != nil {
			return err
		}
		if value == "" {
			delete(data, key)
		} else {
			data[key] = value
		}
		b, _ := json.Marshal(data)
		_, err := tx.ExecContext(ctx, `UPDATE sessions SET data = $1 WHERE id = $2`, string(b), sessionID)
		return err
	})
}

// ActingFor is the session key holding the resident an officer acts for.
const ActingFor = "acting_for"

// refreshDelay is how long a due refresh waits to be written together
// with the others that come meanwhile.
const refreshDelay = time.Second

// touch slides the expiry forward, at most once a minute per session so
// busy pages do not write on every request. The write is deferred and
// coalesced: at a voting peak every resident who signed in a while ago is
// due on their next request, and a write transaction for each would queue
// on SQLite's single write lock in front of the ballots. Instead the due
// sessions are written together, one statement a second. A refresh lost in
// a crash costs nothing: the session is still live and due again on its
// next request. No session library does this: scs (alexedwards/scs/v2),
// with an idle timeout, commits every loaded session to its store on every
// request, on the request path. Measured (docs/benchmarks-budget.md): one
// refresh write per request stalled every ballot on SQLite at 1,000/s (0
// recorded); written together a second later, 1,000/s with p99 42 ms.
func (s *Store) touch(sess *Session) {
	if s.now().Sub(sess.LastSeen) < time.Minute {
		return
	}
	s.dueMu.Lock()
	defer s.dueMu.Unlock()
	if s.due == nil {
		s.due = map[string]bool{}
	}
	s.due[sess.ID] = true
	if s.dueTimer == nil {
		s.dueTimer = time.AfterFunc(refreshDelay, func() {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if err := s.Flush(ctx); err != nil {
				s.log().Warn("session: refresh", "error", err)
			}
		})
	}
}

// refreshChunk bounds the ids in one UPDATE (SQLite's and PostgreSQL's
// limits on parameters are far above it).
const refreshChunk = 500

// Flush writes the due refreshes now: the timer calls it, and so does
// shutdown.
func (s *Store) Flush(ctx context.Context) error {
	s.dueMu.Lock()
	due := s.due
	s.due = nil
	if s.dueTimer != nil {
		s.dueTimer.Stop()
		s.dueTimer = nil
	}
	s.dueMu.Unlock()
	if len(due) == 0 {
		return nil
	}
	ids := make([]string, 0, len(due))
	for id := range due {
		ids = append(ids, id)
	}
	now := s.now()
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		_, err := updateEach(ctx, tx, "last_seen_at = $1, expires_at = $2", []any{db.TS(now), db.TS(now.Add(s.MaxAge))}, ids)
		if err != nil {
			return fmt.Errorf("session: refresh: %w", err)
		}
		return nil
	})
}

// SetLastSeen sets when the sessions of tokens were last seen, and
// returns how many it found. Load tests use it: at a minute or more in the
// past makes each session due a refresh on its next request; ahead, not.
func (s *Store) SetLastSeen(ctx context.Context, tokens []string, at time.Time) (int64, error) {
	ids := make([]string, len(tokens))
	for i, t := range tokens {
		ids[i] = hashToken(t)
	}
	var n int64
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		n, err = updateEach(ctx, tx, "last_seen_at = $1", []any{db.TS(at)}, ids)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("session: set last seen: %w", err)
	}
	return n, nil
}

// updateEach runs UPDATE sessions SET set over the sessions ids, refreshChunk
// at a time; set's own parameters are args ($1 ...). It returns how many
// rows it changed.
func updateEach(ctx context.Context, tx *sql.Tx, set string, args []any, ids []string) (int64, error) {
	var n int64
	for chunk := range slices.Chunk(ids, refreshChunk) {
		all := slices.Clone(args)
		marks := make([]string, len(chunk))
		for i, id := range chunk {
			all = append(all, id)
			marks[i] = fmt.Sprintf("$%d", len(all))
		}
		res, err := tx.ExecContext(ctx, `UPDATE sessions SET `+set+` WHERE id IN (`+strings.Join(marks, ", ")+`)`, all...)
		if err != nil {
			return n, err
		}
		changed, _ := res.RowsAffected()
		n += changed
	}
	return n, nil
}

func (s *Store) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}

// End signs the request's session out and clears the cookie.
func (s *Store) End(ctx context.Context, w http.ResponseWriter, r *http.Request) error {
	if token := web.SessionToken(r); token != "" {
		if _, err := s.DB.ExecContext(ctx, `DELETE FROM sessions WHERE id = $1`, hashToken(token)); err != nil {
			return fmt.Errorf("session: end: %w", err)
		}
	}
	http.SetCookie(w, &http.Cookie{Name: web.SessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	return nil
}

// EndAll signs a user out everywhere ("sign out everywhere", password
// change, account deletion).
func (s *Store) EndAll(ctx context.Context, q db.Querier, userID string) error {
	_, err := q.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID)
	return err
}

// ForUser lists a user's live sessions, newest first.
func (s *Store) ForUser(ctx context.Context, userID string) ([]Session, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT id, created_at, last_seen_at, expires_at FROM sessions
		WHERE user_id = $1 AND expires_at > $2 ORDER BY created_at DESC`, userID, db.TS(s.now()))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Session
	for rows.Next() {
		var sess Session
		var c, l, e db.Time
		if err := rows.Scan(&sess.ID, &c, &l, &e); err != nil {
			return nil, err
		}
		sess.UserID, sess.CreatedAt, sess.LastSeen, sess.ExpiresAt = userID, c.Time, l.Time, e.Time
		out = append(out, sess)
	}
	return out, rows.Err()
}

// DeleteExpired removes ended sessions; a periodic job calls it.
func (s *Store) DeleteExpired(ctx context.Context) (int64, error) {
	res, err := s.DB.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= $1`, db.TS(s.now()))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// UserLoader loads the signed-in user for a session (the accounts domain).
type UserLoader func(ctx context.Context, userID string) (*web.User, error)

// Middleware puts the session's user in the request context. Requests
// without a session cookie never touch the database.
func (s *Store) Middleware(log *slog.Logger, load UserLoader) web.Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			token := web.SessionToken(r)
			if token == "" {
				next.ServeHTTP(w, r)
				return
			}
			ctx := r.Context()
			sess, err := s.Load(ctx, token)
			switch {
			case apperr.Is(err, apperr.NotFound):
				next.ServeHTTP(w, r) // stale cookie: treat as signed out
				return
			case err != nil:
				log.ErrorContext(ctx, "session: load", "error", err)
				next.ServeHTTP(w, r)
				return
			}
			s.touch(sess)
			ctx = web.WithSessionID(ctx, sess.ID)
			if sess.UserID != "" {
				u, err := load(ctx, sess.UserID)
				if err != nil && !errors.Is(err, context.Canceled) {
					log.WarnContext(ctx, "session: user", "error", err)
				}
				if u != nil {
					if id := sess.Data[ActingFor]; id != "" && u.Has(web.RoleOfficer, "residents") {
						if resident, err := load(ctx, id); err == nil {
							u.ActingFor = resident
						}
					}
					ctx = web.WithUser(ctx, u)
				}
			}
			next.ServeHTTP(w, r.WithContext(ctx))
		})
	}
}
