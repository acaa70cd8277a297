// Package ratelimit counts events in sliding windows, per scope, in the
// database, so a limit holds however many nodes serve the site. Every rate
// limit in Civitas goes through it: sign-in failures, mail to one
// recipient, reports from one sender, Open311 posts per key.
package ratelimit

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/civitas-city/civitas/internal/db"
)

// MaxWindow is the longest window a Rule may have: Sweep forgets events
// older than that.
const MaxWindow = 24 * time.Hour

// Rule is one limit: at most Limit events per Window for each value (an
// account, an address, an API key …). Name keeps rules apart.
type Rule struct {
	Name   string
	Limit  int
	Window time.Duration
}

// Limiter counts events. Values are often personal data (an email, an
// address), so only an HMAC of rule and value is stored.
type Limiter struct {
	DB  *db.DB
	Key []byte
	Now func() time.Time // nil: time.Now
}

func (l *Limiter) now() time.Time {
	if l.Now != nil {
		return l.Now()
	}
	return time.Now()
}

func (l *Limiter) scope(r Rule, value string) string {
	m := hmac.New(sha256.New, l.Key)
	m.Write([]byte(r.Name + "\x00" + value))
	return r.Name + ":" + hex.EncodeToString(m.Sum(nil)[:16])
}

// Count is how many events value has in the rule's current window.
func (l *Limiter) Count(ctx context.Context, r Rule, value string) (int, error) {
	return l.count(ctx, l.DB, r, value)
}

func (l *Limiter) count(ctx context.Context, q db.Querier, r Rule, value string) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM rate_events WHERE scope = $1 AND at > $2`,
		l.scope(r, value), db.TS(l.now().Add(-r.Window))).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("ratelimit %s: %w", r.Name, err)
	}
	return n, nil
}

// Over reports whether value has used up its events.
func (l *Limiter) Over(ctx context.Context, r Rule, value string) (bool, error) {
	n, err := l.Count(ctx, r, value)
	return n >= r.Limit, err
}

// Add records one event for value. Writes go through a transaction, which
// queues them with the node's other writes on SQLite.
func (l *Limiter) Add(ctx context.Context, r Rule, value string) error {
	return l.DB.InTx(ctx, func(tx *sql.Tx) error { return l.add(ctx, tx, r, value) })
}

func (l *Limiter) add(ctx context.Context, q db.Querier, r Rule, value string) error {
	_, err := q.ExecContext(ctx, `INSERT INTO rate_events (id, scope, at) VALUES ($1, $2, $3)`,
		db.NewID(), l.scope(r, value), db.TS(l.now()))
	if err != nil {
		return fmt.Errorf("ratelimit %s: %w", r.Name, err)
	}
	return nil
}

// Allow records an event and reports true when value is still within its
// limit; over the limit it records nothing and reports false. On
// PostgreSQL two nodes may both allow the last event: a limit is a brake,
// not a ledger.
func (l *Limiter) Allow(ctx context.Context, r Rule, value string) (allowed bool, err error) {
	err = l.DB.InTx(ctx, func(tx *sql.Tx) error {
		n, err := l.count(ctx, tx, r, value)
		if err != nil || n >= r.Limit {
			return err
		}
		allowed = true
		return l.add(ctx, tx, r, value)
	})
	return allowed, err
}

// Clear forgets value's events (a sign-in that succeeded).
func (l *Limiter) Clear(ctx context.Context, r Rule, value string) error {
	return l.DB.InTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM rate_events WHERE scope = $1`, l.scope(r, value))
		return err
	})
}

// Sweep deletes events older than MaxWindow; every node may run it.
func Sweep(ctx context.Context, q db.Querier, now time.Time) (int64, error) {
	res, err := q.ExecContext(ctx, `DELETE FROM rate_events WHERE at <= $1`, db.TS(now.Add(-MaxWindow)))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
