package accounts_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"io/fs"
	"net/url"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/civitas-city/civitas/internal/accounts"
	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/audit"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/db/dbtest"
	"github.com/civitas-city/civitas/internal/i18n"
	"github.com/civitas-city/civitas/internal/ratelimit"
	"github.com/civitas-city/civitas/internal/web"
	"github.com/civitas-city/civitas/internal/web/profile"
)

const password = "correct horse battery"

// clock is a settable now for the service.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

func service(t *testing.T, d *db.DB) (*accounts.Service, *clock) {
	t.Helper()
	cat := i18n.New("pl", "en", "uk")
	loc, err := fs.Sub(accounts.Locales(), "locales")
	if err != nil {
		t.Fatal(err)
	}
	if err := cat.AddFS(loc); err != nil {
		t.Fatal(err)
	}
	c := &clock{t: time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)}
	return &accounts.Service{DB: d, Key: []byte("test-key-test-key-test-key-01234"), BaseURL: "https://civitas.test/",
		Catalog: cat, Now: c.now}, c
}

func create(t *testing.T, s *accounts.Service, email string) *accounts.User {
	t.Helper()
	u, err := s.Create(t.Context(), s.DB, accounts.NewUser{Email: email, DisplayName: "Test " + email, Password: password, EmailConfirmed: true})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func wantField(t *testing.T, err error, field, key string) {
	t.Helper()
	ae, ok := errors.AsType[*apperr.Error](err)
	if !ok || ae.Field != field || ae.Message != key {
		t.Errorf("err = %v; want field %q with %q", err, field, key)
	}
}

// mailedToken returns the token in the newest queued mail to addr that
// links to path.
func mailedToken(t *testing.T, d *db.DB, addr, path string) string {
	t.Helper()
	rows, err := d.QueryContext(t.Context(), `SELECT payload FROM jobs WHERE kind = 'mail.send' ORDER BY id DESC`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	link := regexp.MustCompile(regexp.QuoteMeta("https://civitas.test"+path) + `\?token=([A-Za-z0-9_%-]+)`)
	for rows.Next() {
		var payload string
		if err := rows.Scan(&payload); err != nil {
			t.Fatal(err)
		}
		var m struct{ To, Text string }
		if err := json.Unmarshal([]byte(payload), &m); err != nil {
			t.Fatal(err)
		}
		if found := link.FindStringSubmatch(m.Text); m.To == addr && found != nil {
			tok, _ := url.QueryUnescape(found[1])
			return tok
		}
	}
	return ""
}

func TestCreateAndFind(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		s, _ := service(t, d)
		_, err := s.Create(ctx, d, accounts.NewUser{Email: "not an email", DisplayName: "Ala", Password: password})
		wantField(t, err, "email", "accounts.error.email")
		_, err = s.Create(ctx, d, accounts.NewUser{Email: "ala@example.test", DisplayName: " ", Password: password})
		wantField(t, err, "display_name", "accounts.error.name")
		_, err = s.Create(ctx, d, accounts.NewUser{Email: "ala@example.test", DisplayName: "Ala", Password: "short"})
		wantField(t, err, "password", "accounts.error.password_length")

		u, err := s.Create(ctx, d, accounts.NewUser{Email: " Ala@Example.TEST ", DisplayName: " Ala ", Password: password})
		if err != nil || u.Email != "ala@example.test" || u.DisplayName != "Ala" || u.EmailConfirmed {
			t.Fatalf("Create = %+v, %v", u, err)
		}
		_, err = s.Create(ctx, d, accounts.NewUser{Email: "ALA@example.test", DisplayName: "Another", Password: password})
		wantField(t, err, "email", "accounts.error.email_taken")
		if apperr.KindOf(err) != apperr.Conflict {
			t.Errorf("a taken email is %v, want Conflict", apperr.KindOf(err))
		}

		got, err := s.FindByID(ctx, u.ID)
		if err != nil || got.Email != u.Email || got.Managed || len(got.Roles) != 0 {
			t.Errorf("FindByID = %+v, %v", got, err)
		}
		if got, err := s.FindByEmail(ctx, "  ALA@example.test"); err != nil || got.ID != u.ID {
			t.Errorf("FindByEmail = %+v, %v", got, err)
		}
		if _, err := s.FindByEmail(ctx, "nobody@example.test"); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("FindByEmail of an unknown address: %v, want NotFound", err)
		}
		if _, err := s.FindByID(ctx, "no-such-id"); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("FindByID of an unknown id: %v, want NotFound", err)
		}

		// An address not yet confirmed signs nobody in, and says no more
		// than a wrong password does.
		if _, err := s.Authenticate(ctx, "ala@example.test", password); apperr.MessageOf(err) != "accounts.error.signin_failed" {
			t.Errorf("an unconfirmed account signed in: %v", err)
		}
		if err := s.ResendConfirmation(ctx, u.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.ConfirmEmail(ctx, mailedToken(t, d, "ala@example.test", "/account/confirm")); err != nil {
			t.Fatal(err)
		}
		if got, err := s.Authenticate(ctx, "ala@EXAMPLE.test", password); err != nil || got.ID != u.ID {
			t.Errorf("Authenticate = %+v, %v", got, err)
		}
		// An account brought in with its password already hashed.
		hash, err := accounts.HashPassword("a hashed password 1")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Create(ctx, d, accounts.NewUser{Email: "ola@example.test", DisplayName: "Ola", PasswordHash: "$argon2id$nonsense"}); err == nil {
			t.Error("a malformed password hash was accepted")
		}
		if _, err := s.Create(ctx, d, accounts.NewUser{Email: "ola@example.test", DisplayName: "Ola", PasswordHash: hash, EmailConfirmed: true}); err != nil {
			t.Fatal(err)
		}

		if _, err := s.Authenticate(ctx, "ola@example.test", "a hashed password 1"); err != nil {
			t.Errorf("signing in with the hashed password: %v", err)
		}
		for _, c := range [][2]string{{"ala@example.test", "wrong password!"}, {"nobody@example.test", password}} {
			_, err := s.Authenticate(ctx, c[0], c[1])
			if !apperr.Is(err, apperr.Unauthenticated) || apperr.MessageOf(err) != "accounts.error.signin_failed" {
				t.Errorf("Authenticate(%s, %s) = %v; want the one sign-in failure", c[0], c[1], err)
			}
		}
	})
}

