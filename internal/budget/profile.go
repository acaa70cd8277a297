package budget

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"github.com/civitas-city/civitas/internal/ballot"
	"github.com/civitas-city/civitas/internal/web"
	"github.com/civitas-city/civitas/internal/web/profile"
)

// Section is the budget's part of "my profile": the resident's projects
// and their ballots' receipt codes, their data for download, and what is
// erased when they delete their account.
type Section struct{ S *Service }

var _ profile.Section = Section{}

// Key names the section in the data export.
func (Section) Key() string { return "budget" }

// TitleKey is the section's heading.
func (Section) TitleKey() string { return "budget.profile.title" }

// Items lists the resident's projects and ballots, newest first.
func (p Section) Items(ctx context.Context, userID string) ([]profile.Item, error) {
	return p.S.ProfileItems(ctx, web.Lang(ctx), userID)
}

// PersonalData is everything the budget holds about the resident.
func (p Section) PersonalData(ctx context.Context, userID string) (any, error) {
	return p.S.PersonalData(ctx, userID)
}

// Erase removes the resident from the budget (see Service.Erase).
func (p Section) Erase(ctx context.Context, tx *sql.Tx, userID string) error {
	return p.S.Erase(ctx, tx, userID)
}

// ProfileItems lists userID's projects and ballots, newest first, in lang.
func (s *Service) ProfileItems(ctx context.Context, lang, userID string) ([]profile.Item, error) {
	projects, err := listProjects(ctx, s.DB, ProjectFilter{AuthorID: userID})
	if err != nil {
		return nil, err
	}
	editions := map[string]*Edition{}
	edition := func(id string) (*Edition, error) {
		if e := editions[id]; e != nil {
			return e, nil
		}
		e, err := s.EditionByID(ctx, id)
		editions[id] = e
		return e, err
	}
	var out []profile.Item
	for _, p := range projects {
		e, err := edition(p.EditionID)
		if err != nil {
			return nil, err
		}
		url := "/budget/" + e.Slug + "/projects/" + p.ID
		if p.Status == StatusDraft {
			url += "/edit"
		}
		out = append(out, profile.Item{Title: p.Title, Status: s.t(lang, "budget.status."+p.Status), URL: url, At: p.UpdatedAt})
	}
	ballots, err := s.MyBallots(ctx, userID, "")
	if err != nil {
		return nil, err
	}
	for _, b := range ballots {
		e, err := edition(b.EditionID)
		if err != nil {
			return nil, err
		}
		pool, _ := e.PoolByID(b.PoolID)
		title := e.TitleText().For(lang)
		if pool != nil {
			title += " — " + pool.NameText().For(lang)
		}
		status := s.t(lang, "budget.profile.receipt", b.Receipt)
		if b.Void {
			status = s.t(lang, "budget.profile.void")
		}
		url := "/budget/" + e.Slug
		if pool != nil {
			url += "/vote/" + pool.Slug
		}
		out = append(out, profile.Item{Title: title, Status: status, URL: url, At: b.At})
	}
	sortItems(out)
	return out, nil
}

func sortItems(items []profile.Item) {
	slices.SortStableFunc(items, func(a, b profile.Item) int { return b.At.Compare(a.At) })
}

func (s *Service) t(lang, key string, args ...any) string {
	if s.Catalog == nil {
		return key
	}
	return s.Catalog.T(lang, key, args...)
}

// PersonalData is everything the budget holds about userID.
func (s *Service) PersonalData(ctx context.Context, userID string) (any, error) {
	projects, err := listProjects(ctx, s.DB, ProjectFilter{AuthorID: userID})
	if err != nil {
		return nil, err
	}
	type projectData struct {
		ID, Code, Title, Status, Description, Address string
		Cost                                          string
		CreatedAt                                     time.Time
	}
	type ballotData struct {
		Edition, Pool, Channel, Receipt string
		At                              time.Time
		Void                            bool
	}
	data := struct {
		Projects   []projectData `json:"projects"`
		Ballots    []ballotData  `json:"ballots"`
		Signatures []string      `json:"signed_projects"`
		Appeals    []string      `json:"appeals"`
	}{}
	for _, p := range projects {
		data.Projects = append(data.Projects, projectData{p.ID, p.Code, p.Title, p.Status, p.Description, p.Address,
			MoneyDecimal(p.Cost), p.CreatedAt})
	}
	ballots, err := s.MyBallots(ctx, userID, "")
	if err != nil {
		return nil, err
	}
	for _, b := range ballots {
		data.Ballots = append(data.Ballots, ballotData{b.EditionID, b.PoolID, b.Channel, b.Receipt, b.At, b.Void})
	}
	if data.Signatures, err = queryStrings(ctx, s.DB, `SELECT project_id FROM pb_signatures WHERE user_id = $1`, userID); err != nil {
		return nil, err
	}
	if data.Appeals, err = queryStrings(ctx, s.DB, `SELECT body FROM pb_appeals WHERE author_id = $1`, userID); err != nil {
		return nil, err
	}
	return data, nil
}

// Erase removes userID from the budget inside the account deletion's
// transaction: drafts go; submitted projects stay public without their
// author; signatures and participations stay counted but lose the account
// (the person key stays, so nobody can vote twice by deleting an account).
func (s *Service) Erase(ctx context.Context, tx *sql.Tx, userID string) error {
	drafts, err := queryStrings(ctx, tx, `SELECT id FROM pb_projects WHERE author_id = $1 AND status = $2`, userID, StatusDraft)
	if err != nil {
		return err
	}
	for _, id := range drafts {
		if _, err := tx.ExecContext(ctx, `DELETE FROM pb_projects WHERE id = $1`, id); err != nil {
			return fmt.Errorf("budget: erase: %w", err)
		}
	}
	for _, q := range []string{
		`UPDATE pb_projects SET author_id = NULL WHERE author_id = $1`,
		`UPDATE pb_appeals SET author_id = NULL WHERE author_id = $1`,
		`UPDATE pb_signatures SET user_id = NULL WHERE user_id = $1`,
		`DELETE FROM pb_roster WHERE user_id = $1`,
		`DELETE FROM pb_coordinators WHERE user_id = $1`,
	} {
		if _, err := tx.ExecContext(ctx, q, userID); err != nil {
			return fmt.Errorf("budget: erase: %w", err)
		}
	}
	return ballot.EraseUser(ctx, tx, userID)
}
