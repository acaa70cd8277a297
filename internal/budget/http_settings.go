package budget

import (
	"errors"
	"fmt"
	"github.com/civitas-city/civitas/internal/i18n"
	"net/http"
	"strconv"
	"strings"

	"github.com/civitas-city/civitas/internal/web"
)

// SettingsForm is the edition's settings as form fields: everything
// officers change — the texts in every language, the schedule, the
// categories, the pools' names and money — without touching the JSON (kept
// as the advanced option, for adding pools and their ballot rules).
type SettingsForm struct {
	Title, Description    string
	MinAge, Signatures    string
	PoolPolicy            string
	PaperPolicy           string
	AllowChange           bool
	DoubleKey, AutoPhases bool
	PoolPolicies          []PoolPolicy
	PaperPolicies         []PaperPolicy
	// Schedule is each planned phase's start, as datetime-local values.
	Schedule []ScheduleField
	// Categories is one per line.
	Categories string
	// Other are the texts in the site's other languages.
	Other []LanguageFields
	Pools []PoolFields
}

// ScheduleField is one phase's planned start.
type ScheduleField struct {
	Phase Phase
	Value string
}

// LanguageFields are the edition's texts in one other language.
type LanguageFields struct {
	Lang, Name                     string // Name: the language's own name ("English")
	Title, Description, Categories string // categories one per line, in the Polish order
}

// PoolFields are the parts of a pool the form edits.
type PoolFields struct {
	Slug, Name, Amount string
	Names              map[string]string // in the other languages
}

// otherLanguages are the site's languages after the default one, whose
// versions officers may add.
func (h *Handler) otherLanguages() []string { return h.Site.Catalog.Languages()[1:] }

func (h *Handler) settingsOf(c Config) *SettingsForm {
	loc := h.Site.Renderer.Location()
	f := &SettingsForm{Title: c.Title, Description: c.Description, MinAge: strconv.Itoa(c.MinAge), Signatures: strconv.Itoa(c.Signatures),
		PoolPolicy: string(c.PoolPolicy), PaperPolicy: string(c.PaperPolicy), AllowChange: c.AllowChange, DoubleKey: c.DoubleKey,
		AutoPhases: c.AutoPhases, PoolPolicies: []PoolPolicy{PolicyCityAndHome, PolicyCityAndOneDistrict, PolicyAny},
		PaperPolicies: []PaperPolicy{FirstWins, VoidBoth}, Categories: strings.Join(c.Categories, "\n")}
	for _, p := range ScheduledPhases {
		field := ScheduleField{Phase: p}
		if t := *c.Schedule.fields()[p]; t != nil {
			field.Value = web.LocalTimeValue(*t, loc)
		}
		f.Schedule = append(f.Schedule, field)
	}
	for _, lang := range h.otherLanguages() {
		lf := LanguageFields{Lang: lang, Name: h.Site.Catalog.T(lang, "lang.name"), Title: c.Versions["title"][lang], Description: c.Versions["description"][lang]}
		names := make([]string, len(c.Categories))
		for i, cat := range c.Categories {
			names[i] = c.Versions["category:"+cat][lang]
		}
		lf.Categories = strings.TrimRight(strings.Join(names, "\n"), "\n")
		f.Other = append(f.Other, lf)
	}
	for _, p := range c.Pools {
		pf := PoolFields{Slug: p.Slug, Name: p.Name, Amount: p.Amount, Names: map[string]string{}}
		for _, lang := range h.otherLanguages() {
			pf.Names[lang] = p.Versions["name"][lang]
		}
		f.Pools = append(f.Pools, pf)
	}
	return f
}

// settingsField maps a configuration problem's path to the form field
// that shows it ("settings" for the form as a whole).
func settingsField(path string, pools []PoolConfig) string {
	switch {
	case path == "title" || path == "description" || path == "min_age" || path == "signatures" ||
		path == "pool_policy" || path == "paper_policy":
		return path
	case path == "schedule":
		return "start_" + string(ScheduledPhases[0])
	case strings.HasPrefix(path, "schedule."):
		return "start_" + strings.TrimPrefix(path, "schedule.")
	case strings.HasPrefix(path, "categories"):
		return "categories"
	case strings.HasPrefix(path, "versions."):
		// versions.FIELD.LANG, FIELD possibly "category:NAME"
		rest := strings.TrimPrefix(path, "versions.")
		lang := rest[strings.LastIndex(rest, ".")+1:]
		if strings.HasPrefix(rest, "category:") {
			return "categories_" + lang
		}
		return strings.TrimSuffix(rest, "."+lang) + "_" + lang
	case strings.HasPrefix(path, "pools["):
		var i int
		var field string
		if _, err := fmt.Sscanf(path, "pools[%d].%s", &i, &field); err == nil && i < len(pools) {
			switch {
			case field == "name" || field == "amount":
				return "pool_" + pools[i].Slug + "_" + field
			case strings.HasPrefix(field, "versions.name."):
				return "pool_" + pools[i].Slug + "_name_" + strings.TrimPrefix(field, "versions.name.")
			}
		}
	}
	return "settings"
}

