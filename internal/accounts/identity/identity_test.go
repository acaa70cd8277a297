package identity_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/civitas-city/civitas/internal/accounts/census"
	"github.com/civitas-city/civitas/internal/accounts/identity"
	"github.com/civitas-city/civitas/internal/accounts/pesel"
	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/audit"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/db/dbtest"
)

var key = []byte("identity-test-key-identity-test-key-0123")

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// resident is a synthetic register entry.
type resident struct {
	pesel    string
	birth    time.Time
	district int
}

func (r resident) date() string { return r.birth.Format(time.DateOnly) }

func residents(n int) []resident {
	out := make([]resident, n)
	for i := range out {
		b := day(1950+i%50, time.Month(1+i%12), 1+i%28)
		out[i] = resident{pesel.Generate(b, 100+i, i%2 == 0), b, 1 + i%18}
	}
	return out
}

func importRegister(t *testing.T, d *db.DB, rs []resident) {
	t.Helper()
	var b strings.Builder
	b.WriteString("pesel,birth_date,district\n")
	for _, r := range rs {
		fmt.Fprintf(&b, "%s,%s,%d\n", r.pesel, r.date(), r.district)
	}
	if _, err := census.Import(t.Context(), d, strings.NewReader(b.String()), census.Options{Key: key, Actor: "test"}); err != nil {
		t.Fatal(err)
	}
}

func service(d *db.DB) *identity.Service {
	return &identity.Service{DB: d, Key: key, IsDistrict: func(n int) bool { return n >= 1 && n <= 18 }}
}

// addUser makes an account with an email (confirmed or not) and returns
// its id.
func addUser(t *testing.T, d *db.DB, email string, confirmed bool) string {
	t.Helper()
	id := db.NewID()
	var at any
	if confirmed {
		at = db.TS(time.Now())
	}
	_, err := d.ExecContext(t.Context(), `INSERT INTO users (id, email, display_name, password_hash, email_confirmed_at, language, created_at)
		VALUES ($1, $2, $3, $4, $5, 'en', $6)`, id, email, "Name of "+email, "hash-of-"+email, at, db.TS(time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func wantField(t *testing.T, err error, field, key string) {
	t.Helper()
	got := apperr.FieldsOf(err)
	if got[field] != key {
		t.Fatalf("error %v: fields %v, want %s=%s", err, got, field, key)
	}
}

func TestStatusLevels(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		s := service(d)
		fresh := addUser(t, d, "fresh@example.test", false)
		confirmed := addUser(t, d, "confirmed@example.test", true)
		if _, err := d.ExecContext(ctx, `UPDATE users SET district = 4 WHERE id = $1`, confirmed); err != nil {
			t.Fatal(err)
		}
		st, err := s.Status(ctx, fresh)
		if err != nil || st.Level != identity.LevelNone || st.District != 0 || st.Verified() {
			t.Errorf("fresh: %+v, %v", st, err)
		}
		st, err = s.Status(ctx, confirmed)
		if err != nil || st.Level != identity.LevelEmail || st.District != 4 || st.Source != identity.FromChoice {
			t.Errorf("confirmed: %+v, %v", st, err)
		}
		if _, err := s.Status(ctx, "no-such-user"); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("unknown user: %v", err)
		}
		if _, ok, err := s.IsVerifiedResident(ctx, confirmed); ok || err != nil {
			t.Errorf("IsVerifiedResident of an unverified account: %v, %v", ok, err)
		}
	})
}

