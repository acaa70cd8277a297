package card

import (
	"context"
	"database/sql"

	"github.com/civitas-city/civitas/internal/web"
	"github.com/civitas-city/civitas/internal/web/profile"
)

// Section is the module's part of "my profile": the resident's cards. The
// cards are the city's records, filed by PESEL, not by account, so erasing
// an account has nothing of the module's to remove.
type Section struct{ S *Service }

var _ profile.Section = Section{}

// Key names the module in the export.
func (Section) Key() string { return "card" }

// TitleKey is the section's heading.
func (Section) TitleKey() string { return "card.profile.title" }

// Items lists the resident's cards.
func (s Section) Items(ctx context.Context, userID string) ([]profile.Item, error) {
	cards, err := s.S.Mine(ctx, userID)
	if err != nil {
		return nil, nil // not a verified resident: no card filed under them
	}
	var out []profile.Item
	for _, c := range cards {
		out = append(out, profile.Item{Title: s.S.itemTitle(ctx, c), URL: "/card/my", At: c.ValidFrom})
	}
	return out, nil
}

// PersonalData is the resident's cards: kind, family size, validity (the
// card id, number and secret stay out: they are the card's, not facts
// about the person).
func (s Section) PersonalData(ctx context.Context, userID string) (any, error) {
	cards, err := s.S.Mine(ctx, userID)
	if err != nil {
		return nil, nil
	}
	type item struct {
		Kind       Kind   `json:"kind"`
		FamilySize int    `json:"family_size,omitempty"`
		ValidFrom  string `json:"valid_from"`
		ValidTo    string `json:"valid_to"`
	}
	out := []item{}
	for _, c := range cards {
		out = append(out, item{c.Kind, c.FamilySize, c.ValidFrom.Format(day), c.ValidTo.Format(day)})
	}
	return out, nil
}

// Erase has nothing to remove (see Section).
func (Section) Erase(context.Context, *sql.Tx, string) error { return nil }

func (s *Service) itemTitle(ctx context.Context, c Card) string {
	if s.Catalog == nil {
		return string(c.Kind)
	}
	lang := web.Lang(ctx)
	return s.Catalog.T(lang, "card.profile.item", s.Catalog.T(lang, "card.kind."+string(c.Kind)), web.FormatDate(s.Catalog, lang, s.loc(), c.ValidTo))
}
