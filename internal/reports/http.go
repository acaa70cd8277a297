package reports

import (
	"context"
	"embed"
	"fmt"
	"html/template"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/files"
	"github.com/civitas-city/civitas/internal/web"
)

//go:embed templates/*.html
var templates embed.FS

//go:embed locales/*.json
var locales embed.FS

//go:embed static
var static embed.FS

// Locales are the reports messages, for the catalog.
func Locales() embed.FS { return locales }

// Handler serves the reports pages: the residents', the officers' and the
// admins'. Handlers read the request and render; the Service decides.
type Handler struct {
	Site    *web.Site
	Service *Service
	Open311 *Open311
	// Satisfaction scores the answers after closed cases for the
	// statistics page; nil: the page has no satisfaction section.
	Satisfaction Satisfaction

	proj     Projection
	outlines string
	pick     []byte
}

// Pages lists the page templates.
var Pages = []string{
	"templates/index.html", "templates/case.html", "templates/new.html", "templates/details.html",
	"templates/mine.html", "templates/stats.html", "templates/find.html",
	"templates/queue.html", "templates/work.html", "templates/enter.html",
	"templates/admin.html", "templates/units.html", "templates/routing.html", "templates/categories.html",
	"templates/category.html", "templates/keys.html",
}

// RegisterPages registers the templates and draws what never changes: the
// district outlines and the picture the location form clicks on.
func (h *Handler) RegisterPages() {
	h.Site.Renderer.Register("reports", templates, Pages...)
	if set := h.Service.Districts; set != nil {
		h.proj = NewProjection(set.Bounds())
		h.outlines = districtPaths(h.proj, set)
	}
	h.pick = pickMap(h.proj, h.outlines)
	h.Site.Renderer.RegisterStatic("reports", static)
}

// Routes registers every reports route; the Open311 API is registered by
// Open311.Routes.
func (h *Handler) Routes(handle web.Registrar) {
	// Residents and the public.
	handle("GET /reports", web.Public, h.handleIndex)
	handle("GET /reports/new", web.Public, h.handleNew)
	handle("GET /reports/new/details", web.Public, h.handleDetails)
	handle("POST /reports/new", web.Public, h.handleSubmit)
	handle("GET /reports/mine", web.SignedIn, h.handleMine)
	handle("GET /reports/find", web.Public, h.handleFindForm)
	handle("POST /reports/find", web.Public, h.handleFind)
	handle("GET /reports/stats", web.Public, h.handleStats)
	handle("GET /reports/feed/{file}", web.Public, h.handleFeed)
	handle("GET /reports/map.svg", web.Public, h.handlePickMap)
	handle("GET /reports/{number}", web.Public, h.handleCase)
	handle("POST /reports/{number}/support", web.SignedIn, h.handleSupport)
	handle("POST /reports/{number}/reopen", web.Public, h.handleReopen)
	handle("POST /reports/{number}/feedback", web.Public, h.handleFeedback)

	// Officers: the unit's queue and the contact centre.
	officer := web.Officer("reports")
	handle("GET /reports/officer", officer, h.handleQueue)
	handle("GET /reports/officer/cases/{number}", officer, h.handleWork)
	handle("POST /reports/officer/cases/{number}/status", officer, h.handleStatus)
	handle("POST /reports/officer/cases/{number}/note", officer, h.handleNote)
	handle("POST /reports/officer/cases/{number}/unit", officer, h.handleReassign)
	handle("POST /reports/officer/cases/{number}/district", officer, h.handleAssignDistrict)
	handle("GET /reports/officer/new", officer, h.handleEnterForm)
	handle("POST /reports/officer/new", officer, h.handleEnter)

	// Admins.
	handle("GET /admin/reports", web.Admin, h.handleAdmin)
	handle("POST /admin/reports/settings", web.Admin, h.handleSettings)
	handle("GET /admin/reports/units", web.Admin, h.handleUnits)
	handle("POST /admin/reports/units", web.Admin, h.handleCreateUnit)
	handle("POST /admin/reports/units/{id}/members", web.Admin, h.handleAddMember)
	handle("POST /admin/reports/units/{id}/names", web.Admin, h.handleUnitNames)
	handle("POST /admin/reports/units/{id}/members/remove", web.Admin, h.handleRemoveMember)
	handle("GET /admin/reports/routing", web.Admin, h.handleRouting)
	handle("POST /admin/reports/routing", web.Admin, h.handleSetRoute)
	handle("GET /admin/reports/categories", web.Admin, h.handleCategories)
	handle("GET /admin/reports/categories/{code}", web.Admin, h.handleCategory)
	handle("POST /admin/reports/categories", web.Admin, h.handleSaveCategory)
	handle("GET /admin/reports/keys", web.Admin, h.handleKeys)
	handle("POST /admin/reports/keys", web.Admin, h.handleCreateKey)
	handle("POST /admin/reports/keys/{id}/revoke", web.Admin, h.handleRevokeKey)
}

