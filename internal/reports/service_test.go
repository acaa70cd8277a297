package reports

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io/fs"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/city"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/db/dbtest"
	"github.com/civitas-city/civitas/internal/districts"
	"github.com/civitas-city/civitas/internal/files"
	"github.com/civitas-city/civitas/internal/i18n"
	"github.com/civitas-city/civitas/internal/web"
)

// Store and service tests: every one runs on SQLite and, with
// CIVITAS_TEST_POSTGRES, on PostgreSQL (dbtest.Each).

// fixture is a service on a fresh database with two units, three
// categories and a clock the test moves.
type fixture struct {
	s       *Service
	now     time.Time
	units   map[string]string // name -> id
	officer *web.User
	other   *web.User
	admin   *web.User
	users   map[string]string // id -> email
}

var krakow = city.Krakow()

func testCatalog(t testing.TB) *i18n.Catalog {
	t.Helper()
	cat := i18n.New("pl", "en", "uk")
	sub, err := fs.Sub(locales, "locales")
	if err != nil {
		t.Fatal(err)
	}
	if err := cat.AddFS(sub); err != nil {
		t.Fatal(err)
	}
	fsub, err := fs.Sub(files.Locales(), "locales")
	if err != nil {
		t.Fatal(err)
	}
	if err := cat.AddFS(fsub); err != nil {
		t.Fatal(err)
	}
	return cat
}

func newFixture(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	ctx := t.Context()
	f := &fixture{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), units: map[string]string{},
		officer: &web.User{ID: "officer-1", Name: "Olga", Roles: []web.Role{{Name: web.RoleOfficer, Domain: "reports"}}},
		other:   &web.User{ID: "officer-2", Name: "Piotr", Roles: []web.Role{{Name: web.RoleOfficer, Domain: "reports"}}},
		admin:   &web.User{ID: "admin-1", Name: "Ada", Roles: []web.Role{{Name: web.RoleAdmin}}},
		users:   map[string]string{"officer-1": "olga@city.test", "officer-2": "piotr@city.test", "resident-1": "rita@home.test"},
	}
	b := krakow.Bounds
	f.s = &Service{
		DB: d, Districts: krakow.Districts, Catalog: testCatalog(t), Location: krakow.Location,
		Bounds: districts.BBox{MinLon: b.MinLon - 0.05, MinLat: b.MinLat - 0.05, MaxLon: b.MaxLon + 0.05, MaxLat: b.MaxLat + 0.05},
		Secret: []byte("test secret"), BaseURL: "https://city.test", PhotoMaxBytes: 64 << 10,
		Now: func() time.Time { return f.now },
		Users: func(ctx context.Context, id string) (string, string, error) {
			e, ok := f.users[id]
			if !ok {
				return "", "", apperr.E(apperr.NotFound, "error.not_found")
			}
			return e, "User " + id, nil
		},
	}
	for _, name := range []string{"Roads", "Greenery", "Old Town"} {
		u, err := f.s.CreateUnit(ctx, f.admin, Unit{Name: name, Kind: "department", Email: strings.ToLower(strings.ReplaceAll(name, " ", "")) + "@city.test"})
		if err != nil {
			t.Fatal(err)
		}
		f.units[name] = u.ID
	}
	must(t, f.s.AddMember(ctx, f.admin, f.units["Roads"], "OLGA@city.test"))
	must(t, f.s.AddMember(ctx, f.admin, f.units["Greenery"], "piotr@city.test"))
	for _, c := range []Category{
		{Code: "pothole", Names: map[string]string{"pl": "Dziura", "en": "Pothole"}, ExpectedDays: 14, UnitID: f.units["Roads"], Active: true,
			Attributes: []Attribute{{Code: "size", Datatype: "singlevaluelist", Variable: true, Values: []AttributeValue{{Key: "small"}, {Key: "large"}}}}},
		{Code: "bench", Names: map[string]string{"pl": "Ławka", "en": "Bench"}, ExpectedDays: 21, UnitID: f.units["Greenery"], Active: true,
			Attributes: []Attribute{{Code: "broken", Datatype: "singlevaluelist", Variable: true, Required: true, Values: []AttributeValue{{Key: "yes"}, {Key: "no"}}}}},
		{Code: "vehicle", Names: map[string]string{"pl": "Pojazd"}, ServiceType: TypeBatch, UnitID: f.units["Roads"], Active: true},
		{Code: "retired", Names: map[string]string{"pl": "Stara"}, UnitID: f.units["Roads"], Active: false},
	} {
		must(t, f.s.SaveCategory(ctx, f.admin, c))
	}
	return f
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// stareMiasto is a point in district I; nowaHuta in district XVIII.
var (
	stareMiasto = [2]float64{50.0617, 19.9373}
	nowaHuta    = [2]float64{50.0720, 20.0370}
)

