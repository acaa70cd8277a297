package accounts

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/db"
)

// Purposes of the single-use tokens sent by mail, and how long each lives.
const (
	PurposeConfirmEmail  = "confirm_email"
	PurposeResetPassword = "reset_password"
	PurposeChangeEmail   = "change_email"
	PurposeSignIn        = "signin_link"
)

var tokenLifetime = map[string]time.Duration{
	PurposeConfirmEmail:  48 * time.Hour,
	PurposeResetPassword: time.Hour,
	PurposeChangeEmail:   24 * time.Hour,
	PurposeSignIn:        15 * time.Minute,
}

// newSecret returns a random URL-safe secret and its SHA-256 (what is
// stored: the database alone never lets anyone use a token).
func newSecret() (secret, hash string) {
	var b [32]byte
	rand.Read(b[:])
	secret = base64.RawURLEncoding.EncodeToString(b[:])
	return secret, hashSecret(secret)
}

func hashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// issueToken stores a new token for userID and returns the secret to mail.
// Earlier unused tokens of the same purpose stop working, so only the
// newest link is valid.
func (s *Service) issueToken(ctx context.Context, tx *sql.Tx, userID, purpose, newEmail string) (string, error) {
	now := db.TS(s.now())
	if _, err := tx.ExecContext(ctx, `UPDATE account_tokens SET used_at = $1 WHERE user_id = $2 AND purpose = $3 AND used_at IS NULL`,
		now, userID, purpose); err != nil {
		return "", err
	}
	secret, hash := newSecret()
	_, err := tx.ExecContext(ctx, `INSERT INTO account_tokens (id, user_id, purpose, new_email, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		hash, userID, purpose, newEmail, now, now.Add(tokenLifetime[purpose]))
	if err != nil {
		return "", fmt.Errorf("accounts: issue token: %w", err)
	}
	return secret, nil
}

// consumeToken marks the token used and returns its user and new email.
// The UPDATE that marks it used is also the check, so a token works once
// even when two requests race.
func (s *Service) consumeToken(ctx context.Context, tx *sql.Tx, secret, purpose string) (userID, newEmail string, err error) {
	now := db.TS(s.now())
	err = tx.QueryRowContext(ctx, `UPDATE account_tokens SET used_at = $1
		WHERE id = $2 AND purpose = $3 AND used_at IS NULL AND expires_at > $1
		RETURNING user_id, new_email`, now, hashSecret(secret), purpose).Scan(&userID, &newEmail)
	if err != nil {
		if apperr.Is(db.MapError(err), apperr.NotFound) {
			return "", "", apperr.E(apperr.Invalid, "accounts.error.token")
		}
		return "", "", err
	}
	return userID, newEmail, nil
}

// peekToken reports whether a token is valid without using it (to show
// the form that will use it).
func (s *Service) peekToken(ctx context.Context, secret, purpose string) error {
	var n int
	err := s.DB.QueryRowContext(ctx, `SELECT count(*) FROM account_tokens WHERE id = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3`,
		hashSecret(secret), purpose, db.TS(s.now())).Scan(&n)
	if err != nil {
		return err
	}
	if n == 0 {
		return apperr.E(apperr.Invalid, "accounts.error.token")
	}
	return nil
}
