package identity_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/civitas-city/civitas/internal/accounts/identity"
	"github.com/civitas-city/civitas/internal/accounts/identity/identitytest"
	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/db/dbtest"
)

func TestOIDCConfigStringHidesTheSecret(t *testing.T) {
	c := identity.OIDCConfig{Issuer: "https://login.example.gov.pl", ClientID: "krakow", ClientSecret: "s3cret", PESELClaim: "pesel"}
	if s := c.String(); strings.Contains(s, "s3cret") || !strings.Contains(s, "(set)") || !strings.Contains(s, "krakow") {
		t.Errorf("String() = %q", s)
	}
	if s := (identity.OIDCConfig{}).String(); s != "oidc=off" {
		t.Errorf("String() of no provider = %q", s)
	}
}

// signIn plays the browser at the provider: it opens the authorization URL
// and returns the callback's query.
func signIn(t *testing.T, authURL string) url.Values {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("provider answered %d", resp.StatusCode)
	}
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if !strings.HasSuffix(loc.Path, identity.CallbackPath) {
		t.Fatalf("provider redirected to %s", loc)
	}
	return loc.Query()
}

func TestOIDCFlow(t *testing.T) {
	idp := identitytest.New(t)
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		s := service(d)
		rs := residents(4)
		importRegister(t, d, rs)
		u := addUser(t, d, "oidc@example.test", true)
		o := identity.NewOIDC(identity.OIDCConfig{Issuer: idp.URL, ClientID: idp.ClientID, ClientSecret: idp.ClientSecret, PESELClaim: "pesel"})
		const redirect = "http://civitas.test" + identity.CallbackPath

		run := func(claim any) (string, error) {
			t.Helper()
			idp.SetPESEL(claim)
			f, cookie, err := s.StartOIDC(ctx, u, "/next")
			if err != nil {
				t.Fatal(err)
			}
			au, err := o.AuthURL(ctx, redirect, f)
			if err != nil {
				t.Fatal(err)
			}
			if q, _ := url.Parse(au); q.Query().Get("code_challenge_method") != "S256" || q.Query().Get("nonce") != f.Nonce {
				t.Fatalf("authorization URL without PKCE or nonce: %s", au)
			}
			back := signIn(t, au)
			got, err := s.FinishOIDC(ctx, u, cookie, back.Get("state"))
			if err != nil {
				t.Fatalf("finish: %v", err)
			}
			if got.Next != "/next" {
				t.Errorf("next = %q", got.Next)
			}
			if _, err := s.FinishOIDC(ctx, u, cookie, back.Get("state")); !errors.Is(err, identity.ErrOIDCState) {
				t.Errorf("a flow finished twice: %v", err)
			}
			return o.Exchange(ctx, redirect, back.Get("code"), got)
		}

		digits, err := run(rs[2].pesel)
		if err != nil || digits != rs[2].pesel {
			t.Fatalf("exchange: %q, %v", digits, err)
		}
		res, err := s.VerifyOIDC(ctx, u, digits)
		if err != nil || res.District != rs[2].district {
			t.Fatalf("verify: %+v, %v", res, err)
		}
		if st, _ := s.Status(ctx, u); st.Method != identity.MethodOIDC || !st.Verified() {
			t.Errorf("status: %+v", st)
		}
		// A PESEL sent as a JSON number loses its leading zero; it comes back.
		if digits, err := run(json.Number("4222945684")); err != nil || digits != "04222945684" {
			t.Errorf("numeric claim: %q, %v", digits, err)
		}
		if _, err := run(nil); apperr.MessageOf(err) != "identity.error.oidc_no_pesel" {
			t.Errorf("no claim: %v", err)
		}
		idp.SetBadNonce(true)
		if _, err := run(rs[2].pesel); err == nil || !strings.Contains(err.Error(), "nonce") {
			t.Errorf("wrong nonce: %v", err)
		}
		idp.SetBadNonce(false)
	})
}

func TestOIDCStateChecks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		now := time.Now()
		s := service(d)
		s.Now = func() time.Time { return now }
		u, other := addUser(t, d, "a@example.test", true), addUser(t, d, "b@example.test", true)
		f, cookie, err := s.StartOIDC(ctx, u, "")
		if err != nil {
			t.Fatal(err)
		}
		cases := map[string]func() error{
			"no cookie":    func() error { _, err := s.FinishOIDC(ctx, u, "", f.State); return err },
			"no state":     func() error { _, err := s.FinishOIDC(ctx, u, cookie, ""); return err },
			"unknown flow": func() error { _, err := s.FinishOIDC(ctx, u, "forged", f.State); return err },
			"wrong state":  func() error { _, err := s.FinishOIDC(ctx, u, cookie, f.State+"x"); return err },
			"other account": func() error {
				f, c, _ := s.StartOIDC(ctx, u, "")
				_, err := s.FinishOIDC(ctx, other, c, f.State)
				return err
			},
			"expired": func() error {
				f, c, _ := s.StartOIDC(ctx, u, "")
				now = now.Add(11 * time.Minute)
				defer func() { now = now.Add(-11 * time.Minute) }()
				_, err := s.FinishOIDC(ctx, u, c, f.State)
				return err
			},
		}
		for name, fn := range cases {
			if err := fn(); !errors.Is(err, identity.ErrOIDCState) {
				t.Errorf("%s: %v", name, err)
			}
		}
	})
}
