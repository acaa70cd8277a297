// Package mail sends email. Requests never send mail themselves: they
// enqueue a "mail.send" job in the same transaction as the change, and the
// job hands the message to a Mailer — SMTP in production, the outbox table
// in demo mode (shown to admins on /admin/outbox).
package mail

import (
	"context"
	"encoding/json"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/jobs"
)

// Message is one email. HTML is optional; Text is always sent.
type Message struct {
	To      string `json:"to"`
	Subject string `json:"subject"`
	Text    string `json:"text"`
	HTML    string `json:"html,omitempty"`
	// Headers are extra header fields (List-Unsubscribe and the like).
	Headers map[string]string `json:"headers,omitempty"`
}

// Validate checks the address and that there is something to send.
func (m Message) Validate() error {
	if _, err := mail.ParseAddress(m.To); err != nil {
		return fmt.Errorf("mail: bad recipient: %w", err)
	}
	if strings.TrimSpace(m.Subject) == "" || strings.TrimSpace(m.Text) == "" {
		return fmt.Errorf("mail: subject and text are required")
	}
	if strings.ContainsAny(m.Subject, "\r\n") {
		return fmt.Errorf("mail: subject has a line break")
	}
	for k, v := range m.Headers {
		if strings.ContainsAny(k+v, "\r\n") || strings.ContainsAny(k, ": ") || k == "" {
			return fmt.Errorf("mail: bad header %q", k)
		}
	}
	return nil
}

// BatchMailer delivers many messages at once (one SMTP connection for
// them all); the answer has one error (or nil) per message, in order.
type BatchMailer interface {
	SendBatch(ctx context.Context, ms []Message) []error
}

// Mailer delivers a message now.
type Mailer interface {
	Send(ctx context.Context, m Message) error
}

// JobKind is the job that sends one message.
const JobKind = "mail.send"

// Enqueue schedules m to be sent after the surrounding transaction commits.
func Enqueue(ctx context.Context, q db.Querier, m Message) error {
	if err := m.Validate(); err != nil {
		return err
	}
	return jobs.Enqueue(ctx, q, JobKind, m, jobs.Options{MaxAttempts: 8})
}

// Forget deletes every message to address that is not being sent right
// now: those waiting (so nothing more reaches a person who deleted their
// account) and those sent (so the address leaves the queue's history).
func Forget(ctx context.Context, q db.Querier, address string) error {
	address = strings.ToLower(strings.TrimSpace(address))
	if address == "" {
		return nil
	}
	// LIKE narrows the search (an address's _ and % only widen it); the
	// decoded recipient decides.
	rows, err := q.QueryContext(ctx, `SELECT id, payload FROM jobs WHERE kind = $1 AND state <> 'running' AND lower(payload) LIKE $2`,
		JobKind, "%"+address+"%")
	if err != nil {
		return fmt.Errorf("mail: forget: %w", err)
	}
	var ids []string
	for rows.Next() {
		var id, payload string
		var m Message
		if err := rows.Scan(&id, &payload); err != nil {
			rows.Close()
			return err
		}
		if json.Unmarshal([]byte(payload), &m) == nil && strings.EqualFold(strings.TrimSpace(m.To), address) {
			ids = append(ids, id)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, id := range ids {
		if _, err := q.ExecContext(ctx, `DELETE FROM jobs WHERE id = $1 AND state <> 'running'`, id); err != nil {
			return fmt.Errorf("mail: forget: %w", err)
		}
	}
	return nil
}

// JobHandler sends queued messages with mailer.
func JobHandler(mailer Mailer) jobs.Handler {
	return func(ctx context.Context, j jobs.Job) error {
		var m Message
		if err := json.Unmarshal(j.Payload, &m); err != nil {
			return &jobs.PermanentError{Err: err}
		}
		if err := m.Validate(); err != nil {
			return &jobs.PermanentError{Err: err}
		}
		return mailer.Send(ctx, m)
	}
}

// Outbox is a Mailer that keeps messages in the database instead of
// sending them (demo mode, and sites without an SMTP server yet).
type Outbox struct{ DB *db.DB }

// SendBatch implements BatchMailer.
func (o Outbox) SendBatch(ctx context.Context, ms []Message) []error {
	errs := make([]error, len(ms))
	for i, m := range ms {
		errs[i] = o.Send(ctx, m)
	}
	return errs
}

// Send implements Mailer.
func (o Outbox) Send(ctx context.Context, m Message) error {
	_, err := o.DB.ExecContext(ctx, `INSERT INTO mail_outbox (id, to_addr, subject, text_body, html_body, created_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, db.NewID(), m.To, m.Subject, m.Text, m.HTML, db.TS(time.Now()))
	if err != nil {
		return fmt.Errorf("mail: outbox: %w", err)
	}
	return nil
}

// Stored is a message in the outbox.
type Stored struct {
	ID      string
	At      time.Time
	Message Message
}

// ListOutbox returns the newest messages first.
func ListOutbox(ctx context.Context, q db.Querier, limit int) ([]Stored, error) {
	out, err := db.Query(ctx, q, func(row db.Scanner) (Stored, error) {
		var s Stored
		var at db.Time
		err := row.Scan(&s.ID, &at, &s.Message.To, &s.Message.Subject, &s.Message.Text, &s.Message.HTML)
		s.At = at.Time
		return s, err
	}, `SELECT id, created_at, to_addr, subject, text_body, html_body FROM mail_outbox ORDER BY id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("mail: outbox: %w", err)
	}
	return out, nil
}