// readSettings puts the posted form into form and c; problems that are
// the form's own (a number that is no number) go into errs.
func (h *Handler) readSettings(r *http.Request, form *SettingsForm, c *Config, errs web.FormErrors) {
	form.Title, form.Description = strings.TrimSpace(r.PostFormValue("title")), strings.TrimSpace(r.PostFormValue("description"))
	form.MinAge, form.Signatures = strings.TrimSpace(r.PostFormValue("min_age")), strings.TrimSpace(r.PostFormValue("signatures"))
	form.PoolPolicy, form.PaperPolicy = r.PostFormValue("pool_policy"), r.PostFormValue("paper_policy")
	form.AllowChange, form.DoubleKey, form.AutoPhases = r.PostFormValue("allow_change") != "", r.PostFormValue("double_key") != "", r.PostFormValue("auto_phases") != ""
	number := func(field, v string) int {
		n, err := strconv.Atoi(v)
		if err != nil {
			errs[field] = h.t(r, "budget.settings.error.whole_number")
		}
		return n
	}
	c.Title, c.Description = form.Title, form.Description
	c.MinAge, c.Signatures = number("min_age", form.MinAge), number("signatures", form.Signatures)
	c.PoolPolicy, c.PaperPolicy = PoolPolicy(form.PoolPolicy), PaperPolicy(form.PaperPolicy)
	c.AllowChange, c.DoubleKey, c.AutoPhases = form.AllowChange, form.DoubleKey, form.AutoPhases

	// The fields below keep their saved value when the post leaves them
	// out (a client that sends only what it changes).
	value := func(name, saved string) string {
		if _, sent := r.PostForm[name]; !sent {
			return saved
		}
		return strings.TrimSpace(r.PostFormValue(name))
	}
	loc := h.Site.Renderer.Location()
	for i := range form.Schedule {
		sf := &form.Schedule[i]
		name := "start_" + string(sf.Phase)
		sf.Value = value(name, sf.Value)
		slot := c.Schedule.fields()[sf.Phase]
		*slot = nil
		if sf.Value == "" {
			continue
		}
		t, ok := web.ParseLocalTime(sf.Value, loc)
		if !ok {
			errs[name] = h.t(r, "budget.settings.error.date")
			continue
		}
		t = t.UTC()
		*slot = &t
	}

	form.Categories = value("categories", form.Categories)
	c.Categories = nil
	for line := range strings.SplitSeq(form.Categories, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			c.Categories = append(c.Categories, line)
		}
	}
	// Versions: rebuilt from the form, so a text emptied is removed.
	c.Versions = i18n.Versions{}
	for i := range form.Other {
		lf := &form.Other[i]
		lang := lf.Lang
		lf.Title = value("title_"+lang, lf.Title)
		lf.Description = value("description_"+lang, lf.Description)
		lf.Categories = value("categories_"+lang, lf.Categories)
		c.Versions.Set("title", lang, lf.Title)
		c.Versions.Set("description", lang, lf.Description)
		names := strings.Split(lf.Categories, "\n")
		if lf.Categories != "" && len(names) > len(c.Categories) {
			errs["categories_"+lang] = h.t(r, "budget.settings.error.category_lines")
		}
		for j, cat := range c.Categories {
			if j < len(names) {
				c.Versions.Set("category:"+cat, lang, names[j])
			}
		}
	}
	for i := range form.Pools {
		pf := &form.Pools[i]
		pc := &c.Pools[i]
		prefix := "pool_" + pf.Slug + "_"
		pf.Name, pf.Amount = value(prefix+"name", pf.Name), value(prefix+"amount", pf.Amount)
		pc.Name, pc.Amount = pf.Name, pf.Amount
		pc.Versions = i18n.Versions{}
		for _, lang := range h.otherLanguages() {
			pf.Names[lang] = value(prefix+"name_"+lang, pf.Names[lang])
			pc.Versions.Set("name", lang, pf.Names[lang])
		}
	}
}

// handleSettings saves the settings form into the edition's configuration,
// checked as the JSON is: each problem goes next to its field.
func (h *Handler) handleSettings(w http.ResponseWriter, r *http.Request) error {
	e, err := h.managedEdition(r)
	if err != nil {
		return err
	}
	c := e.Config()
	form := h.settingsOf(c)
	errs := web.FormErrors{}
	h.readSettings(r, form, &c, errs)
	if len(errs) == 0 {
		err = h.Service.UpdateEdition(r.Context(), actor(r), e.ID, c)
		if ce, ok := errors.AsType[*ConfigError](err); ok {
			for _, p := range ce.Problems {
				field := settingsField(p.Path, c.Pools)
				if _, seen := errs[field]; !seen {
					errs[field] = h.t(r, p.Key)
				}
			}
		} else if err != nil {
			if errs, err = h.formErrors(r, err); err != nil {
				return err
			}
		}
	}
	if len(errs) > 0 {
		page, err := h.officerEditionPage(r, e, nil, errs)
		if err != nil {
			return err
		}
		page.Settings = form
		return h.render(w, r, "officer_edition", "budget.officer.title", errs, page)
	}
	return seeOther(w, r, "/officer/budget/"+e.Slug+"?done=saved")
}
