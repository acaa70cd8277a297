package budget

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/civitas-city/civitas/internal/web"
)

// SettingsForm is the edition's settings as form fields: what officers
// change most, without touching the JSON (kept as the advanced option for
// pools, the schedule and categories).
type SettingsForm struct {
	Title, Description    string
	MinAge, Signatures    string
	PoolPolicy            string
	PaperPolicy           string
	AllowChange           bool
	DoubleKey, AutoPhases bool
	PoolPolicies          []PoolPolicy
	PaperPolicies         []PaperPolicy
}

func settingsOf(c Config) *SettingsForm {
	return &SettingsForm{Title: c.Title, Description: c.Description, MinAge: strconv.Itoa(c.MinAge), Signatures: strconv.Itoa(c.Signatures),
		PoolPolicy: string(c.PoolPolicy), PaperPolicy: string(c.PaperPolicy), AllowChange: c.AllowChange, DoubleKey: c.DoubleKey,
		AutoPhases: c.AutoPhases, PoolPolicies: []PoolPolicy{PolicyCityAndHome, PolicyCityAndOneDistrict, PolicyAny},
		PaperPolicies: []PaperPolicy{FirstWins, VoidBoth}}
}

// settingsFields maps a configuration problem's path to the form field
// that shows it.
var settingsFields = map[string]string{"title": "title", "description": "description", "min_age": "min_age",
	"signatures": "signatures", "pool_policy": "pool_policy", "paper_policy": "paper_policy"}

// handleSettings saves the settings form into the edition's configuration,
// checked as the JSON is: each problem goes next to its field.
func (h *Handler) handleSettings(w http.ResponseWriter, r *http.Request) error {
	e, err := h.managedEdition(r)
	if err != nil {
		return err
	}
	c := e.Config()
	form := settingsOf(c)
	form.Title, form.Description = strings.TrimSpace(r.PostFormValue("title")), strings.TrimSpace(r.PostFormValue("description"))
	form.MinAge, form.Signatures = strings.TrimSpace(r.PostFormValue("min_age")), strings.TrimSpace(r.PostFormValue("signatures"))
	form.PoolPolicy, form.PaperPolicy = r.PostFormValue("pool_policy"), r.PostFormValue("paper_policy")
	form.AllowChange, form.DoubleKey, form.AutoPhases = r.PostFormValue("allow_change") != "", r.PostFormValue("double_key") != "", r.PostFormValue("auto_phases") != ""
	errs := web.FormErrors{}
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
	if len(errs) == 0 {
		err = h.Service.UpdateEdition(r.Context(), actor(r), e.ID, c)
		if ce, ok := errors.AsType[*ConfigError](err); ok {
			for _, p := range ce.Problems {
				field, ok := settingsFields[p.Path]
				if !ok {
					field = "settings"
				}
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
