package reports

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/web"
)

// The officers' pages: a unit's queue, working a case, and the contact
// centre's form for reports taken by phone or in person.

// QueuePage is a unit's queue.
type QueuePage struct {
	Base
	Units    []Option
	Unit     string
	Status   string
	Statuses []Option
	Cases    []CaseRow
	NoUnits  bool
	Total    int
}

func (h *Handler) handleQueue(w http.ResponseWriter, r *http.Request) error {
	ctx, lang, q := r.Context(), web.Lang(r.Context()), r.URL.Query()
	u := web.CurrentUser(ctx)
	units, err := h.Service.Units(ctx)
	if err != nil {
		return err
	}
	mine, err := h.Service.UnitsOf(ctx, u)
	if err != nil {
		return err
	}
	admin := u.Has(web.RoleAdmin, "")
	p := QueuePage{Unit: q.Get("unit"), Status: q.Get("status")}
	if p.Status == "" {
		p.Status = "open"
	}
	allowed := []string{}
	for _, un := range units {
		if admin || slices.Contains(mine, un.ID) {
			allowed = append(allowed, un.ID)
			p.Units = append(p.Units, Option{Value: un.ID, Label: un.Name, Selected: un.ID == p.Unit})
		}
	}
	if len(allowed) == 0 {
		p.NoUnits = true
		return h.Site.Render(w, r, http.StatusOK, "reports/queue", "reports.queue.title", p)
	}
	f := Filter{UnitIDs: allowed, Oldest: true, Limit: 500}
	if p.Unit != "" {
		if !slices.Contains(allowed, p.Unit) {
			return apperr.E(apperr.Forbidden, "reports.error.not_your_unit")
		}
		f.UnitIDs = []string{p.Unit}
	}
	sts, ok := statusFilter(p.Status)
	if !ok {
		return apperr.E(apperr.Invalid, "reports.error.status")
	}
	f.Statuses = sts
	for _, v := range []string{"open", "closed"} {
		p.Statuses = append(p.Statuses, Option{Value: v, Label: h.Site.Catalog.T(lang, "reports.filter.status."+v), Selected: v == p.Status})
	}
	for _, s := range Statuses {
		p.Statuses = append(p.Statuses, Option{Value: string(s), Label: h.Site.Catalog.T(lang, "reports.status."+string(s)), Selected: string(s) == p.Status})
	}
	cases, err := h.Service.List(ctx, f)
	if err != nil {
		return err
	}
	names, _, err := h.categoryNames(r, true)
	if err != nil {
		return err
	}
	p.Cases = h.rows(cases, names, lang)
	for i := range p.Cases {
		p.Cases[i].URL = fmt.Sprintf("/reports/officer/cases/%d", p.Cases[i].Number)
	}
	p.Total = len(p.Cases)
	return h.Site.Render(w, r, http.StatusOK, "reports/queue", "reports.queue.title", p)
}

// WorkPage is a case as its unit's officers see and work it.
type WorkPage struct {
	Base
	Case       *Case
	Row        CaseRow
	Category   string
	PublicURL  string
	Photos     []PhotoView
	History    []UpdateView
	Attributes []AttributeAnswer
	CanWork    bool
	Next       []Option
	Units      []Option
	// Districts are offered when the case's district is unknown.
	Districts []Option
	Channel   string
	APIApp    string
	// Form values kept after an error.
	To          string
	Note        string
	DuplicateOf string
	ReferredTo  string
	Body        string
	Internal    bool
	Done        string
}

