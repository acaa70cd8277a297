package reports

import (
	"context"
	"time"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/ratelimit"
)

// Limits on what one sender can make the city do. A report is never
// refused for its mail: past a mail limit the report is filed and shown
// with its link on the page, and only the "report received" mail is left
// out (status changes an officer makes are always mailed).
var (
	// One address gets at most a few unsolicited receipts a day, so
	// anonymous reports cannot be used to flood someone's mailbox.
	receiptsPerRecipient = ratelimit.Rule{Name: "receipts-per-recipient", Limit: 3, Window: 24 * time.Hour}
	// One client address, filing anonymous reports with any email.
	receiptsPerAddress = ratelimit.Rule{Name: "receipts-per-address", Limit: 10, Window: time.Hour}
	// One Open311 key, whose app files reports for many residents.
	receiptsPerKey = ratelimit.Rule{Name: "receipts-per-key", Limit: 500, Window: time.Hour}
)

// twinWindow is how long an identical Open311 post counts as the same one
// sent again (a client's retry, a burst of identical posts), not a new
// case. The web form offers the reports nearby instead.
const twinWindow = 10 * time.Minute

func (s *Service) limiter() *ratelimit.Limiter {
	return &ratelimit.Limiter{DB: s.DB, Key: s.Secret, Now: s.now}
}

// allowOpen311Post counts a POST of key against its per-minute limit.
func (s *Service) allowOpen311Post(ctx context.Context, key *APIKey) error {
	if s.Open311PostsPerMinute <= 0 || key == nil {
		return nil
	}
	rule := ratelimit.Rule{Name: "open311-posts-per-key", Limit: s.Open311PostsPerMinute, Window: time.Minute}
	ok, err := s.limiter().Allow(ctx, rule, key.ID)
	if err != nil {
		return err
	}
	if !ok {
		return apperr.E(apperr.TooMany, "reports.open311.error.too_many")
	}
	return nil
}

// mayMailReceipt reports whether the "report received" mail of n may go
// out, and counts it when it may. Reports by signed-in residents and
// those an officer enters are mailed to known addresses and not limited.
func (s *Service) mayMailReceipt(ctx context.Context, n *NewReport) (bool, error) {
	if n.ReporterEmail == "" || n.ReporterID != "" || n.Officer != nil {
		return true, nil
	}
	sender, senderRule := n.ClientAddr, receiptsPerAddress
	if n.APIKey != nil {
		sender, senderRule = n.APIKey.ID, receiptsPerKey
	}
	l := s.limiter()
	for _, c := range []struct {
		rule  ratelimit.Rule
		value string
	}{{receiptsPerRecipient, n.ReporterEmail}, {senderRule, sender}} {
		if over, err := l.Over(ctx, c.rule, c.value); err != nil || over {
			return false, err
		}
	}
	for _, c := range []struct {
		rule  ratelimit.Rule
		value string
	}{{receiptsPerRecipient, n.ReporterEmail}, {senderRule, sender}} {
		if err := l.Add(ctx, c.rule, c.value); err != nil {
			return false, err
		}
	}
	return true, nil
}
