package bankqr

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The worked examples: each transfer's payload exactly (kept in testdata
// too, as the outside check's expected values).
var examples = []struct {
	name string
	t    Transfer
	want string
}{
	{"the recommendation's layout", Transfer{NIP: "6761013717", Account: "PL 96 1234 5678 0000 0000 0000 0001", Amount: 12345,
		Name: "Gmina Miejska Krak", Title: "Oplata 2024/001"},
		"6761013717|PL|96123456780000000000000001|012345|Gmina Miejska Krak|Oplata 2024/001|||"},
	{"no NIP, Polish letters, a long title cut to 32", Transfer{Account: "96123456780000000000000001", Amount: 61728,
		Name: "Gmina Miejska Kraków", Title: "Podatek od nieruchomości 2027 rata 2 decyzja DP/123/2027"},
		"|PL|96123456780000000000000001|061728|Gmina Miejska Kraków|Podatek od nieruchomości 2027 ra|||"},
	{"no amount: the payer types it", Transfer{NIP: "676-101-37-17", Account: "96 1234 5678 0000 0000 0000 0001",
		Name: "Gmina Miejska Kraków", Title: "Opłata za odpady 2027", Reserved1: "Z-2027-000001"},
		"6761013717|PL|96123456780000000000000001|000000|Gmina Miejska Kraków|Opłata za odpady 2027|Z-2027-000001||"},
	{"the largest amount", Transfer{Account: "96123456780000000000000001", Amount: MaxAmount, Name: "UMK", Title: "Rata"},
		"|PL|96123456780000000000000001|999999|UMK|Rata|||"},
}

func TestPayloadExamples(t *testing.T) {
	var stored bytes.Buffer
	for _, ex := range examples {
		got, err := ex.t.Payload()
		if err != nil {
			t.Errorf("%s: %v", ex.name, err)
			continue
		}
		if got != ex.want {
			t.Errorf("%s:\n got %q\nwant %q", ex.name, got, ex.want)
		}
		if n := strings.Count(got, "|"); n != 8 {
			t.Errorf("%s: %d separators, want 8 (nine fields)", ex.name, n)
		}
		stored.WriteString(ex.want + "\n")
	}
	want, err := os.ReadFile("testdata/payloads.txt")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(want, stored.Bytes()) {
		t.Errorf("testdata/payloads.txt differs from the examples:\n%s", want)
	}
}

func TestPayloadRefuses(t *testing.T) {
	ok := Transfer{Account: "96123456780000000000000001", Name: "UMK", Title: "Rata"}
	for _, tt := range []struct {
		name string
		edit func(*Transfer)
		want error
	}{
		{"an account with a wrong check digit", func(t *Transfer) { t.Account = "97123456780000000000000001" }, ErrAccount},
		{"an account of 25 digits", func(t *Transfer) { t.Account = "9612345678000000000000001" }, ErrAccount},
		{"letters in the account", func(t *Transfer) { t.Account = "96A23456780000000000000001" }, ErrAccount},
		{"a NIP with a wrong check digit", func(t *Transfer) { t.NIP = "1234567850" }, ErrNIP},
		{"an amount over the field", func(t *Transfer) { t.Amount = MaxAmount + 1 }, ErrAmountRange},
		{"a negative amount", func(t *Transfer) { t.Amount = -1 }, ErrAmountRange},
		{"a pipe in the title", func(t *Transfer) { t.Title = "a|b" }, ErrPipe},
		{"a reserved field too long", func(t *Transfer) { t.Reserved2 = strings.Repeat("x", MaxReserved2+1) }, ErrTooLong},
	} {
		tr := ok
		tt.edit(&tr)
		if _, err := tr.Payload(); !errors.Is(err, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, err, tt.want)
		}
	}
}

func TestNIP(t *testing.T) {
	for nip, valid := range map[string]bool{"6761013717": true, "1060006024": true, "1234567854": true, "5260000005": true,
		"1234567850": false, "676-101-37-17": true, "PL6761013717": true, "676101371": false, "": false} {
		if _, ok := NormalizeNIP(nip); ok != valid {
			t.Errorf("NIP %q valid = %v, want %v", nip, ok, valid)
		}
	}
}

func TestFormatNRB(t *testing.T) {
	if got := FormatNRB("96123456780000000000000001"); got != "96 1234 5678 0000 0000 0000 0001" {
		t.Errorf("FormatNRB = %q", got)
	}
}

// The drawn codes decode back to their payload with a real decoder
// (zbarimg, Debian's zbar-tools); skipped when it is absent.
func TestDrawnCodesDecode(t *testing.T) {
	for _, ex := range examples {
		svg, err := SVG(ex.want, "kod QR")
		if err != nil || !strings.HasPrefix(svg, "<svg") || !strings.Contains(svg, `aria-label="kod QR"`) {
			t.Fatalf("SVG: %v %.80s", err, svg)
		}
	}
	zbar, err := exec.LookPath("zbarimg")
	if err != nil {
		t.Skip("zbarimg (Debian zbar-tools) is not installed; the payloads are still checked above")
	}
	dir := t.TempDir()
	for i, ex := range examples {
		png, err := PNG(ex.want, 6)
		if err != nil {
			t.Fatal(err)
		}
		file := filepath.Join(dir, "code.png")
		if err := os.WriteFile(file, png, 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(zbar, "--quiet", "--raw", "-Sbinary", file).Output()
		if err != nil {
			t.Fatalf("example %d: zbarimg: %v", i, err)
		}
		if got := strings.TrimSuffix(string(out), "\n"); got != ex.want {
			t.Errorf("example %d decodes to %q, want %q", i, got, ex.want)
		}
	}
}
