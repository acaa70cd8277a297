package survey

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/web"
	"github.com/civitas-city/civitas/internal/web/profile"
)

// ProfileSection is the surveys' part of "my profile": the surveys a resident
// answered (or started) with their account. A response is keyed by an
// HMAC of the account and the wave, so it is found by computing that key
// for each wave.
type ProfileSection struct{ S *Service }

var _ profile.Section = ProfileSection{}

// Key names the section in the export.
func (ProfileSection) Key() string { return "surveys" }

// TitleKey is the section's heading.
func (ProfileSection) TitleKey() string { return "survey.profile.title" }

// MyResponse is one of a resident's responses, for the export.
type MyResponse struct {
	Survey    string            `json:"survey"`
	Wave      string            `json:"wave"`
	Started   string            `json:"started"`
	Completed string            `json:"completed,omitempty"`
	Answers   map[string]Answer `json:"answers"`
	slug      string
	response  *Response
}

func (s *Service) mine(ctx context.Context, userID string) ([]MyResponse, error) {
	all, err := listAllWaves(ctx, s.DB)
	if err != nil {
		return nil, err
	}
	var out []MyResponse
	for _, w := range all {
		r, err := findResponse(ctx, s.DB, w.ID, "user:"+s.mac("survey-respondent", w.ID, userID))
		if apperr.Is(err, apperr.NotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		x, err := loadQuestionnaire(ctx, s.DB, w.QuestionnaireID)
		if err != nil {
			return nil, err
		}
		m := MyResponse{Survey: x.Title.In("pl"), Wave: w.Name, Started: r.StartedAt.Format("2006-01-02 15:04"), Answers: r.Answers,
			slug: w.Slug, response: r}
		if r.Completed() {
			m.Completed = r.CompletedAt.Format("2006-01-02 15:04")
		}
		out = append(out, m)
	}
	return out, nil
}

// Items lists the surveys the resident answered or started.
func (sec ProfileSection) Items(ctx context.Context, userID string) ([]profile.Item, error) {
	mine, err := sec.S.mine(ctx, userID)
	if err != nil {
		return nil, err
	}
	lang := web.Lang(ctx)
	var out []profile.Item
	for _, m := range mine {
		status := "survey.profile.started"
		if m.Completed != "" {
			status = "survey.profile.completed"
		}
		if sec.S.Catalog != nil {
			status = sec.S.Catalog.T(lang, status)
		}
		out = append(out, profile.Item{Title: m.Survey + " — " + m.Wave, Status: status, URL: "/surveys/" + m.slug, At: m.response.UpdatedAt})
	}
	return out, nil
}

// PersonalData is every response with its answers.
func (sec ProfileSection) PersonalData(ctx context.Context, userID string) (any, error) {
	return sec.S.mine(ctx, userID)
}

// Erase cuts the link between the account and its responses: the answers
// stay counted in the results, no longer traceable to the account.
func (sec ProfileSection) Erase(ctx context.Context, tx *sql.Tx, userID string) error {
	all, err := listAllWaves(ctx, tx)
	if err != nil {
		return err
	}
	for _, w := range all {
		if _, err := tx.ExecContext(ctx, `UPDATE survey_responses SET respondent = 'erased:' || id WHERE wave_id = $1 AND respondent = $2`,
			w.ID, "user:"+sec.S.mac("survey-respondent", w.ID, userID)); err != nil {
			return fmt.Errorf("survey: erase: %w", err)
		}
	}
	return nil
}
