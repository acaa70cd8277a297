package budget_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/web"
)

// Officers give an edition's title, pool names and categories in English
// and Ukrainian on the settings form, with the schedule; residents then
// read them in their language, and Polish — marked lang="pl" — where a
// version is missing. Problems go next to their fields and save nothing.
func TestEditionInThreeLanguages(t *testing.T) {
	n := startNode(t, db.SQLite)
	off := n.person("officer@lang.test", web.Role{Name: web.RoleOfficer, Domain: "budget"})
	cfg, _ := json.Marshal(cityConfig("bo-lang"))
	off.do(http.MethodPost, "/officer/budget/new", url.Values{"config": {string(cfg)}}).must(t, 303, "create edition")
	form := off.get("/officer/budget/bo-lang").must(t, 200, "edition")
	for _, field := range []string{`name="title_en"`, `name="description_uk"`, `name="categories_en"`, `name="pool_city_name_uk"`,
		`name="pool_d1_amount"`, `name="start_voting"`, `name="categories"`} {
		if !strings.Contains(form.body, field) {
			t.Errorf("the settings form lacks %s", field)
		}
	}
	settings := url.Values{"title": {"Budżet Obywatelski Krakowa 2027"}, "min_age": {"16"}, "signatures": {"0"},
		"pool_policy": {"city_and_home"}, "paper_policy": {"first_wins"},
		"title_en": {"Kraków Civic Budget 2027"}, "title_uk": {""},
		"categories": {"zieleń\nsport"}, "categories_en": {"greenery\nsport"}, "categories_uk": {"зелень"},
		"pool_city_name": {"Ogólnomiejski"}, "pool_city_name_en": {"City-wide"}, "pool_city_amount": {"1000000"},
		"start_submission": {"2027-03-01T09:00"}, "start_review": {"2027-02-01T09:00"}}
	bad := off.do(http.MethodPost, "/officer/budget/bo-lang/settings", settings)
	if bad.status != http.StatusUnprocessableEntity || !strings.Contains(bad.body, `id="start_review-error"`) ||
		!strings.Contains(bad.body, `value="Kraków Civic Budget 2027"`) {
		t.Fatalf("a review before submission: %d\n%s", bad.status, clip(bad.body))
	}
	if strings.Contains(off.get("/officer/budget/bo-lang").body, `value="Kraków Civic Budget 2027"`) {
		t.Error("a refused form saved the English title")
	}
	settings.Set("start_review", "2027-04-01T09:00")
	settings.Set("categories_en", "greenery\nsport\nculture")
	if p := off.do(http.MethodPost, "/officer/budget/bo-lang/settings", settings); p.status != http.StatusUnprocessableEntity ||
		!strings.Contains(p.body, `id="categories_en-error"`) {
		t.Errorf("three English categories for two Polish: %d", p.status)
	}
	settings.Set("categories_en", "greenery\nsport")
	off.do(http.MethodPost, "/officer/budget/bo-lang/settings", settings).must(t, 303, "settings")
	if p := off.get("/officer/budget/bo-lang"); !strings.Contains(p.body, `value="2027-04-01T09:00"`) || !strings.Contains(p.body, `value="City-wide"`) {
		t.Errorf("the saved schedule or English pool name is not on the form\n%s", clip(p.body))
	}
	off.do(http.MethodPost, "/officer/budget/bo-lang/phase", url.Values{"phase": {"submission"}, "confirm": {"yes"}}).must(t, 303, "open submission")

	read := func(lang, path string) string {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, n.srv.URL+path, nil)
		req.Header.Set("Accept-Language", lang)
		return off.send(req).must(t, 200, lang+" "+path).body
	}
	en := read("en", "/budget/bo-lang")
	for _, want := range []string{"<h1>Kraków Civic Budget 2027</h1>", "City-wide", `<span lang="pl">Stare Miasto</span>`} {
		if !strings.Contains(en, want) {
			t.Errorf("the English edition page lacks %s", want)
		}
	}
	if uk := read("uk", "/budget/bo-lang"); !strings.Contains(uk, `<h1><span lang="pl">Budżet Obywatelski Krakowa 2027</span></h1>`) {
		t.Error("the Ukrainian page does not mark the Polish title lang=pl")
	}
	if pl := read("pl", "/budget/bo-lang"); !strings.Contains(pl, "<h1>Budżet Obywatelski Krakowa 2027</h1>") {
		t.Error("the Polish page lacks its title")
	}
	if projects := read("en", "/budget/bo-lang/projects"); !strings.Contains(projects, ">greenery</option>") {
		t.Error("the English project filter does not name the category in English")
	}
	if projects := read("uk", "/budget/bo-lang/projects"); !strings.Contains(projects, ">зелень</option>") || !strings.Contains(projects, ">sport</option>") {
		t.Error("the Ukrainian project filter: a translated category or the Polish fallback is missing")
	}
}
