package newsletter

import (
	"context"
	"fmt"
)

// SeedDemo subscribes a few demo addresses (in every language) to
// district, and composes and sends its digest: the demo's outbox shows it
// once the job queue has run. It does nothing when there are subscribers.
func SeedDemo(ctx context.Context, s *Service, actorID string, district int) error {
	var n int
	if err := s.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM newsletter_subscribers`).Scan(&n); err != nil || n > 0 {
		return err
	}
	var prefs []Preference
	for i, lang := range []string{"pl", "en", "uk", "pl", "pl", "uk"} {
		prefs = append(prefs, Preference{Email: fmt.Sprintf("subscriber%d@demo.civitas.local", i+1), Lang: lang,
			Districts: []int{district, 1 + (district+i)%18}})
	}
	a := Actor{ID: actorID, Name: "demo"}
	if _, err := s.ImportPreferences(ctx, a, prefs); err != nil {
		return err
	}
	c, err := s.ComposeDigest(ctx, a, district)
	if err != nil {
		return fmt.Errorf("newsletter demo digest: %w", err)
	}
	_, err = s.Send(ctx, a, c.ID)
	return err
}
