package reports

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/db"
)

// What a reporter (or another resident) does with a filed report: support
// it, reopen it, answer the satisfaction question.

// Support records that a resident has the same problem as an open report
// ("me too") instead of filing another.
func (s *Service) Support(ctx context.Context, number int64, userID string) (*Case, error) {
	if userID == "" {
		return nil, apperr.E(apperr.Unauthenticated, "reports.error.signin_to_support")
	}
	var c *Case
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		if c, err = getCase(ctx, tx, number); err != nil {
			return err
		}
		if !c.Status.Open() {
			return apperr.E(apperr.Conflict, "reports.error.support_closed")
		}
		if c.ReporterID == userID {
			return apperr.E(apperr.Conflict, "reports.error.support_own")
		}
		added, err := addSupport(ctx, tx, c.ID, userID, s.now())
		if added {
			c.Supporters++
		}
		return err // not added: supported before, nothing changes
	})
	return c, err
}

// Supports reports whether userID supports the case.
func (s *Service) Supports(ctx context.Context, c *Case, userID string) (bool, error) {
	if userID == "" {
		return false, nil
	}
	return supports(ctx, s.DB, c.ID, userID)
}

// Key is the private key of a case's reporter: it lets someone without an
// account (or not signed in) follow, reopen and rate their case from the
// links in their email. It is derived, not stored.
func (s *Service) Key(c *Case) string {
	m := hmac.New(sha256.New, s.Secret)
	m.Write([]byte("report:" + c.ID))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))[:24]
}

// Reporter identifies whoever claims to be a case's reporter: a signed-in
// user or the holder of the private key.
type Reporter struct {
	UserID string
	Key    string
}

// IsReporter reports whether r is the case's reporter.
func (s *Service) IsReporter(c *Case, r Reporter) bool {
	if r.UserID != "" && r.UserID == c.ReporterID {
		return true
	}
	return r.Key != "" && len(s.Secret) > 0 && hmac.Equal([]byte(r.Key), []byte(s.Key(c)))
}

// reportersCase loads a case that who claims to have reported; anyone
// else is Forbidden.
func (s *Service) reportersCase(ctx context.Context, number int64, who Reporter) (*Case, error) {
	c, err := getCase(ctx, s.DB, number)
	if err != nil {
		return nil, err
	}
	if !s.IsReporter(c, who) {
		return nil, apperr.E(apperr.Forbidden, "reports.error.not_reporter")
	}
	return c, nil
}

// CanReopen reports whether the case may be reopened now, and until when.
func (s *Service) CanReopen(ctx context.Context, c *Case) (bool, time.Time, error) {
	if c.Status != Resolved && c.Status != Closed {
		return false, time.Time{}, nil
	}
	set, err := s.Settings(ctx)
	if err != nil {
		return false, time.Time{}, err
	}
	from := c.ResolvedAt
	if from.IsZero() {
		from = c.ClosedAt
	}
	until := from.AddDate(0, 0, set.ReopenDays)
	return s.now().Before(until), until, nil
}

// Reopen puts a resolved case back in its unit's queue at the reporter's
// request, with their reason, within the reopen window.
func (s *Service) Reopen(ctx context.Context, number int64, who Reporter, reason string) (*Case, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return nil, invalid("reason", "reports.error.reason_required")
	}
	if utf8.RuneCountInString(reason) > MaxNote || !utf8.ValidString(reason) {
		return nil, invalid("reason", "reports.error.note_long")
	}
	c, err := s.reportersCase(ctx, number, who)
	if err != nil {
		return nil, err
	}
	ok, _, err := s.CanReopen(ctx, c)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, apperr.E(apperr.Conflict, "reports.error.reopen_window")
	}
	// Reads go before the transaction: on SQLite a transaction holds the
	// write lock, and a read on another connection inside it could wait
	// for a connection that a writer queued behind us holds.
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		now := db.TS(s.now())
		ok, err := reopenCase(ctx, tx, c.ID, c.Status, now)
		if err != nil {
			return err
		}
		if !ok {
			return apperr.E(apperr.Conflict, "reports.error.changed")
		}
		c.Status, c.UpdatedAt, c.ReopenCount, c.StatusNotes = Reopened, now, c.ReopenCount+1, ""
		c.ResolvedAt, c.ClosedAt = time.Time{}, time.Time{}
		if err := insertUpdate(ctx, tx, c.ID, Update{At: now, Kind: UpdateReopened, Status: Reopened, Body: reason, AuthorID: who.UserID}); err != nil {
			return err
		}
		return s.notifyReopened(ctx, tx, c, reason)
	})
	return c, err
}

// SaveFeedback stores the reporter's answer to the satisfaction question of a
// closed case; answering again replaces the answer.
func (s *Service) SaveFeedback(ctx context.Context, number int64, who Reporter, rating int, comment string) (*Case, error) {
	comment = strings.TrimSpace(comment)
	switch {
	case rating < 1 || rating > 5:
		return nil, invalid("rating", "reports.error.rating")
	case utf8.RuneCountInString(comment) > MaxNote || !utf8.ValidString(comment):
		return nil, invalid("comment", "reports.error.note_long")
	}
	c, err := s.reportersCase(ctx, number, who)
	if err != nil {
		return nil, err
	}
	if !FeedbackAsked(c.Status) {
		return nil, apperr.E(apperr.Conflict, "reports.error.feedback_open")
	}
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		return saveFeedback(ctx, tx, c.ID, rating, comment, s.now())
	})
	return c, err
}

// FeedbackAsked reports whether a case in status st asks the satisfaction
// question: it has ended, other than as a duplicate.
func FeedbackAsked(st Status) bool { return st == Closed || st == Rejected || st == Referred }

// FeedbackOf returns the answer given for a case, if any.
func (s *Service) FeedbackOf(ctx context.Context, c *Case) (*Feedback, error) {
	f, err := getFeedback(ctx, s.DB, c.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return f, err
}

// FeedbackAnswers lists every satisfaction answer with its case's category
// and district, for the survey module to aggregate.
func (s *Service) FeedbackAnswers(ctx context.Context, since time.Time) ([]FeedbackAnswer, error) {
	return listFeedbackAnswers(ctx, s.DB, since)
}

// FeedbackAnswer is one satisfaction answer with what it was about.
type FeedbackAnswer struct {
	Number     int64
	Category   string
	District   int
	Unit       string // the name of the unit that handled the case; "" none
	Rating     int
	Comment    string
	AnsweredAt time.Time
}

// Satisfaction scores the satisfaction answers after closed cases by unit
// and category (the surveys module, wired by app): the statistics page
// shows them. Declared here so that reports never imports surveys.
type Satisfaction interface {
	Satisfaction(ctx context.Context, since time.Time) (SatisfactionScores, error)
}

// SatisfactionScores are the scores overall, by unit and by category.
type SatisfactionScores struct {
	All        SatisfactionScore
	Units      []SatisfactionScore
	Categories []SatisfactionScore // Group is the category's code
}

// SatisfactionScore is one group's NPS-style score (−100..100) with its
// 95% interval; Suppressed when too few answered to publish.
type SatisfactionScore struct {
	Group         string
	N             int
	Score, Lo, Hi float64
	HasInterval   bool
	Suppressed    bool
}
