package consult

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/db/dbtest"
	"github.com/civitas-city/civitas/internal/web"
)

// An officer gives a consultation's title, summary and a phase in English;
// residents read them in English, and in Ukrainian get the Polish marked
// lang="pl". A text over its limit is refused next to its field.
func TestConsultationInThreeLanguages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		hs := newHarness(t, d)
		hs.user("officer", web.Role{Name: web.RoleOfficer, Domain: "consultations"})
		c, _ := hs.consultation(ConsultationInput{Status: StatusOpen})
		edit := officerURL(c.ID)
		form := url.Values{"title": {"Zieleń na Kazimierzu"}, "summary": {"Więcej **drzew**."}, "district": {"0"},
			"status": {"open"}, "moderation": {"post"},
			"title_en": {"Greenery in Kazimierz"}, "summary_en": {"More **trees**."}, "title_uk": {strings.Repeat("д", MaxTitle+1)}}
		r := hs.post(edit, "officer", form)
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `id="title_uk-error"`) {
			t.Fatalf("a Ukrainian title over the limit: %d", r.Status)
		}
		form.Set("title_uk", "")
		hs.must(hs.post(edit, "officer", form), http.StatusSeeOther, "save with English")
		hs.must(hs.post(edit+"/phases", "officer", url.Values{"phase_title": {"Zbieranie uwag"}, "phase_starts": {"2026-01-01"},
			"phase_ends": {"2026-12-31"}, "phase_title_en": {"Collecting comments"}}), http.StatusSeeOther, "add phase")

		en := hs.must(hs.do(http.MethodGet, consultationURL(c.ID), "", "en", nil), 200, "English page").Body
		for _, want := range []string{"<h1>Greenery in Kazimierz</h1>", "<strong>trees</strong>", "<strong>Collecting comments</strong>"} {
			if !strings.Contains(en, want) {
				t.Errorf("the English page lacks %s", want)
			}
		}
		uk := hs.must(hs.do(http.MethodGet, consultationURL(c.ID), "", "uk", nil), 200, "Ukrainian page").Body
		for _, want := range []string{`<h1><span lang="pl">Zieleń na Kazimierzu</span></h1>`, `<div lang="pl"><p>Więcej <strong>drzew</strong>.</p>`,
			`<strong><span lang="pl">Zbieranie uwag</span></strong>`} {
			if !strings.Contains(uk, want) {
				t.Errorf("the Ukrainian page lacks %s", want)
			}
		}
		if list := hs.do(http.MethodGet, "/consultations", "", "en", nil).Body; !strings.Contains(list, ">Greenery in Kazimierz</a>") {
			t.Error("the English list does not show the English title")
		}
		if officer := hs.get(edit, "officer").Body; !strings.Contains(officer, `value="Greenery in Kazimierz"`) {
			t.Error("the officer's form does not show the saved English title")
		}
	})
}
