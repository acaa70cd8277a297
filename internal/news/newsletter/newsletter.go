// Package newsletter sends the district newsletters: anyone subscribes by
// district and topic, with or without an account, and confirms by mail
// (double opt-in); residents' district-news preferences from their
// accounts become subscriptions; an officer composes a weekly digest per
// district from what was published (or writes a one-off campaign), sees
// it and its number of recipients, and sends it. Sending runs in the job
// queue with one delivery row per message — claimed by one node at a
// time, so nobody gets a message twice — at a rate limit, with retries,
// and a permanent SMTP refusal (5xx) stops the address. Every message is
// in its subscriber's language and carries List-Unsubscribe and
// List-Unsubscribe-Post (RFC 8058) for one-click unsubscribing.
package newsletter

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"fmt"
	"log/slog"
	"net/mail"
	"slices"
	"strings"
	"time"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/audit"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/i18n"
	civmail "github.com/civitas-city/civitas/internal/mail"
)

// Subscriber states.
const (
	Pending      = "pending"
	Active       = "active"
	Unsubscribed = "unsubscribed"
	Bounced      = "bounced"
)

// Item is a published item as a digest lists it.
type Item struct {
	Title   string   `json:"title"`
	Summary string   `json:"summary,omitempty"`
	URL     string   `json:"url"`
	Kind    string   `json:"kind"`
	Topics  []string `json:"topics,omitempty"`
}

// Service is the newsletters' logic.
type Service struct {
	DB *db.DB
	// Key signs the confirmation and unsubscribe links.
	Key     []byte
	Mailer  civmail.BatchMailer
	Catalog *i18n.Catalog
	BaseURL string
	// IsDistrict tells the city's districts; DistrictName names one.
	IsDistrict   func(int) bool
	DistrictName func(int) string
	// Topics are the topics one may follow.
	Topics []string
	// Items lists what was published in [from, to) about district (and
	// the whole city), for digests.
	Items func(ctx context.Context, district int, from, to time.Time) ([]Item, error)
	// Rate is the most messages a node sends per second (0: 50); Batch
	// how many it claims at once (0: 200).
	Rate  float64
	Batch int
	// Workers is how many send jobs a campaign starts (nodes share them).
	Workers int
	Log     *slog.Logger
	Now     func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// Actor is who acts, for the audit log.
type Actor struct{ ID, Name, RequestID string }

func (s *Service) record(ctx context.Context, q db.Querier, a Actor, action, id string, details map[string]string) error {
	return audit.Record(ctx, q, audit.Entry{At: s.now(), ActorID: a.ID, ActorLabel: a.Name, Action: action,
		TargetType: "newsletter", TargetID: id, Details: details, RequestID: a.RequestID})
}

// Token purposes.
const (
	confirmPurpose     = "newsletter-confirm"
	unsubscribePurpose = "newsletter-unsubscribe"
)

// token is a subscriber's link token for purpose: the id and its MAC, so
// nothing secret is stored.
func (s *Service) token(purpose, id string) string {
	m := hmac.New(sha256.New, s.Key)
	m.Write([]byte(purpose + ":" + id))
	return id + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:18])
}

// subscriberOf checks a token and returns its subscriber's id.
func (s *Service) subscriberOf(purpose, token string) (string, error) {
	id, _, ok := strings.Cut(token, ".")
	if !ok || !hmac.Equal([]byte(s.token(purpose, id)), []byte(token)) {
		return "", apperr.E(apperr.NotFound, "news.newsletter.error.link")
	}
	return id, nil
}

// Follow is one thing a subscriber follows: a district (0: the whole
// city) and a topic ("": all).
type Follow struct {
	District int
	Topic    string
}

// SubscribeInput is a subscription form.
type SubscribeInput struct {
	Email     string
	Lang      string
	Districts []int
	Topics    []string
	// UserID is the signed-in account, if any; Confirmed says the address
	// is that account's confirmed one (no confirmation mail then).
	UserID    string
	Confirmed bool
}

