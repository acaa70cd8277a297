package e2e

import (
	"strings"
	"testing"
)

// TestTaxFlow walks the demo resident from their taxes to paying the open
// waste-fee instalment by QR code and to the printable slip, on a phone,
// without JavaScript, in every language; every page must pass axe-core.
func TestTaxFlow(t *testing.T) {
	s := start(t)
	for _, lang := range s.srv.Catalog.Languages() {
		t.Run(lang, func(t *testing.T) {
			f := s.startFlow(t, Resident, lang)
			f.phone()
			f.open("/taxes")
			f.page("the resident's taxes")
			f.fits("the resident's taxes")
			f.open(f.attr(`main a[href^="/taxes/OD-"][href$="/pay/2"]`, "href"))
			f.page("paying an instalment")
			f.fits("paying an instalment")
			if svg := f.attr(`main .qr svg`, "role"); svg != "img" {
				t.Errorf("the QR code is not an image with a name (role %q)", svg)
			}
			if acct := f.text("main dl.transfer"); !strings.Contains(acct, "96 1234 5678 0000 0000 0000 0001") {
				t.Errorf("the transfer details lack the account: %q", acct)
			}
			f.open(f.attr(`main a[href$="/slip"]`, "href"))
			f.page("the payment slip")
			f.fits("the payment slip")
		})
	}
}