func (f *fixture) report(mod ...func(*NewReport)) NewReport {
	n := NewReport{Category: "pothole", Description: "A deep hole by the kerb.", HasPoint: true, Lat: stareMiasto[0], Lon: stareMiasto[1],
		Channel: ChannelWeb, Lang: "en", ReporterEmail: "anna@example.org"}
	for _, m := range mod {
		m(&n)
	}
	return n
}

func count(t testing.TB, d *db.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := d.QueryRowContext(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func pngBytes(t testing.TB, size int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, size, size))
	rng := rand.New(rand.NewPCG(uint64(size), 1))
	for i := range img.Pix {
		img.Pix[i] = byte(rng.IntN(256)) // noise: PNG cannot shrink it
	}
	img.Set(0, 0, color.Black)
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestSubmit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := t.Context()
		c, err := f.s.Submit(ctx, f.report(func(n *NewReport) {
			n.Photos = []Photo{{Name: "hole.png", Data: pngBytes(t, 16)}}
			n.Attributes = map[string][]string{"size": {"large"}, "unknown": {"x"}}
		}))
		if err != nil {
			t.Fatal(err)
		}
		if c.Number != 1 || c.Status != Submitted || c.District != 1 || c.UnitID != f.units["Roads"] {
			t.Errorf("case = number %d status %s district %d unit %s", c.Number, c.Status, c.District, c.UnitID)
		}
		got, err := f.s.Get(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		if got.UnitName != "Roads" || !got.HasPoint || got.Lat != stareMiasto[0] || got.Photos != 1 || got.PhotoURL == "" {
			t.Errorf("stored case: %+v", got)
		}
		if !got.ExpectedAt.Equal(f.now.AddDate(0, 0, 14)) || !got.CreatedAt.Equal(f.now) {
			t.Errorf("times: created %v expected %v", got.CreatedAt, got.ExpectedAt)
		}
		if len(got.Attributes) != 1 || got.Attributes["size"][0] != "large" {
			t.Errorf("attributes = %v, want only size=large", got.Attributes)
		}
		hist, err := f.s.History(ctx, got, false)
		if err != nil || len(hist) != 1 || hist[0].Kind != UpdateSubmitted {
			t.Errorf("history = %v, %v", hist, err)
		}
		if n := count(t, d, `SELECT count(*) FROM jobs WHERE kind = 'mail.send'`); n != 1 {
			t.Errorf("%d mail jobs, want the acknowledgement", n)
		}
		// A second report takes the next number; one without a point
		// has district 0 and goes to the category's unit.
		c2, err := f.s.Submit(ctx, f.report(func(n *NewReport) { n.HasPoint, n.Address = false, "Rynek Główny, by the statue" }))
		if err != nil {
			t.Fatal(err)
		}
		if c2.Number != 2 || c2.District != 0 || c2.UnitID != f.units["Roads"] {
			t.Errorf("second case: %+v", c2)
		}
		// A signed-in resident's email comes from their account.
		c3, err := f.s.Submit(ctx, f.report(func(n *NewReport) { n.ReporterID, n.ReporterEmail = "resident-1", "" }))
		if err != nil {
			t.Fatal(err)
		}
		if c3.ReporterEmail != "rita@home.test" {
			t.Errorf("reporter email = %q", c3.ReporterEmail)
		}
		mine, err := f.s.CasesOf(ctx, "resident-1")
		if err != nil || len(mine) != 1 || mine[0].Number != 3 {
			t.Errorf("CasesOf = %v, %v", mine, err)
		}
	})
}

