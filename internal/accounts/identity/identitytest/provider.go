// Package identitytest is a small OpenID Connect provider for tests: the
// discovery document and JWKS (go-oidc's oidctest), an authorization
// endpoint that signs the user in at once and redirects back with a code,
// and a token endpoint that checks the client, the redirect URI and the
// PKCE verifier and returns an RS256-signed ID token carrying a PESEL.
package identitytest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/coreos/go-oidc/v3/oidc/oidctest"
)

// Provider is a running test provider.
type Provider struct {
	URL          string
	ClientID     string
	ClientSecret string

	mu sync.Mutex
	// Claim is the value of the "pesel" claim in the next ID token: a
	// string, a number, or nil to leave the claim out.
	claim any
	// Deny makes the authorization endpoint answer error=access_denied.
	deny bool
	// badNonce signs a different nonce than the client sent.
	badNonce bool
	codes    map[string]grant
	key      *rsa.PrivateKey
}

type grant struct {
	redirect, nonce, challenge string
	claim                      any
}

// New starts a provider for the test; it stops when the test ends.
func New(t testing.TB) *Provider {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p := &Provider{ClientID: "civitas-test", ClientSecret: "test-client-secret", codes: map[string]grant{}, key: key}
	disc := &oidctest.Server{PublicKeys: []oidctest.PublicKey{{PublicKey: key.Public(), KeyID: "test-key", Algorithm: oidc.RS256}}}
	mux := http.NewServeMux()
	mux.Handle("/", disc)
	mux.HandleFunc("GET /auth", p.authorize)
	mux.HandleFunc("POST /token", p.token)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	disc.SetIssuer(srv.URL)
	p.URL = srv.URL
	return p
}

// SetPESEL sets the claim value the next sign-in carries (nil: none).
func (p *Provider) SetPESEL(v any) { p.mu.Lock(); p.claim = v; p.mu.Unlock() }

// SetDeny makes the next sign-ins fail as if the user cancelled.
func (p *Provider) SetDeny(deny bool) { p.mu.Lock(); p.deny = deny; p.mu.Unlock() }

// SetBadNonce makes the next ID tokens carry a wrong nonce.
func (p *Provider) SetBadNonce(bad bool) { p.mu.Lock(); p.badNonce = bad; p.mu.Unlock() }

func random() string {
	var b [16]byte
	rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

func (p *Provider) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	redirect, err := url.Parse(q.Get("redirect_uri"))
	if err != nil || redirect.Host == "" || q.Get("client_id") != p.ClientID || q.Get("response_type") != "code" ||
		q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || q.Get("state") == "" || q.Get("nonce") == "" {
		http.Error(w, "bad authorization request", http.StatusBadRequest)
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	back := redirect.Query()
	back.Set("state", q.Get("state"))
	if p.deny {
		back.Set("error", "access_denied")
	} else {
		code := random()
		p.codes[code] = grant{redirect: redirect.String(), nonce: q.Get("nonce"), challenge: q.Get("code_challenge"), claim: p.claim}
		back.Set("code", code)
	}
	redirect.RawQuery = back.Encode()
	http.Redirect(w, r, redirect.String(), http.StatusFound)
}

func (p *Provider) token(w http.ResponseWriter, r *http.Request) {
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.PostFormValue("client_id"), r.PostFormValue("client_secret")
	}
	if id != p.ClientID || secret != p.ClientSecret {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client"})
		return
	}
	p.mu.Lock()
	g, found := p.codes[r.PostFormValue("code")]
	delete(p.codes, r.PostFormValue("code"))
	badNonce := p.badNonce
	p.mu.Unlock()
	sum := sha256.Sum256([]byte(r.PostFormValue("code_verifier")))
	if !found || r.PostFormValue("grant_type") != "authorization_code" || r.PostFormValue("redirect_uri") != g.redirect ||
		base64.RawURLEncoding.EncodeToString(sum[:]) != g.challenge {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant"})
		return
	}
	nonce := g.nonce
	if badNonce {
		nonce = "not-the-nonce"
	}
	now := time.Now()
	claims := map[string]any{"iss": p.URL, "aud": p.ClientID, "sub": "subject-" + random(), "iat": now.Unix(),
		"exp": now.Add(5 * time.Minute).Unix(), "nonce": nonce}
	if g.claim != nil {
		claims["pesel"] = g.claim
	}
	raw, _ := json.Marshal(claims)
	writeJSON(w, http.StatusOK, map[string]any{"access_token": random(), "token_type": "Bearer", "expires_in": 300,
		"id_token": oidctest.SignIDToken(p.key, "test-key", oidc.RS256, string(raw))})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