func TestVerifyCensus(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		s := service(d)
		rs := residents(30)
		importRegister(t, d, rs)
		anna := addUser(t, d, "anna@example.test", true)
		if _, err := d.ExecContext(ctx, `UPDATE users SET district = 1 WHERE id = $1`, anna); err != nil {
			t.Fatal(err)
		}
		r := rs[7]

		// Mistakes are named by field, before the register is asked.
		_, err := s.VerifyCensus(ctx, anna, "1234", "", "")
		wantField(t, err, "pesel", "pesel.error.length")
		wantField(t, err, "birth_date", "identity.error.birth_date")
		_, err = s.VerifyCensus(ctx, anna, r.pesel[:10]+string('0'+(r.pesel[10]-'0'+1)%10), r.date(), "")
		wantField(t, err, "pesel", "pesel.error.checksum")
		_, err = s.VerifyCensus(ctx, anna, r.pesel, "2001-01-01", "")
		wantField(t, err, "birth_date", "identity.error.birth_mismatch")
		absent := pesel.Generate(day(1980, 3, 3), 999, true)
		_, err = s.VerifyCensus(ctx, anna, absent, "1980-03-03", "")
		wantField(t, err, "pesel", "identity.error.not_in_register")

		// The right PESEL and birth date (Polish date format, spaces around).
		res, err := s.VerifyCensus(ctx, anna, " "+r.pesel+" ", r.birth.Format("02.01.2006"), "")
		if err != nil || res.UserID != anna || res.District != r.district || res.Claimed {
			t.Fatalf("verify: %+v, %v", res, err)
		}
		st, err := s.Status(ctx, anna)
		if err != nil || st.Level != identity.LevelResidency || st.Method != identity.MethodCensus || st.District != r.district || st.Source != identity.FromRegister {
			t.Errorf("status: %+v, %v", st, err)
		}
		if dist, ok, err := s.IsVerifiedResident(ctx, anna); !ok || dist != r.district || err != nil {
			t.Errorf("IsVerifiedResident: %d %v %v", dist, ok, err)
		}
		// Verifying again with the same PESEL is a no-op; another PESEL is refused.
		if res, err := s.VerifyCensus(ctx, anna, r.pesel, r.date(), ""); err != nil || !res.Already {
			t.Errorf("again: %+v, %v", res, err)
		}
		_, err = s.VerifyCensus(ctx, anna, rs[8].pesel, rs[8].date(), "")
		if !errors.Is(err, identity.ErrAlreadyVerified) {
			t.Errorf("a second PESEL: %v", err)
		}

		// A second account with the same PESEL is refused, and officers see it.
		bob := addUser(t, d, "bob@example.test", true)
		_, err = s.VerifyCensus(ctx, bob, r.pesel, r.date(), "")
		if !errors.Is(err, identity.ErrPESELTaken) || apperr.KindOf(err) != apperr.Conflict {
			t.Fatalf("second claim: %v", err)
		}
		if _, ok, _ := s.IsVerifiedResident(ctx, bob); ok {
			t.Error("the second claimant is verified")
		}
		refused, err := s.RefusedClaims(ctx, 0)
		if err != nil || len(refused) != 1 || refused[0].UserID != bob || refused[0].HolderID != anna || refused[0].Reason != "taken" ||
			refused[0].Method != identity.MethodCensus || refused[0].UserEmail != "bob@example.test" || refused[0].HolderManaged {
			t.Errorf("refused claims: %+v, %v", refused, err)
		}
		if es, _ := audit.List(ctx, d, audit.Filter{Action: "residency."}); len(es) != 2 || es[0].Action != "residency.refused" || es[1].TargetID != anna {
			t.Errorf("audit: %+v", es)
		}

		// The resident's own attempt in the paper-ballot lookup.
		uid, found, err := s.FindByPESEL(ctx, r.pesel)
		if err != nil || uid != anna || !found.BirthDate.Equal(r.birth) || found.District != r.district ||
			found.PESELHash != s.PESELHash(r.pesel) || !found.Verified {
			t.Errorf("FindByPESEL: %s %+v %v", uid, found, err)
		}
		if got, err := s.Residency(ctx, anna); err != nil || got != found {
			t.Errorf("Residency = %+v, %v; want what FindByPESEL found: %+v", got, err, found)
		}
		uid, found, err = s.FindByPESEL(ctx, rs[9].pesel)
		if err != nil || uid != "" || found.District != rs[9].district {
			t.Errorf("FindByPESEL of an unclaimed entry: %q %+v %v", uid, found, err)
		}
		if _, _, err := s.FindByPESEL(ctx, absent); !errors.Is(err, identity.ErrUnknownPESEL) {
			t.Errorf("FindByPESEL of an unknown PESEL: %v", err)
		}
		if _, _, err := s.FindByPESEL(ctx, "123"); apperr.KindOf(err) != apperr.Invalid {
			t.Errorf("FindByPESEL of an invalid PESEL: %v", err)
		}
	})
}

