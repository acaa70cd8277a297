package news

import (
	"context"
	"database/sql"

	"github.com/civitas-city/civitas/internal/web"
	"github.com/civitas-city/civitas/internal/web/profile"
)

// Section is the news's part of "my profile": the resident's newsletter
// subscription and waste-collection reminder.
type Section struct{ H *Handler }

var _ profile.Section = Section{}

// Key names the section in the export.
func (Section) Key() string { return "news" }

// TitleKey is the section's heading.
func (Section) TitleKey() string { return "news.profile.title" }

// Items lists the subscription and the reminder.
func (sec Section) Items(ctx context.Context, userID string) ([]profile.Item, error) {
	var out []profile.Item
	cat, lang := sec.H.Site.Catalog, web.Lang(ctx)
	sub, err := sec.H.Newsletter.OfUser(ctx, userID)
	if err != nil {
		return nil, err
	}
	if sub != nil {
		out = append(out, profile.Item{Title: cat.T(lang, "news.newsletter.yours", sub.Email, cat.T(lang, "news.newsletter.state."+sub.Status)),
			URL: "/news/newsletter"})
	}
	address, err := sec.H.Waste.Reminder(ctx, userID)
	if err != nil {
		return nil, err
	}
	if address != "" {
		out = append(out, profile.Item{Title: cat.T(lang, "news.waste.reminding", address), URL: "/news/waste"})
	}
	return out, nil
}

// PersonalData is the subscription (address, state, what it follows) and
// the reminder's address.
func (sec Section) PersonalData(ctx context.Context, userID string) (any, error) {
	sub, err := sec.H.Newsletter.OfUser(ctx, userID)
	if err != nil {
		return nil, err
	}
	address, err := sec.H.Waste.Reminder(ctx, userID)
	if err != nil {
		return nil, err
	}
	out := map[string]any{"waste_reminder_address": address}
	if sub != nil {
		follows := make([]map[string]any, 0, len(sub.Follows))
		for _, f := range sub.Follows {
			follows = append(follows, map[string]any{"district": f.District, "topic": f.Topic})
		}
		out["newsletter"] = map[string]any{"email": sub.Email, "status": sub.Status, "follows": follows}
	}
	return out, nil
}

// Erase removes the subscription and the reminder.
func (sec Section) Erase(ctx context.Context, tx *sql.Tx, userID string) error {
	if err := sec.H.Newsletter.Forget(ctx, tx, userID); err != nil {
		return err
	}
	return sec.H.Waste.Forget(ctx, tx, userID)
}
