package reports

import (
	"encoding/json"
	"errors"
	"github.com/civitas-city/civitas/internal/i18n"
	"net/http"
	"strconv"
	"strings"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/web"
)

// The admins' pages under /admin/reports: settings, units and their
// officers, routing, categories and Open311 API keys.

// AdminPage is the reports administration overview with the settings.
type AdminPage struct {
	Base
	Settings   Settings
	ReopenDays string
	Units      int
	Categories int
	Keys       int
	Saved      bool
}

func (h *Handler) adminPage(r *http.Request) (*AdminPage, error) {
	ctx := r.Context()
	set, err := h.Service.Settings(ctx)
	if err != nil {
		return nil, err
	}
	units, err := h.Service.Units(ctx)
	if err != nil {
		return nil, err
	}
	cats, err := h.Service.Categories(ctx, true)
	if err != nil {
		return nil, err
	}
	keys, err := h.Service.Keys(ctx)
	if err != nil {
		return nil, err
	}
	active := 0
	for _, k := range keys {
		if k.Active() {
			active++
		}
	}
	return &AdminPage{Settings: set, ReopenDays: strconv.Itoa(set.ReopenDays), Units: len(units), Categories: len(cats), Keys: active}, nil
}

func (h *Handler) handleAdmin(w http.ResponseWriter, r *http.Request) error {
	p, err := h.adminPage(r)
	if err != nil {
		return err
	}
	p.Saved = r.URL.Query().Get("done") == "settings"
	return h.Site.Render(w, r, http.StatusOK, "reports/admin", "reports.admin.title", p)
}

func (h *Handler) handleSettings(w http.ResponseWriter, r *http.Request) error {
	ctx, lang := r.Context(), web.Lang(r.Context())
	days, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue("reopen_days")))
	if err == nil {
		err = h.Service.SaveSettings(ctx, web.CurrentUser(ctx), Settings{
			AnonymousAllowed: r.PostFormValue("anonymous_allowed") == "true", ReopenDays: days})
	} else {
		err = invalid("reopen_days", "reports.error.reopen_days")
	}
	if err != nil {
		p, perr := h.adminPage(r)
		if perr != nil {
			return perr
		}
		if err := h.fail(&p.Base, lang, err); err != nil {
			return err
		}
		p.ReopenDays = r.PostFormValue("reopen_days")
		p.Settings.AnonymousAllowed = r.PostFormValue("anonymous_allowed") == "true"
		return h.Site.Render(w, r, http.StatusBadRequest, "reports/admin", "reports.admin.title", p)
	}
	http.Redirect(w, r, "/admin/reports?done=settings", http.StatusSeeOther)
	return nil
}

// UnitsPage lists the units and their officers.
type UnitsPage struct {
	Base
	Units []Unit
	Kinds []Option
	Name  string
	Email string
	Done  string
	// Other are the new unit's name fields in the other languages.
	Other []web.LangFields
}

func (h *Handler) unitsPage(r *http.Request) (*UnitsPage, error) {
	lang := web.Lang(r.Context())
	units, err := h.Service.Units(r.Context())
	if err != nil {
		return nil, err
	}
	p := &UnitsPage{Units: units, Other: h.Site.LangFieldsOf(nil, "name")}
	for _, k := range UnitKinds {
		p.Kinds = append(p.Kinds, Option{Value: k, Label: h.Site.Catalog.T(lang, "reports.unit.kind."+k), Selected: k == r.PostFormValue("kind")})
	}
	return p, nil
}

func (h *Handler) handleUnits(w http.ResponseWriter, r *http.Request) error {
	p, err := h.unitsPage(r)
	if err != nil {
		return err
	}
	if d := r.URL.Query().Get("done"); d == "unit" || d == "member" || d == "removed" || d == "names" {
		p.Done = h.Site.Catalog.T(web.Lang(r.Context()), "reports.units.done."+d)
	}
	return h.Site.Render(w, r, http.StatusOK, "reports/units", "reports.units.title", p)
}

func (h *Handler) unitsAgain(w http.ResponseWriter, r *http.Request, err error) error {
	p, perr := h.unitsPage(r)
	if perr != nil {
		return perr
	}
	if err := h.fail(&p.Base, web.Lang(r.Context()), err); err != nil {
		return err
	}
	p.Name, p.Email = r.PostFormValue("name"), r.PostFormValue("email")
	return h.Site.Render(w, r, http.StatusBadRequest, "reports/units", "reports.units.title", p)
}