// Failed sign-ins count per address and per account and address, in a
// window: the sixth attempt from the guessing address is refused even with
// the right password, while the owner elsewhere and other accounts are
// not; the window's end lifts the limit.
func TestSignInLimits(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		s, c := service(t, d)
		create(t, s, "ala@example.test")
		create(t, s, "ola@example.test")
		for i := range 5 {
			if _, err := s.SignIn(ctx, "ala@example.test", "wrong password "+string(rune('a'+i)), "192.0.2.1"); !apperr.Is(err, apperr.Unauthenticated) {
				t.Fatalf("attempt %d: %v", i+1, err)
			}
		}
		if _, err := s.SignIn(ctx, "ala@example.test", password, "192.0.2.1"); !apperr.Is(err, apperr.TooMany) {
			t.Errorf("sixth attempt from the guessing address: %v, want TooMany", err)
		}
		if u, err := s.SignIn(ctx, "ala@example.test", password, "192.0.2.9"); err != nil || u.Email != "ala@example.test" {
			t.Errorf("the owner from another address: %+v, %v", u, err)
		}
		if u, err := s.SignIn(ctx, "ola@example.test", password, "192.0.2.1"); err != nil || u.Email != "ola@example.test" {
			t.Errorf("another account from the same address: %+v, %v", u, err)
		}
		c.advance(16 * time.Minute)
		if _, err := s.SignIn(ctx, "ala@example.test", password, "192.0.2.1"); err != nil {
			t.Errorf("after the window: %v", err)
		}
		c.advance(ratelimit.MaxWindow)
		if _, err := ratelimit.Sweep(ctx, d, c.now()); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := d.QueryRowContext(ctx, `SELECT count(*) FROM rate_events`).Scan(&n); err != nil || n != 0 {
			t.Errorf("events left after the sweep: %d, %v", n, err)
		}
	})
}

