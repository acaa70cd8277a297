package consult

import (
	"context"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/civitas-city/civitas/internal/audit"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/i18n"
	"github.com/civitas-city/civitas/internal/web"
)

// harness is the consultations module served over HTTP on a real
// database, with the shell's renderer and catalog, and users signed in by
// a test header (the session layer belongs to accounts).
type harness struct {
	t   *testing.T
	d   *db.DB
	svc *Service
	h   *Handler
	srv *httptest.Server

	mu    sync.Mutex
	users map[string]*web.User
	res   *fakeResidents
}

// fakeResidents is verified residency: user id → district.
type fakeResidents struct {
	mu       sync.Mutex
	verified map[string]int
}

func (f *fakeResidents) IsVerifiedResident(_ context.Context, userID string) (int, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	d, ok := f.verified[userID]
	return d, ok, nil
}

func (f *fakeResidents) verify(userID string, district int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.verified[userID] = district
}

func newHarness(t *testing.T, d *db.DB) *harness {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Warsaw")
	if err != nil {
		t.Fatal(err)
	}
	cat := i18n.New("pl", "en", "uk")
	shell, _ := fs.Sub(web.Locales(), "locales")
	for _, f := range []fs.FS{shell, Locales()} {
		if err := cat.AddFS(f); err != nil {
			t.Fatal(err)
		}
	}
	assets, err := web.NewAssets(web.Static())
	if err != nil {
		t.Fatal(err)
	}
	var out io.Writer = io.Discard
	if os.Getenv("CONSULT_TEST_LOG") != "" {
		out = os.Stderr
	}
	log := slog.New(slog.NewTextHandler(out, nil))
	site := &web.Site{Name: "Civitas Test", Log: log, Catalog: cat, Renderer: web.NewRenderer(cat, assets, loc)}
	site.RegisterShellPages()
	res := &fakeResidents{verified: map[string]int{}}
	svc := &Service{DB: d, Residents: res, IsDistrict: func(n int) bool { return n >= 1 && n <= 18 }, Location: loc, Log: log}
	h := &Handler{Site: site, Service: svc, Location: loc, ResidentsDesk: "/officer/residents", VerifyURL: "/account/verify",
		Districts: []DistrictOption{{1, "I Stare Miasto"}, {5, "V Krowodrza"}, {18, "XVIII Nowa Huta"}}}
	h.RegisterPages()
	hs := &harness{t: t, d: d, svc: svc, h: h, users: map[string]*web.User{}, res: res}
	mux := http.NewServeMux()
	h.Routes(func(pattern string, access web.Access, fn web.HandlerFunc) {
		mux.Handle(pattern, site.Handler(access, fn))
	})
	signIn := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			hs.mu.Lock()
			u := hs.users[r.Header.Get("X-Test-User")]
			hs.mu.Unlock()
			if u != nil {
				r = r.WithContext(web.WithUser(r.Context(), u))
			}
			next.ServeHTTP(w, r)
		})
	}
	hs.srv = httptest.NewServer(web.Chain(mux, site.Languages(), signIn))
	t.Cleanup(hs.srv.Close)
	return hs
}

// user adds a signed-in user with roles; its id is its name.
func (hs *harness) user(name string, roles ...web.Role) *web.User {
	u := &web.User{ID: "u-" + name, Name: name, Roles: roles}
	hs.mu.Lock()
	hs.users[name] = u
	hs.mu.Unlock()
	return u
}

type resp struct {
	Status   int
	Location string
	Body     string
	Header   http.Header
}

// do sends a request as user ("" for nobody) in lang ("" for the default).
func (hs *harness) do(method, path, user, lang string, form url.Values) resp {
	hs.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, hs.srv.URL+path, body)
	if err != nil {
		hs.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if user != "" {
		req.Header.Set("X-Test-User", user)
	}
	if lang != "" {
		req.Header.Set("Accept-Language", lang)
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	r, err := c.Do(req)
	if err != nil {
		hs.t.Fatal(err)
	}
	defer r.Body.Close()
	b, _ := io.ReadAll(r.Body)
	return resp{Status: r.StatusCode, Location: r.Header.Get("Location"), Body: string(b), Header: r.Header}
}

func (hs *harness) get(path, user string) resp { return hs.do(http.MethodGet, path, user, "", nil) }

func (hs *harness) post(path, user string, form url.Values) resp {
	if form == nil {
		form = url.Values{}
	}
	return hs.do(http.MethodPost, path, user, "", form)
}

// must checks a response's status.
func (hs *harness) must(r resp, status int, what string) resp {
	hs.t.Helper()
	if r.Status != status {
		hs.t.Fatalf("%s: status %d, want %d\n%s", what, r.Status, status, excerptBody(r.Body))
	}
	return r
}

func excerptBody(b string) string {
	if i := strings.Index(b, "<main"); i >= 0 {
		b = b[i:]
	}
	if len(b) > 3000 {
		b = b[:3000]
	}
	return b
}

// consultation makes an open consultation with a conversation and seed
// statements, straight through the service.
func (hs *harness) consultation(in ConsultationInput, statements ...string) (Consultation, Conversation) {
	hs.t.Helper()
	ctx := hs.t.Context()
	officer := Actor{UserID: "u-officer"}
	if in.Status == "" {
		in.Status = StatusOpen
	}
	if in.Title == "" {
		in.Title = "Zieleń na Kazimierzu"
	}
	c, err := hs.svc.Create(ctx, officer, in)
	if err != nil {
		hs.t.Fatal(err)
	}
	conv, err := hs.svc.SetConversation(ctx, officer, c.ID, ConversationInput{Topic: "Co z drzewami?", Open: true})
	if err != nil {
		hs.t.Fatal(err)
	}
	for _, s := range statements {
		if _, err := hs.svc.SeedStatement(ctx, officer, &conv, s); err != nil {
			hs.t.Fatal(err)
		}
	}
	return c, conv
}

// audited lists audit entries with an action.
func (hs *harness) audited(action string) []audit.Entry {
	hs.t.Helper()
	es, err := audit.List(hs.t.Context(), hs.d, audit.Filter{Action: action, Limit: 500})
	if err != nil {
		hs.t.Fatal(err)
	}
	return es
}