// Base is what every reports page with a form has: the form's errors
// (translated), both as a list for the summary and by field.
type Base struct {
	Errors []FieldError
	Err    map[string]string
}

// FieldError is one message of the error summary; Anchor is the id of the
// field it links to.
type FieldError struct {
	Anchor  string
	Message string
}

// fail turns an input error into the page's error summary (see
// web.Site.FormError); other errors come back for the error page.
func (h *Handler) fail(b *Base, lang string, err error) error {
	errs, err := h.Site.FormError(lang, err)
	if err != nil {
		return err
	}
	for _, field := range slices.Sorted(maps.Keys(errs)) {
		b.add(field, errs[field])
	}
	return nil
}

// addError adds the message of key about field to the page's errors.
func (h *Handler) addError(b *Base, lang, field, key string) {
	b.add(field, h.Site.Catalog.T(lang, key))
}

// add adds a translated message about field.
func (b *Base) add(field, msg string) {
	if b.Err == nil {
		b.Err = map[string]string{}
	}
	b.Err[field] = msg
	anchor := field
	switch field {
	case "location":
		anchor = "address"
	case "category":
		anchor = "category"
	}
	b.Errors = append(b.Errors, FieldError{Anchor: anchor, Message: msg})
}

// number reads the {number} of a case route.
func number(r *http.Request) (int64, error) {
	n, err := strconv.ParseInt(r.PathValue("number"), 10, 64)
	if err != nil || n <= 0 {
		return 0, apperr.E(apperr.NotFound, "reports.error.no_case")
	}
	return n, nil
}

// caseOf loads the case of a {number} route, with the category names in
// the request's language (for the resident's and the officer's case pages).
func (h *Handler) caseOf(r *http.Request) (*Case, map[string]string, error) {
	n, err := number(r)
	if err != nil {
		return nil, nil, err
	}
	c, err := h.Service.Get(r.Context(), n)
	if err != nil {
		return nil, nil, err
	}
	names, _, err := h.categoryNames(r, true)
	if err != nil {
		return nil, nil, err
	}
	return c, names, nil
}

// photoViews lists a case's photos as its pages show them.
func (h *Handler) photoViews(ctx context.Context, c *Case) ([]PhotoView, error) {
	photos, err := h.Service.Photos(ctx, c)
	if err != nil {
		return nil, err
	}
	var out []PhotoView
	for i, f := range photos {
		out = append(out, PhotoView{URL: files.URL(f), Name: f.Name, N: i + 1})
	}
	return out, nil
}

// Option is one choice of a select or radio group.
type Option struct {
	Value, Label string
	Selected     bool
}

// CaseRow is a case as lists show it.
type CaseRow struct {
	Number      int64
	URL         string
	Category    string
	Status      Status
	Open        bool
	District    string
	Address     string
	Summary     string
	CreatedAt   time.Time
	UpdatedAt   time.Time
	Supporters  int
	DistanceM   int // for "nearby" lists
	ReopenCount int
	Unit        string
}