// The links sent by mail work once, only for their purpose, and not after
// they expire.
func TestMailedLinks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		s, c := service(t, d)
		u, err := s.Register(ctx, accounts.NewUser{Email: "ala@example.test", DisplayName: "Ala", Password: password})
		if err != nil {
			t.Fatal(err)
		}
		confirm := mailedToken(t, d, "ala@example.test", "/account/confirm")
		if confirm == "" {
			t.Fatal("no confirmation mail")
		}
		if err := s.CheckResetToken(ctx, confirm); err == nil {
			t.Error("a confirmation token passes as a reset token")
		}
		if err := s.ConfirmEmail(ctx, confirm); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.FindByID(ctx, u.ID); !got.EmailConfirmed {
			t.Error("the email is not confirmed")
		}
		if err := s.ConfirmEmail(ctx, confirm); apperr.MessageOf(err) != "accounts.error.token" {
			t.Errorf("a used token: %v", err)
		}

		// A reset request for an unknown address says nothing and sends nothing.
		if err := s.RequestPasswordReset(ctx, "nobody@example.test"); err != nil {
			t.Errorf("reset for an unknown address: %v", err)
		}
		if tok := mailedToken(t, d, "nobody@example.test", "/account/reset"); tok != "" {
			t.Error("a reset link went to an address without an account")
		}
		if err := s.RequestPasswordReset(ctx, "ALA@example.test"); err != nil {
			t.Fatal(err)
		}
		reset := mailedToken(t, d, "ala@example.test", "/account/reset")
		if err := s.CheckResetToken(ctx, reset); err != nil {
			t.Fatalf("a fresh reset token: %v", err)
		}
		wantField(t, s.ResetPassword(ctx, reset, "short"), "password", "accounts.error.password_length")
		if err := s.ResetPassword(ctx, reset, "a new password 2026"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Authenticate(ctx, "ala@example.test", password); err == nil {
			t.Error("the old password still works")
		}
		if _, err := s.Authenticate(ctx, "ala@example.test", "a new password 2026"); err != nil {
			t.Errorf("the new password: %v", err)
		}
		if es, _ := audit.List(ctx, d, audit.Filter{Action: "account.password.reset", TargetID: u.ID}); len(es) != 1 {
			t.Errorf("audit entries for the reset: %d, want 1", len(es))
		}

		// A reset link lives an hour.
		if err := s.RequestPasswordReset(ctx, "ala@example.test"); err != nil {
			t.Fatal(err)
		}
		late := mailedToken(t, d, "ala@example.test", "/account/reset")
		c.advance(61 * time.Minute)
		if err := s.ResetPassword(ctx, late, "another password 2026"); apperr.MessageOf(err) != "accounts.error.token" {
			t.Errorf("an expired token: %v", err)
		}
	})
}