// Bad input is refused with the field at fault, and nothing is stored: no
// case, no history, no photo, no email, no audit row, no number used.
func TestSubmitBadInputStoresNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := t.Context()
		big := pngBytes(t, 300)
		if len(big) <= int(f.s.PhotoMaxBytes) {
			t.Fatalf("test photo of %d bytes is not over the limit", len(big))
		}
		cases := []struct {
			name  string
			mod   func(*NewReport)
			kind  apperr.Kind
			field string
		}{
			{"no category", func(n *NewReport) { n.Category = "" }, apperr.Invalid, "category"},
			{"unknown category", func(n *NewReport) { n.Category = "volcano" }, apperr.NotFound, "category"},
			{"inactive category", func(n *NewReport) { n.Category = "retired" }, apperr.NotFound, "category"},
			{"no location", func(n *NewReport) { n.HasPoint, n.Address = false, "  " }, apperr.Invalid, "location"},
			{"point outside the city", func(n *NewReport) { n.Lat, n.Lon = 52.2297, 21.0122 }, apperr.Invalid, "location"},
			{"not a point", func(n *NewReport) { n.Lat = 91 }, apperr.Invalid, "location"},
			{"no description on the web", func(n *NewReport) { n.Description = " " }, apperr.Invalid, "description"},
			{"long description", func(n *NewReport) { n.Description = strings.Repeat("x", MaxDescription+1) }, apperr.Invalid, "description"},
			{"bad email", func(n *NewReport) { n.ReporterEmail = "not an email" }, apperr.Invalid, "email"},
			{"anonymous without email", func(n *NewReport) { n.ReporterEmail = "" }, apperr.Invalid, "email"},
			{"oversized photo", func(n *NewReport) {
				n.Photos = []Photo{{Name: "ok.png", Data: pngBytes(t, 8)}, {Name: "big.png", Data: big}}
			}, apperr.Invalid, "photo"},
			{"not an image", func(n *NewReport) { n.Photos = []Photo{{Name: "x.png", Data: []byte("%PDF-1.4 hello")}} }, apperr.Invalid, "photo"},
			{"too many photos", func(n *NewReport) { n.Photos = make([]Photo, MaxPhotos+1) }, apperr.Invalid, "photo"},
			{"required attribute missing", func(n *NewReport) { n.Category = "bench" }, apperr.Invalid, "attribute[broken]"},
			{"attribute not in the list", func(n *NewReport) { n.Attributes = map[string][]string{"size": {"huge"}} }, apperr.Invalid, "attribute[size]"},
			{"bad media URL", func(n *NewReport) { n.MediaURL = "javascript:alert(1)" }, apperr.Invalid, "media_url"},
		}
		for _, tc := range cases {
			_, err := f.s.Submit(ctx, f.report(tc.mod))
			e, ok := errors.AsType[*apperr.Error](err)
			if !ok || e.Kind != tc.kind || e.Field != tc.field {
				t.Errorf("%s: err = %v, want %s on %q", tc.name, err, tc.kind, tc.field)
				continue
			}
			if tc.kind != apperr.Internal && !f.s.Catalog.Has(e.Message) {
				t.Errorf("%s: message %q is not in the catalog", tc.name, e.Message)
			}
		}
		for table, n := range map[string]int{
			"report_cases": count(t, d, `SELECT count(*) FROM report_cases`), "report_updates": count(t, d, `SELECT count(*) FROM report_updates`),
			"files": count(t, d, `SELECT count(*) FROM files`), "jobs": count(t, d, `SELECT count(*) FROM jobs`),
			"audit":   count(t, d, `SELECT count(*) FROM audit_log WHERE action LIKE 'report.%' AND action NOT LIKE 'report.unit%' AND action NOT LIKE 'report.category%'`),
			"counter": count(t, d, `SELECT value FROM report_counters WHERE name = 'case'`),
		} {
			if n != 0 {
				t.Errorf("%s: %d rows after bad input, want 0", table, n)
			}
		}
		// Anonymous reports are a setting.
		must(t, f.s.SaveSettings(ctx, f.admin, Settings{AnonymousAllowed: false, ReopenDays: 14}))
		if _, err := f.s.Submit(ctx, f.report()); !apperr.Is(err, apperr.Unauthenticated) {
			t.Errorf("anonymous report with anonymous reports off: %v", err)
		}
		if _, err := f.s.Submit(ctx, f.report(func(n *NewReport) { n.ReporterID = "resident-1" })); err != nil {
			t.Errorf("signed-in report with anonymous reports off: %v", err)
		}
	})
}

func TestRouting(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := t.Context()
		unitOf := func(lat, lon float64) string {
			t.Helper()
			c, err := f.s.Submit(ctx, f.report(func(n *NewReport) { n.Lat, n.Lon = lat, lon }))
			if err != nil {
				t.Fatal(err)
			}
			return c.UnitID
		}
		if u := unitOf(nowaHuta[0], nowaHuta[1]); u != f.units["Roads"] {
			t.Errorf("no rule: unit %s, want the category's (Roads)", u)
		}
		must(t, f.s.SetRoute(ctx, f.admin, Route{Category: "pothole", District: 0, UnitID: f.units["Greenery"]}))
		must(t, f.s.SetRoute(ctx, f.admin, Route{Category: "pothole", District: 1, UnitID: f.units["Old Town"]}))
		if u := unitOf(nowaHuta[0], nowaHuta[1]); u != f.units["Greenery"] {
			t.Errorf("any-district rule: unit %s, want Greenery", u)
		}
		if u := unitOf(stareMiasto[0], stareMiasto[1]); u != f.units["Old Town"] {
			t.Errorf("district rule: unit %s, want Old Town", u)
		}
		must(t, f.s.SetRoute(ctx, f.admin, Route{Category: "pothole", District: 1}))
		if u := unitOf(stareMiasto[0], stareMiasto[1]); u != f.units["Greenery"] {
			t.Errorf("after removing the district rule: unit %s, want Greenery", u)
		}
		routes, err := f.s.Routes(ctx)
		if err != nil || len(routes) != 1 {
			t.Errorf("routes = %v, %v", routes, err)
		}
		if err := f.s.SetRoute(ctx, f.admin, Route{Category: "pothole", District: 99, UnitID: f.units["Roads"]}); !apperr.Is(err, apperr.Invalid) {
			t.Errorf("route for district 99: %v", err)
		}
		if err := f.s.SetRoute(ctx, f.admin, Route{Category: "pothole", District: 2, UnitID: "no-such-unit"}); !apperr.Is(err, apperr.Invalid) {
			t.Errorf("route to a unit that does not exist: %v", err)
		}
	})
}

