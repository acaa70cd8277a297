package identity

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// OIDCConfig configures verification through an OpenID Connect provider:
// the national identity provider or the city's own. It is off when Issuer
// is empty. config.Load reads and checks it (CIVITAS_OIDC_*): config.OIDC
// has the same fields.
type OIDCConfig struct {
	Issuer       string
	ClientID     string
	ClientSecret string
	// PESELClaim names the ID token (or UserInfo) claim that carries the
	// PESEL; "pesel" by default.
	PESELClaim string
	// RedirectURL is the callback registered with the provider; empty
	// means CIVITAS_BASE_URL + CallbackPath.
	RedirectURL string
	// Name is the provider's name on the button, e.g. "login.gov.pl";
	// empty shows a generic label.
	Name string
	// Scopes are asked for besides "openid".
	Scopes []string
}

// CallbackPath is where the provider sends the browser back.
const CallbackPath = "/account/verify/oidc/callback"

// Enabled reports whether a provider is configured.
func (c OIDCConfig) Enabled() bool { return c.Issuer != "" }

// String describes the configuration without the client secret.
func (c OIDCConfig) String() string {
	if !c.Enabled() {
		return "oidc=off"
	}
	secret := "(unset)"
	if c.ClientSecret != "" {
		secret = "(set)"
	}
	return fmt.Sprintf("oidc_issuer=%s oidc_client_id=%s oidc_client_secret=%s oidc_pesel_claim=%s", c.Issuer, c.ClientID, secret, c.PESELClaim)
}

// OIDC talks to the configured provider. Discovery happens on first use
// (and again after a failure), so a provider that is down does not stop
// the server from starting.
type OIDC struct {
	Config OIDCConfig
	// HTTPClient reaches the provider; nil means a client with a 10 s
	// timeout.
	HTTPClient *http.Client

	mu       sync.Mutex
	provider *oidc.Provider
}

// NewOIDC returns the provider client for c, or nil when c is not enabled.
func NewOIDC(c OIDCConfig) *OIDC {
	if !c.Enabled() {
		return nil
	}
	return &OIDC{Config: c}
}

func (o *OIDC) clientCtx(ctx context.Context) context.Context {
	c := o.HTTPClient
	if c == nil {
		c = &http.Client{Timeout: 10 * time.Second}
	}
	return oidc.ClientContext(ctx, c)
}

// ErrOIDCUnavailable means the provider could not be reached or answered
// wrongly; the resident may try again later or use another method.
var ErrOIDCUnavailable = &apperr.Error{Kind: apperr.Internal, Message: "identity.error.oidc_unavailable"}

func (o *OIDC) discover(ctx context.Context) (*oidc.Provider, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.provider != nil {
		return o.provider, nil
	}
	p, err := oidc.NewProvider(o.clientCtx(ctx), o.Config.Issuer)
	if err != nil {
		return nil, fmt.Errorf("identity: oidc discovery: %w", err)
	}
	o.provider = p
	return p, nil
}

func (o *OIDC) oauth(p *oidc.Provider, redirect string) *oauth2.Config {
	return &oauth2.Config{
		ClientID:     o.Config.ClientID,
		ClientSecret: o.Config.ClientSecret,
		Endpoint:     p.Endpoint(),
		RedirectURL:  redirect,
		Scopes:       append([]string{oidc.ScopeOpenID}, o.Config.Scopes...),
	}
}

// AuthURL is where to send the browser to sign in at the provider, with
// the flow's state, nonce and PKCE challenge.
func (o *OIDC) AuthURL(ctx context.Context, redirect string, f OIDCFlow) (string, error) {
	p, err := o.discover(ctx)
	if err != nil {
		return "", err
	}
	return o.oauth(p, redirect).AuthCodeURL(f.State, oidc.Nonce(f.Nonce), oauth2.S256ChallengeOption(f.Verifier)), nil
}

