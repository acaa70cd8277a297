package accounts

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/audit"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/mail"
	"github.com/civitas-city/civitas/internal/web"
)

// link builds an absolute link for mail, with the token in the query.
func (s *Service) link(path, token string) string {
	return strings.TrimRight(s.BaseURL, "/") + path + "?token=" + url.QueryEscape(token)
}

// mailTo queues a message from catalog keys in the request's language:
// subjectKey, and bodyKey formatted with args.
func (s *Service) mailTo(ctx context.Context, tx *sql.Tx, to, subjectKey, bodyKey string, args ...any) error {
	lang := web.Lang(ctx)
	if lang == "" {
		lang = s.Catalog.Default()
	}
	return mail.Enqueue(ctx, tx, mail.Message{
		To:      to,
		Subject: s.Catalog.T(lang, subjectKey),
		Text:    s.Catalog.T(lang, bodyKey, args...),
	})
}

// Register creates an account and mails a confirmation link; the account
// signs in once the address is confirmed. For an address that already has
// an account it creates nothing and mails the owner instead, and answers
// the same (a nil user), so registering never tells whether an address
// has an account.
func (s *Service) Register(ctx context.Context, n NewUser) (*User, error) {
	n.Email = normEmail(n.Email)
	if err := n.Validate(); err != nil {
		return nil, err
	}
	var u *User
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		var ownerName string
		err := tx.QueryRowContext(ctx, `SELECT display_name FROM users WHERE email = $1`, n.Email).Scan(&ownerName)
		if err == nil {
			base := strings.TrimRight(s.BaseURL, "/")
			return s.mailTo(ctx, tx, n.Email, "accounts.mail.register_taken.subject", "accounts.mail.register_taken.body",
				ownerName, base+"/signin", base+"/account/forgot")
		}
		if !apperr.Is(db.MapError(err), apperr.NotFound) {
			return err
		}
		if u, err = s.Create(ctx, tx, n); err != nil {
			return err
		}
		token, err := s.issueToken(ctx, tx, u.ID, PurposeConfirmEmail, "")
		if err != nil {
			return err
		}
		return s.mailTo(ctx, tx, u.Email, "accounts.mail.confirm.subject", "accounts.mail.confirm.body",
			u.DisplayName, s.link("/account/confirm", token))
	})
	return u, err
}

// ResendConfirmation mails a new confirmation link.
func (s *Service) ResendConfirmation(ctx context.Context, userID string) error {
	u, err := s.FindByID(ctx, userID)
	if err != nil {
		return err
	}
	if u.EmailConfirmed || u.Email == "" {
		return nil
	}
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		token, err := s.issueToken(ctx, tx, u.ID, PurposeConfirmEmail, "")
		if err != nil {
			return err
		}
		return s.mailTo(ctx, tx, u.Email, "accounts.mail.confirm.subject", "accounts.mail.confirm.body",
			u.DisplayName, s.link("/account/confirm", token))
	})
}

// ConfirmEmail uses a confirmation token.
func (s *Service) ConfirmEmail(ctx context.Context, token string) error {
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		userID, _, err := s.consumeToken(ctx, tx, token, PurposeConfirmEmail)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE users SET email_confirmed_at = $1 WHERE id = $2 AND email_confirmed_at IS NULL`, db.TS(s.now()), userID)
		return err
	})
}

// RequestPasswordReset mails a reset link when the email has an account.
// It answers the same either way, so it does not reveal who has one.
func (s *Service) RequestPasswordReset(ctx context.Context, email string) error {
	email = strings.ToLower(strings.TrimSpace(email))
	var id, name string
	err := s.DB.QueryRowContext(ctx, `SELECT id, display_name FROM users WHERE email = $1 AND disabled_at IS NULL`, email).Scan(&id, &name)
	if apperr.Is(db.MapError(err), apperr.NotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		token, err := s.issueToken(ctx, tx, id, PurposeResetPassword, "")
		if err != nil {
			return err
		}
		return s.mailTo(ctx, tx, email, "accounts.mail.reset.subject", "accounts.mail.reset.body", name, s.link("/account/reset", token))
	})
}

// CheckResetToken reports whether a reset link is still good.
func (s *Service) CheckResetToken(ctx context.Context, token string) error {
	return s.peekToken(ctx, token, PurposeResetPassword)
}

// ResetPassword sets a new password with a reset token, signs the account
// out everywhere and revokes its API tokens.
func (s *Service) ResetPassword(ctx context.Context, token, password string) error {
	if err := validPassword(password); err != nil {
		return err
	}
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		userID, _, err := s.consumeToken(ctx, tx, token, PurposeResetPassword)
		if err != nil {
			return err
		}
		// The link came by mail, so the address is now proven too.
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $1, email_confirmed_at = COALESCE(email_confirmed_at, $2) WHERE id = $3`,
			hash, db.TS(s.now()), userID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID); err != nil {
			return err
		}
		if err := s.revokeAllAPITokens(ctx, tx, userID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: userID, Action: "account.password.reset", TargetType: "user", TargetID: userID, RequestID: web.RequestID(ctx)})
	})
}

