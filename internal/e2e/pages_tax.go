package e2e

import (
	"net/http"
	"strconv"
	"time"
)

// Local taxes (internal/tax). The demo imports, for the demo resident,
// last year's property tax paid, this year's waste fee with instalment 2
// open, and last year's dog fee overdue with stated interest.
func init() {
	year := strconv.Itoa(time.Now().Year())
	waste := "/taxes/OD-" + year + "-000102/pay/2"
	Pages = append(Pages,
		Page{Path: "/taxes", As: Resident},
		Page{Path: waste, As: Resident},
		Page{Path: waste + "/slip", As: Resident},
		Page{Path: "/taxes/PS-" + strconv.Itoa(time.Now().Year()-1) + "-000103/pay/0", As: Resident},
		Page{Path: "/taxes/no-such/pay/1", As: Resident, Status: http.StatusNotFound},
		Page{Path: "/officer/taxes", As: Admin},
	)
	NotPages = append(NotPages,
		NotPage{"GET /taxes/{id}/pay/{n}/qr.png", "a QR code as a PNG image"},
		NotPage{"GET /taxes/{id}/pay/{n}/qr.svg", "a QR code as an SVG image"},
	)
}