// Exchange trades the authorization code for tokens, verifies the ID
// token (signature, issuer, audience, expiry, nonce) and returns the PESEL
// it carries (from the UserInfo endpoint when the ID token lacks the claim).
func (o *OIDC) Exchange(ctx context.Context, redirect, code string, f OIDCFlow) (string, error) {
	p, err := o.discover(ctx)
	if err != nil {
		return "", err
	}
	cctx := o.clientCtx(ctx)
	tok, err := o.oauth(p, redirect).Exchange(cctx, code, oauth2.VerifierOption(f.Verifier))
	if err != nil {
		return "", fmt.Errorf("identity: oidc token: %w", err)
	}
	raw, ok := tok.Extra("id_token").(string)
	if !ok || raw == "" {
		return "", errors.New("identity: oidc: no id_token in the token response")
	}
	idt, err := p.VerifierContext(cctx, &oidc.Config{ClientID: o.Config.ClientID}).Verify(cctx, raw)
	if err != nil {
		return "", fmt.Errorf("identity: oidc id_token: %w", err)
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(f.Nonce)) != 1 {
		return "", errors.New("identity: oidc: the id_token nonce does not match")
	}
	var claims map[string]json.RawMessage
	if err := idt.Claims(&claims); err != nil {
		return "", fmt.Errorf("identity: oidc claims: %w", err)
	}
	if v, ok := peselClaim(claims[o.Config.PESELClaim]); ok {
		return v, nil
	}
	if p.UserInfoEndpoint() != "" {
		ui, err := p.UserInfo(cctx, oauth2.StaticTokenSource(tok))
		if err != nil {
			return "", fmt.Errorf("identity: oidc userinfo: %w", err)
		}
		claims = nil
		if err := ui.Claims(&claims); err != nil {
			return "", fmt.Errorf("identity: oidc userinfo claims: %w", err)
		}
		if v, ok := peselClaim(claims[o.Config.PESELClaim]); ok {
			return v, nil
		}
	}
	return "", &apperr.Error{Kind: apperr.Invalid, Message: "identity.error.oidc_no_pesel",
		Err: fmt.Errorf("identity: oidc: no %q claim", o.Config.PESELClaim)}
}

// peselClaim reads a claim holding a PESEL: a string, or a number (whose
// leading zeros JSON lost).
func peselClaim(raw json.RawMessage) (string, bool) {
	if len(raw) == 0 {
		return "", false
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return strings.TrimSpace(s), s != ""
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err == nil {
		if digits := n.String(); len(digits) <= 11 && strings.Trim(digits, "0123456789") == "" {
			return strings.Repeat("0", 11-len(digits)) + digits, true
		}
	}
	return "", false
}

// OIDCFlow is one sign-in at the provider in progress.
type OIDCFlow struct {
	State, Nonce, Verifier string
	// Next is where to go after verifying.
	Next string
}

// flowTTL bounds how long a resident may take at the provider.
const flowTTL = 10 * time.Minute

func randomToken() string {
	var b [32]byte
	rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

func sha(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// StartOIDC records a new flow for userID and returns it with the value of
// the browser cookie that binds it: the callback must come back to the same
// browser, signed in as the same account.
func (s *Service) StartOIDC(ctx context.Context, userID, next string) (OIDCFlow, string, error) {
	f := OIDCFlow{State: randomToken(), Nonce: randomToken(), Verifier: oauth2.GenerateVerifier(), Next: next}
	cookie := randomToken()
	now := s.now()
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM oidc_flows WHERE expires_at < $1`, db.TS(now)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO oidc_flows (id_hash, user_id, state_hash, nonce, verifier, next, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, sha(cookie), userID, sha(f.State), f.Nonce, f.Verifier, next, db.TS(now.Add(flowTTL)))
		return err
	})
	if err != nil {
		return OIDCFlow{}, "", fmt.Errorf("identity: start oidc: %w", db.MapError(err))
	}
	return f, cookie, nil
}

// ErrOIDCState means the callback does not belong to a flow this browser
// started (expired, used, or forged).
var ErrOIDCState = &apperr.Error{Kind: apperr.Invalid, Message: "identity.error.oidc_state"}

// FinishOIDC ends the flow the cookie names, once: it must be userID's,
// unexpired, and state must match (compared in constant time).
func (s *Service) FinishOIDC(ctx context.Context, userID, cookie, state string) (OIDCFlow, error) {
	var (
		f               OIDCFlow
		owner, stateSum string
		until           db.Time
	)
	if cookie == "" || state == "" {
		return f, ErrOIDCState
	}
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT user_id, state_hash, nonce, verifier, next, expires_at FROM oidc_flows WHERE id_hash = $1`, sha(cookie)).
			Scan(&owner, &stateSum, &f.Nonce, &f.Verifier, &f.Next, &until)
		if err != nil {
			return db.MapError(err)
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM oidc_flows WHERE id_hash = $1`, sha(cookie))
		return err
	})
	if apperr.Is(err, apperr.NotFound) {
		return OIDCFlow{}, ErrOIDCState
	}
	if err != nil {
		return OIDCFlow{}, fmt.Errorf("identity: finish oidc: %w", err)
	}
	ok := subtle.ConstantTimeCompare([]byte(sha(state)), []byte(stateSum)) == 1
	if !ok || owner != userID || !s.now().Before(until.Time) {
		return OIDCFlow{}, ErrOIDCState
	}
	f.State = state
	return f, nil
}
