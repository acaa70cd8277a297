package newsletter

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/jobs"
	civmail "github.com/civitas-city/civitas/internal/mail"
	"github.com/civitas-city/civitas/internal/web"
)

// Campaign kinds and states.
const (
	Digest  = "digest"
	OneOff  = "campaign"
	Draft   = "draft"
	Sending = "sending"
	Sent    = "sent"
)

// Campaign is a digest or a one-off campaign.
type Campaign struct {
	ID       string
	Kind     string
	District int // 0: every subscriber
	Subject  string
	Body     string // a campaign's Markdown
	Items    []Item
	From, To time.Time // a digest's period
	Status   string
	// Recipients is how many it was sent to (once sent).
	Recipients int
	CreatedAt  time.Time
	SentAt     time.Time
}

const campaignCols = `id, kind, district, subject, body, items, period_from, period_to, status, recipients, created_at, sent_at`

func scanCampaign(row db.Scanner) (*Campaign, error) {
	var (
		c              Campaign
		items          string
		from, to, sent db.NullTime
		created        db.Time
	)
	if err := row.Scan(&c.ID, &c.Kind, &c.District, &c.Subject, &c.Body, &items, &from, &to, &c.Status, &c.Recipients,
		&created, &sent); err != nil {
		return nil, db.MapError(err)
	}
	if err := json.Unmarshal([]byte(items), &c.Items); err != nil {
		return nil, fmt.Errorf("newsletter: items of %s: %w", c.ID, err)
	}
	c.From, c.To, c.SentAt, c.CreatedAt = from.Time, to.Time, sent.Time, created.Time
	return &c, nil
}

// ComposeDigest makes a draft digest of what was published about district
// (and the whole city) in the week before now. An empty week is refused.
func (s *Service) ComposeDigest(ctx context.Context, a Actor, district int) (*Campaign, error) {
	if district <= 0 || s.IsDistrict != nil && !s.IsDistrict(district) {
		return nil, apperr.Fieldf("district", "news.error.district")
	}
	to := s.now()
	from := to.AddDate(0, 0, -7)
	items, err := s.Items(ctx, district, from, to)
	if err != nil {
		return nil, err
	}
	if len(items) == 0 {
		return nil, apperr.Fieldf("district", "news.newsletter.error.empty")
	}
	c := &Campaign{ID: db.NewID(), Kind: Digest, District: district, Items: items, From: from, To: to, Status: Draft, CreatedAt: to}
	return c, s.insert(ctx, a, c)
}

// CreateCampaign makes a draft one-off campaign to the subscribers of
// district (0: every subscriber).
func (s *Service) CreateCampaign(ctx context.Context, a Actor, district int, subject, body string) (*Campaign, error) {
	f := apperr.Fields{}
	if district < 0 || district > 0 && s.IsDistrict != nil && !s.IsDistrict(district) {
		f["district"] = "news.error.district"
	}
	if strings.TrimSpace(subject) == "" || len(subject) > 200 || strings.ContainsAny(subject, "\r\n") {
		f["subject"] = "news.newsletter.error.subject"
	}
	if strings.TrimSpace(body) == "" || len(body) > 50_000 {
		f["body"] = "news.newsletter.error.body"
	} else if err := web.CheckText("body", body, true); err != nil {
		f["body"] = apperr.MessageOf(err)
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	c := &Campaign{ID: db.NewID(), Kind: OneOff, District: district, Subject: strings.TrimSpace(subject), Body: body,
		Status: Draft, CreatedAt: s.now()}
	return c, s.insert(ctx, a, c)
}

func (s *Service) insert(ctx context.Context, a Actor, c *Campaign) error {
	items, _ := json.Marshal(c.Items)
	if c.Items == nil {
		items = []byte("[]")
	}
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO newsletter_campaigns (`+campaignCols+`, created_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, $10, NULL, $11)`, c.ID, c.Kind, c.District, c.Subject, c.Body, string(items),
			db.NullTimeOf(c.From), db.NullTimeOf(c.To), c.Status, db.TS(c.CreatedAt), a.ID); err != nil {
			return fmt.Errorf("newsletter: campaign: %w", err)
		}
		return s.record(ctx, tx, a, "news.newsletter.compose", c.ID, map[string]string{"kind": c.Kind, "district": fmt.Sprint(c.District)})
	})
}

// Campaign reads a campaign.
func (s *Service) Campaign(ctx context.Context, id string) (*Campaign, error) {
	c, err := scanCampaign(s.DB.QueryRowContext(ctx, `SELECT `+campaignCols+` FROM newsletter_campaigns WHERE id = $1`, id))
	if apperr.Is(err, apperr.NotFound) {
		return nil, apperr.E(apperr.NotFound, "news.newsletter.error.no_campaign")
	}
	return c, err
}

// Campaigns lists the latest campaigns, newest first.
func (s *Service) Campaigns(ctx context.Context) ([]*Campaign, error) {
	return db.Query(ctx, s.DB, scanCampaign, `SELECT `+campaignCols+` FROM newsletter_campaigns ORDER BY created_at DESC, id DESC LIMIT 50`)
}

// recipientsSQL selects the active subscribers a campaign goes to ($1 its
// district; 0: all).
const recipientsSQL = `SELECT s.id FROM newsletter_subscribers s WHERE s.status = 'active' AND
	($1 = 0 OR EXISTS (SELECT 1 FROM newsletter_follows f WHERE f.subscriber_id = s.id AND f.district = $1))`

// Recipients counts who a campaign would go to now.
func (s *Service) Recipients(ctx context.Context, c *Campaign) (int, error) {
	var n int
	err := s.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM (`+recipientsSQL+`) r`, c.District).Scan(&n)
	return n, err
}