// A new register keeps claims by hash: a resident who moved follows their
// new district, one who left lapses (and returns when listed again).
func TestReimportKeepsClaims(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		s := service(d)
		rs := residents(10)
		importRegister(t, d, rs)
		mover, leaver := addUser(t, d, "mover@example.test", true), addUser(t, d, "leaver@example.test", true)
		for id, r := range map[string]resident{mover: rs[1], leaver: rs[2]} {
			if _, err := s.VerifyCensus(ctx, id, r.pesel, r.date(), ""); err != nil {
				t.Fatal(err)
			}
		}
		next := append([]resident{}, rs...)
		next[1].district = rs[1].district%18 + 1
		next = append(next[:2], next[3:]...)
		importRegister(t, d, next)
		if dist, ok, _ := s.IsVerifiedResident(ctx, mover); !ok || dist != next[1].district {
			t.Errorf("mover: %d %v", dist, ok)
		}
		if _, ok, _ := s.IsVerifiedResident(ctx, leaver); ok {
			t.Error("a resident no longer in the register is still verified")
		}
		if r, err := s.Residency(ctx, leaver); err != nil || r != (identity.Residency{}) {
			t.Errorf("Residency of a lapsed resident = %+v, %v; want none", r, err)
		}
		st, _ := s.Status(ctx, leaver)
		if !st.Lapsed || st.Level != identity.LevelEmail {
			t.Errorf("leaver status: %+v", st)
		}
		if n, err := identity.Lapsed(ctx, d); n != 1 || err != nil {
			t.Errorf("Lapsed = %d, %v", n, err)
		}
		importRegister(t, d, rs)
		if _, ok, _ := s.IsVerifiedResident(ctx, leaver); !ok {
			t.Error("a resident listed again is not verified")
		}
	})
}

func TestTooManyFailures(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		now := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
		s := service(d)
		s.MaxFailures = 3
		s.Now = func() time.Time { return now }
		rs := residents(3)
		importRegister(t, d, rs)
		u := addUser(t, d, "guesser@example.test", true)
		for i := range 3 {
			p := pesel.Generate(day(1970, 1, 1+i), 900+i, true)
			if _, err := s.VerifyCensus(ctx, u, p, fmt.Sprintf("1970-01-%02d", 1+i), ""); !errors.Is(err, identity.ErrNotInRegister) {
				t.Fatalf("guess %d: %v", i, err)
			}
		}
		// Now even the right answer waits a day.
		if _, err := s.VerifyCensus(ctx, u, rs[0].pesel, rs[0].date(), ""); !errors.Is(err, identity.ErrTooMany) {
			t.Fatalf("after 3 failures: %v", err)
		}
		now = now.Add(25 * time.Hour)
		if _, err := s.VerifyCensus(ctx, u, rs[0].pesel, rs[0].date(), ""); err != nil {
			t.Fatalf("a day later: %v", err)
		}
	})
}

func TestInPerson(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		s := service(d)
		rs := residents(5)
		importRegister(t, d, rs)
		officer := addUser(t, d, "officer@example.test", true)
		u := addUser(t, d, "walkin@example.test", false)
		newcomer := pesel.Generate(day(1991, 6, 6), 5, false) // not in the register yet

		_, err := s.VerifyInPerson(ctx, officer, u, newcomer, "", 0)
		wantField(t, err, "district", "identity.error.district")
		_, err = s.VerifyInPerson(ctx, officer, u, newcomer, "1991-06-07", 3)
		wantField(t, err, "birth_date", "identity.error.birth_mismatch")
		res, err := s.VerifyInPerson(ctx, officer, u, newcomer, "1991-06-06", 3)
		if err != nil || res.District != 3 {
			t.Fatalf("in person: %+v, %v", res, err)
		}
		st, _ := s.Status(ctx, u)
		if st.Level != identity.LevelResidency || st.Method != identity.MethodInPerson || st.Source != identity.FromOfficer || st.VerifiedBy != officer {
			t.Errorf("status: %+v", st)
		}
		uid, found, err := s.FindByPESEL(ctx, newcomer)
		if err != nil || uid != u || found.District != 3 || !found.BirthDate.Equal(day(1991, 6, 6)) {
			t.Errorf("FindByPESEL: %s %+v %v", uid, found, err)
		}
		// Verified in person, not in the register: the birth date is unknown
		// without the PESEL.
		if r, err := s.Residency(ctx, u); err != nil || !r.Verified || r.District != 3 || !r.BirthDate.IsZero() || r.PESELHash != found.PESELHash {
			t.Errorf("Residency of an in-person verification: %+v, %v", r, err)
		}
		es, _ := audit.List(ctx, d, audit.Filter{Action: "residency.verify"})
		if len(es) != 1 || es[0].ActorID != officer || es[0].OnBehalfOf != u || es[0].Details["method"] != "in_person" {
			t.Errorf("audit: %+v", es)
		}
		// In the register, the register's district wins over the officer's.
		u2 := addUser(t, d, "walkin2@example.test", true)
		if res, err := s.VerifyInPerson(ctx, officer, u2, rs[0].pesel, "", 17); err != nil || res.District != rs[0].district {
			t.Errorf("in person, in the register: %+v, %v", res, err)
		}
	})
}

