package identity

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/civitas-city/civitas/internal/web/profile"
)

// Section is verified residency's part of "my profile": the status, the
// data kept, and what account deletion erases.
type Section struct{ H *Handler }

var _ profile.Section = Section{}

// Key names the section in the data export.
func (Section) Key() string { return "identity" }

// TitleKey is the section's heading.
func (Section) TitleKey() string { return "identity.section.title" }

// Items is one line: the verification, linking to /account/verify.
func (s Section) Items(ctx context.Context, userID string) ([]profile.Item, error) {
	st, err := s.H.Service.Status(ctx, userID)
	if err != nil {
		return nil, err
	}
	v := s.H.statusView(ctx, st)
	item := profile.Item{Title: s.H.t(ctx, "identity.section.item", v.LevelLabel), URL: "/account/verify", At: st.VerifiedAt}
	if v.DistrictLabel != "" {
		item.Status = v.DistrictLabel + " (" + v.SourceLabel + ")"
	}
	return []profile.Item{item}, nil
}

var _ profile.Prompter = Section{}

// Prompt asks a resident without verified residency to verify it: the
// first thing their profile shows.
func (s Section) Prompt(ctx context.Context, userID string) (*profile.Item, error) {
	st, err := s.H.Service.Status(ctx, userID)
	if err != nil || st.Verified() {
		return nil, err
	}
	return &profile.Item{Title: s.H.t(ctx, "identity.prompt.link"), Status: s.H.t(ctx, "identity.prompt.why"), URL: "/account/verify"}, nil
}

// PersonalData is what the section holds about the resident. The PESEL is
// not among it: Civitas keeps only a keyed hash.
func (s Section) PersonalData(ctx context.Context, userID string) (any, error) {
	st, err := s.H.Service.Status(ctx, userID)
	if err != nil {
		return nil, err
	}
	out := map[string]any{"level": st.Level, "district": st.District, "district_source": st.Source,
		"managed_profile": st.Managed, "claimed": st.Claimed}
	if st.Method != "" {
		out["method"], out["verified_at"] = st.Method, st.VerifiedAt
	}
	return out, nil
}

// Erase removes the verification with its PESEL hash (so the PESEL may
// verify a new account), the failed attempts, flows in progress and the
// refused claims made by or against the account.
func (s Section) Erase(ctx context.Context, tx *sql.Tx, userID string) error {
	for _, q := range []string{
		`DELETE FROM residency WHERE user_id = $1`,
		`DELETE FROM residency_failures WHERE user_id = $1`,
		`DELETE FROM oidc_flows WHERE user_id = $1`,
		`DELETE FROM residency_refused WHERE user_id = $1 OR holder_id = $1`,
		`DELETE FROM managed_profiles WHERE user_id = $1`,
	} {
		if _, err := tx.ExecContext(ctx, q, userID); err != nil {
			return fmt.Errorf("identity: erase: %w", err)
		}
	}
	return nil
}