// Preview is the message a campaign makes for a subscriber of lang who
// follows every topic.
func (s *Service) Preview(c *Campaign, lang string) civmail.Message {
	return s.message(c, recipient{ID: "preview", Email: "preview@example.invalid", Lang: lang})
}

// JobSend sends a campaign's queued deliveries.
const JobSend = "news.newsletter.send"

type sendJob struct {
	Campaign string `json:"campaign"`
	Worker   int    `json:"worker"`
}

// Send sends a draft campaign: one delivery row per recipient, then send
// jobs (which any node may run). Audited.
func (s *Service) Send(ctx context.Context, a Actor, id string) (int, error) {
	var n int
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		c, err := scanCampaign(tx.QueryRowContext(ctx, `SELECT `+campaignCols+` FROM newsletter_campaigns WHERE id = $1`, id))
		if apperr.Is(err, apperr.NotFound) {
			return apperr.E(apperr.NotFound, "news.newsletter.error.no_campaign")
		}
		if err != nil {
			return err
		}
		if c.Status != Draft {
			return apperr.E(apperr.Conflict, "news.newsletter.error.sent")
		}
		now := db.TS(s.now())
		res, err := tx.ExecContext(ctx, `INSERT INTO newsletter_deliveries (campaign_id, subscriber_id, status, next_at)
			SELECT $2, r.id, 'queued', $3 FROM (`+recipientsSQL+`) r`, c.District, c.ID, now)
		if err != nil {
			return fmt.Errorf("newsletter: deliveries: %w", err)
		}
		k, _ := res.RowsAffected()
		n = int(k)
		if _, err := tx.ExecContext(ctx, `UPDATE newsletter_campaigns SET status = 'sending', recipients = $1, sent_at = $2 WHERE id = $3`,
			n, now, c.ID); err != nil {
			return err
		}
		for w := range max(s.Workers, 1) {
			if err := jobs.Enqueue(ctx, tx, JobSend, sendJob{Campaign: c.ID, Worker: w},
				jobs.Options{DedupeKey: fmt.Sprintf("%s:%s:%d", JobSend, c.ID, w)}); err != nil {
				return err
			}
		}
		return s.record(ctx, tx, a, "news.newsletter.send", c.ID, map[string]string{"recipients": fmt.Sprint(n)})
	})
	return n, err
}

// Progress counts a campaign's deliveries by status.
func (s *Service) Progress(ctx context.Context, id string) (map[string]int, error) {
	out := map[string]int{}
	err := db.Each(ctx, s.DB, func(row db.Scanner) error {
		var st string
		var n int
		err := row.Scan(&st, &n)
		out[st] = n
		return err
	}, `SELECT status, COUNT(*) FROM newsletter_deliveries WHERE campaign_id = $1 GROUP BY status`, id)
	return out, err
}