// Subscribe saves a subscription (replacing what the address followed)
// and, unless the address is already confirmed, mails a confirmation
// link: nothing is sent to the address until it is followed.
func (s *Service) Subscribe(ctx context.Context, in SubscribeInput) error {
	email := strings.ToLower(strings.TrimSpace(in.Email))
	f := apperr.Fields{}
	if a, err := mail.ParseAddress(email); err != nil || a.Address != email || len(email) > 254 {
		f["email"] = "news.newsletter.error.email"
	}
	if len(in.Districts) == 0 {
		f["districts"] = "news.newsletter.error.none"
	}
	for _, d := range in.Districts {
		if d < 0 || d > 0 && s.IsDistrict != nil && !s.IsDistrict(d) {
			f["districts"] = "news.error.district"
		}
	}
	for _, t := range in.Topics {
		if !slices.Contains(s.Topics, t) {
			f["topics"] = "news.error.topic"
		}
	}
	if !s.Catalog.Supports(in.Lang) {
		in.Lang = s.Catalog.Default()
	}
	if err := f.Err(); err != nil {
		return err
	}
	now := db.TS(s.now())
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		var id, status string
		err := tx.QueryRowContext(ctx, `SELECT id, status FROM newsletter_subscribers WHERE email = $1`, email).Scan(&id, &status)
		switch {
		case err == sql.ErrNoRows:
			id, status = db.NewID(), Pending
			if _, err := tx.ExecContext(ctx, `INSERT INTO newsletter_subscribers (id, email, lang, user_id, status, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $6)`, id, email, in.Lang, db.Null(in.UserID), status, now); err != nil {
				return fmt.Errorf("newsletter: subscribe: %w", err)
			}
		case err != nil:
			return err
		case status != Active:
			status = Pending // back after unsubscribing or a bounce: confirm again
		}
		if in.Confirmed {
			status = Active
		}
		if _, err := tx.ExecContext(ctx, `UPDATE newsletter_subscribers SET lang = $1, status = $2, updated_at = $3,
			confirmed_at = CASE WHEN $2 = 'active' THEN COALESCE(confirmed_at, $3) ELSE confirmed_at END,
			user_id = COALESCE(user_id, $4) WHERE id = $5`, in.Lang, status, now, db.Null(in.UserID), id); err != nil {
			return fmt.Errorf("newsletter: subscribe: %w", err)
		}
		if err := writeFollows(ctx, tx, id, in.Districts, in.Topics); err != nil {
			return err
		}
		if status == Active {
			return nil
		}
		t := func(key string, args ...any) string { return s.Catalog.T(in.Lang, key, args...) }
		return civmail.Enqueue(ctx, tx, civmail.Message{To: email, Subject: t("news.newsletter.confirm.subject"),
			Text: t("news.newsletter.confirm.text", s.BaseURL+"/news/newsletter/confirm/"+s.token(confirmPurpose, id))})
	})
}

func writeFollows(ctx context.Context, q db.Querier, id string, districts []int, topics []string) error {
	if _, err := q.ExecContext(ctx, `DELETE FROM newsletter_follows WHERE subscriber_id = $1`, id); err != nil {
		return err
	}
	if len(topics) == 0 {
		topics = []string{""}
	}
	for _, d := range districts {
		for _, t := range topics {
			if _, err := q.ExecContext(ctx, `INSERT INTO newsletter_follows (subscriber_id, district, topic) VALUES ($1, $2, $3)
				ON CONFLICT DO NOTHING`, id, d, t); err != nil {
				return fmt.Errorf("newsletter: follow: %w", err)
			}
		}
	}
	return nil
}

