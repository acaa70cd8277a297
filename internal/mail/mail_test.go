package mail_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/db/dbtest"
	"github.com/civitas-city/civitas/internal/jobs"
	"github.com/civitas-city/civitas/internal/mail"
	"github.com/emersion/go-smtp"
)

// received is what the test SMTP server got.
type received struct {
	mu   sync.Mutex
	from string
	to   []string
	data []string
}

type backend struct{ r *received }

func (b backend) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{r: b.r}, nil }

type session struct{ r *received }

func (s *session) Reset()        {}
func (s *session) Logout() error { return nil }
func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	s.r.mu.Lock()
	defer s.r.mu.Unlock()
	s.r.from = from
	return nil
}
func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	// Test addresses that the server refuses: for good, or for now.
	switch {
	case strings.HasPrefix(to, "bounce"):
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such mailbox"}
	case strings.HasPrefix(to, "later"):
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	}
	s.r.mu.Lock()
	defer s.r.mu.Unlock()
	s.r.to = append(s.r.to, to)
	return nil
}
func (s *session) Data(r io.Reader) error {
	var b bytes.Buffer
	if _, err := io.Copy(&b, r); err != nil {
		return err
	}
	s.r.mu.Lock()
	defer s.r.mu.Unlock()
	s.r.data = append(s.r.data, b.String())
	return nil
}

// startSMTP runs a real SMTP server on loopback for the test's lifetime.
func startSMTP(t *testing.T) (host string, port int, r *received) {
	t.Helper()
	r = &received{}
	srv := smtp.NewServer(backend{r})
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	h, p, _ := net.SplitHostPort(ln.Addr().String())
	port, _ = strconv.Atoi(p)
	return h, port, r
}

// A message enqueued in a transaction goes through the job queue and a real
// SMTP conversation.
func TestSendThroughRealSMTPServer(t *testing.T) {
	host, port, got := startSMTP(t)
	d := dbtest.Open(t, db.SQLite)
	ctx := t.Context()
	sender, err := mail.NewSMTP(mail.SMTPConfig{Host: host, Port: port, From: "Civitas <no-reply@krakow.example>", TLS: "none"})
	if err != nil {
		t.Fatal(err)
	}
	msg := mail.Message{To: "resident@example.org", Subject: "Potwierdź adres — Civitas", Text: "Kliknij link, aby potwierdzić.", HTML: "<p>Kliknij link</p>"}
	if err := mail.Enqueue(ctx, d, msg); err != nil {
		t.Fatal(err)
	}
	r := jobs.NewRunner(d, slog.New(slog.NewTextHandler(io.Discard, nil)), 1)
	r.Handle(mail.JobKind, mail.JobHandler(sender))
	if did, err := r.RunOne(ctx); !did || err != nil {
		t.Fatalf("RunOne = %v, %v", did, err)
	}
	got.mu.Lock()
	defer got.mu.Unlock()
	if got.from != "no-reply@krakow.example" || len(got.to) != 1 || got.to[0] != "resident@example.org" {
		t.Errorf("envelope from %q to %v", got.from, got.to)
	}
	if len(got.data) != 1 {
		t.Fatalf("server received %d messages", len(got.data))
	}
	body := got.data[0]
	for _, want := range []string{"To: <resident@example.org>", "Subject: =?UTF-8?", "text/plain", "text/html"} {
		if !strings.Contains(body, want) {
			t.Errorf("message lacks %q:\n%s", want, body)
		}
	}
}

func TestSMTPFailureIsRetried(t *testing.T) {
	d := dbtest.Open(t, db.SQLite)
	ctx := t.Context()
	// Nothing listens on this port.
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	sender, _ := mail.NewSMTP(mail.SMTPConfig{Host: "127.0.0.1", Port: port, From: "a@b.example", TLS: "none"})
	mail.Enqueue(ctx, d, mail.Message{To: "x@example.org", Subject: "s", Text: "t"})
	r := jobs.NewRunner(d, slog.New(slog.NewTextHandler(io.Discard, nil)), 1)
	r.Handle(mail.JobKind, mail.JobHandler(sender))
	r.RunOne(ctx)
	var state string
	var attempts int
	d.QueryRowContext(ctx, `SELECT state, attempts FROM jobs`).Scan(&state, &attempts)
	if state != jobs.StateReady || attempts != 1 {
		t.Errorf("after a failed send: %s/%d, want ready for retry", state, attempts)
	}
}

func TestOutbox(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		ob := mail.Outbox{DB: d}
		for _, s := range []string{"first", "second"} {
			if err := ob.Send(ctx, mail.Message{To: "a@example.org", Subject: s, Text: "body"}); err != nil {
				t.Fatal(err)
			}
		}
		got, err := mail.ListOutbox(ctx, d, 10)
		if err != nil || len(got) != 2 || got[0].Message.Subject != "second" {
			t.Errorf("outbox = %+v, %v", got, err)
		}
	})
}

func TestValidate(t *testing.T) {
	for name, m := range map[string]mail.Message{
		"bad address":      {To: "not an address", Subject: "s", Text: "t"},
		"no subject":       {To: "a@example.org", Text: "t"},
		"header injection": {To: "a@example.org", Subject: "s\r\nBcc: x@evil.example", Text: "t"},
		"no text":          {To: "a@example.org", Subject: "s"},
	} {
		if err := m.Validate(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if err := mail.Enqueue(context.Background(), nil, mail.Message{To: "bad"}); err == nil {
		t.Error("Enqueue accepted an invalid message")
	}
}

// A batch goes over one connection; each message has its own outcome: a
// refused mailbox (5xx) is permanent, a 4xx is not, the others arrive
// with their extra headers.
func TestSendBatchOutcomes(t *testing.T) {
	host, port, got := startSMTP(t)
	sender, err := mail.NewSMTP(mail.SMTPConfig{Host: host, Port: port, From: "news@krakow.example", TLS: "none"})
	if err != nil {
		t.Fatal(err)
	}
	h := map[string]string{"List-Unsubscribe": "<https://krakow.example/u/1>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
	errs := sender.SendBatch(t.Context(), []mail.Message{
		{To: "a@example.org", Subject: "Digest", Text: "a", Headers: h},
		{To: "bounce@example.org", Subject: "Digest", Text: "b"},
		{To: "later@example.org", Subject: "Digest", Text: "c"},
		{To: "d@example.org", Subject: "Digest", Text: "d"},
	})
	if errs[0] != nil || errs[3] != nil {
		t.Errorf("good recipients failed: %v", errs)
	}
	if errs[1] == nil || !mail.Permanent(errs[1]) {
		t.Errorf("550: %v, want a permanent error", errs[1])
	}
	if errs[2] == nil || mail.Permanent(errs[2]) {
		t.Errorf("451: %v, want a temporary error", errs[2])
	}
	got.mu.Lock()
	defer got.mu.Unlock()
	if len(got.data) != 2 || !strings.Contains(got.data[0], "List-Unsubscribe-Post: List-Unsubscribe=One-Click") ||
		!strings.Contains(got.data[0], "List-Unsubscribe: <https://krakow.example/u/1>") {
		t.Errorf("received %d messages:\n%s", len(got.data), strings.Join(got.data, "\n----\n"))
	}
}