func (h *Handler) handleCreateUnit(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	_, versions := h.Site.ReadLangFields(r, "", "name")
	_, err := h.Service.CreateUnit(ctx, web.CurrentUser(ctx), Unit{Name: r.PostFormValue("name"), Kind: r.PostFormValue("kind"),
		Email: r.PostFormValue("email"), Versions: versions})
	if err != nil {
		return h.unitsAgain(w, r, err)
	}
	http.Redirect(w, r, "/admin/reports/units?done=unit", http.StatusSeeOther)
	return nil
}

// handleUnitNames saves a unit's name in the site's other languages; its
// fields are named name_LANG-UNIT so every unit's form on the page is apart.
func (h *Handler) handleUnitNames(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id := r.PathValue("id")
	versions := i18n.Versions{}
	for _, lang := range h.Site.Catalog.Languages()[1:] {
		versions.Set("name", lang, r.PostFormValue("name_"+lang+"-"+id))
	}
	if err := h.Service.SetUnitNames(ctx, web.CurrentUser(ctx), id, versions); err != nil {
		return h.unitsAgain(w, r, err)
	}
	http.Redirect(w, r, "/admin/reports/units?done=names", http.StatusSeeOther)
	return nil
}

func (h *Handler) handleAddMember(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if err := h.Service.AddMember(ctx, web.CurrentUser(ctx), r.PathValue("id"), r.PostFormValue("member")); err != nil {
		return h.unitsAgain(w, r, renameField(err, "email", "member-"+r.PathValue("id")))
	}
	http.Redirect(w, r, "/admin/reports/units?done=member", http.StatusSeeOther)
	return nil
}

func (h *Handler) handleRemoveMember(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if err := h.Service.RemoveMember(ctx, web.CurrentUser(ctx), r.PathValue("id"), r.PostFormValue("member")); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/reports/units?done=removed", http.StatusSeeOther)
	return nil
}

// RoutingPage shows and edits the routing rules.
type RoutingPage struct {
	Base
	Rules      []RouteRow
	Defaults   []RouteRow
	Categories []Option
	Districts  []Option
	Units      []Option
	Done       bool
}

// RouteRow is a routing rule for display.
type RouteRow struct {
	Category     string
	CategoryCode string
	District     string
	DistrictNo   int
	Unit         string
}

func (h *Handler) routingPage(r *http.Request) (*RoutingPage, error) {
	ctx, lang := r.Context(), web.Lang(r.Context())
	names, cats, err := h.categoryNames(r, true)
	if err != nil {
		return nil, err
	}
	units, err := h.Service.Units(ctx)
	if err != nil {
		return nil, err
	}
	unitName := map[string]string{}
	for _, u := range units {
		unitName[u.ID] = u.Name
	}
	routes, err := h.Service.Routes(ctx)
	if err != nil {
		return nil, err
	}
	p := &RoutingPage{}
	anyDistrict := h.Site.Catalog.T(lang, "reports.routing.any")
	for _, rt := range routes {
		d := anyDistrict
		if rt.District > 0 {
			d = h.districtName(rt.District, lang)
		}
		p.Rules = append(p.Rules, RouteRow{Category: names[rt.Category], CategoryCode: rt.Category, District: d, DistrictNo: rt.District, Unit: unitName[rt.UnitID]})
	}
	for _, c := range cats {
		p.Defaults = append(p.Defaults, RouteRow{Category: c.Name(lang), CategoryCode: c.Code, Unit: unitName[c.UnitID]})
		p.Categories = append(p.Categories, Option{Value: c.Code, Label: c.Name(lang), Selected: c.Code == r.PostFormValue("category")})
	}
	p.Districts = []Option{{Value: "0", Label: anyDistrict}}
	if set := h.Service.Districts; set != nil {
		for _, d := range set.All() {
			v := strconv.Itoa(d.Number)
			p.Districts = append(p.Districts, Option{Value: v, Label: d.Numeral + " " + d.Name, Selected: v == r.PostFormValue("district")})
		}
	}
	p.Units = []Option{{Value: "", Label: h.Site.Catalog.T(lang, "reports.routing.remove")}}
	for _, u := range units {
		p.Units = append(p.Units, Option{Value: u.ID, Label: u.Name, Selected: u.ID == r.PostFormValue("unit")})
	}
	return p, nil
}

func (h *Handler) handleRouting(w http.ResponseWriter, r *http.Request) error {
	p, err := h.routingPage(r)
	if err != nil {
		return err
	}
	p.Done = r.URL.Query().Get("done") == "route"
	return h.Site.Render(w, r, http.StatusOK, "reports/routing", "reports.routing.title", p)
}

