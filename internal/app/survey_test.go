package app_test

import (
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/civitas-city/civitas/internal/app"
	"github.com/civitas-city/civitas/internal/survey"
	"github.com/civitas-city/civitas/internal/web"
)

func seedSurveyDemo(t *testing.T, srv *app.Server) {
	t.Helper()
	svc := &survey.Service{DB: srv.DB, Key: []byte("survey test key"), Catalog: srv.Catalog, BaseURL: "http://test"}
	if err := survey.SeedDemo(t.Context(), svc, "officer"); err != nil {
		t.Fatal(err)
	}
}

// TestSurveyPagesRefuseAndExport: a page with an answer out of range, or
// a condition's hidden question answered, is refused with 422 and stores
// nothing; a forged panel token is refused; the finished wave's open data
// hides small groups; officers export CSV, codebook and an SPSS file that
// PSPP reads.
func TestSurveyPagesRefuseAndExport(t *testing.T) {
	srv := startSQLite(t)
	seedSurveyDemo(t, srv)
	anon := client(t)
	responses := func() int { return countRows(t, srv, `SELECT COUNT(*) FROM survey_responses`) }
	before := responses()
	path := srv.URL + "/surveys/" + survey.DemoWave2025
	for _, form := range []url.Values{
		{"page": {"1"}, "channel": {"1"}, "nps": {"11"}},
		{"page": {"1"}, "channel": {"3"}, "nps": {"5"}},
		{"page": {"1"}, "channel": {"1"}},
		{"page": {"2"}, "courtesy": {"3"}},
	} {
		r := do(t, anon, http.MethodPost, path, form, "Accept-Language", "en")
		if r.StatusCode != http.StatusUnprocessableEntity && r.StatusCode != http.StatusBadRequest {
			t.Errorf("%v: status %d, want 422", form, r.StatusCode)
		}
	}
	if n := responses(); n != before {
		t.Fatalf("%d responses stored by refused pages", n-before)
	}
	r := do(t, anon, http.MethodPost, path, url.Values{"page": {"1"}, "channel": {"1"}, "nps": {"9"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("a good page: status %d", r.StatusCode)
	}
	r = do(t, anon, http.MethodPost, path, url.Values{"page": {"2"}, "why_low": {"kolejka"}}, "Accept-Language", "en")
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "does not apply") {
		t.Errorf("a promoter answering the detractors' question: status %d", r.StatusCode)
	}
	r = get(t, anon, srv.URL+"/surveys/"+survey.DemoPanel+"?token=abc.0123456789abcdef0123456789abcdef", "Accept-Language", "en")
	if r.StatusCode != http.StatusNotFound || !strings.Contains(r.Body, "invitation link is not valid") {
		t.Errorf("a forged token: status %d", r.StatusCode)
	}

	r = get(t, anon, srv.URL+"/surveys/"+survey.DemoWave2024+"/results.csv")
	if r.StatusCode != http.StatusOK || !strings.HasPrefix(r.Body, "question,figure,answer,n,value") || !strings.Contains(r.Body, "\nnps,nps,,600,") {
		t.Errorf("open data: %d %.200q", r.StatusCode, r.Body)
	}
	for _, line := range strings.Split(strings.TrimSpace(r.Body), "\n")[1:] {
		if n, _ := strconv.Atoi(strings.Split(line, ",")[3]); n > 0 && n < 5 {
			t.Errorf("a group of %d published: %s", n, line)
		}
	}
	if r := get(t, anon, srv.URL+"/surveys/"+survey.DemoWave2025+"/results.csv"); r.StatusCode != http.StatusNotFound {
		t.Errorf("results of a running wave: %d", r.StatusCode)
	}

	officer := signedIn(t, srv, "surveys@officer.test", web.Role{Name: web.RoleOfficer, Domain: "surveys"})
	export := srv.URL + "/officer/surveys/waves/" + survey.DemoWave2024 + "/export/"
	if r := get(t, officer, export+"responses.csv"); r.StatusCode != http.StatusOK ||
		!strings.HasPrefix(r.Body, "resp_id,resp_district,resp_age_band,resp_mode,resp_weight,channel,nps,why_low,courtesy,visits\n") {
		t.Errorf("responses.csv: %d %.120q", r.StatusCode, r.Body)
	}
	if r := get(t, officer, export+"codebook.csv", "Accept-Language", "en"); r.StatusCode != http.StatusOK ||
		!strings.Contains(r.Body, "channel,How was your matter handled?,numeric,1=in person at the office; 2=online") {
		t.Errorf("codebook.csv: %d", r.StatusCode)
	}
	sav := get(t, officer, export+"responses.sav")
	if sav.StatusCode != http.StatusOK || !strings.HasPrefix(sav.Body, "$FL2") {
		t.Fatalf("responses.sav: %d", sav.StatusCode)
	}
	if pspp, err := exec.LookPath("pspp"); err == nil {
		dir := t.TempDir()
		file, syntax, out := filepath.Join(dir, "r.sav"), filepath.Join(dir, "r.sps"), filepath.Join(dir, "out.csv")
		os.WriteFile(file, []byte(sav.Body), 0o600)
		os.WriteFile(syntax, []byte("GET FILE='"+file+"'.\nFREQUENCIES VARIABLES=channel.\n"), 0o600)
		if b, err := exec.CommandContext(t.Context(), pspp, "-o", out, syntax).CombinedOutput(); err != nil {
			t.Fatalf("pspp: %v %s", err, b)
		}
		got, _ := os.ReadFile(out)
		if !strings.Contains(string(got), "osobiście w urzędzie") || !strings.Contains(string(got), "600") {
			t.Errorf("PSPP's frequencies of channel:\n%s", got)
		}
	}
}
