package tax

import (
	"context"
	"database/sql"
	"fmt"
	"github.com/civitas-city/civitas/internal/money"
	"time"

	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/jobs"
	"github.com/civitas-city/civitas/internal/mail"
)

// JobReminders is the daily job that mails residents who asked for it
// about instalments due soon or newly overdue. It puts itself back on the
// queue for the next evening.
const JobReminders = "tax.reminders"

// Contacts gives a resident's email and language, for reminders.
type Contacts interface {
	Contact(ctx context.Context, userID string) (email, lang string, err error)
}

// reminderHour is when, in the city's time, the reminders go out: the
// evening before, so they are read before the day's payments.
const reminderHour = 18

// scheduleReminders makes sure the daily job waits in the queue.
func (s *Service) scheduleReminders(ctx context.Context, q db.Querier) error {
	return jobs.Enqueue(ctx, q, JobReminders, struct{}{}, jobs.Options{RunAt: s.nextEvening(), DedupeKey: JobReminders})
}

func (s *Service) nextEvening() time.Time {
	loc := s.location()
	now := s.now().In(loc)
	t := time.Date(now.Year(), now.Month(), now.Day(), reminderHour, 0, 0, 0, loc)
	if !t.After(now) {
		t = t.AddDate(0, 0, 1)
	}
	return t
}

func (s *Service) location() *time.Location {
	if s.Location != nil {
		return s.Location
	}
	return time.UTC
}

// JobHandlers are the module's background jobs.
func (s *Service) JobHandlers() map[string]jobs.Handler {
	return map[string]jobs.Handler{JobReminders: func(ctx context.Context, _ jobs.Job) error {
		if _, err := s.SendReminders(ctx); err != nil {
			return err
		}
		return s.scheduleReminders(ctx, s.DB)
	}}
}

// SendReminders mails, once each, every resident who asked: an instalment
// due within their number of days, and one that became overdue. It
// returns how many mails it queued.
func (s *Service) SendReminders(ctx context.Context) (int, error) {
	if s.Contacts == nil || s.Payers == nil {
		return 0, nil
	}
	type pref struct {
		user string
		days int
	}
	prefs, err := db.Query(ctx, s.DB, func(row db.Scanner) (pref, error) {
		var p pref
		err := row.Scan(&p.user, &p.days)
		return p, err
	}, `SELECT user_id, days FROM tax_reminder_prefs ORDER BY user_id`)
	if err != nil {
		return 0, fmt.Errorf("tax: reminder settings: %w", err)
	}
	today := s.now().In(s.location())
	today = time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	sent := 0
	for _, p := range prefs {
		st, err := s.Mine(ctx, p.user)
		if err != nil {
			continue // no longer verified: nothing of theirs to remind
		}
		email, lang, err := s.Contacts.Contact(ctx, p.user)
		if err != nil || email == "" {
			continue
		}
		if !s.Catalog.Supports(lang) {
			lang = s.Catalog.Default()
		}
		for _, l := range st.Liabilities {
			for _, i := range l.Instalments {
				kind := ""
				switch {
				case i.Open() == 0:
				case i.Overdue(today):
					kind = "overdue"
				case !i.Due.After(today.AddDate(0, 0, p.days)):
					kind = "before"
				}
				if kind == "" {
					continue
				}
				ok, err := s.remind(ctx, p.user, email, lang, l, i, kind)
				if err != nil {
					return sent, err
				}
				if ok {
					sent++
				}
			}
		}
	}
	return sent, nil
}

// remind queues one reminder unless it was sent before.
func (s *Service) remind(ctx context.Context, userID, email, lang string, l *Liability, i Instalment, kind string) (bool, error) {
	queued := false
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO tax_reminders_sent (user_id, liability_id, n, kind, sent_at) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (user_id, liability_id, n, kind) DO NOTHING`, userID, l.ID, i.N, kind, db.TS(s.now()))
		if err != nil {
			return fmt.Errorf("tax: reminder: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		t := func(key string, args ...any) string { return s.Catalog.T(lang, key, args...) }
		what := t("tax.kind." + string(l.Kind))
		m := mail.Message{To: email,
			Subject: t("tax.mail."+kind+".subject", what, l.Year),
			Text: t("tax.mail."+kind+".body", what, l.Year, i.N, money.Format(lang, i.Open()), i.Due.Format(day)) + "\n\n" +
				s.BaseURL + "/taxes/" + l.ID + "/pay/" + fmt.Sprint(i.N) + "\n"}
		queued = true
		return mail.Enqueue(ctx, tx, m)
	})
	return queued, err
}