func (h *Handler) handleSetRoute(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	district, err := strconv.Atoi(r.PostFormValue("district"))
	if err != nil {
		err = invalid("district", "reports.error.district")
	} else if _, cerr := h.Service.Category(ctx, r.PostFormValue("category")); cerr != nil {
		err = cerr
	} else {
		err = h.Service.SetRoute(ctx, web.CurrentUser(ctx), Route{Category: r.PostFormValue("category"), District: district, UnitID: r.PostFormValue("unit")})
	}
	if err != nil {
		p, perr := h.routingPage(r)
		if perr != nil {
			return perr
		}
		if err := h.fail(&p.Base, web.Lang(ctx), err); err != nil {
			return err
		}
		return h.Site.Render(w, r, http.StatusBadRequest, "reports/routing", "reports.routing.title", p)
	}
	http.Redirect(w, r, "/admin/reports/routing?done=route", http.StatusSeeOther)
	return nil
}

// CategoriesPage lists the categories.
type CategoriesPage struct {
	Base
	Categories []CategoryRow
	Done       bool
}

// CategoryRow is a category in the admins' list.
type CategoryRow struct {
	Code, Name, Group, Unit, Type string
	ExpectedDays                  int
	Active                        bool
	Attributes                    int
}

func (h *Handler) handleCategories(w http.ResponseWriter, r *http.Request) error {
	ctx, lang := r.Context(), web.Lang(r.Context())
	cats, err := h.Service.Categories(ctx, true)
	if err != nil {
		return err
	}
	units, err := h.Service.Units(ctx)
	if err != nil {
		return err
	}
	unitName := map[string]string{}
	for _, u := range units {
		unitName[u.ID] = u.Name
	}
	p := CategoriesPage{Done: r.URL.Query().Get("done") == "category"}
	for _, c := range cats {
		p.Categories = append(p.Categories, CategoryRow{Code: c.Code, Name: c.Name(lang), Group: c.Group, Unit: unitName[c.UnitID],
			Type: c.ServiceType, ExpectedDays: c.ExpectedDays, Active: c.Active, Attributes: len(c.Attributes)})
	}
	return h.Site.Render(w, r, http.StatusOK, "reports/categories", "reports.categories.title", p)
}

// CategoryPage edits one category (or a new one).
type CategoryPage struct {
	Base
	New          bool
	Code         string
	Group        string
	Keywords     string
	ExpectedDays string
	Position     string
	Active       bool
	Batch        bool
	Languages    []LangFields
	Units        []Option
	Attributes   string // JSON
}

// LangFields are a category's texts in one language.
type LangFields struct {
	Lang, Label               string
	Name, Description, Notice string
}

func (h *Handler) categoryPage(r *http.Request, c *Category) (*CategoryPage, error) {
	units, err := h.Service.Units(r.Context())
	if err != nil {
		return nil, err
	}
	lang := web.Lang(r.Context())
	attrs, _ := json.MarshalIndent(nonNilSlice(c.Attributes), "", "  ")
	p := &CategoryPage{Code: c.Code, Group: c.Group, Keywords: c.Keywords, ExpectedDays: strconv.Itoa(c.ExpectedDays),
		Position: strconv.Itoa(c.Position), Active: c.Active, Batch: c.ServiceType == TypeBatch, Attributes: string(attrs)}
	for _, l := range h.Site.Catalog.Languages() {
		p.Languages = append(p.Languages, LangFields{Lang: l, Label: h.Site.Catalog.T(l, "lang.name"),
			Name: c.Names[l], Description: c.Descriptions[l], Notice: c.Notices[l]})
	}
	p.Units = []Option{{Value: "", Label: h.Site.Catalog.T(lang, "reports.category.no_unit")}}
	for _, u := range units {
		p.Units = append(p.Units, Option{Value: u.ID, Label: u.Name, Selected: u.ID == c.UnitID})
	}
	return p, nil
}

func (h *Handler) handleCategory(w http.ResponseWriter, r *http.Request) error {
	code := r.PathValue("code")
	c := &Category{Active: true, ExpectedDays: 14, ServiceType: TypeRealtime}
	isNew := code == "new"
	if !isNew {
		var err error
		if c, err = h.Service.Category(r.Context(), code); err != nil {
			return err
		}
	}
	p, err := h.categoryPage(r, c)
	if err != nil {
		return err
	}
	p.New = isNew
	return h.Site.Render(w, r, http.StatusOK, "reports/category", "reports.category.title", p)
}