func TestRolesPreferencesAndTokens(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		s, _ := service(t, d)
		admin, ala := create(t, s, "admin@example.test"), create(t, s, "ala@example.test")
		officer := web.Role{Name: web.RoleOfficer, Domain: "reports"}
		if err := s.Grant(ctx, admin.ID, ala.ID, officer); err != nil {
			t.Fatal(err)
		}
		if u, _ := s.FindByID(ctx, ala.ID); !slices.Equal(u.Roles, []web.Role{officer}) {
			t.Errorf("roles after Grant: %+v", u.Roles)
		}
		if err := s.Revoke(ctx, admin.ID, ala.ID, officer); err != nil {
			t.Fatal(err)
		}
		if err := s.Revoke(ctx, admin.ID, ala.ID, officer); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("revoking a role not held: %v, want NotFound", err)
		}
		if es, _ := audit.List(ctx, d, audit.Filter{Action: "role.", TargetID: ala.ID}); len(es) != 2 {
			t.Errorf("audit entries for the grant and revoke: %d, want 2", len(es))
		}
		if found, err := s.Search(ctx, "ALA@", 10); err != nil || len(found) != 1 || found[0].ID != ala.ID {
			t.Errorf("Search = %+v, %v", found, err)
		}

		valid := func(n int) bool { return n >= 1 && n <= 18 }
		err := s.UpdatePreferences(ctx, ala.ID, accounts.Preferences{DisplayName: "Ala", District: 19}, valid)
		wantField(t, err, "district", "accounts.error.district")
		if err := s.UpdatePreferences(ctx, ala.ID, accounts.Preferences{DisplayName: " Ala K. ", District: 3, NewsDistricts: []int{7, 3}}, valid); err != nil {
			t.Fatal(err)
		}
		if news, err := s.NewsDistricts(ctx, ala.ID); err != nil || !slices.Equal(news, []int{3, 7}) {
			t.Errorf("NewsDistricts = %v, %v", news, err)
		}
		if u, _ := s.FindByID(ctx, ala.ID); u.DisplayName != "Ala K." || u.District != 3 {
			t.Errorf("after UpdatePreferences: %+v", u)
		}

		_, secret, err := s.CreateAPIToken(ctx, ala.ID, "my script")
		if err != nil {
			t.Fatal(err)
		}
		if id, err := s.UserForAPIToken(ctx, secret); err != nil || id != ala.ID {
			t.Errorf("UserForAPIToken = %q, %v", id, err)
		}
		toks, err := s.APITokens(ctx, ala.ID)
		if err != nil || len(toks) != 1 || toks[0].Name != "my script" || toks[0].LastUsed.IsZero() {
			t.Fatalf("APITokens = %+v, %v", toks, err)
		}
		if err := s.RevokeAPIToken(ctx, admin.ID, toks[0].ID); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("revoking another user's token: %v, want NotFound", err)
		}
		if err := s.RevokeAPIToken(ctx, ala.ID, toks[0].ID); err != nil {
			t.Fatal(err)
		}
		for _, bad := range []string{secret, "not-ours", "civ_guess"} {
			if _, err := s.UserForAPIToken(ctx, bad); !apperr.Is(err, apperr.Unauthenticated) {
				t.Errorf("UserForAPIToken(%q) = %v, want Unauthenticated", bad, err)
			}
		}
	})
}

// section is a module's profile section that records what accounts asks.
type section struct {
	erased  []string
	failErr error
}

func (*section) Key() string      { return "test" }
func (*section) TitleKey() string { return "test.title" }
func (*section) Items(context.Context, string) ([]profile.Item, error) {
	return []profile.Item{{Title: "one"}}, nil
}
func (*section) PersonalData(_ context.Context, userID string) (any, error) {
	return map[string]string{"owner": userID}, nil
}
func (s *section) Erase(_ context.Context, _ *sql.Tx, userID string) error {
	if s.failErr != nil {
		return s.failErr
	}
	s.erased = append(s.erased, userID)
	return nil
}

// Export and Delete gather every module's section; a section that cannot
// erase stops the whole deletion.
func TestExportAndDelete(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		s, _ := service(t, d)
		ala := create(t, s, "ala@example.test")
		sec := &section{}
		data, err := s.Export(ctx, ala.ID, []profile.Section{sec})
		if err != nil {
			t.Fatal(err)
		}
		if got, ok := data["test"].(map[string]string); !ok || got["owner"] != ala.ID {
			t.Errorf("the section's data in the export: %#v", data["test"])
		}
		if account, ok := data["account"].(map[string]any); !ok || account["email"] != "ala@example.test" {
			t.Errorf("the account in the export: %#v", data["account"])
		}

		failing := &section{failErr: errors.New("module down")}
		if err := s.Delete(ctx, ala.ID, []profile.Section{sec, failing}); err == nil {
			t.Fatal("Delete succeeded although a section failed to erase")
		}
		if _, err := s.FindByEmail(ctx, "ala@example.test"); err != nil {
			t.Errorf("the account is gone after a failed deletion: %v", err)
		}

		if err := s.Delete(ctx, ala.ID, []profile.Section{sec}); err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(sec.erased, ala.ID) {
			t.Error("the section was not asked to erase")
		}
		if _, err := s.FindByID(ctx, ala.ID); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("FindByID after deletion: %v, want NotFound", err)
		}
		if _, err := s.Authenticate(ctx, "ala@example.test", password); err == nil {
			t.Error("a deleted account signs in")
		}
		if err := s.Delete(ctx, ala.ID, nil); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("deleting twice: %v, want NotFound", err)
		}
		// The address is free again.
		if _, err := s.Create(ctx, d, accounts.NewUser{Email: "ala@example.test", DisplayName: "Ala again", Password: password}); err != nil {
			t.Errorf("the address of a deleted account: %v", err)
		}
	})
}
