package card

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"math/big"
	"sync"
	"time"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/card/code"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/i18n"
)

// Holders tells the keyed PESEL hash of a verified resident (identity's
// residency), so a resident sees exactly the cards listed under it.
type Holders interface {
	HolderOf(ctx context.Context, userID string) (hash string, verified bool, err error)
}

// Service is the card module's rules.
type Service struct {
	DB      *db.DB
	Key     []byte // the keyed PESEL hash's key (as the census); also masks card numbers in codes
	Holders Holders
	Catalog *i18n.Catalog
	Log     *slog.Logger
	Now     func() time.Time
	// MinCell is the analytics' k: counts below it are suppressed (0: 10).
	MinCell int
	// MaxEventAge is how late a usage event may arrive (0: 7 days).
	MaxEventAge time.Duration
	// IsDistrict tells the city's district numbers from others.
	IsDistrict func(int) bool
	// Location is the city's zone: a card's validity is in its dates.
	Location *time.Location

	stmts      db.StmtCache
	checksOnce sync.Once
	checks     *db.GroupCommit[checkWrite, CheckResult]
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Service) loc() *time.Location {
	if s.Location == nil {
		return time.UTC
	}
	return s.Location
}

func (s *Service) today() time.Time { return s.now().In(s.loc()) }

// Errors a resident, an officer or a partner meets.
var (
	ErrNotVerified = apperr.E(apperr.Forbidden, "card.error.not_verified")
	ErrNotFound    = apperr.E(apperr.NotFound, "card.error.not_found")
)

// Mine lists the cards of a verified resident; ErrNotVerified for anyone
// else.
func (s *Service) Mine(ctx context.Context, userID string) ([]Card, error) {
	hash, ok, err := s.Holders.HolderOf(ctx, userID)
	if err != nil {
		return nil, err
	}
	if !ok || hash == "" {
		return nil, ErrNotVerified
	}
	return cardsOf(ctx, s.DB, hash)
}

// Shown is a card with its code of this minute.
type Shown struct {
	Card
	Code    string    // 15 digits
	ValidOn bool      // the card is valid today
	Until   time.Time // when this code stops being the current one
}

// Codes gives a verified resident's cards with their current codes.
func (s *Service) Codes(ctx context.Context, userID string) ([]Shown, error) {
	cards, err := s.Mine(ctx, userID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	step := code.StepOf(now)
	out := make([]Shown, 0, len(cards))
	for _, c := range cards {
		secret, err := secretOf(ctx, s.stmts.Querier(s.DB, nil), c.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, Shown{Card: c, Code: code.Make(s.Key, secret, c.Number, step), ValidOn: c.ValidOn(s.today()),
			Until: time.Unix((step+1)*int64(code.Step/time.Second), 0)})
	}
	return out, nil
}

// newSecret is a card's own key for its codes.
func newSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24)
	return hex.EncodeToString(b)
}

// newNumber is a random card number of 9 digits.
func newNumber() int64 {
	n, _ := rand.Int(rand.Reader, big.NewInt(code.NumberMax-code.NumberMin+1))
	return code.NumberMin + n.Int64()
}

// randomToken is n random bytes as hex (a partner key's body).
func randomToken(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