// Confirm activates the subscription of a confirmation link.
func (s *Service) Confirm(ctx context.Context, token string) error {
	id, err := s.subscriberOf(confirmPurpose, token)
	if err != nil {
		return err
	}
	now := db.TS(s.now())
	res, err := s.DB.ExecContext(ctx, `UPDATE newsletter_subscribers SET status = 'active', confirmed_at = COALESCE(confirmed_at, $1),
		updated_at = $1 WHERE id = $2 AND status IN ('pending', 'active')`, now, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return apperr.E(apperr.NotFound, "news.newsletter.error.link")
	}
	return nil
}

// Unsubscribe stops every mail to the subscriber of an unsubscribe link.
// Unsubscribing twice is fine.
func (s *Service) Unsubscribe(ctx context.Context, token string) error {
	id, err := s.subscriberOf(unsubscribePurpose, token)
	if err != nil {
		return err
	}
	_, err = s.DB.ExecContext(ctx, `UPDATE newsletter_subscribers SET status = 'unsubscribed', updated_at = $1
		WHERE id = $2 AND status <> 'bounced'`, db.TS(s.now()), id)
	return err
}

// UnsubscribeURL is a subscriber's one-click unsubscribe link.
func (s *Service) UnsubscribeURL(id string) string {
	return s.BaseURL + "/news/newsletter/unsubscribe/" + s.token(unsubscribePurpose, id)
}

// Preference is a resident's district-news choice in their account.
type Preference struct {
	UserID, Email, Lang string
	Districts           []int
}

// ImportPreferences makes residents' district-news preferences
// subscriptions: active (the account's confirmed address and its settings
// are the consent), following every topic of those districts. An address
// that unsubscribed or bounced is left alone, as is one already
// subscribed. Returns how many were added.
func (s *Service) ImportPreferences(ctx context.Context, a Actor, prefs []Preference) (int, error) {
	added := 0
	now := db.TS(s.now())
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		for _, p := range prefs {
			email := strings.ToLower(strings.TrimSpace(p.Email))
			if email == "" || len(p.Districts) == 0 {
				continue
			}
			lang := p.Lang
			if !s.Catalog.Supports(lang) {
				lang = s.Catalog.Default()
			}
			id := db.NewID()
			res, err := tx.ExecContext(ctx, `INSERT INTO newsletter_subscribers (id, email, lang, user_id, status, created_at, confirmed_at, updated_at)
				VALUES ($1, $2, $3, $4, 'active', $5, $5, $5) ON CONFLICT (email) DO NOTHING`, id, email, lang, db.Null(p.UserID), now)
			if err != nil {
				return fmt.Errorf("newsletter: import: %w", err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				continue
			}
			if err := writeFollows(ctx, tx, id, p.Districts, nil); err != nil {
				return err
			}
			added++
		}
		return s.record(ctx, tx, a, "news.newsletter.import", "", map[string]string{"added": fmt.Sprint(added)})
	})
	return added, err
}

// Subscription is a signed-in resident's subscription, for their pages.
type Subscription struct {
	ID, Email, Status string
	Follows           []Follow
}

// OfUser is the subscription of an account (nil when none).
func (s *Service) OfUser(ctx context.Context, userID string) (*Subscription, error) {
	var sub Subscription
	err := s.DB.QueryRowContext(ctx, `SELECT id, email, status FROM newsletter_subscribers WHERE user_id = $1`, userID).
		Scan(&sub.ID, &sub.Email, &sub.Status)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	sub.Follows, err = db.Query(ctx, s.DB, func(row db.Scanner) (Follow, error) {
		var f Follow
		err := row.Scan(&f.District, &f.Topic)
		return f, err
	}, `SELECT district, topic FROM newsletter_follows WHERE subscriber_id = $1 ORDER BY district, topic`, sub.ID)
	return &sub, err
}

// Forget removes an account's subscription (account deletion).
func (s *Service) Forget(ctx context.Context, q db.Querier, userID string) error {
	_, err := q.ExecContext(ctx, `DELETE FROM newsletter_subscribers WHERE user_id = $1`, userID)
	return err
}