// The whole life of a case: accepted, in progress, resolved, reopened by
// the reporter, resolved again, closed by the job after the window, rated.
func TestLifecycle(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := t.Context()
		c, err := f.s.Submit(ctx, f.report())
		if err != nil {
			t.Fatal(err)
		}
		mails := func() int { return count(t, d, `SELECT count(*) FROM jobs WHERE kind = 'mail.send'`) }
		step := func(to Status, note string) {
			t.Helper()
			f.now = f.now.Add(time.Hour)
			if _, err := f.s.ChangeStatus(ctx, f.officer, c.Number, Change{To: to, Note: note}); err != nil {
				t.Fatalf("to %s: %v", to, err)
			}
		}
		// Officers of another unit may not work it; admins may.
		if _, err := f.s.ChangeStatus(ctx, f.other, c.Number, Change{To: Accepted}); !apperr.Is(err, apperr.Forbidden) {
			t.Errorf("officer of another unit: %v", err)
		}
		if ok, _ := f.s.CanWork(ctx, f.admin, c); !ok {
			t.Error("an admin cannot work the case")
		}
		step(Accepted, "")
		step(InProgress, "Crew on the way.")
		if _, err := f.s.ChangeStatus(ctx, f.officer, c.Number, Change{To: Submitted}); !apperr.Is(err, apperr.Invalid) {
			t.Errorf("back to submitted: %v", err)
		}
		if _, err := f.s.ChangeStatus(ctx, f.officer, c.Number, Change{To: Rejected}); !apperr.Is(err, apperr.Invalid) {
			t.Errorf("rejecting without a note: %v", err)
		}
		step(Resolved, "Fixed.")
		if n := count(t, d, `SELECT count(*) FROM jobs WHERE kind = $1`, JobAutoClose); n != 1 {
			t.Errorf("%d auto-close jobs after resolving, want 1", n)
		}
		// Only the reporter may reopen: with the key from their email.
		if _, err := f.s.Reopen(ctx, c.Number, Reporter{Key: "guess"}, "Still broken"); !apperr.Is(err, apperr.Forbidden) {
			t.Errorf("reopen with a wrong key: %v", err)
		}
		if _, err := f.s.Reopen(ctx, c.Number, Reporter{Key: f.s.Key(c)}, " "); !apperr.Is(err, apperr.Invalid) {
			t.Errorf("reopen without a reason: %v", err)
		}
		f.now = f.now.Add(3 * 24 * time.Hour)
		before := mails()
		r, err := f.s.Reopen(ctx, c.Number, Reporter{Key: f.s.Key(c)}, "The hole is back after the rain.")
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != Reopened || r.ReopenCount != 1 {
			t.Errorf("reopened case: status %s count %d", r.Status, r.ReopenCount)
		}
		if got := mails() - before; got != 2 {
			t.Errorf("reopening sent %d emails, want 2 (the reporter and the unit)", got)
		}
		// The stale auto-close job finds it reopened and leaves it.
		var jobPayload string
		if err := d.QueryRowContext(ctx, `SELECT payload FROM jobs WHERE kind = $1`, JobAutoClose).Scan(&jobPayload); err != nil {
			t.Fatal(err)
		}
		must(t, f.s.AutoClose(ctx, c.ID))
		if got, _ := f.s.Get(ctx, c.Number); got.Status != Reopened {
			t.Errorf("auto-close closed a reopened case: %s", got.Status)
		}
		step(Resolved, "Fixed properly this time.")
		// Within the window the job waits; after it, it closes.
		f.now = f.now.Add(13 * 24 * time.Hour)
		must(t, f.s.AutoClose(ctx, c.ID))
		if got, _ := f.s.Get(ctx, c.Number); got.Status != Resolved {
			t.Errorf("closed before the window ended: %s", got.Status)
		}
		f.now = f.now.Add(2 * 24 * time.Hour)
		if cur, _ := f.s.Get(ctx, c.Number); cur.Status != Resolved {
			t.Fatalf("status %s, want resolved", cur.Status)
		} else if ok, _, _ := f.s.CanReopen(ctx, cur); ok {
			t.Error("can reopen after the window")
		}
		before = mails()
		must(t, f.s.AutoClose(ctx, c.ID))
		got, _ := f.s.Get(ctx, c.Number)
		if got.Status != Closed || got.ClosedAt.IsZero() || got.ResolvedAt.IsZero() {
			t.Errorf("after the window: status %s closed %v resolved %v", got.Status, got.ClosedAt, got.ResolvedAt)
		}
		if mails()-before != 1 {
			t.Error("closing sent no email")
		}
		var body string
		if err := d.QueryRowContext(ctx, `SELECT payload FROM jobs WHERE kind = 'mail.send' ORDER BY created_at DESC, id DESC LIMIT 1`).Scan(&body); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(body, "#feedback") || !strings.Contains(body, "anna@example.org") {
			t.Errorf("the closing email does not ask the satisfaction question: %s", body)
		}
		if _, err := f.s.Reopen(ctx, c.Number, Reporter{Key: f.s.Key(c)}, "again"); !apperr.Is(err, apperr.Conflict) {
			t.Errorf("reopen after the window: %v", err)
		}
		// Satisfaction: 1-5, by the reporter only, answered again replaces.
		if _, err := f.s.SaveFeedback(ctx, c.Number, Reporter{Key: f.s.Key(c)}, 6, ""); !apperr.Is(err, apperr.Invalid) {
			t.Errorf("rating 6: %v", err)
		}
		if _, err := f.s.SaveFeedback(ctx, c.Number, Reporter{UserID: "someone"}, 4, ""); !apperr.Is(err, apperr.Forbidden) {
			t.Errorf("feedback by someone else: %v", err)
		}
		must2(t)(f.s.SaveFeedback(ctx, c.Number, Reporter{Key: f.s.Key(c)}, 2, "Slow"))
		must2(t)(f.s.SaveFeedback(ctx, c.Number, Reporter{Key: f.s.Key(c)}, 5, "Fixed well in the end"))
		fb, err := f.s.FeedbackOf(ctx, got)
		if err != nil || fb == nil || fb.Rating != 5 || fb.Comment != "Fixed well in the end" {
			t.Errorf("feedback = %+v, %v", fb, err)
		}
		answers, err := f.s.FeedbackAnswers(ctx, time.Time{})
		if err != nil || len(answers) != 1 || answers[0].District != 1 || answers[0].Category != "pothole" {
			t.Errorf("feedback answers = %+v, %v", answers, err)
		}
		// The history, as the public sees it, and every officer action
		// in the audit log.
		hist, err := f.s.History(ctx, got, false)
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for _, u := range hist {
			kinds = append(kinds, u.Kind+":"+string(u.Status))
		}
		want := "submitted:submitted status:accepted status:in_progress status:resolved reopened:reopened status:resolved status:closed"
		if strings.Join(kinds, " ") != want {
			t.Errorf("history = %s\nwant      %s", strings.Join(kinds, " "), want)
		}
		if n := count(t, d, `SELECT count(*) FROM audit_log WHERE action = 'report.status' AND target_id = '1'`); n != 4 {
			t.Errorf("%d audited status changes, want the officer's 4", n)
		}
	})
}

