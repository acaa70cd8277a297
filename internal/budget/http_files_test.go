package budget_test

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/db/dbtest"
	"github.com/civitas-city/civitas/internal/web"
)

// upload sends a file to a project's upload form, as the browser's
// multipart form does; an empty name sends the form without a file.
func (b *browser) upload(path, kind, name string, data []byte) page {
	b.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("kind", kind)
	if name != "" {
		fw, err := mw.CreateFormFile("file", name)
		if err != nil {
			b.t.Fatal(err)
		}
		fw.Write(data)
	}
	mw.Close()
	req, err := http.NewRequest(http.MethodPost, b.n.srv.URL+path, &body)
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Accept-Language", "en")
	return b.send(req)
}

// TestProjectFilesOverHTTP: an author adds pictures and attachments to a
// draft within the type and size limits; a wrong type, an empty file, no
// file or a stranger's upload is refused with a reason, stores nothing, and
// the form shown again keeps the project's map point.
func TestProjectFilesOverHTTP(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) { testProjectFiles(t, engine) })
	}
}

func testProjectFiles(t *testing.T, engine db.Dialect) {
	n := startNode(t, engine)
	off := n.person("officer@files.test", web.Role{Name: web.RoleOfficer, Domain: "budget"})
	anna, _ := n.verified("anna@files.test", 1, 1, time.Date(1985, 3, 4, 0, 0, 0, 0, time.UTC))
	bob, _ := n.verified("bob@files.test", 2, 1, time.Date(1986, 3, 4, 0, 0, 0, 0, time.UTC))
	cfg, _ := json.Marshal(cityConfig("bo-files"))
	off.do(http.MethodPost, "/officer/budget/new", url.Values{"config": {string(cfg)}}).must(t, 303, "create edition")
	off.do(http.MethodPost, "/officer/budget/bo-files/phase", url.Values{"phase": {"submission"}, "confirm": {"yes"}}).must(t, 303, "open submission")

	draft := anna.do(http.MethodPost, "/budget/bo-files/projects", url.Values{"pool": {"city"}, "title": {"Ławki w parku"},
		"description": {"Nowe ławki."}, "category": {"zieleń"}, "address": {"Park Jordana"}, "lat": {"50.0614"}, "lon": {"19.9155"},
		"cost_label_0": {"Ławki"}, "cost_amount_0": {"120000"}, "action": {"save"}}).must(t, 303, "save a draft")
	m := idRE.FindStringSubmatch(draft.header.Get("Location"))
	if m == nil {
		t.Fatalf("draft saved to %q", draft.header.Get("Location"))
	}
	files := "/budget/bo-files/projects/" + m[1] + "/files"
	stored := func() int {
		t.Helper()
		var count int
		if err := n.srv.DB.QueryRow(`SELECT COUNT(*) FROM files WHERE owner = $1`, "pbproject:"+m[1]).Scan(&count); err != nil {
			t.Fatal(err)
		}
		return count
	}

	png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0}, 64)...)
	anna.upload(files, "image", "park.png", png).must(t, 303, "a picture")
	pdf := []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
	anna.upload(files, "attachment", "kosztorys.pdf", pdf).must(t, 303, "an attachment")
	edit := anna.get("/budget/bo-files/projects/"+m[1]+"/edit").must(t, 200, "the draft")
	for _, name := range []string{"park.png", "kosztorys.pdf"} {
		if !strings.Contains(edit.body, name) {
			t.Errorf("the draft does not list %s", name)
		}
	}

	refused := []struct {
		what, kind, name string
		data             []byte
		want             string
	}{
		{"a PDF as a picture", "image", "plan.pdf", pdf, "This kind of file is not accepted"},
		{"a text file", "attachment", "notes.txt", []byte("just some text\n"), "This kind of file is not accepted"},
		{"an empty file", "image", "empty.png", nil, "The file is empty."},
		{"a picture over 8 MB", "image", "huge.png", append(png, make([]byte, 8<<20)...), "The file is too large."},
		{"no file", "image", "", nil, "Choose a file to send."},
	}
	for _, c := range refused {
		p := anna.upload(files, c.kind, c.name, c.data)
		if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, c.want) {
			t.Errorf("%s: status %d, want 422 saying %q\n%s", c.what, p.status, c.want, clip(p.body))
		}
		if !strings.Contains(p.body, `value="50.0614"`) {
			t.Errorf("%s: the form shown again lost the map point", c.what)
		}
	}
	if p := bob.upload(files, "image", "mine.png", png); p.status < 400 {
		t.Errorf("another resident added a file to Anna's draft: status %d", p.status)
	}
	if got := stored(); got != 2 {
		t.Errorf("%d files stored, want the 2 accepted ones", got)
	}
}
