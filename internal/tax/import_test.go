package tax

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/civitas-city/civitas/internal/accounts/census"
	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/db/dbtest"
	"github.com/civitas-city/civitas/internal/i18n"
	"github.com/civitas-city/civitas/internal/web"
)

const (
	testKey   = "a test key of at least thirty-two bytes"
	annaPESEL = "85030412348"
)

var asOf = time.Date(2027, 4, 1, 0, 0, 0, 0, time.UTC)

// payers maps accounts to PESEL hashes (identity's residency in the app).
type payers map[string]string

func (p payers) PayerOf(_ context.Context, userID string) (string, bool, error) {
	h, ok := p[userID]
	return h, ok, nil
}

func newService(t *testing.T, d *db.DB) *Service {
	t.Helper()
	cat := i18n.New("pl", "en", "uk")
	return &Service{DB: d, Key: []byte(testKey), Catalog: cat, Recipient: "Gmina Miejska Kraków", RecipientNIP: "6761013717",
		Payers: payers{"anna": census.Hash([]byte(testKey), annaPESEL)},
		Now:    func() time.Time { return time.Date(2027, 4, 2, 9, 0, 0, 0, time.UTC) }, Log: slog.New(slog.NewTextHandler(os.Stderr, nil))}
}

func importFile(t *testing.T, s *Service, body []byte) (ImportResult, error) {
	t.Helper()
	return s.Import(context.Background(), bytes.NewReader(body), ImportOptions{FileName: "export.csv", AsOf: asOf, Actor: "test"})
}

