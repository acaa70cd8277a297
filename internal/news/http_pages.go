package news

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/files"
	"github.com/civitas-city/civitas/internal/web"
)

// ItemView is an item as lists and its page show it.
type ItemView struct {
	It    *Item
	URL   string
	Where []string
	// Mine tells an item about the signed-in resident's district.
	Mine bool
}

func (h *Handler) itemView(r *http.Request, it *Item, district int) ItemView {
	v := ItemView{It: it, URL: "/news/items/" + it.Slug, Where: h.where(r, it)}
	for _, d := range it.Districts {
		v.Mine = v.Mine || d == district && district != 0
	}
	return v
}

// FeedLink is a <link rel="alternate"> of /news for its filter.
type FeedLink struct {
	Type, TitleKey, URL string
}

// ListPage is /news: the feed with its filters.
type ListPage struct {
	Filter    Filter
	Query     string // the filter as a query string, for the feeds
	Districts []District
	Topics    []string
	Kinds     []Kind
	// Yours are the latest items of the resident's district, shown first
	// when no filter is chosen; YourDistrict names it.
	Yours        []ItemView
	YourDistrict string
	Items        []ItemView
	Feeds        []FeedLink
	Errors       web.FormErrors
}

// filterOf reads a filter from a query string; bad values are reported by
// the Service.
func filterOf(q url.Values) Filter {
	f := Filter{Topic: q.Get("topic"), Kind: Kind(q.Get("kind")), Query: strings.TrimSpace(q.Get("q"))}
	if d := q.Get("district"); d != "" {
		var err error
		if f.District, err = strconv.Atoi(d); err != nil {
			f.District = -1 // refused by the Service with a message
		}
	}
	return f
}

// query writes f back as a query string (empty fields left out).
func (f Filter) query() string {
	v := url.Values{}
	if f.District != 0 {
		v.Set("district", strconv.Itoa(f.District))
	}
	if f.Topic != "" {
		v.Set("topic", f.Topic)
	}
	if f.Kind != "" {
		v.Set("kind", string(f.Kind))
	}
	if f.Query != "" {
		v.Set("q", f.Query)
	}
	return v.Encode()
}

// feedLinks are the feeds of a filter's items.
func feedLinks(query string) []FeedLink {
	if query != "" {
		query = "?" + query
	}
	return []FeedLink{
		{"application/atom+xml", "news.feeds.atom", "/news/feed.atom" + query},
		{"application/rss+xml", "news.feeds.rss", "/news/feed.rss" + query},
		{"application/feed+json", "news.feeds.json", "/news/feed.json" + query},
		{"text/calendar", "news.feeds.ics", "/news/calendar.ics" + query},
	}
}

func (h *Handler) resident(r *http.Request) int {
	if h.DistrictOf == nil {
		return 0
	}
	return h.DistrictOf(r)
}

func (h *Handler) handleList(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	f := filterOf(r.URL.Query())
	f.Limit = 50
	mine := h.resident(r)
	page := ListPage{Filter: f, Query: f.query(), Districts: h.Districts, Topics: Topics, Kinds: Kinds}
	page.Feeds = feedLinks(page.Query)
	items, err := h.Service.List(ctx, f)
	if err != nil {
		errs, err := h.Site.FormError(web.Lang(ctx), err)
		if err != nil {
			return err
		}
		page.Errors = errs
		return h.Site.Render(w, r, http.StatusBadRequest, "news/news", "news.title", page)
	}
	if mine != 0 && page.Query == "" {
		yours, err := h.Service.List(ctx, Filter{District: mine, Limit: 5})
		if err != nil {
			return err
		}
		page.YourDistrict = h.districtName(mine)
		for _, it := range yours {
			page.Yours = append(page.Yours, h.itemView(r, it, mine))
		}
	}
	for _, it := range items {
		page.Items = append(page.Items, h.itemView(r, it, mine))
	}
	return h.Site.Render(w, r, http.StatusOK, "news/news", "news.title", page)
}

// ItemPage is one item's page.
type ItemPage struct {
	ItemView
	Body     template.HTML
	Geometry *Geometry
	Photos   []files.File
	// Price and Budget as residents read them ("free", "1 200 zł").
	Price, Budget string
	Feeds         []FeedLink
}

func (h *Handler) handleItem(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	it, err := h.Service.Item(ctx, r.PathValue("slug"))
	if err != nil {
		return err
	}
	page := ItemPage{ItemView: h.itemView(r, it, h.resident(r)), Body: web.Markdown(it.Body, 1)}
	if it.Geometry != "" {
		if g, err := ParseGeometry(it.Geometry); err == nil {
			page.Geometry = &g
		}
	}
	if page.Photos, err = h.Service.Photos(ctx, it.ID); err != nil {
		return err
	}
	lang := web.Lang(ctx)
	page.Price = h.t(r, "news.free")
	if it.Price > 0 {
		page.Price = formatZloty(lang, it.Price)
	}
	page.Budget = formatZloty(lang, it.Budget)
	if it.Kind.Dated() {
		page.Feeds = feedLinks("kind=" + string(it.Kind))
	}
	return h.Site.Render(w, r, http.StatusOK, "news/item", "news.title", page)
}

// formatZloty writes grosze as złoty ("1 200 zł", "12,50 zł").
func formatZloty(lang string, grosze int64) string {
	s := web.FormatInt(lang, grosze/100)
	if g := grosze % 100; g != 0 {
		sep := ","
		if lang == "en" {
			sep = "."
		}
		s += sep + strconv.FormatInt(g/10, 10) + strconv.FormatInt(g%10, 10)
	}
	return s + " zł"
}

// parseZloty reads an amount in złoty ("1 200", "12,50", "12.5") as grosze.
func parseZloty(field, s string) (int64, error) {
	s = strings.NewReplacer(" ", "", "\u00a0", "", "zł", "", ",", ".").Replace(strings.TrimSpace(s))
	if s == "" {
		return 0, nil
	}
	whole, frac, _ := strings.Cut(s, ".")
	zl, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || len(frac) > 2 || zl < 0 || zl > 1e13 {
		return 0, apperr.Fieldf(field, "news.error.amount")
	}
	gr := int64(0)
	if frac != "" {
		if gr, err = strconv.ParseInt(frac, 10, 64); err != nil || gr < 0 {
			return 0, apperr.Fieldf(field, "news.error.amount")
		}
		if len(frac) == 1 {
			gr *= 10
		}
	}
	return zl*100 + gr, nil
}

// parseLocal reads a datetime-local or date field in the city's time zone;
// "" is the zero time.
func (h *Handler) parseLocal(field, v string) (time.Time, error) {
	if v = strings.TrimSpace(v); v == "" {
		return time.Time{}, nil
	}
	if t, ok := web.ParseLocalTime(v, h.loc()); ok {
		return t, nil
	}
	return time.Time{}, apperr.Fieldf(field, "news.error.date")
}

func (h *Handler) formatLocal(t time.Time) string { return web.LocalTimeValue(t, h.loc()) }