func (h *Handler) workPage(r *http.Request) (*WorkPage, error) {
	ctx, lang := r.Context(), web.Lang(r.Context())
	c, names, err := h.caseOf(r)
	if err != nil {
		return nil, err
	}
	p := &WorkPage{Case: c, Row: h.row(c, names, lang), Category: names[c.Category],
		PublicURL: fmt.Sprintf("/reports/%d", c.Number), Channel: h.Site.Catalog.T(lang, "reports.channel."+c.Channel), Internal: true}
	if p.CanWork, err = h.Service.CanWork(ctx, web.CurrentUser(ctx), c); err != nil {
		return nil, err
	}
	if p.Photos, err = h.photoViews(ctx, c); err != nil {
		return nil, err
	}
	history, err := h.Service.History(ctx, c, true)
	if err != nil {
		return nil, err
	}
	if c.District == 0 {
		p.Districts = h.districtOptions("", lang)
	}
	p.History = h.history(history, true)
	if cat, err := h.Service.Category(ctx, c.Category); err == nil {
		p.Attributes = answers(cat, c.Attributes, lang)
	}
	for _, s := range c.Status.Next() {
		p.Next = append(p.Next, Option{Value: string(s), Label: h.Site.Catalog.T(lang, "reports.status."+string(s))})
	}
	units, err := h.Service.Units(ctx)
	if err != nil {
		return nil, err
	}
	for _, u := range units {
		if u.ID != c.UnitID {
			p.Units = append(p.Units, Option{Value: u.ID, Label: u.Name})
		}
	}
	if c.APIKeyID != "" {
		keys, err := h.Service.Keys(ctx)
		if err != nil {
			return nil, err
		}
		for _, k := range keys {
			if k.ID == c.APIKeyID {
				p.APIApp = k.AppName
			}
		}
	}
	return p, nil
}

func (h *Handler) handleWork(w http.ResponseWriter, r *http.Request) error {
	p, err := h.workPage(r)
	if err != nil {
		return err
	}
	if d := r.URL.Query().Get("done"); d == "status" || d == "note" || d == "unit" || d == "district" || d == "entered" {
		p.Done = h.Site.Catalog.T(web.Lang(r.Context()), "reports.work.done."+d)
	}
	return h.Site.Render(w, r, http.StatusOK, "reports/work", "reports.work.title", p)
}

// workAgain shows the work page with a form's errors and values.
func (h *Handler) workAgain(w http.ResponseWriter, r *http.Request, err error) error {
	p, perr := h.workPage(r)
	if perr != nil {
		return perr
	}
	if err := h.fail(&p.Base, web.Lang(r.Context()), err); err != nil {
		return err
	}
	p.To, p.Note, p.DuplicateOf, p.ReferredTo = r.PostFormValue("status"), r.PostFormValue("note"), r.PostFormValue("duplicate_of"), r.PostFormValue("referred_to")
	p.Body, p.Internal = r.PostFormValue("body"), r.PostFormValue("visibility") != "public"
	for i := range p.Next {
		p.Next[i].Selected = p.Next[i].Value == p.To
	}
	return h.Site.Render(w, r, http.StatusBadRequest, "reports/work", "reports.work.title", p)
}