func (h *Handler) rows(cases []Case, names map[string]string, lang string) []CaseRow {
	out := make([]CaseRow, 0, len(cases))
	for _, c := range cases {
		out = append(out, h.row(&c, names, lang))
	}
	return out
}

func (h *Handler) row(c *Case, names map[string]string, lang string) CaseRow {
	r := CaseRow{Number: c.Number, URL: fmt.Sprintf("/reports/%d", c.Number), Category: names[c.Category], Status: c.Status,
		Open: c.Status.Open(), District: h.districtName(c.District, lang), Address: c.Address, Summary: summary(c.Description, 140),
		CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt, Supporters: c.Supporters, ReopenCount: c.ReopenCount, Unit: c.UnitName}
	if r.Category == "" {
		r.Category = c.Category
	}
	if r.Address == "" && c.HasPoint {
		r.Address = fmt.Sprintf("%.5f, %.5f", c.Lat, c.Lon)
	}
	return r
}

func (h *Handler) districtName(n int, lang string) string {
	if h.Service.Districts != nil {
		if d, ok := h.Service.Districts.ByNumber(n); ok {
			return d.Numeral + " " + d.Name
		}
	}
	return h.Site.Catalog.T(lang, "reports.district.unknown")
}

// summary shortens text to about n characters at a word boundary.
func summary(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)[:n]
	if i := strings.LastIndexByte(string(r), ' '); i > n/2 {
		return string(r)[:i] + "…"
	}
	return string(r) + "…"
}

// categoryNames maps codes to names in lang, and lists the categories.
func (h *Handler) categoryNames(r *http.Request, all bool) (map[string]string, []Category, error) {
	cats, err := h.Service.Categories(r.Context(), all)
	if err != nil {
		return nil, nil, err
	}
	lang := web.Lang(r.Context())
	names := make(map[string]string, len(cats))
	for _, c := range cats {
		names[c.Code] = c.Name(lang)
	}
	if all {
		return names, cats, nil
	}
	// Cases of categories retired since still need their names.
	every, err := h.Service.Categories(r.Context(), true)
	if err != nil {
		return nil, nil, err
	}
	for _, c := range every {
		if _, ok := names[c.Code]; !ok {
			names[c.Code] = c.Name(lang)
		}
	}
	return names, cats, nil
}

func (h *Handler) districtOptions(selected string, lang string) []Option {
	var out []Option
	if h.Service.Districts == nil {
		return nil
	}
	for _, d := range h.Service.Districts.All() {
		out = append(out, Option{Value: d.Slug, Label: d.Numeral + " " + d.Name, Selected: d.Slug == selected})
	}
	return out
}

// IndexPage is the public list and map of reports.
type IndexPage struct {
	Base
	Cases        []CaseRow
	Total        int
	Page, Pages  int
	PrevURL      string
	NextURL      string
	District     string
	Category     string
	Status       string
	Districts    []Option
	Categories   []Option
	Statuses     []Option
	Map          template.HTML
	MapCount     int
	FeedURL      string
	FeedDistrict string
}

const (
	pageSize     = 50
	maxMapPoints = 1000
)

// statusFilter reads the status filter: open, closed, or one status.
func statusFilter(v string) ([]Status, bool) {
	switch v {
	case "":
		return nil, true
	case "open":
		return OpenStatuses, true
	case "closed":
		var out []Status
		for _, s := range Statuses {
			if !s.Open() {
				out = append(out, s)
			}
		}
		return out, true
	}
	if s := Status(v); s.Valid() {
		return []Status{s}, true
	}
	return nil, false
}