func TestManagedProfileAndClaim(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		s := service(d)
		rs := residents(5)
		importRegister(t, d, rs)
		officer := addUser(t, d, "officer@example.test", true)
		r := rs[3]

		_, err := s.CreateManaged(ctx, officer, identity.NewManaged{Name: " ", PESEL: "90051512358"})
		wantField(t, err, "name", "identity.error.name")
		wantField(t, err, "pesel", "pesel.error.checksum")
		m, err := s.CreateManaged(ctx, officer, identity.NewManaged{Name: "Łucja Kowalska", PESEL: r.pesel, BirthDate: r.date()})
		if err != nil || m.District != r.district || len(m.ClaimCode) != 11 {
			t.Fatalf("create: %+v, %v", m, err)
		}
		if _, err := s.CreateManaged(ctx, officer, identity.NewManaged{Name: "Again", PESEL: r.pesel}); !errors.Is(err, identity.ErrManagedExists) {
			t.Errorf("a second managed profile for the PESEL: %v", err)
		}
		st, _ := s.Status(ctx, m.UserID)
		if !st.Managed || st.Claimed || st.Level != identity.LevelResidency || st.District != r.district {
			t.Errorf("managed status: %+v", st)
		}
		// Officers find it by PESEL and by name, in any letter case.
		for _, q := range []string{r.pesel, "łucja", "KOWAL", "Łucja Kow"} {
			ps, err := s.ManagedProfiles(ctx, q)
			if err != nil || len(ps) != 1 || ps[0].UserID != m.UserID || ps[0].Email != "" {
				t.Errorf("ManagedProfiles(%q) = %+v, %v", q, ps, err)
			}
		}
		if ps, _ := s.ManagedProfiles(ctx, "officer"); len(ps) != 0 {
			t.Errorf("ManagedProfiles lists a regular account: %+v", ps)
		}
		if res, _ := s.Search(ctx, "officer@example.test"); len(res.People) != 1 || res.People[0].UserID != officer {
			t.Errorf("search by email: %+v", res)
		}
		if res, _ := s.Search(ctx, rs[4].pesel); !res.ByPESEL || len(res.People) != 0 || res.Register == nil || res.Register.District != rs[4].district {
			t.Errorf("search by an unclaimed PESEL: %+v", res)
		}
		if res, _ := s.Search(ctx, "50%_"); len(res.People) != 0 {
			t.Errorf("LIKE wildcards are not escaped: %+v", res)
		}

		// Online, the resident registers and verifies with the PESEL: without
		// the claim code the claim is refused (a PESEL is not a secret).
		online := addUser(t, d, "lucja@example.test", true)
		_, err = s.VerifyCensus(ctx, online, r.pesel, r.date(), "")
		wantField(t, err, "claim_code", "identity.error.claim_code")
		_, err = s.VerifyCensus(ctx, online, r.pesel, r.date(), "AAAAA-AAAAA")
		wantField(t, err, "claim_code", "identity.error.claim_code")
		refused, _ := s.RefusedClaims(ctx, 10)
		if len(refused) != 2 || refused[0].Reason != "claim_code" || refused[1].Reason != "claim_code_missing" || !refused[0].HolderManaged {
			t.Errorf("refused: %+v", refused)
		}
		// With the code (any case, without the dash) the account adopts the profile.
		code := strings.ToLower(strings.ReplaceAll(m.ClaimCode, "-", ""))
		res, err := s.VerifyCensus(ctx, online, r.pesel, r.date(), code)
		if err != nil || !res.Claimed || res.UserID != m.UserID || res.District != r.district {
			t.Fatalf("claim: %+v, %v", res, err)
		}
		var (
			email, hash, name string
			n                 int
		)
		if err := d.QueryRowContext(ctx, `SELECT email, password_hash, display_name FROM users WHERE id = $1`, m.UserID).Scan(&email, &hash, &name); err != nil {
			t.Fatal(err)
		}
		if email != "lucja@example.test" || hash != "hash-of-lucja@example.test" || name != "Name of lucja@example.test" {
			t.Errorf("after the claim the profile has %q %q %q", email, hash, name)
		}
		d.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE id = $1`, online).Scan(&n)
		if n != 0 {
			t.Error("the empty online account was kept")
		}
		st, _ = s.Status(ctx, m.UserID)
		if !st.Claimed || !st.Verified() || st.Level != identity.LevelResidency {
			t.Errorf("claimed status: %+v", st)
		}
		if _, err := s.NewClaimCode(ctx, officer, m.UserID); !errors.Is(err, identity.ErrNotManaged) {
			t.Errorf("new code for a claimed profile: %v", err)
		}
		es, _ := audit.List(ctx, d, audit.Filter{Action: "managed."})
		if len(es) != 2 || es[0].Action != "managed.claim" || es[0].ActorID != m.UserID || es[0].Details["merged_account"] != online ||
			es[1].Action != "managed.create" || es[1].ActorID != officer || es[1].OnBehalfOf != m.UserID {
			t.Errorf("audit: %+v", es)
		}
		// Once claimed, the PESEL is taken like any other.
		other := addUser(t, d, "other@example.test", true)
		if _, err := s.VerifyCensus(ctx, other, r.pesel, r.date(), code); !errors.Is(err, identity.ErrPESELTaken) {
			t.Errorf("claiming a claimed profile: %v", err)
		}
	})
}

// Signing in with the identity provider claims a managed profile without
// a code; a new code replaces the old one.
func TestClaimByOIDCAndNewCode(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		s := service(d)
		rs := residents(3)
		importRegister(t, d, rs)
		officer := addUser(t, d, "officer@example.test", true)
		newcomer := pesel.Generate(day(1960, 2, 2), 7, true)
		m, err := s.CreateManaged(ctx, officer, identity.NewManaged{Name: "Jan Nowy", PESEL: newcomer})
		wantField(t, err, "district", "identity.error.district")
		m, err = s.CreateManaged(ctx, officer, identity.NewManaged{Name: "Jan Nowy", PESEL: newcomer, District: 9})
		if err != nil {
			t.Fatal(err)
		}
		code, err := s.NewClaimCode(ctx, officer, m.UserID)
		if err != nil || code == m.ClaimCode {
			t.Fatalf("new code: %q, %v", code, err)
		}
		online := addUser(t, d, "jan@example.test", true)
		// The provider vouches for the PESEL, but the register does not list it.
		if _, err := s.VerifyOIDC(ctx, online, newcomer); apperr.MessageOf(err) != "identity.error.oidc_not_in_register" {
			t.Errorf("OIDC, not in the register: %v", err)
		}
		// At a desk an officer merges the online account into the profile.
		res, err := s.VerifyInPerson(ctx, officer, online, newcomer, "", 0)
		if err != nil || !res.Claimed || res.UserID != m.UserID || res.District != 9 {
			t.Fatalf("in-person claim: %+v, %v", res, err)
		}
		// The OIDC path: a second managed profile, claimed by a provider login.
		m2, err := s.CreateManaged(ctx, officer, identity.NewManaged{Name: "Ewa Stara", PESEL: rs[1].pesel})
		if err != nil {
			t.Fatal(err)
		}
		online2 := addUser(t, d, "ewa@example.test", false)
		res, err = s.VerifyOIDC(ctx, online2, rs[1].pesel)
		if err != nil || !res.Claimed || res.UserID != m2.UserID || res.District != rs[1].district {
			t.Fatalf("OIDC claim: %+v, %v", res, err)
		}
		_ = context.Background()
	})
}

// Concurrent claims of one PESEL: exactly one account wins, the others are
// refused; a double-submitted form verifies once.
func TestConcurrentClaims(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		s := service(d)
		rs := residents(3)
		importRegister(t, d, rs)
		const n = 6
		users := make([]string, n)
		for i := range users {
			users[i] = addUser(t, d, fmt.Sprintf("racer%d@example.test", i), true)
		}
		errs := make(chan error, 2*n)
		for _, u := range users {
			go func() { _, err := s.VerifyCensus(ctx, u, rs[0].pesel, rs[0].date(), ""); errs <- err }()
		}
		wins := 0
		for range users {
			switch err := <-errs; {
			case err == nil:
				wins++
			case !errors.Is(err, identity.ErrPESELTaken):
				t.Errorf("a losing claim: %v", err)
			}
		}
		if wins != 1 {
			t.Errorf("%d accounts won the PESEL", wins)
		}
		u := addUser(t, d, "double@example.test", true)
		for range n {
			go func() { _, err := s.VerifyCensus(ctx, u, rs[1].pesel, rs[1].date(), ""); errs <- err }()
		}
		for range n {
			if err := <-errs; err != nil {
				t.Errorf("double submit: %v", err)
			}
		}
	})
}

func TestSeedDemo(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		u := addUser(t, d, "resident@demo.test", true)
		for range 2 { // a second run changes nothing
			if err := identity.SeedDemo(ctx, d, key, u); err != nil {
				t.Fatal(err)
			}
		}
		reg := identity.DemoRegister()
		seen, districts := map[string]bool{}, map[int]int{}
		for _, r := range reg {
			if _, err := pesel.Parse(r.PESEL); err != nil || seen[r.PESEL] {
				t.Fatalf("demo PESEL %s: %v, duplicate %v", r.PESEL, err, seen[r.PESEL])
			}
			seen[r.PESEL] = true
			districts[r.District]++
		}
		if len(reg) != 1000 || len(districts) != 18 || districts[1] < 50 || districts[18] < 50 {
			t.Errorf("demo register: %d people over districts %v", len(reg), districts)
		}
		s := service(d)
		if dist, ok, err := s.IsVerifiedResident(ctx, u); !ok || err != nil || dist != identity.DemoVerified().District {
			t.Errorf("demo resident: %d %v %v", dist, ok, err)
		}
		un := identity.DemoUnclaimed()
		if uid, found, err := s.FindByPESEL(ctx, un.PESEL); err != nil || uid != "" || found.District != un.District {
			t.Errorf("unclaimed demo entry: %q %+v %v", uid, found, err)
		}
		if ps, err := s.ManagedProfiles(ctx, "helena"); err != nil || len(ps) != 1 || !ps[0].Status.Verified() {
			t.Errorf("demo managed profile: %+v, %v", ps, err)
		}
		other := addUser(t, d, "tester@demo.test", true)
		if _, err := s.VerifyCensus(ctx, other, un.PESEL, un.BirthDate.Format("02.01.2006"), ""); err != nil {
			t.Errorf("verify with the printed demo PESEL: %v", err)
		}
	})
}

// Two online accounts claiming one managed profile at once: one takes it
// over, the other is refused.
func TestConcurrentManagedClaims(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		s := service(d)
		rs := residents(2)
		importRegister(t, d, rs)
		officer := addUser(t, d, "officer@example.test", true)
		m, err := s.CreateManaged(ctx, officer, identity.NewManaged{Name: "Ktoś", PESEL: rs[0].pesel})
		if err != nil {
			t.Fatal(err)
		}
		const n = 4
		errs := make(chan error, n)
		for i := range n {
			u := addUser(t, d, fmt.Sprintf("claimer%d@example.test", i), true)
			go func() { _, err := s.VerifyCensus(ctx, u, rs[0].pesel, rs[0].date(), m.ClaimCode); errs <- err }()
		}
		wins := 0
		for range n {
			switch err := <-errs; {
			case err == nil:
				wins++
			case !errors.Is(err, identity.ErrPESELTaken):
				t.Errorf("a losing claim: %v", err)
			}
		}
		var users int
		d.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE email LIKE 'claimer%' AND id <> $1`, m.UserID).Scan(&users)
		if wins != 1 || users != n-1 {
			t.Errorf("%d claims won; %d claimer accounts left, want %d", wins, users, n-1)
		}
	})
}

// TestResidentsOf lists a district's residents by the register's district
// (the one that wins), leaving out lapsed ones.
func TestResidentsOf(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		s := service(d)
		rs := residents(10)
		importRegister(t, d, rs)
		mover, leaver := addUser(t, d, "mover@example.test", true), addUser(t, d, "leaver@example.test", true)
		for id, r := range map[string]resident{mover: rs[1], leaver: rs[2]} {
			if _, err := s.VerifyCensus(ctx, id, r.pesel, r.date(), ""); err != nil {
				t.Fatal(err)
			}
		}
		next := append([]resident{}, rs...)
		next[1].district = rs[1].district%18 + 1
		next = append(next[:2], next[3:]...)
		importRegister(t, d, next)
		if got, err := s.ResidentsOf(ctx, next[1].district); err != nil || len(got) != 1 || got[0] != mover {
			t.Errorf("residents of the mover's new district: %v, %v", got, err)
		}
		if got, _ := s.ResidentsOf(ctx, rs[1].district); slices.Contains(got, mover) {
			t.Error("the mover is still listed in their old district")
		}
		if got, _ := s.ResidentsOf(ctx, 0); len(got) != 1 {
			t.Errorf("every district: %v, want the mover only (the leaver lapsed)", got)
		}
	})
}