func validPassword(p string) error {
	if utf8.RuneCountInString(p) < MinPasswordLength || len(p) > 1024 {
		return apperr.Fieldf("password", "accounts.error.password_length")
	}
	return nil
}

// ChangePassword replaces the password after checking the current one,
// ends every other session of the account and revokes its API tokens.
func (s *Service) ChangePassword(ctx context.Context, userID, current, next, keepSession string) error {
	if err := s.checkOwnPassword(ctx, userID, current); err != nil {
		return err
	}
	if err := validPassword(next); err != nil {
		return err
	}
	hash, err := HashPassword(next)
	if err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $1 WHERE id = $2`, hash, userID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1 AND id <> $2`, userID, keepSession); err != nil {
			return err
		}
		if err := s.revokeAllAPITokens(ctx, tx, userID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: userID, Action: "account.password.change", TargetType: "user", TargetID: userID, RequestID: web.RequestID(ctx)})
	})
}

func (s *Service) checkOwnPassword(ctx context.Context, userID, password string) error {
	var hash string
	if err := s.DB.QueryRowContext(ctx, `SELECT password_hash FROM users WHERE id = $1`, userID).Scan(&hash); err != nil {
		return db.MapError(err)
	}
	if hash == "" {
		hash = dummyHash()
	}
	ok, err := CheckPassword(hash, password)
	if err != nil {
		return err
	}
	if !ok {
		return apperr.Fieldf("current_password", "accounts.error.current_password")
	}
	return nil
}

// RequestEmailChange mails a confirmation link to the new address; the
// address changes only when that link is used.
func (s *Service) RequestEmailChange(ctx context.Context, userID, password, newEmail string) error {
	if err := s.checkOwnPassword(ctx, userID, password); err != nil {
		return err
	}
	newEmail = strings.ToLower(strings.TrimSpace(newEmail))
	if err := (NewUser{Email: newEmail, DisplayName: "x", Password: strings.Repeat("x", MinPasswordLength)}).Validate(); err != nil {
		return err
	}
	u, err := s.FindByID(ctx, userID)
	if err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		token, err := s.issueToken(ctx, tx, userID, PurposeChangeEmail, newEmail)
		if err != nil {
			return err
		}
		return s.mailTo(ctx, tx, newEmail, "accounts.mail.change.subject", "accounts.mail.change.body", u.DisplayName, s.link("/account/email/confirm", token))
	})
}

// ConfirmEmailChange uses an email-change token.
func (s *Service) ConfirmEmailChange(ctx context.Context, token string) error {
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		userID, newEmail, err := s.consumeToken(ctx, tx, token, PurposeChangeEmail)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE users SET email = $1, email_confirmed_at = $2 WHERE id = $3`, newEmail, db.TS(s.now()), userID)
		if err := db.MapError(err); apperr.Is(err, apperr.Conflict) {
			return apperr.Fieldf("email", "accounts.error.email_taken")
		} else if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: userID, Action: "account.email.change", TargetType: "user", TargetID: userID, RequestID: web.RequestID(ctx)})
	})
}

// Preferences are what a resident sets on their profile.
type Preferences struct {
	DisplayName   string
	District      int   // 0: none
	NotifyEmail   bool  // mail about their cases, votes, ...
	NewsDistricts []int // districts whose newsletter they get
}

// UpdatePreferences saves a resident's choices. validDistrict tells real
// district numbers from others.
func (s *Service) UpdatePreferences(ctx context.Context, userID string, p Preferences, validDistrict func(int) bool) error {
	p.DisplayName = strings.TrimSpace(p.DisplayName)
	if err := web.CheckText("display_name", p.DisplayName, false); err != nil {
		return err
	}
	if p.DisplayName == "" || utf8.RuneCountInString(p.DisplayName) > 100 {
		return apperr.Fieldf("display_name", "accounts.error.name")
	}
	if p.District != 0 && !validDistrict(p.District) {
		return apperr.Fieldf("district", "accounts.error.district")
	}
	for _, d := range p.NewsDistricts {
		if !validDistrict(d) {
			return apperr.Fieldf("news", "accounts.error.district")
		}
	}
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET display_name = $1, district = $2, notify_email = $3 WHERE id = $4`,
			p.DisplayName, db.Null(p.District), p.NotifyEmail, userID); err != nil {
			return fmt.Errorf("accounts: preferences: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM user_news_districts WHERE user_id = $1`, userID); err != nil {
			return err
		}
		for _, d := range p.NewsDistricts {
			if _, err := tx.ExecContext(ctx, `INSERT INTO user_news_districts (user_id, district) VALUES ($1, $2) ON CONFLICT DO NOTHING`, userID, d); err != nil {
				return err
			}
		}
		return nil
	})
}

// NewsDistricts lists the districts whose news a user follows.
func (s *Service) NewsDistricts(ctx context.Context, userID string) ([]int, error) {
	return db.Query(ctx, s.DB, db.Value[int], `SELECT district FROM user_news_districts WHERE user_id = $1 ORDER BY district`, userID)
}
