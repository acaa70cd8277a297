package reports

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"strings"
	"time"

	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/mail"
	"github.com/civitas-city/civitas/internal/web"
)

// Emails to the reporter. Each is enqueued in the transaction of the change
// it tells about (mail.Enqueue), in the language the report was made in,
// and links to the case with the reporter's private key, so people without
// an account can follow, reopen and rate their case.

func (s *Service) t(lang, key string, args ...any) string {
	if s.Catalog == nil {
		return key
	}
	return s.Catalog.T(lang, key, args...)
}

// CaseURL is the reporter's link to their case.
func (s *Service) CaseURL(c *Case) string {
	return fmt.Sprintf("%s/reports/%d?key=%s", s.BaseURL, c.Number, s.Key(c))
}

// FeedbackURL is the reporter's link to the satisfaction question.
func (s *Service) FeedbackURL(c *Case) string {
	return fmt.Sprintf("%s/reports/%d?key=%s#feedback", s.BaseURL, c.Number, s.Key(c))
}

// date is t as the reporter reads a date in lang, in the city's zone.
func (s *Service) date(lang string, t time.Time) string {
	if s.Catalog == nil {
		return s.isoDate(t)
	}
	return web.FormatDate(s.Catalog, lang, s.location(), t)
}

// isoDate is t's date in the city's zone as YYYY-MM-DD: the Open311
// service_notice keeps the form its partner apps already read.
func (s *Service) isoDate(t time.Time) string {
	return t.In(s.location()).Format("2006-01-02")
}

func (s *Service) location() *time.Location {
	if s.Location == nil {
		return time.UTC
	}
	return s.Location
}

func (s *Service) send(ctx context.Context, q db.Querier, to, subject string, lines ...string) error {
	if to == "" {
		return nil
	}
	body := strings.Join(lines, "\n\n") + "\n"
	return mail.Enqueue(ctx, q, mail.Message{To: to, Subject: subject, Text: body})
}

func (s *Service) notifySubmitted(ctx context.Context, q db.Querier, c *Case, cat *Category) error {
	l := c.Lang
	lines := []string{s.t(l, "reports.mail.submitted.body", c.Number, cat.Name(l))}
	if n := cat.Notice(l); n != "" {
		lines = append(lines, n)
	}
	if !c.ExpectedAt.IsZero() {
		lines = append(lines, s.t(l, "reports.mail.expected", s.date(l, c.ExpectedAt)))
	}
	lines = append(lines, s.t(l, "reports.mail.follow", s.CaseURL(c)), s.t(l, "reports.mail.footer"))
	return s.send(ctx, q, c.ReporterEmail, s.t(l, "reports.mail.submitted.subject", c.Number), lines...)
}

func (s *Service) notifyStatus(ctx context.Context, q db.Querier, c *Case) error {
	l := c.Lang
	status := s.t(l, "reports.status."+string(c.Status))
	lines := []string{s.t(l, "reports.mail.status.body", c.Number, status)}
	if c.StatusNotes != "" {
		lines = append(lines, c.StatusNotes)
	}
	switch c.Status {
	case Duplicate:
		lines = append(lines, s.t(l, "reports.mail.duplicate", fmt.Sprintf("%s/reports/%d", s.BaseURL, c.DuplicateOf)))
	case Referred:
		lines = append(lines, s.t(l, "reports.mail.referred", c.ReferredTo))
	case Resolved:
		if set, err := loadSettings(ctx, q); err == nil {
			lines = append(lines, s.t(l, "reports.mail.reopen", set.ReopenDays))
		}
	}
	if FeedbackAsked(c.Status) {
		lines = append(lines, s.t(l, "reports.mail.feedback", s.FeedbackURL(c)))
	}
	lines = append(lines, s.t(l, "reports.mail.follow", s.CaseURL(c)), s.t(l, "reports.mail.footer"))
	return s.send(ctx, q, c.ReporterEmail, s.t(l, "reports.mail.status.subject", c.Number, status), lines...)
}

func (s *Service) notifyNote(ctx context.Context, q db.Querier, c *Case, note string) error {
	l := c.Lang
	return s.send(ctx, q, c.ReporterEmail, s.t(l, "reports.mail.note.subject", c.Number),
		s.t(l, "reports.mail.note.body", c.Number), note, s.t(l, "reports.mail.follow", s.CaseURL(c)), s.t(l, "reports.mail.footer"))
}

func (s *Service) notifyReopened(ctx context.Context, q db.Querier, c *Case, reason string) error {
	l := c.Lang
	if err := s.send(ctx, q, c.ReporterEmail, s.t(l, "reports.mail.reopened.subject", c.Number),
		s.t(l, "reports.mail.reopened.body", c.Number), s.t(l, "reports.mail.follow", s.CaseURL(c)), s.t(l, "reports.mail.footer")); err != nil {
		return err
	}
	// The unit hears of it too, in the city's language.
	var unitEmail string
	if c.UnitID != "" {
		var err error
		if _, unitEmail, err = unit(ctx, q, c.UnitID); err != nil {
			return fmt.Errorf("reports: unit email: %w", err)
		}
	}
	def := ""
	if s.Catalog != nil {
		def = s.Catalog.Default()
	}
	return s.send(ctx, q, unitEmail, s.t(def, "reports.mail.reopened_unit.subject", c.Number),
		s.t(def, "reports.mail.reopened_unit.body", c.Number), reason,
		fmt.Sprintf("%s/reports/officer/cases/%d", s.BaseURL, c.Number))
}

// randomToken returns n random bytes as lower-case base32 text.
func randomToken(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
}
