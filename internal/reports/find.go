package reports

import (
	"context"
	"crypto/subtle"
	"strconv"
	"strings"
	"time"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/ratelimit"
)

// findsPerAddress limits "find my case" tries from one client address:
// enough for typos, too few to walk the case numbers with a guessed email.
var findsPerAddress = ratelimit.Rule{Name: "find-case-per-address", Limit: 10, Window: time.Hour}

// FindCase is "find my case" for a reporter without an account: the case
// numbered number when email is the address its reporter gave, else nil.
// A wrong number and a wrong email give the same nil, so the answer tells
// nothing about either; every try counts against the client's limit
// (apperr.TooMany past it).
func (s *Service) FindCase(ctx context.Context, number, email, clientAddr string) (*Case, error) {
	ok, err := s.limiter().Allow(ctx, findsPerAddress, clientAddr)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, apperr.E(apperr.TooMany, "reports.find.too_many")
	}
	n, err := strconv.ParseInt(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(number), "#")), 10, 64)
	email = strings.ToLower(strings.TrimSpace(email))
	if err != nil || n <= 0 || email == "" {
		return nil, nil
	}
	c, err := getCase(ctx, s.DB, n)
	if apperr.Is(err, apperr.NotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if subtle.ConstantTimeCompare([]byte(strings.ToLower(c.ReporterEmail)), []byte(email)) != 1 {
		return nil, nil
	}
	return c, nil
}

// FindPage is the "find my case" form.
type FindPage struct {
	Number, Email string
	// Missed: the number and email did not match a report (or one of them
	// was wrong: the page does not say which).
	Missed bool
}
