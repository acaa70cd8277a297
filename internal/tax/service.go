package tax

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/civitas-city/civitas/internal/accounts/census"
	"github.com/civitas-city/civitas/internal/accounts/pesel"
	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/audit"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/i18n"
	"github.com/civitas-city/civitas/internal/tax/bankqr"
)

// Payers tells the PESEL hash of a verified resident (identity's
// residency), so a resident sees exactly the liabilities filed under it.
type Payers interface {
	PayerOf(ctx context.Context, userID string) (hash string, ok bool, err error)
}

// Service is the tax module's rules.
type Service struct {
	DB      *db.DB
	Key     []byte // the keyed PESEL hash's key (as the census)
	Payers  Payers
	Catalog *i18n.Catalog
	Log     *slog.Logger
	Now     func() time.Time
	// Recipient is the name transfers go to (at most 20 characters are in
	// the QR code; the slip shows it whole), RecipientNIP its NIP.
	Recipient, RecipientNIP string
	Contacts                Contacts // for reminders
	Location                *time.Location
	BaseURL                 string // for links in mail

	// stmts keeps the resident's page's queries prepared: parsing them
	// was a sixth of the page's CPU.
	stmts db.StmtCache
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Errors a resident or an officer meets.
var (
	ErrNotVerified = apperr.E(apperr.Forbidden, "tax.error.not_verified")
	ErrNotFound    = apperr.E(apperr.NotFound, "tax.error.not_found")
)

// Statement is what the finance system holds for one payer, as of the
// latest import.
type Statement struct {
	Imported    bool      // any data at all
	AsOf        time.Time // the finance system's date of the data
	Liabilities []*Liability
}

// Totals add up a statement's liabilities of year (0: every year).
type Totals struct{ Amount, Paid, Due, Overdue int64 }

// Totals adds up the statement.
func (st Statement) Totals(year int) Totals {
	var t Totals
	for _, l := range st.Liabilities {
		if year != 0 && l.Year != year {
			continue
		}
		t.Amount += l.Amount
		t.Paid += l.Paid()
		t.Due += l.Due()
		t.Overdue += l.OverdueAmount(st.AsOf)
	}
	return t
}

// Mine is the signed-in resident's statement; ErrNotVerified when they are
// not a verified resident (the liabilities are filed by PESEL).
func (s *Service) Mine(ctx context.Context, userID string) (Statement, error) {
	if s.Payers == nil || userID == "" {
		return Statement{}, ErrNotVerified
	}
	hash, ok, err := s.Payers.PayerOf(ctx, userID)
	if err != nil {
		return Statement{}, err
	}
	if !ok {
		return Statement{}, ErrNotVerified
	}
	return s.statement(ctx, "payer_hash", hash)
}

func (s *Service) statement(ctx context.Context, by, payer string) (Statement, error) {
	q := s.stmts.Querier(s.DB, nil)
	run, ok, err := latestRun(ctx, q)
	if err != nil {
		return Statement{}, fmt.Errorf("tax: latest import: %w", err)
	}
	st := Statement{Imported: ok, AsOf: run.AsOf}
	if st.Liabilities, err = liabilitiesOf(ctx, q, by, payer); err != nil {
		return Statement{}, err
	}
	return st, nil
}

// MyLiability is one liability of the signed-in resident, with the date of
// the data; ErrNotFound when it is not theirs, does not exist, or they are
// not a verified resident (a page never tells whose a liability is).
func (s *Service) MyLiability(ctx context.Context, userID, id string) (*Liability, time.Time, error) {
	st, err := s.Mine(ctx, userID)
	if errors.Is(err, ErrNotVerified) {
		return nil, time.Time{}, ErrNotFound
	}
	if err != nil {
		return nil, time.Time{}, err
	}
	for _, l := range st.Liabilities {
		if l.ID == id {
			return l, st.AsOf, nil
		}
	}
	return nil, time.Time{}, ErrNotFound
}

// Actor is an officer acting, for the audit log.
type Actor struct{ ID, RequestID string }

// MinReason is the shortest reason an officer may give for a look-up.
const MinReason = 10

// Lookup is an officer's look-up of a payer by PESEL or NIP. The reason is
// required and, with who asked for whom, goes to the audit log before the
// data are read, so no look-up goes unrecorded.
func (s *Service) Lookup(ctx context.Context, a Actor, who, reason string) (Statement, error) {
	who, reason = strings.TrimSpace(who), strings.TrimSpace(reason)
	errs := apperr.Fields{}
	if utf8.RuneCountInString(reason) < MinReason || utf8.RuneCountInString(reason) > 500 {
		errs["reason"] = "tax.error.reason"
	}
	by, payer, shown := "", "", ""
	if p, err := pesel.Parse(who); err == nil {
		by, payer, shown = "payer_hash", census.Hash(s.Key, p.Digits()), pesel.Mask(p.Digits())
	} else if nip, ok := bankqr.NormalizeNIP(who); ok {
		by, payer, shown = "payer_nip", nip, nip
	} else {
		errs["who"] = "tax.error.who"
	}
	if len(errs) > 0 {
		return Statement{}, errs
	}
	if err := audit.Record(ctx, s.DB, audit.Entry{At: s.now(), ActorID: a.ID, Action: "tax.lookup", TargetType: "tax_payer",
		TargetID: shown, Details: map[string]string{"reason": reason}, RequestID: a.RequestID}); err != nil {
		return Statement{}, err
	}
	st, err := s.statement(ctx, by, payer)
	if err != nil {
		return Statement{}, err
	}
	if len(st.Liabilities) == 0 {
		return st, apperr.Fieldf("who", "tax.error.unknown_payer")
	}
	return st, nil
}

// Runs are the latest imports and refused attempts, for officers.
func (s *Service) Runs(ctx context.Context) ([]Run, []Refusal, error) {
	runs, err := listRuns(ctx, s.DB, 20)
	if err != nil {
		return nil, nil, fmt.Errorf("tax: imports: %w", err)
	}
	refusals, err := listRefusals(ctx, s.DB, 20)
	if err != nil {
		return nil, nil, fmt.Errorf("tax: refused imports: %w", err)
	}
	return runs, refusals, nil
}

// PaysCityIncomeTax tells whether the finance system flagged the person
// (keyed PESEL hash) as paying the city's share of income tax in year:
// the city card's eligibility may use it.
func (s *Service) PaysCityIncomeTax(ctx context.Context, payerHash string, year int) (bool, error) {
	n, err := db.Value[int](s.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM tax_city_income WHERE payer_hash = $1 AND year = $2`, payerHash, year))
	return n > 0, err
}

// PaymentOrder is how to pay one open instalment (N > 0) or a liability's
// arrears and interest (N == 0).
type PaymentOrder struct {
	Liability *Liability
	N         int
	Amount    int64 // grosze
	Title     string
	Account   string // NRB
	Recipient string
	// Payload is the QR code's text; with the amount when it fits the
	// code's field, else without it (AmountInCode false) — never cut.
	Payload      string
	AmountInCode bool
}

// Order is how to pay instalment n of l (0: its arrears and interest as
// stated); ErrNotFound when there is nothing open to pay.
func (s *Service) Order(l *Liability, n int) (PaymentOrder, error) {
	o := PaymentOrder{Liability: l, N: n, Account: l.Account, Recipient: s.Recipient}
	if n == 0 {
		o.Amount = l.Arrears + l.Interest
		o.Title = fmt.Sprintf("%s zaległość", l.Decision)
	} else {
		i, ok := l.Instalment(n)
		if !ok {
			return o, ErrNotFound
		}
		o.Amount = i.Open()
		o.Title = fmt.Sprintf("%s rata %d", l.Decision, n)
	}
	if o.Amount <= 0 {
		return o, ErrNotFound
	}
	t := bankqr.Transfer{NIP: s.RecipientNIP, Account: l.Account, Name: s.Recipient, Title: o.Title, Reserved1: reserved(l.ID)}
	if o.Amount <= bankqr.MaxAmount {
		t.Amount, o.AmountInCode = o.Amount, true
	}
	payload, err := t.Payload()
	if err != nil {
		return o, fmt.Errorf("tax: payment code of %s: %w", l.ID, err)
	}
	o.Payload = payload
	return o, nil
}

// reserved is the liability's id for the code's first reserved field (a
// payment identifier), when it fits.
func reserved(id string) string {
	if utf8.RuneCountInString(id) > bankqr.MaxReserved1 || strings.Contains(id, "|") {
		return ""
	}
	return id
}

// Reminders is a resident's reminder setting: days before a due date, 0
// for none.
func (s *Service) Reminders(ctx context.Context, userID string) (int, error) {
	days, err := db.Value[int](s.stmts.Querier(s.DB, nil).QueryRowContext(ctx, `SELECT days FROM tax_reminder_prefs WHERE user_id = $1`, userID))
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return days, err
}

// MaxReminderDays bounds how early a reminder may come.
const MaxReminderDays = 30

// SetReminders turns reminders on (days before a due date, 1 to 30) or off
// (0).
func (s *Service) SetReminders(ctx context.Context, userID string, days int) error {
	if days < 0 || days > MaxReminderDays {
		return apperr.Fieldf("days", "tax.error.days")
	}
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if days == 0 {
			_, err := tx.ExecContext(ctx, `DELETE FROM tax_reminder_prefs WHERE user_id = $1`, userID)
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO tax_reminder_prefs (user_id, days, updated_at) VALUES ($1, $2, $3)
			ON CONFLICT (user_id) DO UPDATE SET days = excluded.days, updated_at = excluded.updated_at`, userID, days, db.TS(s.now())); err != nil {
			return fmt.Errorf("tax: reminders: %w", err)
		}
		return s.scheduleReminders(ctx, tx)
	})
}
