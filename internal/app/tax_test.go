package app_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/civitas-city/civitas/internal/accounts"
	"github.com/civitas-city/civitas/internal/accounts/identity"
	"github.com/civitas-city/civitas/internal/app/apptest"
	"github.com/civitas-city/civitas/internal/tax"
	"github.com/civitas-city/civitas/internal/web"
)

// Only the resident (and tax officers, with a reason) read a liability:
// another resident, a moderator and an anonymous visitor get 403/404 or
// the sign-in page, never the data. The resident pays by a QR code whose
// payload carries the liability's own account.
func TestTaxesAreOnlyTheResidents(t *testing.T) {
	srv := startSQLite(t)
	ctx := context.Background()
	anna := signedIn(t, srv, "anna@tax.test")
	u, err := (&accounts.Service{DB: srv.DB}).FindByEmail(ctx, "anna@tax.test")
	if err != nil {
		t.Fatal(err)
	}
	if err := identity.SeedDemo(ctx, srv.DB, []byte(apptest.Key), u.ID); err != nil {
		t.Fatal(err)
	}
	svc := &tax.Service{DB: srv.DB, Key: []byte(apptest.Key)}
	now := time.Now()
	if err := tax.SeedDemo(ctx, svc, identity.DemoVerified().PESEL, now); err != nil {
		t.Fatal(err)
	}
	waste := "/taxes/OD-" + now.Format("2006") + "-000102"
	page := get(t, anna, srv.URL+"/taxes", "Accept-Language", "en")
	for _, want := range []string{"According to the city&#39;s finance system on", "Municipal waste fee", `href="` + waste + `/pay/2"`, "Dog fee"} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("Anna's taxes page lacks %s", want)
		}
	}
	pay := get(t, anna, srv.URL+waste+"/pay/2", "Accept-Language", "en")
	if pay.StatusCode != http.StatusOK || !strings.Contains(pay.Body, "96 1234 5678 0000 0000 0000 0001") || !strings.Contains(pay.Body, "<svg") {
		t.Errorf("the payment page: %d", pay.StatusCode)
	}
	if png := get(t, anna, srv.URL+waste+"/pay/2/qr.png"); png.StatusCode != http.StatusOK || png.Header.Get("Content-Type") != "image/png" {
		t.Errorf("the PNG code: %d %s", png.StatusCode, png.Header.Get("Content-Type"))
	}
	if paid := get(t, anna, srv.URL+waste+"/pay/1"); paid.StatusCode != http.StatusNotFound {
		t.Errorf("paying a paid instalment: %d, want 404", paid.StatusCode)
	}
	firm := "/taxes/ST-" + now.Format("2006") + "-000104/pay/1"
	if p := get(t, anna, srv.URL+firm); p.StatusCode != http.StatusNotFound {
		t.Errorf("a firm's liability through Anna's account: %d, want 404", p.StatusCode)
	}

	bob := signedIn(t, srv, "bob@tax.test")
	mod := signedIn(t, srv, "mod@tax.test", web.Role{Name: web.RoleModerator})
	for who, c := range map[string]*http.Client{"another resident": bob, "a moderator": mod, "an anonymous visitor": client(t)} {
		for _, path := range []string{waste + "/pay/2", waste + "/pay/2/slip", waste + "/pay/2/qr.png", "/officer/taxes"} {
			r := get(t, c, srv.URL+path)
			switch {
			case r.StatusCode == http.StatusForbidden || r.StatusCode == http.StatusNotFound:
			case r.StatusCode == http.StatusSeeOther && strings.HasPrefix(r.Header.Get("Location"), "/signin") && who == "an anonymous visitor":
			default:
				t.Errorf("%s at %s: %d, want 403, 404 or the sign-in page", who, path, r.StatusCode)
			}
			if strings.Contains(r.Body, "DO/102") {
				t.Errorf("%s at %s sees Anna's decision", who, path)
			}
		}
	}

	// A tax officer looks Anna up only with a reason; the look-up is audited.
	officer := signedIn(t, srv, "officer@tax.test", web.Role{Name: web.RoleOfficer, Domain: "taxes"})
	r := do(t, officer, http.MethodPost, srv.URL+"/officer/taxes/lookup", url.Values{"who": {identity.DemoVerified().PESEL}, "reason": {""}}, "Accept-Language", "en")
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `id="reason-error"`) {
		t.Errorf("a look-up without a reason: %d", r.StatusCode)
	}
	r = do(t, officer, http.MethodPost, srv.URL+"/officer/taxes/lookup", url.Values{"who": {identity.DemoVerified().PESEL},
		"reason": {"Call from the taxpayer about the waste fee"}}, "Accept-Language", "en")
	if r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "DO/102") {
		t.Errorf("a look-up with a reason: %d", r.StatusCode)
	}
	if n := countRows(t, srv, `SELECT COUNT(*) FROM audit_log WHERE action = 'tax.lookup'`); n != 1 {
		t.Errorf("%d look-ups audited, want 1", n)
	}

	// Reminders: a choice outside the list is refused and saves nothing.
	if r := do(t, anna, http.MethodPost, srv.URL+"/taxes/reminders", url.Values{"days": {"45"}}); r.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("45 days: %d, want 422", r.StatusCode)
	}
	if r := do(t, anna, http.MethodPost, srv.URL+"/taxes/reminders", url.Values{"days": {"3"}}); r.StatusCode != http.StatusSeeOther {
		t.Errorf("3 days: %d, want 303", r.StatusCode)
	}
	if n := countRows(t, srv, `SELECT COUNT(*) FROM tax_reminder_prefs WHERE days = 3`); n != 1 {
		t.Errorf("the reminder setting is not saved")
	}
}