func must2(t *testing.T) func(*Case, error) {
	return func(_ *Case, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestDuplicateReferredNotes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := t.Context()
		a, _ := f.s.Submit(ctx, f.report())
		b, _ := f.s.Submit(ctx, f.report())
		if _, err := f.s.ChangeStatus(ctx, f.officer, b.Number, Change{To: Duplicate, DuplicateOf: b.Number}); !apperr.Is(err, apperr.Invalid) {
			t.Errorf("duplicate of itself: %v", err)
		}
		if _, err := f.s.ChangeStatus(ctx, f.officer, b.Number, Change{To: Duplicate, DuplicateOf: 999}); !apperr.Is(err, apperr.Invalid) {
			t.Errorf("duplicate of nothing: %v", err)
		}
		got, err := f.s.ChangeStatus(ctx, f.officer, b.Number, Change{To: Duplicate, DuplicateOf: a.Number})
		if err != nil || got.Status != Duplicate || got.DuplicateOf != a.Number {
			t.Errorf("duplicate: %+v, %v", got, err)
		}
		c, _ := f.s.Submit(ctx, f.report())
		if _, err := f.s.ChangeStatus(ctx, f.officer, c.Number, Change{To: Referred, Note: "Not ours."}); !apperr.Is(err, apperr.Invalid) {
			t.Errorf("referred without where: %v", err)
		}
		if _, err := f.s.ChangeStatus(ctx, f.officer, c.Number, Change{To: Referred, Note: "Private land.", ReferredTo: "Housing co-op"}); err != nil {
			t.Fatal(err)
		}
		// Notes: internal ones stay with officers, public ones are mailed.
		before := count(t, d, `SELECT count(*) FROM jobs WHERE kind = 'mail.send'`)
		must2(t)(f.s.AddNote(ctx, f.officer, a.Number, "Check with the tram company.", true))
		must2(t)(f.s.AddNote(ctx, f.officer, a.Number, "We have ordered the asphalt.", false))
		if n := count(t, d, `SELECT count(*) FROM jobs WHERE kind = 'mail.send'`) - before; n != 1 {
			t.Errorf("%d emails for two notes, want 1 (the public one)", n)
		}
		pub, _ := f.s.History(ctx, a, false)
		all, _ := f.s.History(ctx, a, true)
		if len(pub) != 2 || len(all) != 3 {
			t.Errorf("history: %d public, %d in all; want 2 and 3", len(pub), len(all))
		}
		// Reassigning moves the case to the other unit's queue.
		if _, err := f.s.Reassign(ctx, f.officer, a.Number, f.units["Greenery"], "Park path, not a road."); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.AddNote(ctx, f.officer, a.Number, "still mine?", true); !apperr.Is(err, apperr.Forbidden) {
			t.Errorf("the old unit still works the case: %v", err)
		}
		if _, err := f.s.AddNote(ctx, f.other, a.Number, "Ours now.", true); err != nil {
			t.Errorf("the new unit cannot work the case: %v", err)
		}
	})
}