func (h *Handler) handleIndex(w http.ResponseWriter, r *http.Request) error {
	ctx, lang, q := r.Context(), web.Lang(r.Context()), r.URL.Query()
	p := IndexPage{District: q.Get("district"), Category: q.Get("category"), Status: q.Get("status"), Page: 1}
	names, cats, err := h.categoryNames(r, false)
	if err != nil {
		return err
	}
	var f Filter
	status := http.StatusOK
	if p.District != "" {
		d, ok := h.Service.Districts.BySlug(p.District)
		if !ok {
			h.addError(&p.Base, lang, "district", "reports.error.district")
			status = http.StatusBadRequest
		} else {
			f.Districts = []int{d.Number}
			p.FeedURL, p.FeedDistrict = "/reports/feed/"+d.Slug+".atom", d.Numeral+" "+d.Name
		}
	}
	if p.Category != "" {
		if _, ok := names[p.Category]; !ok {
			h.addError(&p.Base, lang, "category", "reports.error.no_category")
			status = http.StatusBadRequest
		}
		f.Categories = []string{p.Category}
	}
	sts, ok := statusFilter(p.Status)
	if !ok {
		h.addError(&p.Base, lang, "status", "reports.error.status")
		status = http.StatusBadRequest
	}
	f.Statuses = sts
	if s := q.Get("page"); s != "" {
		if n, err := strconv.Atoi(s); err == nil && n > 0 && n < 100000 {
			p.Page = n
		}
	}
	p.Districts = h.districtOptions(p.District, lang)
	for _, c := range cats {
		p.Categories = append(p.Categories, Option{Value: c.Code, Label: c.Name(lang), Selected: c.Code == p.Category})
	}
	for _, v := range []string{"open", "closed"} {
		p.Statuses = append(p.Statuses, Option{Value: v, Label: h.Site.Catalog.T(lang, "reports.filter.status."+v), Selected: v == p.Status})
	}
	for _, s := range Statuses {
		p.Statuses = append(p.Statuses, Option{Value: string(s), Label: h.Site.Catalog.T(lang, "reports.status."+string(s)), Selected: string(s) == p.Status})
	}
	if status == http.StatusOK {
		if p.Total, err = h.Service.Count(ctx, f); err != nil {
			return err
		}
		p.Pages = max(1, (p.Total+pageSize-1)/pageSize)
		p.Page = min(p.Page, p.Pages)
		f.Limit, f.Offset = pageSize, (p.Page-1)*pageSize
		cases, err := h.Service.List(ctx, f)
		if err != nil {
			return err
		}
		p.Cases = h.rows(cases, names, lang)
		mf := f
		mf.Limit, mf.Offset = maxMapPoints, 0
		all := cases
		if p.Total > len(cases) {
			if all, err = h.Service.List(ctx, mf); err != nil {
				return err
			}
		}
		var pts []MapPoint
		for _, c := range all {
			if c.HasPoint {
				pts = append(pts, MapPoint{Lat: c.Lat, Lon: c.Lon, Open: c.Status.Open(),
					Title: fmt.Sprintf("%d: %s (%s)", c.Number, names[c.Category], h.Site.Catalog.T(lang, "reports.status."+string(c.Status)))})
			}
		}
		p.MapCount = len(pts)
		p.Map = pointsMap(h.proj, h.outlines, pts, h.Site.Catalog.T(lang, "reports.map.label", len(pts)))
		link := func(page int) string {
			v := url.Values{}
			for _, kv := range [][2]string{{"district", p.District}, {"category", p.Category}, {"status", p.Status}} {
				if kv[1] != "" {
					v.Set(kv[0], kv[1])
				}
			}
			v.Set("page", strconv.Itoa(page))
			return "/reports?" + v.Encode()
		}
		if p.Page > 1 {
			p.PrevURL = link(p.Page - 1)
		}
		if p.Page < p.Pages {
			p.NextURL = link(p.Page + 1)
		}
	}
	return h.Site.Render(w, r, status, "reports/index", "reports.title", p)
}

// CasePage is one case as the public and its reporter see it.
type CasePage struct {
	Base
	Case         *Case
	Row          CaseRow
	Category     string
	Photos       []PhotoView
	History      []UpdateView
	Map          template.HTML
	Attributes   []AttributeAnswer
	Key          string // the reporter's key, carried in their forms
	IsReporter   bool
	SignedIn     bool
	CanSupport   bool
	Supported    bool
	CanReopen    bool
	ReopenUntil  time.Time
	AskFeedback  bool
	Feedback     *Feedback
	Reason       string
	Rating       int
	Comment      string
	Ratings      []int
	Notice       string // a confirmation: created, supported, reopened, feedback
	DuplicateURL string
}

