package newsletter_test

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/db/dbtest"
	"github.com/civitas-city/civitas/internal/i18n"
	"github.com/civitas-city/civitas/internal/mail"
	"github.com/civitas-city/civitas/internal/news/newsletter"
	"github.com/civitas-city/civitas/internal/web"
	"github.com/emersion/go-smtp"
)

// sink is a real SMTP server on loopback that keeps what it receives, by
// recipient. It refuses bounce@ for good and later@ once for now.
type sink struct {
	mu    sync.Mutex
	got   map[string][]string
	tries map[string]int
	// countOnly keeps no message text (the benchmark's 100,000).
	countOnly bool
}

func (k *sink) NewSession(*smtp.Conn) (smtp.Session, error) { return &sinkSession{k: k}, nil }

type sinkSession struct {
	k  *sink
	to []string
}

func (s *sinkSession) Reset()                               { s.to = nil }
func (s *sinkSession) Logout() error                        { return nil }
func (s *sinkSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *sinkSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.k.mu.Lock()
	defer s.k.mu.Unlock()
	s.k.tries[to]++
	switch {
	case strings.HasPrefix(to, "bounce"):
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such mailbox"}
	case strings.HasPrefix(to, "later") && s.k.tries[to] == 1:
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try later"}
	}
	s.to = append(s.to, to)
	return nil
}
func (s *sinkSession) Data(r io.Reader) error {
	var b bytes.Buffer
	io.Copy(&b, r)
	s.k.mu.Lock()
	defer s.k.mu.Unlock()
	text := b.String()
	if s.k.countOnly {
		text = ""
	}
	for _, to := range s.to {
		s.k.got[to] = append(s.k.got[to], text)
	}
	return nil
}

func startSink(t testing.TB) (*sink, mail.BatchMailer) {
	t.Helper()
	k := &sink{got: map[string][]string{}, tries: map[string]int{}}
	srv := smtp.NewServer(k)
	srv.Domain = "localhost"
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	_, p, _ := net.SplitHostPort(ln.Addr().String())
	port, _ := strconv.Atoi(p)
	m, err := mail.NewSMTP(mail.SMTPConfig{Host: "127.0.0.1", Port: port, From: "news@krakow.example", TLS: "none"})
	if err != nil {
		t.Fatal(err)
	}
	return k, m
}

func catalog(t testing.TB) *i18n.Catalog {
	t.Helper()
	cat := i18n.New("pl", "en", "uk")
	shell, err := fs.Sub(web.Locales(), "locales")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []fs.FS{shell, os.DirFS("../locales")} {
		if err := cat.AddFS(f); err != nil {
			t.Fatal(err)
		}
	}
	return cat
}

var officer = newsletter.Actor{ID: "officer"}

func newService(t *testing.T, d *db.DB, m mail.BatchMailer, clock *time.Time) *newsletter.Service {
	return &newsletter.Service{DB: d, Key: []byte("test key"), Mailer: m, Catalog: catalog(t), BaseURL: "https://civitas.example",
		IsDistrict: func(n int) bool { return n >= 1 && n <= 18 }, DistrictName: func(n int) string { return "Dzielnica " + strconv.Itoa(n) },
		Topics: []string{"roads", "culture"}, Rate: 10_000, Workers: 2, Now: func() time.Time { return *clock },
		Items: func(_ context.Context, district int, from, to time.Time) ([]newsletter.Item, error) {
			return []newsletter.Item{
				{Title: "Remont ulicy", URL: "https://civitas.example/news/items/remont", Kind: "roadwork", Topics: []string{"roads"}},
				{Title: "Koncert", URL: "https://civitas.example/news/items/koncert", Kind: "event", Topics: []string{"culture"}},
			}, nil
		}}
}

