package card

import (
	"embed"
	"html/template"
	"net/http"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/card/code"
	"github.com/civitas-city/civitas/internal/web"
	"github.com/civitas-city/civitas/internal/web/qr"
)

//go:embed templates/*.html
var templates embed.FS

//go:embed locales/*.json
var locales embed.FS

//go:embed openapi.json
var openapi []byte

// Locales are the module's messages, for the catalog.
func Locales() embed.FS { return locales }

// OpenAPI is the module's part of the API description.
func OpenAPI() []byte { return openapi }

// Handler serves the card's pages and API.
type Handler struct {
	Site    *web.Site
	Service *Service
	// VerifyURL is where a resident verifies their residency.
	VerifyURL string
	// Districts are the city's districts, for filters and forms.
	Districts []District
}

// Pages lists the page templates.
var Pages = []string{"templates/my.html", "templates/catalogue.html", "templates/partners.html", "templates/partner.html", "templates/analytics.html"}

// RegisterPages registers the page templates.
func (h *Handler) RegisterPages() {
	h.Site.Renderer.RegisterWith("card", templates, nil, Pages...)
}

// Routes registers every route of the module: the one list to read.
func (h *Handler) Routes(handle web.Registrar) {
	// Anyone: the catalogue of offers.
	handle("GET /card", web.Public, h.handleCatalogue)

	// The holder, about their own cards only (found by the verified PESEL).
	handle("GET /card/my", web.SignedIn, h.handleMy)

	// Partners' systems, with a partner key in the X-API-Key header
	// ("Authorization: Bearer" is the residents' personal tokens).
	handle("POST /api/v1/card/check", web.Public, h.apiCheck)
	handle("POST /api/v1/card/events", web.Public, h.apiEvents)

	// Card officers: partners, their locations, offers and keys (audited).
	officer := web.Officer("card")
	handle("GET /officer/card", officer, h.handleAnalytics)
	handle("GET /officer/card/usage.csv", officer, h.handleUsageCSV)
	handle("GET /officer/card/partners", officer, h.handlePartners)
	handle("POST /officer/card/partners", officer, h.handleCreatePartner)
	handle("GET /officer/card/partners/{id}", officer, h.handlePartner)
	handle("POST /officer/card/partners/{id}/locations", officer, h.handleAddLocation)
	handle("POST /officer/card/partners/{id}/offers", officer, h.handleAddOffer)
	handle("POST /officer/card/partners/{id}/keys", officer, h.handleCreateKey)
	handle("POST /officer/card/partners/{id}/keys/{key}/revoke", officer, h.handleRevokeKey)
}

// MyPage is the holder's card page.
type MyPage struct {
	Verified  bool
	VerifyURL string
	Cards     []CardView
}

// CardView is one card with its code of this minute.
type CardView struct {
	Shown
	Grouped string        // the code in groups of three digits
	QR      template.HTML // the code as an SVG QR code
}

func (h *Handler) handleMy(w http.ResponseWriter, r *http.Request) error {
	p := &MyPage{VerifyURL: h.VerifyURL + "?next=/card/my"}
	var userID string
	if u := web.Participant(r.Context()); u != nil {
		userID = u.ID
	}
	shown, err := h.Service.Codes(r.Context(), userID)
	switch {
	case apperr.Is(err, apperr.Forbidden):
	case err != nil:
		return err
	default:
		p.Verified = true
		label := h.Site.Catalog.T(web.Lang(r.Context()), "card.my.qr_label")
		for _, s := range shown {
			svg, err := qr.SVG(s.Code, label, qr.Medium)
			if err != nil {
				return err
			}
			p.Cards = append(p.Cards, CardView{Shown: s, Grouped: code.Group(s.Code),
				QR: template.HTML(svg)}) //nolint:gosec // drawn here from digits and the escaped label
		}
	}
	// The code changes every minute: no page may keep one.
	w.Header().Set("Cache-Control", "no-store")
	return h.Site.Render(w, r, http.StatusOK, "card/my", "card.my.title", p)
}

// apiCheck checks a code: {"code": "123 456 789 012 345"} answers
// {"valid": true, "kind": "basic"} or {"valid": false, "reason": "..."}.
func (h *Handler) apiCheck(w http.ResponseWriter, r *http.Request) error {
	// The body first (415/400 for anything but a small JSON object), then
	// the key (403): the route is public, the key is the module's check.
	var in struct {
		Code string `json:"code"`
	}
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	partner, err := h.Service.PartnerFor(r.Context(), r.Header.Get("X-API-Key"))
	if err != nil {
		return err
	}
	res, err := h.Service.Check(r.Context(), partner, in.Code)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return web.WriteJSON(w, http.StatusOK, res)
}

// apiEvents takes a batch of usage events: {"events": [{"id", "time",
// "offer", "card"}, ...]} answers {"accepted", "duplicates", "rejected":
// [{"index", "id", "reason"}]} (docs/card.md: the policy).
func (h *Handler) apiEvents(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Events []Event `json:"events"`
	}
	r.Body = http.MaxBytesReader(w, r.Body, 2<<20) // 5,000 events of about 200 bytes, with room
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	partner, err := h.Service.PartnerFor(r.Context(), r.Header.Get("X-API-Key"))
	if err != nil {
		return err
	}
	res, err := h.Service.Ingest(r.Context(), partner, in.Events)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, res)
}