// PhotoView is a photo link; N counts from 1.
type PhotoView struct {
	URL, Name string
	N         int
}

// UpdateView is a line of history.
type UpdateView struct {
	At       time.Time
	Kind     string
	Status   Status
	Body     string
	Internal bool
	Author   string
}

// AttributeAnswer is an answer to a category's question, for display.
type AttributeAnswer struct{ Question, Answer string }

func (h *Handler) handleCase(w http.ResponseWriter, r *http.Request) error {
	p, err := h.casePage(r, r.URL.Query().Get("key"))
	if err != nil {
		return err
	}
	switch n := r.URL.Query().Get("done"); n {
	case "created", "supported", "reopened", "feedback":
		p.Notice = h.Site.Catalog.T(web.Lang(r.Context()), "reports.notice."+n)
	}
	return h.Site.Render(w, r, http.StatusOK, "reports/case", "reports.case.title", p)
}

// casePage loads everything the case page shows.
func (h *Handler) casePage(r *http.Request, key string) (*CasePage, error) {
	ctx, lang := r.Context(), web.Lang(r.Context())
	c, names, err := h.caseOf(r)
	if err != nil {
		return nil, err
	}
	u := web.Participant(ctx)
	p := &CasePage{Case: c, Row: h.row(c, names, lang), Category: names[c.Category], Ratings: []int{1, 2, 3, 4, 5}}
	who := Reporter{Key: key}
	if u != nil {
		who.UserID = u.ID
		p.SignedIn = true
	}
	p.IsReporter = h.Service.IsReporter(c, who)
	if p.IsReporter && key != "" {
		p.Key = key
	}
	if c.DuplicateOf > 0 {
		p.DuplicateURL = fmt.Sprintf("/reports/%d", c.DuplicateOf)
	}
	if p.Photos, err = h.photoViews(ctx, c); err != nil {
		return nil, err
	}
	history, err := h.Service.History(ctx, c, false)
	if err != nil {
		return nil, err
	}
	p.History = h.history(history, false)
	if c.HasPoint {
		p.Map = pointsMap(h.proj, h.outlines, []MapPoint{{Lat: c.Lat, Lon: c.Lon, Open: c.Status.Open(), Title: p.Category}},
			h.Site.Catalog.T(lang, "reports.case.map", p.Row.District))
	}
	if cat, err := h.Service.Category(ctx, c.Category); err == nil {
		p.Attributes = answers(cat, c.Attributes, lang)
	}
	if c.Status.Open() && !p.IsReporter {
		p.CanSupport = true
		if u != nil {
			if p.Supported, err = h.Service.Supports(ctx, c, u.ID); err != nil {
				return nil, err
			}
		}
	}
	if p.IsReporter {
		if p.CanReopen, p.ReopenUntil, err = h.Service.CanReopen(ctx, c); err != nil {
			return nil, err
		}
		if FeedbackAsked(c.Status) {
			p.AskFeedback = true
			if p.Feedback, err = h.Service.FeedbackOf(ctx, c); err != nil {
				return nil, err
			}
			if p.Feedback != nil {
				p.Rating, p.Comment = p.Feedback.Rating, p.Feedback.Comment
			}
		}
	}
	return p, nil
}

// answers lists a case's attribute answers with the questions' wording.
func answers(cat *Category, given map[string][]string, lang string) []AttributeAnswer {
	var out []AttributeAnswer
	for _, a := range cat.Attributes {
		vals := given[a.Code]
		if len(vals) == 0 {
			continue
		}
		labels := make([]string, 0, len(vals))
		for _, v := range vals {
			label := v
			for _, av := range a.Values {
				if av.Key == v {
					label = av.Name(lang)
				}
			}
			labels = append(labels, label)
		}
		out = append(out, AttributeAnswer{Question: a.Description(lang), Answer: strings.Join(labels, ", ")})
	}
	return out
}