// confirmLink is the link of the confirmation mail queued for email.
func confirmLink(t *testing.T, d *db.DB, email string) string {
	t.Helper()
	payloads, err := db.Query(t.Context(), d, db.Value[string], `SELECT payload FROM jobs WHERE kind = 'mail.send' AND payload LIKE $1`, "%"+email+"%")
	if err != nil || len(payloads) != 1 {
		t.Fatalf("confirmation mails to %s: %d (%v)", email, len(payloads), err)
	}
	i := strings.Index(payloads[0], "/news/newsletter/confirm/")
	if i < 0 {
		t.Fatalf("no link in %s", payloads[0])
	}
	tok := payloads[0][i+len("/news/newsletter/confirm/"):]
	return tok[:strings.IndexAny(tok, `\" `)]
}

func TestDigestDeliveredOnceByTwoNodes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		k, m := startSink(t)
		clock := time.Date(2027, 5, 10, 9, 0, 0, 0, time.UTC)
		a, b := newService(t, d, m, &clock), newService(t, d, m, &clock) // two nodes
		ctx := t.Context()
		// Subscribers of district 5: confirmed ones, one who never
		// confirms, one following culture only, in three languages.
		var emails []string
		for i := range 40 {
			emails = append(emails, "r"+strconv.Itoa(i)+"@example.org")
		}
		emails = append(emails, "bounce@example.org", "later@example.org")
		for i, e := range emails {
			lang := []string{"pl", "en", "uk"}[i%3]
			if err := a.Subscribe(ctx, newsletter.SubscribeInput{Email: e, Lang: lang, Districts: []int{5}}); err != nil {
				t.Fatal(err)
			}
			if err := a.Confirm(ctx, confirmLink(t, d, e)); err != nil {
				t.Fatal(err)
			}
		}
		if err := a.Subscribe(ctx, newsletter.SubscribeInput{Email: "Culture@Example.org", Lang: "en", Districts: []int{5}, Topics: []string{"culture"}}); err != nil {
			t.Fatal(err)
		}
		a.Confirm(ctx, confirmLink(t, d, "culture@example.org"))
		if err := a.Subscribe(ctx, newsletter.SubscribeInput{Email: "silent@example.org", Lang: "pl", Districts: []int{5}}); err != nil {
			t.Fatal(err)
		}
		if err := a.Subscribe(ctx, newsletter.SubscribeInput{Email: "not an address", Districts: []int{5}}); apperr.FieldsOf(err)["email"] == "" {
			t.Errorf("a bad address: %v", err)
		}
		if err := a.Confirm(ctx, "forged.link"); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("a forged link: %v", err)
		}

		c, err := a.ComposeDigest(ctx, officer, 5)
		if err != nil {
			t.Fatal(err)
		}
		if n, err := a.Recipients(ctx, c); err != nil || n != 43 {
			t.Fatalf("recipients %d (%v), want 43 (the unconfirmed one left out)", n, err)
		}
		preview := a.Preview(c, "uk")
		if !strings.Contains(preview.Subject, "Dzielnica 5") || !strings.Contains(preview.Text, "Remont ulicy") {
			t.Errorf("preview: %+v", preview)
		}
		if n, err := a.Send(ctx, officer, c.ID); err != nil || n != 43 {
			t.Fatalf("send: %d %v", n, err)
		}
		if _, err := a.Send(ctx, officer, c.ID); !apperr.Is(err, apperr.Conflict) {
			t.Errorf("sent twice: %v", err)
		}
		var wg sync.WaitGroup
		for i, s := range []*newsletter.Service{a, b} {
			wg.Go(func() {
				if err := s.RunSend(ctx, c.ID, i); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		k.mu.Lock()
		for _, e := range emails[:40] {
			if n := len(k.got[e]); n != 1 {
				t.Errorf("%s got %d digests", e, n)
			}
		}
		if len(k.got["bounce@example.org"]) != 0 || len(k.got["later@example.org"]) != 0 || len(k.got["silent@example.org"]) != 0 {
			t.Errorf("delivered to a refused or unconfirmed address: %v", k.got)
		}
		msg, err := netmail.ReadMessage(strings.NewReader(k.got["r1@example.org"][0])) // English
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(quotedprintable.NewReader(msg.Body))
		if !strings.HasPrefix(msg.Header.Get("List-Unsubscribe"), "<https://civitas.example/news/newsletter/unsubscribe/") ||
			msg.Header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" ||
			!strings.Contains(string(body), "Remont ulicy") || !strings.Contains(string(body), "What we published last week") {
			t.Errorf("digest: %v\n%s", msg.Header, body)
		}
		if culture := k.got["culture@example.org"]; len(culture) != 1 || strings.Contains(culture[0], "Remont ulicy") {
			t.Errorf("the culture follower's digest: %v", culture)
		}
		k.mu.Unlock()

		// The retry after the temporary refusal delivers; the bounce stays
		// stopped, and the next campaign leaves it out.
		progress, _ := a.Progress(ctx, c.ID)
		if progress["sent"] != 41 || progress["bounced"] != 1 || progress["queued"] != 1 {
			t.Errorf("progress %v", progress)
		}
		clock = clock.Add(time.Minute)
		if err := b.RunSend(ctx, c.ID, 0); err != nil {
			t.Fatal(err)
		}
		if got, _ := a.Campaign(ctx, c.ID); got.Status != newsletter.Sent {
			t.Errorf("campaign %s after every delivery", got.Status)
		}
		k.mu.Lock()
		if len(k.got["later@example.org"]) != 1 {
			t.Errorf("the retry: %d", len(k.got["later@example.org"]))
		}
		k.mu.Unlock()
		c2, err := a.CreateCampaign(ctx, officer, 0, "Ankieta", "Weź udział w ankiecie.")
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := a.Recipients(ctx, c2); n != 42 {
			t.Errorf("the next campaign's recipients: %d, want 42 (the bounce stopped)", n)
		}
	})
}