func (h *Handler) handleStatus(w http.ResponseWriter, r *http.Request) error {
	n, err := number(r)
	if err != nil {
		return err
	}
	ch := Change{To: Status(r.PostFormValue("status")), Note: r.PostFormValue("note"), ReferredTo: r.PostFormValue("referred_to")}
	if d := strings.TrimSpace(strings.TrimPrefix(r.PostFormValue("duplicate_of"), "#")); d != "" {
		if ch.DuplicateOf, err = strconv.ParseInt(d, 10, 64); err != nil {
			return h.workAgain(w, r, invalid("duplicate_of", "reports.error.duplicate_missing"))
		}
	}
	if _, err := h.Service.ChangeStatus(r.Context(), web.CurrentUser(r.Context()), n, ch); err != nil {
		return h.workAgain(w, r, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/reports/officer/cases/%d?done=status", n), http.StatusSeeOther)
	return nil
}

func (h *Handler) handleNote(w http.ResponseWriter, r *http.Request) error {
	n, err := number(r)
	if err != nil {
		return err
	}
	internal := r.PostFormValue("visibility") != "public"
	if _, err := h.Service.AddNote(r.Context(), web.CurrentUser(r.Context()), n, r.PostFormValue("body"), internal); err != nil {
		return h.workAgain(w, r, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/reports/officer/cases/%d?done=note", n), http.StatusSeeOther)
	return nil
}

func (h *Handler) handleReassign(w http.ResponseWriter, r *http.Request) error {
	n, err := number(r)
	if err != nil {
		return err
	}
	if _, err := h.Service.Reassign(r.Context(), web.CurrentUser(r.Context()), n, r.PostFormValue("unit"), r.PostFormValue("reason")); err != nil {
		return h.workAgain(w, r, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/reports/officer/cases/%d?done=unit", n), http.StatusSeeOther)
	return nil
}

// handleAssignDistrict puts a case whose district is unknown (an address
// the gazetteer does not hold) into the district the officer chose.
func (h *Handler) handleAssignDistrict(w http.ResponseWriter, r *http.Request) error {
	n, err := number(r)
	if err != nil {
		return err
	}
	if _, err := h.Service.AssignDistrict(r.Context(), web.CurrentUser(r.Context()), n, r.PostFormValue("district")); err != nil {
		return h.workAgain(w, r, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/reports/officer/cases/%d?done=district", n), http.StatusSeeOther)
	return nil
}

// EnterPage is the contact centre's form.
type EnterPage struct {
	Base
	Categories  []Option
	Channels    []Option
	Lat, Lon    string
	Address     string
	Description string
	Name        string
	Email       string
	Phone       string
	PhotoMax    string
}

func (h *Handler) enterPage(r *http.Request) (*EnterPage, error) {
	lang := web.Lang(r.Context())
	_, cats, err := h.categoryNames(r, false)
	if err != nil {
		return nil, err
	}
	f := r.Form
	p := &EnterPage{Lat: f.Get("lat"), Lon: f.Get("lon"), Address: f.Get("address"), Description: f.Get("description"),
		Name: f.Get("name"), Email: f.Get("email"), Phone: f.Get("phone"),
		PhotoMax: fmt.Sprintf("%.1f MB", float64(h.Service.PhotoPolicy().MaxBytes)/(1<<20))}
	for _, c := range cats {
		p.Categories = append(p.Categories, Option{Value: c.Code, Label: c.Name(lang), Selected: c.Code == f.Get("category")})
	}
	channel := f.Get("channel")
	if channel == "" {
		channel = ChannelPhone
	}
	for _, c := range OfficerChannels {
		p.Channels = append(p.Channels, Option{Value: c, Label: h.Site.Catalog.T(lang, "reports.channel."+c), Selected: c == channel})
	}
	return p, nil
}

func (h *Handler) handleEnterForm(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return apperr.Wrap(apperr.Invalid, "reports.error.form", err)
	}
	p, err := h.enterPage(r)
	if err != nil {
		return err
	}
	return h.Site.Render(w, r, http.StatusOK, "reports/enter", "reports.enter.title", p)
}

func (h *Handler) handleEnter(w http.ResponseWriter, r *http.Request) error {
	if err := parseMultipart(r); err != nil {
		return err
	}
	ctx, lang := r.Context(), web.Lang(r.Context())
	again := func(err error) error {
		p, perr := h.enterPage(r)
		if perr != nil {
			return perr
		}
		if err := h.fail(&p.Base, lang, err); err != nil {
			return err
		}
		return h.Site.Render(w, r, http.StatusBadRequest, "reports/enter", "reports.enter.title", p)
	}
	_, _, hasPoint, lat, lon, err := h.location(r.Form)
	if err != nil {
		return again(err)
	}
	photos, err := h.readPhotos(r, "photo")
	if err != nil {
		return again(err)
	}
	channel := r.FormValue("channel")
	if !slices.Contains(OfficerChannels, channel) {
		return again(invalid("channel", "reports.error.channel"))
	}
	officer := web.CurrentUser(ctx)
	n := NewReport{
		Category: r.FormValue("category"), Description: r.FormValue("description"), HasPoint: hasPoint, Lat: lat, Lon: lon,
		Address: r.FormValue("address"), Photos: photos, Channel: channel, Lang: lang,
		ReporterEmail: r.FormValue("email"), ReporterName: r.FormValue("name"), ReporterPhone: r.FormValue("phone"),
		Officer: officer,
	}
	if n.Category != "" {
		if cat, err := h.Service.Category(ctx, n.Category); err == nil {
			n.Attributes = h.attributesFrom(r.Form, cat)
		}
	}
	c, err := h.Service.Submit(ctx, n)
	if err != nil {
		return again(err)
	}
	http.Redirect(w, r, fmt.Sprintf("/reports/officer/cases/%d?done=entered", c.Number), http.StatusSeeOther)
	return nil
}
