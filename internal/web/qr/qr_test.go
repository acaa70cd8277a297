package qr

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestSVG(t *testing.T) {
	svg, err := SVG("123456789012345", `kod "karty" <1>`, Medium)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(svg, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 `) ||
		!strings.Contains(svg, `aria-label="kod &quot;karty&quot; &lt;1&gt;"`) || !strings.Contains(svg, `<path fill="#000" d="M`) {
		t.Errorf("SVG: %.300s", svg)
	}
}

// A scanner reads back what was drawn (zbarimg, Debian's zbar-tools);
// skipped when it is absent.
func TestPNGScans(t *testing.T) {
	zbar, err := exec.LookPath("zbarimg")
	if err != nil {
		t.Skip("zbarimg (Debian zbar-tools) is not installed")
	}
	const payload = "987654321000111"
	png, err := PNG(payload, Medium, 6)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "code.png")
	if err := os.WriteFile(path, png, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(zbar, "--raw", "-q", path).Output()
	if err != nil {
		t.Fatalf("zbarimg: %v", err)
	}
	if got := strings.TrimSpace(string(out)); got != payload {
		t.Errorf("scanned %q, want %q", got, payload)
	}
}