func TestSupportAndNearby(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := t.Context()
		near, _ := f.s.Submit(ctx, f.report(func(n *NewReport) { n.Lat += 0.0005 }))         // ~55 m north
		far, _ := f.s.Submit(ctx, f.report(func(n *NewReport) { n.Lat += 0.01 }))            // ~1 km
		other, _ := f.s.Submit(ctx, f.report(func(n *NewReport) { n.Category = "vehicle" })) // another category
		nearest, _ := f.s.Submit(ctx, f.report(func(n *NewReport) { n.Lon += 0.0001 }))      // ~7 m east
		list, err := f.s.Nearby(ctx, "pothole", stareMiasto[0], stareMiasto[1])
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		for _, c := range list {
			got = append(got, c.Number)
		}
		if len(got) != 2 || got[0] != nearest.Number || got[1] != near.Number {
			t.Errorf("nearby = %v, want [%d %d] (not %d far away, not %d of another category)", got, nearest.Number, near.Number, far.Number, other.Number)
		}
		for range 2 {
			if _, err := f.s.Support(ctx, near.Number, "resident-1"); err != nil {
				t.Fatal(err)
			}
		}
		c, _ := f.s.Get(ctx, near.Number)
		if c.Supporters != 1 {
			t.Errorf("supporters = %d after supporting twice, want 1", c.Supporters)
		}
		if ok, _ := f.s.Supports(ctx, c, "resident-1"); !ok {
			t.Error("Supports = false")
		}
		own, _ := f.s.Submit(ctx, f.report(func(n *NewReport) { n.ReporterID = "resident-1" }))
		if _, err := f.s.Support(ctx, own.Number, "resident-1"); !apperr.Is(err, apperr.Conflict) {
			t.Errorf("supporting one's own report: %v", err)
		}
		if _, err := f.s.Support(ctx, near.Number, ""); !apperr.Is(err, apperr.Unauthenticated) {
			t.Errorf("anonymous support: %v", err)
		}
		if _, err := f.s.ChangeStatus(ctx, f.officer, far.Number, Change{To: Rejected, Note: "No."}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.Support(ctx, far.Number, "resident-1"); !apperr.Is(err, apperr.Conflict) {
			t.Errorf("supporting a rejected report: %v", err)
		}
	})
}