func (h *Handler) history(us []Update, internal bool) []UpdateView {
	out := make([]UpdateView, 0, len(us))
	for _, u := range us {
		if u.Internal && !internal {
			continue
		}
		v := UpdateView{At: u.At, Kind: u.Kind, Status: u.Status, Body: u.Body, Internal: u.Internal}
		if internal {
			v.Author = u.Author
		}
		out = append(out, v)
	}
	return out
}

func (h *Handler) caseURL(n int64, key, done string) string {
	v := url.Values{}
	if key != "" {
		v.Set("key", key)
	}
	if done != "" {
		v.Set("done", done)
	}
	u := fmt.Sprintf("/reports/%d", n)
	if len(v) > 0 {
		u += "?" + v.Encode()
	}
	return u
}

func (h *Handler) handleSupport(w http.ResponseWriter, r *http.Request) error {
	n, err := number(r)
	if err != nil {
		return err
	}
	c, err := h.Service.Support(r.Context(), n, web.Participant(r.Context()).ID)
	if err != nil {
		return err
	}
	http.Redirect(w, r, h.caseURL(c.Number, "", "supported"), http.StatusSeeOther)
	return nil
}

func (h *Handler) reporter(r *http.Request) Reporter {
	who := Reporter{Key: r.PostFormValue("key")}
	if u := web.Participant(r.Context()); u != nil {
		who.UserID = u.ID
	}
	return who
}

func (h *Handler) handleReopen(w http.ResponseWriter, r *http.Request) error {
	n, err := number(r)
	if err != nil {
		return err
	}
	who := h.reporter(r)
	c, err := h.Service.Reopen(r.Context(), n, who, r.PostFormValue("reason"))
	if err != nil {
		return h.caseAgain(w, r, err, func(p *CasePage) { p.Reason = r.PostFormValue("reason") })
	}
	http.Redirect(w, r, h.caseURL(c.Number, who.Key, "reopened"), http.StatusSeeOther)
	return nil
}

func (h *Handler) handleFeedback(w http.ResponseWriter, r *http.Request) error {
	n, err := number(r)
	if err != nil {
		return err
	}
	who := h.reporter(r)
	rating, _ := strconv.Atoi(r.PostFormValue("rating"))
	c, err := h.Service.SaveFeedback(r.Context(), n, who, rating, r.PostFormValue("comment"))
	if err != nil {
		return h.caseAgain(w, r, err, func(p *CasePage) { p.Rating, p.Comment = rating, r.PostFormValue("comment") })
	}
	http.Redirect(w, r, h.caseURL(c.Number, who.Key, "feedback")+"#feedback", http.StatusSeeOther)
	return nil
}

// caseAgain shows the case page with the errors of a form posted on it.
func (h *Handler) caseAgain(w http.ResponseWriter, r *http.Request, err error, keep func(*CasePage)) error {
	lang := web.Lang(r.Context())
	p, perr := h.casePage(r, r.PostFormValue("key"))
	if perr != nil {
		return perr
	}
	if err := h.fail(&p.Base, lang, err); err != nil {
		return err
	}
	keep(p)
	return h.Site.Render(w, r, http.StatusBadRequest, "reports/case", "reports.case.title", p)
}

// MinePage is "my cases".
type MinePage struct {
	Base
	Cases []CaseRow
}

func (h *Handler) handleMine(w http.ResponseWriter, r *http.Request) error {
	cases, err := h.Service.CasesOf(r.Context(), web.Participant(r.Context()).ID)
	if err != nil {
		return err
	}
	names, _, err := h.categoryNames(r, true)
	if err != nil {
		return err
	}
	return h.Site.Render(w, r, http.StatusOK, "reports/mine", "reports.mine.title",
		MinePage{Cases: h.rows(cases, names, web.Lang(r.Context()))})
}

