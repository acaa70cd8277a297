package newsletter

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/jobs"
	civmail "github.com/civitas-city/civitas/internal/mail"
	"github.com/civitas-city/civitas/internal/web"
)

// Sending. A campaign's deliveries are claimed a batch at a time by one
// UPDATE that only takes rows still queued (or whose claim expired), so
// two nodes never hold the same row; a node that dies leaves its claim to
// expire after claimLease. A row is marked sent after the SMTP server
// took the message: a node stalled past the lease could let another send
// it again, which is the one way to get a message twice.

const (
	claimLease  = 5 * time.Minute
	sendBudget  = 60 * time.Second // then the job hands over to its next run
	maxAttempts = 5
)

type recipient struct {
	ID, Email, Lang, Status string
	Topics                  []string // followed in the campaign's district; none: all
}

// message renders a campaign for one recipient, in their language.
func (s *Service) message(c *Campaign, r recipient) civmail.Message {
	t := func(key string, args ...any) string { return s.Catalog.T(r.Lang, key, args...) }
	unsubscribe := s.UnsubscribeURL(r.ID)
	var b strings.Builder
	subject := c.Subject
	if c.Kind == Digest {
		date := web.FormatDate(s.Catalog, r.Lang, time.UTC, c.To)
		name := strconv.Itoa(c.District)
		if s.DistrictName != nil {
			name = s.DistrictName(c.District)
		}
		subject = t("news.newsletter.digest.subject", name, date)
		b.WriteString(t("news.newsletter.digest.intro", name) + "\n\n")
		for _, it := range c.Items {
			if len(r.Topics) > 0 && len(it.Topics) > 0 && !slices.ContainsFunc(it.Topics, func(x string) bool { return slices.Contains(r.Topics, x) }) {
				continue
			}
			b.WriteString("• " + it.Title + "\n")
			if it.Summary != "" {
				b.WriteString("  " + it.Summary + "\n")
			}
			b.WriteString("  " + it.URL + "\n\n")
		}
	} else {
		b.WriteString(c.Body + "\n\n")
	}
	b.WriteString("-- \n" + t("news.newsletter.footer", unsubscribe) + "\n")
	return civmail.Message{To: r.Email, Subject: subject, Text: b.String(), Headers: map[string]string{
		"List-Unsubscribe":      "<" + unsubscribe + ">",
		"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
	}}
}

const claimable = `campaign_id = $1 AND ((status = 'queued' AND next_at <= $2) OR (status = 'sending' AND claimed_until < $2))`

// claim takes up to n deliveries of a campaign for this node.
func (s *Service) claim(ctx context.Context, campaign string, n int) ([]string, error) {
	now := db.TS(s.now())
	return db.Query(ctx, s.DB, db.Value[string], `UPDATE newsletter_deliveries SET status = 'sending', claimed_until = $3
		WHERE `+claimable+` AND subscriber_id IN (SELECT subscriber_id FROM newsletter_deliveries WHERE `+claimable+` LIMIT $4)
		RETURNING subscriber_id`, campaign, now, now.Add(claimLease), n)
}

// in is an IN list of placeholders from $from for ids, with the args.
func in(from int, ids []string) (string, []any) {
	ph := make([]string, len(ids))
	args := make([]any, len(ids))
	for i, id := range ids {
		ph[i], args[i] = "$"+strconv.Itoa(from+i), id
	}
	return "(" + strings.Join(ph, ", ") + ")", args
}

func (s *Service) recipients(ctx context.Context, c *Campaign, ids []string) ([]recipient, error) {
	list, args := in(1, ids)
	rs, err := db.Query(ctx, s.DB, func(row db.Scanner) (recipient, error) {
		var r recipient
		err := row.Scan(&r.ID, &r.Email, &r.Lang, &r.Status)
		return r, err
	}, `SELECT id, email, lang, status FROM newsletter_subscribers WHERE id IN `+list, args...)
	if err != nil || c.Kind != Digest {
		return rs, err
	}
	topics := map[string][]string{}
	list, args = in(2, ids)
	err = db.Each(ctx, s.DB, func(row db.Scanner) error {
		var id, topic string
		if err := row.Scan(&id, &topic); err != nil {
			return err
		}
		if topic != "" {
			topics[id] = append(topics[id], topic)
		}
		return nil
	}, `SELECT subscriber_id, topic FROM newsletter_follows WHERE district = $1 AND subscriber_id IN `+list, append([]any{c.District}, args...)...)
	for i := range rs {
		rs[i].Topics = topics[rs[i].ID]
	}
	return rs, err
}

// pacer keeps a node at rate messages a second.
type pacer struct {
	rate  float64
	start time.Time
	sent  int
}