func TestAPIKeys(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := t.Context()
		raw, k, err := f.s.CreateKey(ctx, f.admin, "FixMyKrakow", "dev@fix.test")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(raw, keyPrefix) || len(raw) < 30 || k.Prefix != raw[:9] {
			t.Errorf("key %q prefix %q", raw, k.Prefix)
		}
		if n := count(t, d, `SELECT count(*) FROM open311_keys WHERE key_hash = $1`, raw); n != 0 {
			t.Error("the key is stored in clear")
		}
		got, err := f.s.KeyFor(ctx, " "+raw+" ")
		if err != nil || got.ID != k.ID || got.AppName != "FixMyKrakow" {
			t.Errorf("KeyFor = %+v, %v", got, err)
		}
		for _, bad := range []string{"", "c311_nope", strings.Repeat("x", 300)} {
			if _, err := f.s.KeyFor(ctx, bad); !apperr.Is(err, apperr.Forbidden) {
				t.Errorf("KeyFor(%.10q) = %v, want Forbidden", bad, err)
			}
		}
		must(t, f.s.RevokeKey(ctx, f.admin, k.ID))
		if _, err := f.s.KeyFor(ctx, raw); !apperr.Is(err, apperr.Forbidden) {
			t.Errorf("revoked key: %v", err)
		}
		if err := f.s.RevokeKey(ctx, f.admin, k.ID); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("revoking twice: %v", err)
		}
		if n := count(t, d, `SELECT count(*) FROM audit_log WHERE action LIKE 'open311.key.%'`); n != 2 {
			t.Errorf("%d audited key actions, want 2", n)
		}
		if _, _, err := f.s.CreateKey(ctx, f.admin, " ", ""); !apperr.Is(err, apperr.Invalid) {
			t.Errorf("key without an app name: %v", err)
		}
	})
}

func TestSettingsAndUnits(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := t.Context()
		set, err := f.s.Settings(ctx)
		if err != nil || set != DefaultSettings {
			t.Errorf("default settings = %+v, %v", set, err)
		}
		must(t, f.s.SaveSettings(ctx, f.admin, Settings{AnonymousAllowed: false, ReopenDays: 30}))
		if set, _ := f.s.Settings(ctx); set.AnonymousAllowed || set.ReopenDays != 30 {
			t.Errorf("saved settings = %+v", set)
		}
		if err := f.s.SaveSettings(ctx, f.admin, Settings{ReopenDays: 400}); !apperr.Is(err, apperr.Invalid) {
			t.Errorf("400 days: %v", err)
		}
		if _, err := f.s.CreateUnit(ctx, f.admin, Unit{Name: "Roads", Kind: "department"}); !apperr.Is(err, apperr.Conflict) {
			t.Errorf("a second unit named Roads: %v", err)
		}
		if err := f.s.AddMember(ctx, f.admin, "no-such-unit", "x@city.test"); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("member of no unit: %v", err)
		}
		units, _ := f.s.UnitsOf(ctx, f.officer)
		if len(units) != 1 || units[0] != f.units["Roads"] {
			t.Errorf("officer's units = %v (membership by email, any case)", units)
		}
		must(t, f.s.RemoveMember(ctx, f.admin, f.units["Roads"], "olga@city.test"))
		if units, _ := f.s.UnitsOf(ctx, f.officer); len(units) != 0 {
			t.Errorf("after removal: %v", units)
		}
		if err := f.s.SaveCategory(ctx, f.admin, Category{Code: "Bad Code!", Names: map[string]string{"pl": "x"}}); !apperr.Is(err, apperr.Invalid) {
			t.Errorf("bad code: %v", err)
		}
	})
}

func TestStats(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := t.Context()
		start := f.now
		var numbers []int64
		for i := range 4 {
			c, err := f.s.Submit(ctx, f.report(func(n *NewReport) {
				if i == 3 {
					n.Lat, n.Lon = nowaHuta[0], nowaHuta[1]
				}
			}))
			if err != nil {
				t.Fatal(err)
			}
			numbers = append(numbers, c.Number)
		}
		// Resolved after 1, 2 and 4 days: median 2 days.
		for i, days := range []int{1, 2, 4} {
			f.now = start.AddDate(0, 0, days)
			if _, err := f.s.ChangeStatus(ctx, f.officer, numbers[i], Change{To: Resolved}); err != nil {
				t.Fatal(err)
			}
		}
		st, err := f.s.Stats(ctx, start.Add(-time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if st.Total != 4 || len(st.Categories) != 1 || len(st.Districts) != 2 {
			t.Fatalf("stats = %+v", st)
		}
		cat := st.Categories[0]
		if cat.Total != 4 || cat.Open != 1 || cat.Resolved != 3 || !cat.HasMedian || cat.Median != 48*time.Hour {
			t.Errorf("category row = %+v, want 4 total, 1 open, 3 resolved, median 48h", cat)
		}
		if st.Districts[0].Key != "1" || st.Districts[0].Total != 3 || st.Districts[1].HasMedian {
			t.Errorf("district rows = %+v", st.Districts)
		}
	})
}

