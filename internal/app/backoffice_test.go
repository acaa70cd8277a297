package app_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/civitas-city/civitas/internal/web"
)

// The staff's dashboard shows each member of staff the modules they work
// in, and the profile links to it for staff only.
func TestBackofficeDashboard(t *testing.T) {
	srv := startSQLite(t)
	seedReportsDemo(t, srv)
	for _, tt := range []struct {
		who       string
		roles     []web.Role
		status    int
		want, not []string
	}{
		{"admin", []web.Role{{Name: web.RoleAdmin}}, http.StatusOK,
			[]string{"Reports in your units — Submitted", "Comments awaiting moderation", "Participatory budget"}, nil},
		{"budget", []web.Role{{Name: web.RoleOfficer, Domain: "budget"}}, http.StatusOK,
			[]string{"<h2>Participatory budget</h2>", "Nothing waits here now."}, []string{"<h2>Problem reports</h2>", "Comments awaiting moderation"}},
		{"moderator", []web.Role{{Name: web.RoleModerator}}, http.StatusOK,
			[]string{"Comments awaiting moderation", "Statements awaiting moderation"}, []string{"<h2>Participatory budget</h2>", "<h2>Problem reports</h2>"}},
		{"resident", nil, http.StatusForbidden, nil, nil},
	} {
		c := signedIn(t, srv, tt.who+"@backoffice.test", tt.roles...)
		r := get(t, c, srv.URL+"/officer", "Accept-Language", "en")
		if r.StatusCode != tt.status {
			t.Errorf("%s: status %d, want %d", tt.who, r.StatusCode, tt.status)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(r.Body, w) {
				t.Errorf("%s: the dashboard lacks %q", tt.who, w)
			}
		}
		for _, w := range tt.not {
			if strings.Contains(r.Body, w) {
				t.Errorf("%s: the dashboard shows %q", tt.who, w)
			}
		}
		profile := get(t, c, srv.URL+"/account", "Accept-Language", "en")
		if has := strings.Contains(profile.Body, `class="button primary" href="/officer"`); has != (tt.status == http.StatusOK) {
			t.Errorf("%s: back-office link on the profile: %v", tt.who, has)
		}
		// Every page's header links staff to the back office, on a phone
		// (the menu) and on a desktop (the bar) alike.
		home := get(t, c, srv.URL+"/", "Accept-Language", "en")
		if n := strings.Count(home.Body, `<a href="/officer">Back office</a>`); n != 2 && tt.status == http.StatusOK {
			t.Errorf("%s: the header links the back office %d times, want 2 (menu and bar)", tt.who, n)
		} else if n != 0 && tt.status != http.StatusOK {
			t.Errorf("%s: a resident's header links the back office", tt.who)
		}
	}
}