func (p *pacer) wait(ctx context.Context, n int) error {
	due := p.start.Add(time.Duration(float64(p.sent+n) / p.rate * float64(time.Second)))
	p.sent += n
	if d := time.Until(due); d > 0 {
		select {
		case <-time.After(d):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// RunSend sends a campaign's due deliveries for up to sendBudget, then
// schedules the worker's next run while any remain, or marks the campaign
// sent when none do.
func (s *Service) RunSend(ctx context.Context, campaign string, worker int) error {
	c, err := s.Campaign(ctx, campaign)
	if err != nil || c.Status != Sending {
		return err
	}
	rate, batch := s.Rate, s.Batch
	if rate <= 0 {
		rate = 50
	}
	if batch <= 0 {
		batch = 200
	}
	batch = min(batch, max(int(rate), 1)*5) // a batch is a few seconds' worth at most
	p := &pacer{rate: rate, start: time.Now()}
	deadline := time.Now().Add(sendBudget)
	for time.Now().Before(deadline) {
		ids, err := s.claim(ctx, c.ID, batch)
		if err != nil {
			return fmt.Errorf("newsletter: claim: %w", err)
		}
		if len(ids) == 0 {
			left, err := s.claimableCount(ctx, c.ID)
			if err != nil {
				return err
			}
			if left == 0 {
				break
			}
			continue // another node took the rows this one chose: choose again
		}
		if err := s.sendBatch(ctx, c, ids, p); err != nil {
			return err
		}
	}
	return s.afterRun(ctx, c, worker)
}

func (s *Service) claimableCount(ctx context.Context, campaign string) (int, error) {
	var n int
	err := s.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM newsletter_deliveries WHERE `+claimable, campaign, db.TS(s.now())).Scan(&n)
	return n, err
}

// sendBatch sends the claimed deliveries ids and records each outcome.
func (s *Service) sendBatch(ctx context.Context, c *Campaign, ids []string, p *pacer) error {
	rs, err := s.recipients(ctx, c, ids)
	if err != nil {
		return err
	}
	var (
		msgs    []civmail.Message
		to      []recipient
		skipped []string
	)
	for _, r := range rs {
		if r.Status != Active {
			skipped = append(skipped, r.ID) // unsubscribed or bounced since
			continue
		}
		msgs, to = append(msgs, s.message(c, r)), append(to, r)
	}
	if err := p.wait(ctx, len(msgs)); err != nil {
		return err
	}
	errs := s.Mailer.SendBatch(ctx, msgs)
	now := db.TS(s.now())
	var sent []string
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		mark := func(status string, ids []string) error {
			if len(ids) == 0 {
				return nil
			}
			list, args := in(4, ids)
			_, err := tx.ExecContext(ctx, `UPDATE newsletter_deliveries SET status = $2, sent_at = $3, claimed_until = NULL
				WHERE campaign_id = $1 AND subscriber_id IN `+list, append([]any{c.ID, status, now}, args...)...)
			return err
		}
		for i, r := range to {
			switch e := errs[i]; {
			case e == nil:
				sent = append(sent, r.ID)
			case civmail.Permanent(e):
				if _, err := tx.ExecContext(ctx, `UPDATE newsletter_deliveries SET status = 'bounced', error = $3, claimed_until = NULL
					WHERE campaign_id = $1 AND subscriber_id = $2`, c.ID, r.ID, clip(e.Error())); err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, `UPDATE newsletter_subscribers SET status = 'bounced', updated_at = $2 WHERE id = $1`,
					r.ID, now); err != nil {
					return err
				}
			default:
				if _, err := tx.ExecContext(ctx, `UPDATE newsletter_deliveries SET attempts = attempts + 1, error = $3, claimed_until = NULL,
					status = CASE WHEN attempts + 1 >= $4 THEN 'failed' ELSE 'queued' END, next_at = $5
					WHERE campaign_id = $1 AND subscriber_id = $2`, c.ID, r.ID, clip(e.Error()), maxAttempts, now.Add(jobs.Backoff(1))); err != nil {
					return err
				}
			}
		}
		if err := mark("sent", sent); err != nil {
			return err
		}
		return mark("skipped", skipped)
	})
}

func clip(s string) string {
	if len(s) > 500 {
		return s[:500]
	}
	return s
}

// afterRun schedules the worker's next run when deliveries remain (at the
// earliest retry), or marks the campaign sent.
func (s *Service) afterRun(ctx context.Context, c *Campaign, worker int) error {
	var (
		left int
		next db.NullTime
	)
	if err := s.DB.QueryRowContext(ctx, `SELECT COUNT(*), MIN(CASE WHEN status = 'queued' THEN next_at ELSE claimed_until END)
		FROM newsletter_deliveries WHERE campaign_id = $1 AND status IN ('queued', 'sending')`, c.ID).Scan(&left, &next); err != nil {
		return err
	}
	if left == 0 {
		_, err := s.DB.ExecContext(ctx, `UPDATE newsletter_campaigns SET status = 'sent' WHERE id = $1 AND status = 'sending'`, c.ID)
		return err
	}
	return jobs.Enqueue(ctx, s.DB, JobSend, sendJob{Campaign: c.ID, Worker: worker},
		jobs.Options{RunAt: next.Time, DedupeKey: fmt.Sprintf("%s:%s:%d", JobSend, c.ID, worker)})
}

// JobHandlers are the newsletters' background jobs.
func (s *Service) JobHandlers() map[string]jobs.Handler {
	return map[string]jobs.Handler{
		JobSend: func(ctx context.Context, j jobs.Job) error {
			var p sendJob
			if err := json.Unmarshal(j.Payload, &p); err != nil || p.Campaign == "" {
				return &jobs.PermanentError{Err: fmt.Errorf("newsletter: bad job payload: %s", j.Payload)}
			}
			return s.RunSend(ctx, p.Campaign, p.Worker)
		},
	}
}
