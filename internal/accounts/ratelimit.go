package accounts

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/audit"
	"github.com/civitas-city/civitas/internal/ratelimit"
	"github.com/civitas-city/civitas/internal/web"
)

// Sign-in limits. They slow the attacker without locking the owner out:
//   - one address may fail 5 times per account and 30 times in all per
//     window; past that, that address is refused even the right password;
//   - failures on one account from everywhere (a distributed guess) past
//     accountUnderAttack make the right password alone not enough: the
//     owner is mailed a one-time sign-in link instead, a proof that needs
//     their mailbox, not a CAPTCHA.
var (
	signInPair    = ratelimit.Rule{Name: "signin.pair", Limit: 5, Window: 15 * time.Minute}
	signInAddress = ratelimit.Rule{Name: "signin.addr", Limit: 30, Window: 15 * time.Minute}
	signInAccount = ratelimit.Rule{Name: "signin.account", Limit: 20, Window: 15 * time.Minute}
)

// ErrSignInLinkSent answers the right password for an account under a
// distributed attack: a sign-in link went to the account's address.
var ErrSignInLinkSent = apperr.E(apperr.Forbidden, "accounts.signin.link_sent")

func (s *Service) limiter() *ratelimit.Limiter {
	return &ratelimit.Limiter{DB: s.DB, Key: s.Key, Now: s.now}
}

func normEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// SignIn checks the limits, then the password. addr is the client's
// address (web.ClientAddr).
func (s *Service) SignIn(ctx context.Context, email, password, addr string) (*User, error) {
	l, account := s.limiter(), normEmail(email)
	pair := account + "\x00" + addr
	for _, c := range []struct {
		rule  ratelimit.Rule
		value string
	}{{signInPair, pair}, {signInAddress, addr}} {
		if over, err := l.Over(ctx, c.rule, c.value); err != nil || over {
			if err != nil {
				return nil, err
			}
			return nil, apperr.E(apperr.TooMany, "accounts.error.too_many_attempts")
		}
	}
	u, err := s.Authenticate(ctx, email, password)
	if apperr.Is(err, apperr.Unauthenticated) {
		for _, c := range []struct {
			rule  ratelimit.Rule
			value string
		}{{signInPair, pair}, {signInAddress, addr}, {signInAccount, account}} {
			if rerr := l.Add(ctx, c.rule, c.value); rerr != nil {
				return nil, rerr
			}
		}
		return nil, err
	}
	if err != nil {
		return nil, err
	}
	if attacked, err := l.Over(ctx, signInAccount, account); err != nil || attacked {
		if err != nil {
			return nil, err
		}
		if err := s.sendSignInLink(ctx, u); err != nil {
			return nil, err
		}
		return nil, ErrSignInLinkSent
	}
	return u, l.Clear(ctx, signInPair, pair)
}

// sendSignInLink mails the account a one-time sign-in link.
func (s *Service) sendSignInLink(ctx context.Context, u *User) error {
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		token, err := s.issueToken(ctx, tx, u.ID, PurposeSignIn, "")
		if err != nil {
			return err
		}
		return s.mailTo(ctx, tx, u.Email, "accounts.mail.signin_link.subject", "accounts.mail.signin_link.body", u.DisplayName, s.link("/account/signin-link", token))
	})
}

// SignInWithLink uses a mailed sign-in link: it proves the mailbox, so it
// also ends the account's distributed-attack state.
func (s *Service) SignInWithLink(ctx context.Context, token string) (*User, error) {
	var userID string
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		if userID, _, err = s.consumeToken(ctx, tx, token, PurposeSignIn); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: userID, Action: "account.signin.link", TargetType: "user", TargetID: userID, RequestID: web.RequestID(ctx)})
	})
	if err != nil {
		return nil, err
	}
	u, err := s.FindByID(ctx, userID)
	if err != nil {
		return nil, err
	}
	return u, s.limiter().Clear(ctx, signInAccount, normEmail(u.Email))
}
