package tax

import (
	"context"
	"database/sql"
	"fmt"
	"github.com/civitas-city/civitas/internal/db"

	"github.com/civitas-city/civitas/internal/money"
	"github.com/civitas-city/civitas/internal/web"
	"github.com/civitas-city/civitas/internal/web/profile"
)

// Section is the module's part of "my profile": what is left to pay, the
// reminder setting, for download; erasing an account removes the setting
// and the record of reminders sent (the liabilities are the finance
// system's, filed by PESEL, not by account).
type Section struct{ S *Service }

var _ profile.Section = Section{}

// Key names the module in the export.
func (Section) Key() string { return "tax" }

// TitleKey is the section's heading.
func (Section) TitleKey() string { return "tax.profile.title" }

// Items lists the liabilities with something left to pay.
func (s Section) Items(ctx context.Context, userID string) ([]profile.Item, error) {
	st, err := s.S.Mine(ctx, userID)
	if err != nil {
		return nil, nil // not a verified resident: nothing filed under them
	}
	lang := web.Lang(ctx)
	var out []profile.Item
	for _, l := range st.Liabilities {
		if l.Due() == 0 && l.Arrears+l.Interest == 0 {
			continue
		}
		out = append(out, profile.Item{
			Title: s.S.Catalog.T(lang, "tax.profile.item", s.S.Catalog.T(lang, "tax.kind."+string(l.Kind)), l.Year, money.Format(lang, l.Due()+l.Arrears+l.Interest)),
			URL:   "/taxes", At: st.AsOf})
	}
	return out, nil
}

// PersonalData is the resident's reminder setting and the reminders sent.
func (s Section) PersonalData(ctx context.Context, userID string) (any, error) {
	days, err := s.S.Reminders(ctx, userID)
	if err != nil {
		return nil, err
	}
	type sent struct {
		Liability string `json:"liability"`
		N         int    `json:"instalment"`
		Kind      string `json:"kind"`
	}
	list, err := db.Query(ctx, s.S.DB, func(row db.Scanner) (sent, error) {
		var x sent
		err := row.Scan(&x.Liability, &x.N, &x.Kind)
		return x, err
	}, `SELECT liability_id, n, kind FROM tax_reminders_sent WHERE user_id = $1 ORDER BY sent_at`, userID)
	if err != nil {
		return nil, fmt.Errorf("tax: reminders sent: %w", err)
	}
	return map[string]any{"reminder_days": days, "reminders_sent": list}, nil
}

// Erase removes the reminder setting and the record of reminders sent.
func (Section) Erase(ctx context.Context, tx *sql.Tx, userID string) error {
	for _, q := range []string{`DELETE FROM tax_reminder_prefs WHERE user_id = $1`, `DELETE FROM tax_reminders_sent WHERE user_id = $1`} {
		if _, err := tx.ExecContext(ctx, q, userID); err != nil {
			return fmt.Errorf("tax: erase: %w", err)
		}
	}
	return nil
}