func TestMedian(t *testing.T) {
	h := time.Hour
	for _, tc := range []struct {
		in   []time.Duration
		want time.Duration
		ok   bool
	}{
		{nil, 0, false},
		{[]time.Duration{5 * h}, 5 * h, true},
		{[]time.Duration{9 * h, 1 * h}, 5 * h, true},
		{[]time.Duration{3 * h, 1 * h, 2 * h}, 2 * h, true},
		{[]time.Duration{4 * h, 1 * h, 100 * h, 2 * h}, 3 * h, true},
	} {
		got, ok := Median(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("Median(%v) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestTransitions(t *testing.T) {
	for _, s := range Statuses {
		for _, to := range s.Next() {
			if !to.Valid() || to == s {
				t.Errorf("%s -> %s", s, to)
			}
		}
		if s.Final() && len(s.Next()) > 0 {
			t.Errorf("final status %s has next statuses %v", s, s.Next())
		}
	}
	if !Resolved.CanMoveTo(Closed) || Closed.CanMoveTo(Reopened) || Submitted.CanMoveTo(Closed) {
		t.Error("transition table")
	}
}

// The demo loads ~200 reports with histories in one transaction, and only
// once.
func TestSeedDemo(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := t.Context()
		// The fixture's units make SeedDemo a no-op; start empty.
		s := &Service{DB: dbtest.Open(t, d.Dialect), Districts: krakow.Districts, Catalog: f.s.Catalog, Location: krakow.Location, Secret: []byte("x")}
		start := time.Now()
		must(t, SeedDemo(ctx, s, DemoOptions{OfficerEmail: "officer@demo.test", ResidentID: "r1", ResidentEmail: "r@demo.test"}))
		took := time.Since(start)
		if n := count(t, s.DB, `SELECT count(*) FROM report_cases`); n != 200 {
			t.Errorf("%d demo reports, want 200", n)
		}
		if n := count(t, s.DB, `SELECT count(DISTINCT district) FROM report_cases`); n < 15 {
			t.Errorf("reports in only %d districts", n)
		}
		if n := count(t, s.DB, `SELECT count(DISTINCT status) FROM report_cases`); n < 6 {
			t.Errorf("only %d statuses", n)
		}
		if n := count(t, s.DB, `SELECT count(*) FROM report_updates`); n < 400 {
			t.Errorf("only %d history lines", n)
		}
		if n := count(t, s.DB, `SELECT count(*) FROM report_cases WHERE reporter_id = 'r1'`); n == 0 {
			t.Error("the demo resident has no cases")
		}
		if _, err := s.KeyFor(ctx, DemoAPIKey); err != nil {
			t.Errorf("demo key: %v", err)
		}
		c, err := s.Submit(ctx, NewReport{Category: "pothole", Description: "x", HasPoint: true, Lat: stareMiasto[0], Lon: stareMiasto[1], Channel: ChannelOpen311})
		if err != nil || c.Number != 201 {
			t.Errorf("the first report after the demo: %+v, %v", c, err)
		}
		must(t, SeedDemo(ctx, s, DemoOptions{}))
		if n := count(t, s.DB, `SELECT count(*) FROM report_cases`); n != 201 {
			t.Errorf("seeding twice: %d reports", n)
		}
		t.Logf("%s: demo seeding took %v", d.Dialect, took)
	})
}

// The profile section: the resident's cases, their data, and erasure that
// keeps the public record and the counts.
func TestProfileSection(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := web.WithLang(t.Context(), "en")
		mine, err := f.s.Submit(ctx, f.report(func(n *NewReport) { n.ReporterID, n.ReporterEmail, n.ReporterPhone = "resident-1", "", "+48 1" }))
		if err != nil {
			t.Fatal(err)
		}
		other, _ := f.s.Submit(ctx, f.report())
		must2(t)(f.s.Support(ctx, other.Number, "resident-1"))
		sec := Section{S: f.s}
		items, err := sec.Items(ctx, "resident-1")
		if err != nil || len(items) != 1 || items[0].Title != "Report no. 1: Pothole" || items[0].Status != "Submitted" || items[0].URL != "/reports/1" {
			t.Errorf("items = %+v, %v", items, err)
		}
		data, err := sec.PersonalData(ctx, "resident-1")
		if err != nil {
			t.Fatal(err)
		}
		if s := fmt.Sprintf("%+v", data); !strings.Contains(s, "rita@home.test") || !strings.Contains(s, "Supports:[2]") {
			t.Errorf("personal data = %s", s)
		}
		if err := d.InTx(ctx, func(tx *sql.Tx) error { return sec.Erase(ctx, tx, "resident-1") }); err != nil {
			t.Fatal(err)
		}
		c, err := f.s.Get(ctx, mine.Number)
		if err != nil || c.ReporterID != "" || c.ReporterEmail != "" || c.ReporterPhone != "" || c.Description == "" {
			t.Errorf("after erasure: %+v, %v", c, err)
		}
		if o, _ := f.s.Get(ctx, other.Number); o.Supporters != 1 {
			t.Errorf("supporters after erasure = %d, want it still counted", o.Supporters)
		}
		if items, _ := sec.Items(ctx, "resident-1"); len(items) != 0 {
			t.Errorf("items after erasure: %v", items)
		}
	})
}
