package accounts

import (
	"context"

	"github.com/civitas-city/civitas/internal/db"
)

// NewsPreference is a resident's choice of district news, with where and
// in which language to send it.
type NewsPreference struct {
	UserID, Email, Language string
	Districts               []int
}

// NewsPreferences lists the residents with a confirmed address who chose
// district news in their profile (for the newsletters to subscribe them).
func (s *Service) NewsPreferences(ctx context.Context) ([]NewsPreference, error) {
	var out []NewsPreference
	err := db.Each(ctx, s.DB, func(row db.Scanner) error {
		var (
			p        NewsPreference
			district int
		)
		if err := row.Scan(&p.UserID, &p.Email, &p.Language, &district); err != nil {
			return err
		}
		if n := len(out); n > 0 && out[n-1].UserID == p.UserID {
			out[n-1].Districts = append(out[n-1].Districts, district)
			return nil
		}
		p.Districts = []int{district}
		out = append(out, p)
		return nil
	}, `SELECT u.id, u.email, u.language, n.district FROM user_news_districts n JOIN users u ON u.id = n.user_id
		WHERE u.email_confirmed_at IS NOT NULL AND u.email <> '' ORDER BY u.id, n.district`)
	return out, err
}
