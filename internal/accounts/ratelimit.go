package accounts

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/db"
)

// Sign-in limits: failed attempts allowed per window, per account and per
// client address. They are rows in the database, so the limit holds however
// many nodes serve the site.
const (
	limitWindow     = 15 * time.Minute
	limitPerAccount = 5
	limitPerAddress = 30
)

// scopes are the keys a sign-in attempt counts against. Emails and
// addresses are personal data: only their HMAC is stored.
func (s *Service) scopes(email, addr string) []string {
	mac := func(kind, v string) string {
		m := hmac.New(sha256.New, s.Key)
		m.Write([]byte(kind + ":" + v))
		return kind + ":" + hex.EncodeToString(m.Sum(nil)[:16])
	}
	return []string{mac("account", strings.ToLower(strings.TrimSpace(email))), mac("addr", addr)}
}

// checkLimit refuses a sign-in when either scope used up its attempts.
func (s *Service) checkLimit(ctx context.Context, email, addr string) error {
	since := db.TS(s.now().Add(-limitWindow))
	for i, scope := range s.scopes(email, addr) {
		var n int
		if err := s.DB.QueryRowContext(ctx, `SELECT count(*) FROM signin_attempts WHERE scope = $1 AND at > $2`, scope, since).Scan(&n); err != nil {
			return fmt.Errorf("accounts: rate limit: %w", err)
		}
		if limit := []int{limitPerAccount, limitPerAddress}[i]; n >= limit {
			return apperr.E(apperr.TooMany, "accounts.error.too_many_attempts")
		}
	}
	return nil
}

// recordFailure counts a failed sign-in against both scopes.
func (s *Service) recordFailure(ctx context.Context, email, addr string) error {
	now := db.TS(s.now())
	for _, scope := range s.scopes(email, addr) {
		if _, err := s.DB.ExecContext(ctx, `INSERT INTO signin_attempts (id, scope, at) VALUES ($1, $2, $3)`,
			db.NewID(), scope, now); err != nil {
			return fmt.Errorf("accounts: rate limit: %w", err)
		}
	}
	return nil
}

// clearFailures forgets an account's failures after it signs in.
func (s *Service) clearFailures(ctx context.Context, email string) error {
	_, err := s.DB.ExecContext(ctx, `DELETE FROM signin_attempts WHERE scope = $1`, s.scopes(email, "")[0])
	return err
}

// SweepAttempts deletes attempts older than the window.
func (s *Service) SweepAttempts(ctx context.Context) error {
	_, err := s.DB.ExecContext(ctx, `DELETE FROM signin_attempts WHERE at <= $1`, db.TS(s.now().Add(-limitWindow)))
	return err
}

// SignIn checks the limits, then the password. addr is the client's
// address (for the per-address limit).
func (s *Service) SignIn(ctx context.Context, email, password, addr string) (*User, error) {
	if err := s.checkLimit(ctx, email, addr); err != nil {
		return nil, err
	}
	u, err := s.Authenticate(ctx, email, password)
	if apperr.Is(err, apperr.Unauthenticated) {
		if rerr := s.recordFailure(ctx, email, addr); rerr != nil {
			return nil, rerr
		}
		return nil, err
	}
	if err != nil {
		return nil, err
	}
	return u, s.clearFailures(ctx, email)
}