func TestImportAndStatement(t *testing.T) {
	good, err := os.ReadFile("testdata/finance-export.csv")
	if err != nil {
		t.Fatal(err)
	}
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d)
		ctx := context.Background()
		res, err := importFile(t, s, good)
		if err != nil {
			t.Fatal(err)
		}
		if res.Already || res.Liabilities != 4 || res.Instalments != 9 || res.Payments != 3 {
			t.Errorf("import: %+v, want 4 liabilities, 9 instalments, 3 payments", res)
		}
		st, err := s.Mine(ctx, "anna")
		if err != nil {
			t.Fatal(err)
		}
		if len(st.Liabilities) != 3 || !st.AsOf.Equal(asOf) {
			t.Fatalf("Anna's statement: %d liabilities as of %v, want 3 as of %v", len(st.Liabilities), st.AsOf, asOf)
		}
		byID := map[string]*Liability{}
		for _, l := range st.Liabilities {
			byID[l.ID] = l
		}
		if paid := byID["DP-2027-000101"]; paid.Due() != 0 || paid.OverdueAmount(asOf) != 0 {
			t.Errorf("the paid property tax: due %d, overdue %d", paid.Due(), paid.OverdueAmount(asOf))
		}
		waste := byID["OD-2027-000102"]
		if next, ok := waste.Next(asOf); !ok || next.N != 2 || next.Open() != 30000 {
			t.Errorf("the waste fee's next instalment: %+v %v, want number 2 of 300,00 zł", next, ok)
		}
		if waste.Due() != 90000 || waste.OverdueAmount(asOf) != 0 {
			t.Errorf("the waste fee: due %d, overdue %d", waste.Due(), waste.OverdueAmount(asOf))
		}
		dog := byID["PS-2026-000103"]
		if dog.OverdueAmount(asOf) != 15000 || dog.Arrears != 15000 || dog.Interest != 1240 {
			t.Errorf("the overdue dog fee: overdue %d, arrears %d, interest %d", dog.OverdueAmount(asOf), dog.Arrears, dog.Interest)
		}
		if tot := st.Totals(0); tot.Due != 105000 || tot.Overdue != 15000 {
			t.Errorf("totals %+v, want 1 050,00 zł due of which 150,00 zł overdue", tot)
		}
		if _, err := s.Mine(ctx, "stranger"); !errors.Is(err, ErrNotVerified) {
			t.Errorf("an unverified account: %v", err)
		}
		if _, _, err := s.MyLiability(ctx, "anna", "ST-2027-000104"); !errors.Is(err, ErrNotFound) {
			t.Errorf("a firm's liability through Anna's account: %v", err)
		}
		if ok, _ := s.PaysCityIncomeTax(ctx, census.Hash([]byte(testKey), annaPESEL), 2026); !ok {
			t.Error("the city-income-tax flag of 2026 is lost")
		}

		// The same file again changes nothing.
		again, err := importFile(t, s, good)
		if err != nil || !again.Already {
			t.Errorf("the same file again: %+v, %v", again, err)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM tax_imports`); n != 1 {
			t.Errorf("%d import runs, want 1", n)
		}
	})
}

func TestBadImportChangesNothing(t *testing.T) {
	good, _ := os.ReadFile("testdata/finance-export.csv")
	header := "record,liability,pesel,nip,kind,year,decision,account,amount,arrears,interest,instalment,date\n"
	for _, tt := range []struct{ name, body, field string }{
		{"a negative amount", header + "L,X1,85030412348,,property,2027,D/1,96123456780000000000000001,-5.00,,,,\n", "amount"},
		{"an account with a wrong check sum", header + "L,X1,85030412348,,property,2027,D/1,97123456780000000000000001,5.00,,,,\n", "account"},
		{"a NIP with a wrong check digit", header + "L,X1,,1234567850,property,2027,D/1,96123456780000000000000001,5.00,,,,\n", "nip"},
		{"an invalid PESEL", header + "L,X1,85030412345,,property,2027,D/1,96123456780000000000000001,5.00,,,,\n", "pesel"},
		{"an instalment of an unknown liability", header + "I,NOPE,,,,,,,5.00,,,1,2027-03-15\n", "liability"},
		{"a payment of an unknown instalment", header + "L,X1,85030412348,,property,2027,D/1,96123456780000000000000001,5.00,,,,\nP,X1,,,,,,,5.00,,,3,2027-03-15\n", "instalment"},
		{"an unknown kind", header + "L,X1,85030412348,,church,2027,D/1,96123456780000000000000001,5.00,,,,\n", "kind"},
		{"a missing column", "record,liability\nL,X1\n", "header"},
		{"a bad date", header + "L,X1,85030412348,,property,2027,D/1,96123456780000000000000001,5.00,,,,\nI,X1,,,,,,,5.00,,,1,15.03.2027\n", "date"},
	} {
		dbtest.Each(t, func(t *testing.T, d *db.DB) {
			s := newService(t, d)
			if _, err := importFile(t, s, good); err != nil {
				t.Fatal(err)
			}
			refusals := count(t, d, `SELECT COUNT(*) FROM tax_import_refusals`)
			_, err := importFile(t, s, []byte(tt.body))
			fe, ok := errors.AsType[*web.FileError](err)
			if !ok || fe.Errors[0].Field != tt.field {
				t.Fatalf("%s: %v, want a problem in field %s", tt.name, err, tt.field)
			}
			if !strings.HasPrefix(fe.Errors[0].String(), "line ") {
				t.Errorf("%s: %q does not name the line", tt.name, fe.Errors[0])
			}
			if n := count(t, d, `SELECT COUNT(*) FROM tax_liabilities`); n != 4 {
				t.Errorf("%s: %d liabilities after a refused import, want the previous 4", tt.name, n)
			}
			if n := count(t, d, `SELECT COUNT(*) FROM tax_import_refusals`); n != refusals+1 {
				t.Errorf("%s: the refusal is not recorded for officers", tt.name)
			}
		})
	}
}

func TestOfficerLookup(t *testing.T) {
	good, _ := os.ReadFile("testdata/finance-export.csv")
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d)
		ctx := context.Background()
		if _, err := importFile(t, s, good); err != nil {
			t.Fatal(err)
		}
		officer := Actor{ID: "officer-1"}
		if _, err := s.Lookup(ctx, officer, annaPESEL, "short"); !apperr.Is(err, apperr.Invalid) {
			t.Errorf("a look-up without a real reason: %v", err)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM audit_log WHERE action = 'tax.lookup'`); n != 0 {
			t.Errorf("a refused look-up was audited as done (%d)", n)
		}
		st, err := s.Lookup(ctx, officer, annaPESEL, "Telefon mieszkanki w sprawie raty")
		if err != nil || len(st.Liabilities) != 3 {
			t.Fatalf("look-up by PESEL: %d liabilities, %v", len(st.Liabilities), err)
		}
		if st, err := s.Lookup(ctx, officer, "676-101-37-17", "Pismo firmy w sprawie raty"); err != nil || len(st.Liabilities) != 1 {
			t.Errorf("look-up by NIP: %d liabilities, %v", len(st.Liabilities), err)
		}
		if _, err := s.Lookup(ctx, officer, "90010112349", "Pytanie o nieznaną osobę"); !apperr.Is(err, apperr.Invalid) {
			t.Errorf("an unknown person: %v", err)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM audit_log WHERE action = 'tax.lookup' AND actor_id = 'officer-1'`); n != 3 {
			t.Errorf("%d look-ups audited, want 3 (every one made, found or not)", n)
		}
	})
}

func TestPaymentOrder(t *testing.T) {
	s := &Service{Recipient: "Gmina Miejska Kraków", RecipientNIP: "6761013717"}
	l := &Liability{ID: "OD-2027-000102", Decision: "DO/102/2027", Account: "96123456780000000000000001",
		Instalments: []Instalment{{N: 2, Amount: 30000}}, Arrears: 15000, Interest: 1240}
	o, err := s.Order(l, 2)
	if err != nil {
		t.Fatal(err)
	}
	if want := "6761013717|PL|96123456780000000000000001|030000|Gmina Miejska Kraków|DO/102/2027 rata 2|OD-2027-000102||"; o.Payload != want || !o.AmountInCode {
		t.Errorf("payload %q, want %q", o.Payload, want)
	}
	if o, err := s.Order(l, 0); err != nil || o.Amount != 16240 || !strings.Contains(o.Payload, "|016240|") {
		t.Errorf("arrears and interest: %+v %v", o, err)
	}
	big := &Liability{ID: "ST-2027-000104", Decision: "ST/104/2027", Account: l.Account, Instalments: []Instalment{{N: 1, Amount: 1200000}}}
	o, err = s.Order(big, 1)
	if err != nil || o.AmountInCode || !strings.Contains(o.Payload, "|000000|") || o.Amount != 1200000 {
		t.Errorf("12 000,00 zł: %+v %v; want a code without the amount, the amount kept whole", o, err)
	}
	if _, err := s.Order(l, 7); !errors.Is(err, ErrNotFound) {
		t.Errorf("no instalment 7: %v", err)
	}
}

func count(t *testing.T, d *db.DB, q string) int {
	t.Helper()
	var n int
	if err := d.QueryRowContext(context.Background(), q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