// StatsPage is the public statistics.
type StatsPage struct {
	Base
	Since      time.Time
	Total      int
	ByStatus   []StatLine
	Categories []StatLine
	Districts  []StatLine
	// Satisfaction after closed cases: nil when not scored.
	Satisfaction *SatisfactionView
}

// SatisfactionView is the satisfaction after closed cases as the
// statistics page shows it.
type SatisfactionView struct {
	All        SatisfactionLine
	Units      []SatisfactionLine
	Categories []SatisfactionLine
}

// SatisfactionLine is one row: a score with its interval, or suppressed.
type SatisfactionLine struct {
	Label, Score, Interval string
	N                      int
	Suppressed             bool
}

// StatLine is a row of a statistics table.
type StatLine struct {
	Label    string
	Total    int
	Open     int
	Resolved int
	Median   string
}

func (h *Handler) handleStats(w http.ResponseWriter, r *http.Request) error {
	ctx, lang := r.Context(), web.Lang(r.Context())
	since := h.Service.now().AddDate(-1, 0, 0)
	st, err := h.Service.Stats(ctx, since)
	if err != nil {
		return err
	}
	names, _, err := h.categoryNames(r, true)
	if err != nil {
		return err
	}
	p := StatsPage{Since: since, Total: st.Total}
	for _, s := range st.ByStatus {
		p.ByStatus = append(p.ByStatus, StatLine{Label: h.Site.Catalog.T(lang, "reports.status."+string(s.Status)), Total: s.N})
	}
	line := func(label string, row StatRow) StatLine {
		l := StatLine{Label: label, Total: row.Total, Open: row.Open, Resolved: row.Resolved, Median: "—"}
		if row.HasMedian {
			l.Median = h.duration(lang, row.Median)
		}
		return l
	}
	for _, row := range st.Categories {
		label := names[row.Key]
		if label == "" {
			label = row.Key
		}
		p.Categories = append(p.Categories, line(label, row))
	}
	for _, row := range st.Districts {
		n, _ := strconv.Atoi(row.Key)
		p.Districts = append(p.Districts, line(h.districtName(n, lang), row))
	}
	slices.SortStableFunc(p.Districts, func(a, b StatLine) int { return strings.Compare(a.Label, b.Label) })
	if h.Satisfaction != nil {
		sc, err := h.Satisfaction.Satisfaction(ctx, since)
		if err != nil {
			return err
		}
		p.Satisfaction = satisfactionView(sc, names)
	}
	return h.Site.Render(w, r, http.StatusOK, "reports/stats", "reports.stats.title", p)
}

// satisfactionView writes the scores, categories by their names.
func satisfactionView(sc SatisfactionScores, names map[string]string) *SatisfactionView {
	line := func(label string, s SatisfactionScore) SatisfactionLine {
		l := SatisfactionLine{Label: label, N: s.N, Suppressed: s.Suppressed}
		if !s.Suppressed {
			l.Score = strconv.FormatFloat(s.Score, 'f', 0, 64)
			if s.HasInterval {
				l.Interval = strconv.FormatFloat(s.Lo, 'f', 0, 64) + " – " + strconv.FormatFloat(s.Hi, 'f', 0, 64)
			}
		}
		return l
	}
	v := &SatisfactionView{All: line("", sc.All)}
	for _, u := range sc.Units {
		v.Units = append(v.Units, line(u.Group, u))
	}
	for _, c := range sc.Categories {
		label := names[c.Group]
		if label == "" {
			label = c.Group
		}
		v.Categories = append(v.Categories, line(label, c))
	}
	return v
}

// duration says a time to resolve in hours or days.
func (h *Handler) duration(lang string, d time.Duration) string {
	if d < 48*time.Hour {
		return h.Site.Catalog.N(lang, "reports.hours", int(d.Round(time.Hour)/time.Hour))
	}
	return h.Site.Catalog.N(lang, "reports.days", int(d.Round(24*time.Hour)/(24*time.Hour)))
}

func (h *Handler) handlePickMap(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Cache-Control", "public, max-age=86400")
	_, err := w.Write(h.pick)
	return err
}
