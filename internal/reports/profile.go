package reports

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/web"
	"github.com/civitas-city/civitas/internal/web/profile"
)

// Section is the reports part of "my profile" (profile.Section): the
// resident's cases, their data for download, and erasure.
type Section struct{ S *Service }

var _ profile.Section = Section{}

// Key names the module in the export.
func (Section) Key() string { return "reports" }

// TitleKey is the section's heading.
func (Section) TitleKey() string { return "reports.mine.title" }

// Items lists the resident's cases, newest first.
func (p Section) Items(ctx context.Context, userID string) ([]profile.Item, error) {
	cases, err := p.S.CasesOf(ctx, userID)
	if err != nil {
		return nil, err
	}
	cats, err := p.S.Categories(ctx, true)
	if err != nil {
		return nil, err
	}
	lang := web.Lang(ctx)
	names := map[string]string{}
	for _, c := range cats {
		names[c.Code] = c.Name(lang)
	}
	out := make([]profile.Item, 0, len(cases))
	for _, c := range cases {
		out = append(out, profile.Item{
			Title:  p.S.t(lang, "reports.case.heading", c.Number, names[c.Category]),
			Status: p.S.t(lang, "reports.status."+string(c.Status)),
			URL:    fmt.Sprintf("/reports/%d", c.Number),
			At:     c.UpdatedAt,
		})
	}
	return out, nil
}

// personalCase is a case in "download my data".
type personalCase struct {
	Number      int64     `json:"number"`
	Category    string    `json:"category"`
	Status      Status    `json:"status"`
	Description string    `json:"description"`
	Address     string    `json:"address,omitempty"`
	Lat         *float64  `json:"lat,omitempty"`
	Lon         *float64  `json:"lon,omitempty"`
	Email       string    `json:"email,omitempty"`
	Name        string    `json:"name,omitempty"`
	Phone       string    `json:"phone,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	Rating      int       `json:"satisfaction_rating,omitempty"`
	Comment     string    `json:"satisfaction_comment,omitempty"`
}

// PersonalData is the resident's cases with their contact details and
// answers, and the reports they support.
func (p Section) PersonalData(ctx context.Context, userID string) (any, error) {
	cases, err := p.S.CasesOf(ctx, userID)
	if err != nil {
		return nil, err
	}
	out := struct {
		Cases    []personalCase `json:"cases"`
		Supports []int64        `json:"supports"`
	}{Cases: []personalCase{}, Supports: []int64{}}
	for _, c := range cases {
		pc := personalCase{Number: c.Number, Category: c.Category, Status: c.Status, Description: c.Description, Address: c.Address,
			Email: c.ReporterEmail, Name: c.ReporterName, Phone: c.ReporterPhone, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt}
		if c.HasPoint {
			lat, lon := c.Lat, c.Lon
			pc.Lat, pc.Lon = &lat, &lon
		}
		if f, err := p.S.FeedbackOf(ctx, &c); err != nil {
			return nil, err
		} else if f != nil {
			pc.Rating, pc.Comment = f.Rating, f.Comment
		}
		out.Cases = append(out.Cases, pc)
	}
	rows, err := p.S.DB.QueryContext(ctx, `SELECT c.number FROM report_supports s JOIN report_cases c ON c.id = s.case_id
		WHERE s.user_id = $1 ORDER BY c.number`, userID)
	if err != nil {
		return nil, fmt.Errorf("reports: supports of %s: %w", userID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var n int64
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out.Supports = append(out.Supports, n)
	}
	return out, rows.Err()
}

// Erase takes the resident's name and contact details off their cases
// and forgets which reports they supported. The reports stay (they are
// the city's public record) and support counts stay counted.
func (p Section) Erase(ctx context.Context, tx *sql.Tx, userID string) error {
	if _, err := tx.ExecContext(ctx, `UPDATE report_cases SET reporter_id = NULL, reporter_email = '', reporter_name = '',
		reporter_phone = '' WHERE reporter_id = $1`, userID); err != nil {
		return fmt.Errorf("reports: erase %s: %w", userID, db.MapError(err))
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM report_supports WHERE user_id = $1`, userID); err != nil {
		return fmt.Errorf("reports: erase supports of %s: %w", userID, err)
	}
	_, err := tx.ExecContext(ctx, `UPDATE report_updates SET author_id = '' WHERE author_id = $1 AND internal = FALSE AND kind IN ('submitted', 'reopened')`, userID)
	return err
}