func (h *Handler) handleSaveCategory(w http.ResponseWriter, r *http.Request) error {
	ctx, lang := r.Context(), web.Lang(r.Context())
	f := r.PostForm
	c := Category{Code: strings.TrimSpace(f.Get("code")), Group: strings.TrimSpace(f.Get("group")), Keywords: strings.TrimSpace(f.Get("keywords")),
		UnitID: f.Get("unit"), Active: f.Get("active") == "true", ServiceType: TypeRealtime,
		Names: map[string]string{}, Descriptions: map[string]string{}, Notices: map[string]string{}}
	if f.Get("batch") == "true" {
		c.ServiceType = TypeBatch
	}
	for _, l := range h.Site.Catalog.Languages() {
		c.Names[l], c.Descriptions[l], c.Notices[l] = strings.TrimSpace(f.Get("name_"+l)), strings.TrimSpace(f.Get("description_"+l)), strings.TrimSpace(f.Get("notice_"+l))
	}
	var err error
	if c.ExpectedDays, err = strconv.Atoi(strings.TrimSpace(f.Get("expected_days"))); err != nil {
		err = invalid("expected_days", "reports.error.expected_days")
	}
	if err == nil {
		if c.Position, err = strconv.Atoi(strings.TrimSpace(cmpOr(f.Get("position"), "0"))); err != nil {
			err = invalid("position", "reports.error.position")
		}
	}
	if err == nil && strings.TrimSpace(f.Get("attributes")) != "" {
		dec := json.NewDecoder(strings.NewReader(f.Get("attributes")))
		dec.DisallowUnknownFields()
		if derr := dec.Decode(&c.Attributes); derr != nil {
			err = invalid("attributes", "reports.error.attribute_definition")
		}
	}
	if err == nil {
		err = h.Service.SaveCategory(ctx, web.CurrentUser(ctx), c)
	}
	if err != nil {
		p, perr := h.categoryPage(r, &c)
		if perr != nil {
			return perr
		}
		p.New = f.Get("new") == "true"
		p.Attributes, p.ExpectedDays, p.Position = f.Get("attributes"), f.Get("expected_days"), f.Get("position")
		if err := h.fail(&p.Base, lang, err); err != nil {
			return err
		}
		return h.Site.Render(w, r, http.StatusBadRequest, "reports/category", "reports.category.title", p)
	}
	http.Redirect(w, r, "/admin/reports/categories?done=category", http.StatusSeeOther)
	return nil
}

func cmpOr(a, b string) string {
	if strings.TrimSpace(a) == "" {
		return b
	}
	return a
}

// KeysPage lists the Open311 API keys; NewKey is shown once, right after
// it is issued.
type KeysPage struct {
	Base
	Keys    []APIKey
	NewKey  string
	NewApp  string
	AppName string
	Contact string
	Revoked bool
	APIURL  string
}

func (h *Handler) keysPage(r *http.Request) (*KeysPage, error) {
	keys, err := h.Service.Keys(r.Context())
	if err != nil {
		return nil, err
	}
	return &KeysPage{Keys: keys, APIURL: Prefix + "/discovery.xml"}, nil
}

func (h *Handler) handleKeys(w http.ResponseWriter, r *http.Request) error {
	p, err := h.keysPage(r)
	if err != nil {
		return err
	}
	p.Revoked = r.URL.Query().Get("done") == "revoked"
	return h.Site.Render(w, r, http.StatusOK, "reports/keys", "reports.keys.title", p)
}

func (h *Handler) handleCreateKey(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	raw, k, err := h.Service.CreateKey(ctx, web.CurrentUser(ctx), r.PostFormValue("app_name"), r.PostFormValue("contact"))
	p, perr := h.keysPage(r)
	if perr != nil {
		return perr
	}
	status := http.StatusOK
	if err != nil {
		if err := h.fail(&p.Base, web.Lang(ctx), err); err != nil {
			return err
		}
		p.AppName, p.Contact = r.PostFormValue("app_name"), r.PostFormValue("contact")
		status = http.StatusBadRequest
	} else {
		p.NewKey, p.NewApp = raw, k.AppName
	}
	// The key is shown in this answer only, which no cache may keep.
	w.Header().Set("Cache-Control", "no-store")
	return h.Site.Render(w, r, status, "reports/keys", "reports.keys.title", p)
}

func (h *Handler) handleRevokeKey(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if err := h.Service.RevokeKey(ctx, web.CurrentUser(ctx), r.PathValue("id")); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/reports/keys?done=revoked", http.StatusSeeOther)
	return nil
}

// renameField points an input error at another field of the page.
func renameField(err error, from, to string) error {
	if e, ok := errors.AsType[*apperr.Error](err); ok && e.Field == from {
		return &apperr.Error{Kind: e.Kind, Field: to, Message: e.Message, Err: e.Err}
	}
	return err
}
