package card

import (
	"sync"
	"testing"
	"time"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/db/dbtest"
)

// annaCodes imports the test file and returns Anna's cards with their
// codes of this minute (basic first).
func annaCodes(t *testing.T, s *Service) []Shown {
	t.Helper()
	mustImport(t, s)
	shown, err := s.Codes(t.Context(), "anna")
	if err != nil {
		t.Fatal(err)
	}
	if len(shown) != 2 || len(shown[0].Code) != 15 || shown[0].Code == shown[1].Code {
		t.Fatalf("Anna's codes: %+v", shown)
	}
	return shown
}

func newPartner(t *testing.T, s *Service) string {
	t.Helper()
	p, err := s.CreatePartner(t.Context(), nil, "Muzeum Krakowa", "culture")
	if err != nil {
		t.Fatal(err)
	}
	return p.ID
}

func TestCheckValidOnceThenReplayRefused(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d)
		shown := annaCodes(t, s)
		partner := newPartner(t, s)
		got, err := s.Check(t.Context(), partner, shown[1].Code)
		if err != nil || !got.Valid || got.Kind != Family || len(got.Card) != 32 || got.Reason != "" {
			t.Fatalf("the family card's code: %+v %v, want valid, family, with the partner's reference", got, err)
		}
		if got, _ := s.Check(t.Context(), partner, shown[1].Code); got.Valid || got.Reason != Replayed {
			t.Errorf("the same code again: %+v, want refused as already checked", got)
		}
		// Grouped as the page shows it, the basic card's code is read too.
		basic, _ := s.Check(t.Context(), partner, "  "+shown[0].Code[:3]+" "+shown[0].Code[3:])
		if !basic.Valid || basic.Kind != Basic || basic.Card == got.Card {
			t.Errorf("the basic card's code, grouped: %+v", basic)
		}
		// Another partner knows the same card by another reference.
		other := newPartner(t, s)
		s.Now = func() time.Time { return testNow.Add(time.Hour) }
		later, err := s.Codes(t.Context(), "anna")
		if err != nil {
			t.Fatal(err)
		}
		again, _ := s.Check(t.Context(), partner, later[1].Code)
		elsewhere, _ := s.Check(t.Context(), other, later[0].Code)
		if again.Card != got.Card || elsewhere.Card == basic.Card || elsewhere.Card == "" {
			t.Errorf("references: the same partner %q then %q (want equal); another partner %q for the basic card known as %q (want different)",
				got.Card, again.Card, elsewhere.Card, basic.Card)
		}
		s.Now = func() time.Time { return testNow }
		for _, c := range []string{"", "12345", "abc" + shown[0].Code[3:]} {
			if got, _ := s.Check(t.Context(), partner, c); got.Valid || got.Reason != NotACode {
				t.Errorf("code %q: %+v, want not a code", c, got)
			}
		}
		wrong := []byte(shown[0].Code)
		wrong[14] = '0' + (wrong[14]-'0'+1)%10
		if got, _ := s.Check(t.Context(), partner, string(wrong)); got.Valid || got.Reason != UnknownCode {
			t.Errorf("a code with a wrong last digit: %+v, want unknown", got)
		}
	})
}

func TestCheckCodeExpires(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d)
		shown := annaCodes(t, s)
		partner := newPartner(t, s)
		// Two minutes on, the code is neither the current nor the previous.
		s.Now = func() time.Time { return testNow.Add(2 * time.Minute) }
		if got, _ := s.Check(t.Context(), partner, shown[0].Code); got.Valid || got.Reason != UnknownCode {
			t.Errorf("a code two minutes old: %+v, want refused", got)
		}
		// One minute on, it is the previous step's code: still accepted.
		s.Now = func() time.Time { return testNow.Add(time.Minute) }
		if got, _ := s.Check(t.Context(), partner, shown[0].Code); !got.Valid {
			t.Errorf("a code of the previous minute: %+v, want valid", got)
		}
		// Records of checks older than the kept window are forgotten by the
		// next check; the recent ones stay (they guard against replay).
		s.Now = func() time.Time { return testNow.Add(time.Hour) }
		later, err := s.Codes(t.Context(), "anna")
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Check(t.Context(), partner, later[1].Code); !got.Valid {
			t.Errorf("a check an hour later: %+v", got)
		}
		if n := count(t, d, `SELECT count(*) FROM card_checks`); n != 1 {
			t.Errorf("%d checks recorded, want only the last one", n)
		}
	})
}

