package news

import (
	"context"
	"embed"
	"net/http"
	"strconv"
	"time"

	"github.com/civitas-city/civitas/internal/news/newsletter"
	"github.com/civitas-city/civitas/internal/news/waste"
	"github.com/civitas-city/civitas/internal/web"
)

//go:embed templates/*.html
var templates embed.FS

//go:embed locales/*.json
var locales embed.FS

// OpenAPIPaths is the news's part of the API description.
//
//go:embed openapi.json
var OpenAPIPaths []byte

// Locales are the news's messages, for the catalog.
func Locales() embed.FS { return locales }

// District is a district as the news pages show it.
type District struct {
	Number int
	Name   string
}

// Handler serves the news pages, feeds and API.
type Handler struct {
	Site    *web.Site
	Service *Service
	Waste   *waste.Service
	// Newsletter sends the district newsletters; Account is the signed-in
	// account's address; Preferences lists residents' district-news
	// choices (accounts).
	Newsletter  *newsletter.Service
	Account     func(r *http.Request) (Account, error)
	Preferences func(ctx context.Context) ([]newsletter.Preference, error)
	Districts   []District
	// BaseURL makes the absolute links of feeds ("https://city.example").
	BaseURL string
	// Location is the city's time zone, for forms and calendars.
	Location *time.Location
	// DistrictOf is the signed-in resident's district (0: none), so that
	// /news starts with it.
	DistrictOf func(r *http.Request) int
}

// Pages lists the page templates.
var Pages = []string{
	"templates/news.html", "templates/item.html", "templates/officer.html", "templates/officer_edit.html",
	"templates/waste.html", "templates/officer_waste.html",
	"templates/officer_sources.html",
	"templates/newsletter.html", "templates/newsletter_link.html", "templates/officer_newsletter.html", "templates/officer_campaign.html",
}

// RegisterPages registers the page templates.
func (h *Handler) RegisterPages() {
	h.Site.Renderer.Register("news", templates, Pages...)
}

// Routes registers every route of the information hub: the one list to
// read.
func (h *Handler) Routes(handle web.Registrar) {
	// Everyone.
	handle("GET /news", web.Public, h.handleList)
	handle("GET /news/feed.atom", web.Public, h.handleAtom)
	handle("GET /news/feed.rss", web.Public, h.handleRSS)
	handle("GET /news/feed.json", web.Public, h.handleJSONFeed)
	handle("GET /news/calendar.ics", web.Public, h.handleCalendar)
	handle("GET /news/items/{slug}", web.Public, h.handleItem)
	handle("GET /news/waste", web.Public, h.handleWaste)
	handle("GET /news/waste/calendar.ics", web.Public, h.handleWasteCalendar)
	handle("POST /news/waste/reminder", web.SignedIn, h.handleWasteRemind)
	handle("POST /news/waste/reminder/stop", web.SignedIn, h.handleWasteStop)
	handle("GET /news/newsletter", web.Public, h.handleNewsletter)
	handle("POST /news/newsletter", web.Public, h.handleSubscribe)
	handle("GET /news/newsletter/confirm/{token}", web.Public, h.handleConfirmPage)
	handle("POST /news/newsletter/confirm/{token}", web.Public, h.handleConfirm)
	handle("GET /news/newsletter/unsubscribe/{token}", web.Public, h.handleUnsubscribePage)
	handle(UnsubscribePattern, web.Public, h.handleUnsubscribe)

	// Editors.
	officer := web.Officer("news")
	handle("GET /officer/news", officer, h.handleOfficer)
	handle("GET /officer/news/new", officer, h.handleNew)
	handle("POST /officer/news", officer, h.handleCreate)
	handle("GET /officer/news/{id}", officer, h.handleEdit)
	handle("POST /officer/news/{id}", officer, h.handleUpdate)
	handle("POST /officer/news/{id}/status", officer, h.handleMove)
	handle("POST /officer/news/{id}/photos", officer, h.handlePhoto)
	handle("GET /officer/news/waste", officer, h.handleWasteOfficer)
	handle("POST /officer/news/waste/areas", officer, h.handleWasteImport)
	handle("POST /officer/news/waste/schedule", officer, h.handleWasteImport)
	handle("GET /officer/news/sources", officer, h.handleSources)
	handle("POST /officer/news/sources", officer, h.handleAddSource)
	handle("POST /officer/news/sources/{id}/run", officer, h.handleRunSource)
	handle("GET /officer/news/newsletter", officer, h.handleNewsletterOfficer)
	handle("POST /officer/news/newsletter/digests", officer, h.handleCompose)
	handle("POST /officer/news/newsletter/campaigns", officer, h.handleCampaign)
	handle("POST /officer/news/newsletter/import", officer, h.handleImportPreferences)
	handle("GET /officer/news/newsletter/{id}", officer, h.handleCampaignPage)
	handle("POST /officer/news/newsletter/{id}/send", officer, h.handleSendCampaign)

	// The JSON API.
	handle("GET /api/v1/news", web.Public, h.apiList)
	handle("GET /api/v1/news/{slug}", web.Public, h.apiItem)
}

// actor is who makes the request, for the audit log.
func actor(r *http.Request) Actor {
	ctx := r.Context()
	u := web.CurrentUser(ctx)
	if u == nil {
		return Actor{RequestID: web.RequestID(ctx)}
	}
	return Actor{ID: u.ID, Name: u.Name, OnBehalfOf: web.OnBehalfOf(ctx), RequestID: web.RequestID(ctx)}
}

func (h *Handler) t(r *http.Request, key string, args ...any) string {
	return h.Site.Catalog.T(web.Lang(r.Context()), key, args...)
}

func (h *Handler) districtName(n int) string {
	for _, d := range h.Districts {
		if d.Number == n {
			return d.Name
		}
	}
	return strconv.Itoa(n)
}

// where names the districts an item is about, or the whole city.
func (h *Handler) where(r *http.Request, it *Item) []string {
	if len(it.Districts) == 0 {
		return []string{h.t(r, "news.city_wide")}
	}
	var out []string
	for _, d := range it.Districts {
		out = append(out, h.districtName(d))
	}
	return out
}

func (h *Handler) loc() *time.Location {
	if h.Location == nil {
		return time.UTC
	}
	return h.Location
}

// seeOther redirects after a POST.
func seeOther(w http.ResponseWriter, r *http.Request, to string) error {
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}
