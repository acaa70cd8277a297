package vote

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/jobs"
	"github.com/civitas-city/civitas/internal/mail"
)

// Notices: when a referendum opens, and a day before it closes, the
// residents it is for who asked for mail (accounts' notify_email) get an
// email in their language, queued through the job queue.

// Recipient is a resident to mail.
type Recipient struct {
	Email string
	Lang  string
}

// Recipients lists the verified residents of a district (0: the whole
// city) who asked for notices by mail: declared here, implemented from
// identity and accounts, wired by app.
type Recipients interface {
	Recipients(ctx context.Context, district int) ([]Recipient, error)
}

// JobNotice mails a referendum's notice ("opening" or "closing").
const JobNotice = "vote.notice"

type noticeJob struct {
	ReferendumID string `json:"referendum_id"`
	Kind         string `json:"kind"` // opening, closing
	// Planned is the date the notice was planned from (the start or end of
	// voting, RFC 3339; empty: none): when an officer has moved it since,
	// the job is stale and another one is queued for the new date.
	Planned string `json:"planned,omitempty"`
}

// plannedFrom is the date a notice of kind is planned from.
func plannedFrom(r *Referendum, kind string) string {
	t := r.VotingStarts
	if kind == NoticeClosing {
		t = r.VotingEnds
	}
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// Notice kinds.
const (
	NoticeOpening = "opening"
	NoticeClosing = "closing"
)

// scheduleNotices queues r's notices: at the start of voting and a day
// before its end (when those dates are set and to come).
func (s *Service) scheduleNotices(ctx context.Context, q *sql.Tx, r *Referendum) error {
	now := s.now()
	for _, n := range []struct {
		kind string
		at   time.Time
	}{{NoticeOpening, r.VotingStarts}, {NoticeClosing, r.VotingEnds.Add(-24 * time.Hour)}} {
		if n.kind == NoticeOpening && n.at.IsZero() && r.Phase == Voting {
			n.at = now // opened by an officer
		}
		if n.at.IsZero() || r.VotingEnds.IsZero() && n.kind == NoticeClosing {
			continue
		}
		if n.at.Before(now) {
			if n.kind == NoticeOpening && r.Phase != Voting {
				continue
			}
			n.at = now
		}
		planned := plannedFrom(r, n.kind)
		if err := jobs.Enqueue(ctx, q, JobNotice, noticeJob{r.ID, n.kind, planned},
			jobs.Options{RunAt: n.at, DedupeKey: JobNotice + ":" + r.ID + ":" + n.kind + ":" + planned}); err != nil {
			return err
		}
	}
	return nil
}

// SendNotice queues the mail of a referendum's notice to every recipient,
// unless the referendum is no longer in the voting phase.
func (s *Service) SendNotice(ctx context.Context, referendumID, kind string) error {
	return s.sendNotice(ctx, noticeJob{ReferendumID: referendumID, Kind: kind})
}

// sendNotice sends a queued notice, unless its date has been moved since
// it was queued (a job for the new date does it then).
func (s *Service) sendNotice(ctx context.Context, job noticeJob) error {
	if s.Recipients == nil || s.Catalog == nil {
		return nil
	}
	kind := job.Kind
	r, err := loadReferendum(ctx, s.DB, "id", job.ReferendumID)
	if apperr.Is(err, apperr.NotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if job.Planned != "" && job.Planned != plannedFrom(r, kind) {
		return nil
	}
	if r.PhaseDue(s.now()) != Voting && r.Phase != Voting {
		return nil // moved or over: nothing to announce
	}
	to, err := s.Recipients.Recipients(ctx, r.District)
	if err != nil {
		return err
	}
	link := s.BaseURL + "/votes/referenda/" + r.Slug
	// Small transactions: one for a whole district held the database's
	// one writer for seconds while residents' ballots waited. Each
	// recipient is recorded as sent with their mail, so a job retried
	// after a failure part-way mails only those still waiting.
	for lo := 0; lo < len(to); lo += noticeChunk {
		chunk := to[lo:min(len(to), lo+noticeChunk)]
		err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
			for _, c := range chunk {
				if c.Email == "" {
					continue
				}
				res, err := tx.ExecContext(ctx, `INSERT INTO vote_notices_sent (referendum_id, kind, recipient) VALUES ($1, $2, $3)
					ON CONFLICT (referendum_id, kind, recipient) DO NOTHING`, r.ID, kind, s.recipientKey(c.Email))
				if err != nil {
					return fmt.Errorf("vote: notice sent: %w", err)
				}
				if n, _ := res.RowsAffected(); n == 0 {
					continue // mailed before this job was retried
				}
				lang := c.Lang
				if !s.Catalog.Supports(lang) {
					lang = s.Catalog.Default()
				}
				m := mail.Message{To: c.Email, Subject: s.Catalog.T(lang, "vote.mail."+kind+".subject", r.Title),
					Text: s.Catalog.T(lang, "vote.mail."+kind+".body", r.Title, s.formatDate(r.VotingEnds)) + "\n\n" + link + "\n"}
				if err := mail.Enqueue(ctx, tx, m); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// noticeChunk is how many recipients one transaction of a notice mails.
const noticeChunk = 200

// recipientKey is the keyed hash under which a notice's recipient is
// recorded as mailed: the address itself is not kept.
func (s *Service) recipientKey(email string) string {
	m := hmac.New(sha256.New, s.Key)
	m.Write([]byte("vote-notice:" + strings.ToLower(strings.TrimSpace(email))))
	return hex.EncodeToString(m.Sum(nil))
}

// formatDate writes t in the city's time zone.
func (s *Service) formatDate(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	loc := s.Location
	if loc == nil {
		loc = time.UTC
	}
	return t.In(loc).Format("2006-01-02 15:04")
}

func (s *Service) noticeHandler() jobs.Handler {
	return func(ctx context.Context, j jobs.Job) error {
		var p noticeJob
		if err := json.Unmarshal(j.Payload, &p); err != nil || p.ReferendumID == "" ||
			p.Kind != NoticeOpening && p.Kind != NoticeClosing {
			return &jobs.PermanentError{Err: fmt.Errorf("vote: bad notice payload: %s", j.Payload)}
		}
		return s.sendNotice(ctx, p)
	}
}