func TestCheckOutsideValidity(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d)
		annaCodes(t, s)
		partner := newPartner(t, s)
		// Anna's basic card ends on 2027-12-31; on 2028-01-02 its code is
		// still made (the page says it is not valid) but refused.
		s.Now = func() time.Time { return time.Date(2028, 1, 2, 12, 0, 0, 0, time.UTC) }
		now, err := s.Codes(t.Context(), "anna")
		if err != nil {
			t.Fatal(err)
		}
		if now[0].ValidOn || !now[1].ValidOn {
			t.Errorf("validity shown on 2028-01-02: basic %v, family %v; want false, true", now[0].ValidOn, now[1].ValidOn)
		}
		if got, _ := s.Check(t.Context(), partner, now[0].Code); got.Valid || got.Reason != NotValidToday {
			t.Errorf("an expired card's code: %+v, want refused as not valid", got)
		}
	})
}

// Two partners checking one code at the same moment: exactly one succeeds.
func TestCheckConcurrentReplay(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d)
		annaCodes(t, s)
		a, b := newPartner(t, s), newPartner(t, s)
		for round := range 5 {
			s.Now = func() time.Time { return testNow.Add(time.Duration(round) * time.Hour) }
			cs, err := s.Codes(t.Context(), "anna")
			if err != nil {
				t.Fatal(err)
			}
			var (
				wg    sync.WaitGroup
				mu    sync.Mutex
				valid int
			)
			for i := range 8 {
				wg.Go(func() {
					partner := a
					if i%2 == 1 {
						partner = b
					}
					got, err := s.Check(t.Context(), partner, cs[0].Code)
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					defer mu.Unlock()
					if got.Valid {
						valid++
					} else if got.Reason != Replayed {
						t.Errorf("a losing check: %+v, want already checked", got)
					}
				})
			}
			wg.Wait()
			if valid != 1 {
				t.Errorf("round %d: %d of 8 simultaneous checks succeeded, want exactly 1", round, valid)
			}
		}
	})
}

func TestPartnerKeys(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d)
		partner := newPartner(t, s)
		raw, k, err := s.CreateKey(t.Context(), nil, partner, "kasa 1")
		if err != nil {
			t.Fatal(err)
		}
		if got, err := s.PartnerFor(t.Context(), raw); err != nil || got != partner {
			t.Fatalf("the new key: %q %v, want partner %s", got, err, partner)
		}
		if n := count(t, d, `SELECT count(*) FROM card_partner_keys WHERE key_hash = $1 OR key_prefix = $1`, raw); n != 0 {
			t.Error("the key is stored in clear")
		}
		for _, bad := range []string{"", "ckp_nonsense", raw + "x"} {
			if _, err := s.PartnerFor(t.Context(), bad); !apperr.Is(err, apperr.Forbidden) {
				t.Errorf("key %q: %v, want Forbidden", bad, err)
			}
		}
		if err := s.RevokeKey(t.Context(), nil, k.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.PartnerFor(t.Context(), raw); !apperr.Is(err, apperr.Forbidden) {
			t.Errorf("a revoked key: %v, want Forbidden", err)
		}
		if err := s.RevokeKey(t.Context(), nil, k.ID); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("revoking twice: %v, want NotFound", err)
		}
		if n := count(t, d, `SELECT count(*) FROM audit_log WHERE action LIKE 'card.%'`); n != 3 {
			t.Errorf("%d audited card actions, want 3 (partner, key, revoke)", n)
		}
		if _, err := s.CreatePartner(t.Context(), nil, " ", "culture"); len(apperr.FieldsOf(err)) == 0 {
			t.Errorf("a partner without a name: %v, want a field error", err)
		}
		if _, err := s.CreatePartner(t.Context(), nil, "X", "casino"); len(apperr.FieldsOf(err)) == 0 {
			t.Errorf("a partner of an unknown category: %v, want a field error", err)
		}
	})
}
