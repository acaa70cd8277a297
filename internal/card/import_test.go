package card

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
	"github.com/civitas-city/civitas/internal/web"
)

const (
	testKey   = "a test key of at least thirty-two bytes"
	annaPESEL = "85030410001"
)

// holders maps accounts to PESEL hashes (identity's residency in the app).
type holders map[string]string

func (h holders) HolderOf(_ context.Context, userID string) (string, bool, error) {
	hash, ok := h[userID]
	return hash, ok, nil
}

var testNow = time.Date(2027, 5, 3, 9, 30, 0, 0, time.UTC)

func newService(t *testing.T, d *db.DB) *Service {
	t.Helper()
	return &Service{DB: d, Key: []byte(testKey), Holders: holders{"anna": census.Hash([]byte(testKey), annaPESEL)},
		Now: func() time.Time { return testNow }, Log: slog.New(slog.NewTextHandler(os.Stderr, nil))}
}

func importFile(t *testing.T, s *Service, body []byte) (ImportResult, error) {
	t.Helper()
	return s.Import(t.Context(), bytes.NewReader(body), ImportOptions{FileName: "eligibility.csv", Actor: "test"})
}

func mustImport(t *testing.T, s *Service) {
	t.Helper()
	good, err := os.ReadFile("testdata/eligibility.csv")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := importFile(t, s, good); err != nil {
		t.Fatal(err)
	}
}

func count(t *testing.T, d *db.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := d.QueryRowContext(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestImportGoodFile(t *testing.T) {
	good, err := os.ReadFile("testdata/eligibility.csv")
	if err != nil {
		t.Fatal(err)
	}
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d)
		res, err := importFile(t, s, good)
		if err != nil {
			t.Fatal(err)
		}
		if res.Already || res.Holders != 4 || res.Added != 4 || res.Removed != 0 {
			t.Errorf("first import: %+v, want 4 holders, 4 added", res)
		}
		cards, err := s.Mine(t.Context(), "anna")
		if err != nil {
			t.Fatal(err)
		}
		if len(cards) != 2 || cards[0].Kind != Basic || cards[1].Kind != Family || cards[1].FamilySize != 4 {
			t.Fatalf("Anna's cards: %+v, want basic and family (4)", cards)
		}
		if !cards[1].ValidTo.Equal(time.Date(2028, 6, 30, 0, 0, 0, 0, time.UTC)) || !cards[0].ValidOn(testNow) {
			t.Errorf("Anna's cards' validity: %+v", cards)
		}
		if cards[0].ID == cards[1].ID || cards[0].Number == cards[1].Number || cards[0].Number < 100_000_000 {
			t.Errorf("two cards share an id or number, or a number is short: %+v", cards)
		}
		// No PESEL is stored, only its keyed hash.
		if n := count(t, d, `SELECT count(*) FROM card_holders WHERE pesel_hash = $1 OR card_id = $1`, annaPESEL); n != 0 {
			t.Error("a PESEL is stored in clear")
		}

		// The same file again changes nothing.
		again, err := importFile(t, s, good)
		if err != nil || !again.Already {
			t.Fatalf("the same file again: %+v %v, want Already", again, err)
		}
		if n := count(t, d, `SELECT count(*) FROM card_imports`); n != 1 {
			t.Errorf("%d imports recorded, want 1", n)
		}

		// A new file: Anna keeps her basic card (same id and number), her
		// family card is no longer listed, a new holder comes.
		next := "pesel,kind,family_size,valid_from,valid_to\n" +
			"85030410001,basic,,2027-01-01,2028-12-31\n" +
			"01230410373,basic,,2027-05-01,2027-12-31\n"
		res, err = importFile(t, s, []byte(next))
		if err != nil {
			t.Fatal(err)
		}
		if res.Holders != 2 || res.Added != 1 || res.Removed != 3 {
			t.Errorf("second file: %+v, want 2 holders, 1 added, 3 removed", res)
		}
		after, err := s.Mine(t.Context(), "anna")
		if err != nil {
			t.Fatal(err)
		}
		if len(after) != 1 || after[0].ID != cards[0].ID || after[0].Number != cards[0].Number || after[0].ValidTo.Year() != 2028 {
			t.Errorf("Anna's cards after the second file: %+v, want her basic card kept, valid to 2028", after)
		}
	})
}

func TestImportRefusesBadRowsAllOrNothing(t *testing.T) {
	bad := "pesel,kind,family_size,valid_from,valid_to\n" +
		"85030410001,basic,,2027-01-01,2027-12-31\n" + // good
		"85030410002,basic,,2027-01-01,2027-12-31\n" + // wrong check digit
		"90030410135,gold,,2027-01-01,2027-12-31\n" + // kind
		"72030410247,family,2,2027-01-01,2027-12-31\n" + // family too small
		"72030410247,basic,3,2027-01-01,2027-12-31\n" + // size on a basic card
		"01230410373,basic,,2027-13-01,2027-12-31\n" + // date
		"01230410373,family,5,2027-06-01,2027-05-31\n" + // ends before it starts
		"85030410001,basic,,2027-02-01,2027-12-31\n" + // listed twice
		"85030410001,basic\n" // short row
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d)
		mustImport(t, s)
		before := count(t, d, `SELECT count(*) FROM card_holders`)
		_, err := importFile(t, s, []byte(bad))
		fe, ok := errors.AsType[*web.FileError](err)
		if !ok {
			t.Fatalf("a bad file: %v, want a *web.FileError", err)
		}
		want := []string{
			"line 3: pesel: not a valid PESEL",
			"line 4: kind: basic or family",
			"line 5: family_size: a family card needs the family's size, 3 to 30",
			"line 6: family_size: leave it empty for a basic card",
			"line 7: valid_from: a date as YYYY-MM-DD",
			"line 8: valid_to: the card cannot end before it starts (valid_from)",
			"line 9: pesel: this person's basic card is listed twice (first on line 2)",
			"line 10: row: 2 fields, the header has 5",
		}
		var got []string
		for _, e := range fe.Errors {
			got = append(got, e.String())
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		if n := count(t, d, `SELECT count(*) FROM card_holders`); n != before {
			t.Errorf("%d cards after a refused file, want the %d from before", n, before)
		}
		if n := count(t, d, `SELECT count(*) FROM card_import_refusals WHERE problems = 8`); n != 1 {
			t.Errorf("%d refusals recorded, want 1", n)
		}
		for _, body := range []string{"", "name,kind\nx,basic\n"} {
			if _, err := importFile(t, s, []byte(body)); !errors.As(err, &fe) || fe.Errors[0].Field != "header" {
				t.Errorf("file %q: %v, want a header problem", body, err)
			}
		}
	})
}

func TestMineNeedsAVerifiedResident(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d)
		mustImport(t, s)
		if _, err := s.Mine(t.Context(), "stranger"); !apperr.Is(err, apperr.Forbidden) {
			t.Errorf("an unverified account's cards: %v, want Forbidden", err)
		}
	})
}