func TestUnsubscribeAndImport(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		_, m := startSink(t)
		clock := time.Date(2027, 5, 10, 9, 0, 0, 0, time.UTC)
		s := newService(t, d, m, &clock)
		ctx := t.Context()
		n, err := s.ImportPreferences(ctx, officer, []newsletter.Preference{
			{UserID: "u1", Email: "anna@example.org", Lang: "pl", Districts: []int{3, 5}},
			{UserID: "u2", Email: "olha@example.org", Lang: "uk", Districts: []int{5}},
			{UserID: "u3", Email: "none@example.org", Lang: "pl"},
		})
		if err != nil || n != 2 {
			t.Fatalf("import: %d %v", n, err)
		}
		c, _ := s.CreateCampaign(ctx, officer, 3, "Spotkanie", "Zapraszamy.")
		if r, _ := s.Recipients(ctx, c); r != 1 {
			t.Errorf("district 3: %d recipients", r)
		}
		sub, err := s.OfUser(ctx, "u1")
		if err != nil || sub == nil || sub.Status != newsletter.Active || len(sub.Follows) != 2 {
			t.Fatalf("u1: %+v %v", sub, err)
		}
		link := s.UnsubscribeURL(sub.ID)
		token := link[strings.LastIndex(link, "/")+1:]
		for range 2 { // twice is fine
			if err := s.Unsubscribe(ctx, token); err != nil {
				t.Fatal(err)
			}
		}
		if r, _ := s.Recipients(ctx, c); r != 0 {
			t.Errorf("after unsubscribing: %d recipients", r)
		}
		// Importing again does not bring the address back.
		if n, _ := s.ImportPreferences(ctx, officer, []newsletter.Preference{{UserID: "u1", Email: "anna@example.org", Districts: []int{3}}}); n != 0 {
			t.Errorf("re-import added %d", n)
		}
		if err := s.Unsubscribe(ctx, sub.ID+".forged"); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("forged unsubscribe: %v", err)
		}
	})
}
