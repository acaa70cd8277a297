package budget

import (
	"context"
	"database/sql"
	"fmt"
	"github.com/civitas-city/civitas/internal/web"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/files"
)

// ProjectInput is what an author writes. Money and coordinates are as
// typed, and parsed here so that errors name the field.
type ProjectInput struct {
	Pool        string // pool slug
	Title       string
	Description string
	Category    string
	Address     string
	Lat, Lon    string
	CostItems   []CostItemInput
}

// CostItemInput is one line of the cost breakdown as typed.
type CostItemInput struct{ Label, Amount string }

// Limits on what authors write.
const (
	maxTitle       = 200
	maxDescription = 20000
	maxAddress     = 300
	maxCostItems   = 30
)

// project builds the project fields from the input. final asks for the
// checks of a submission; a draft needs only a title and a valid pool.
func (in ProjectInput) project(e *Edition, final bool) (*Project, apperr.Fields) {
	errs := apperr.Fields{}
	p := &Project{
		Title: strings.TrimSpace(in.Title), Description: strings.TrimSpace(in.Description),
		Category: strings.TrimSpace(in.Category), Address: strings.TrimSpace(in.Address),
	}
	pool, ok := e.Pool(in.Pool)
	if !ok {
		errs["pool"] = "budget.project.error.pool"
	} else {
		p.PoolID = pool.ID
	}
	if n := utf8.RuneCountInString(p.Title); n < 5 || n > maxTitle {
		errs["title"] = "budget.project.error.title"
	}
	// No control or text-reordering characters in what residents read.
	for _, f := range []struct {
		field, text string
		multiline   bool
	}{{"title", p.Title, false}, {"description", p.Description, true}, {"address", p.Address, false}} {
		if err := web.CheckText(f.field, f.text, f.multiline); err != nil {
			errs[f.field] = apperr.MessageOf(err)
		}
	}
	if _, bad := errs["description"]; !bad && utf8.RuneCountInString(p.Description) > maxDescription {
		errs["description"] = "budget.project.error.description_long"
	} else if !bad && final && utf8.RuneCountInString(p.Description) < 50 {
		errs["description"] = "budget.project.error.description_short"
	}
	if p.Category != "" && !slices.Contains(e.Categories, p.Category) {
		errs["category"] = "budget.project.error.category"
	} else if final && p.Category == "" && len(e.Categories) > 0 {
		errs["category"] = "budget.project.error.category"
	}
	if utf8.RuneCountInString(p.Address) > maxAddress {
		errs["address"] = "budget.project.error.address"
	}
	lat, lon := strings.TrimSpace(in.Lat), strings.TrimSpace(in.Lon)
	if lat != "" || lon != "" {
		la, err1 := strconv.ParseFloat(strings.ReplaceAll(lat, ",", "."), 64)
		lo, err2 := strconv.ParseFloat(strings.ReplaceAll(lon, ",", "."), 64)
		if err1 != nil || err2 != nil || math.Abs(la) > 90 || math.Abs(lo) > 180 {
			errs["lat"] = "budget.project.error.point"
		} else {
			p.HasPoint, p.Lat, p.Lon = true, la, lo
		}
	}
	if final && p.Address == "" && !p.HasPoint {
		errs["address"] = "budget.project.error.location"
	}
	if len(in.CostItems) > maxCostItems {
		errs["cost"] = "budget.project.error.cost_items"
	}
	for i, it := range in.CostItems {
		label, amount := strings.TrimSpace(it.Label), strings.TrimSpace(it.Amount)
		if label == "" && amount == "" {
			continue
		}
		field := fmt.Sprintf("cost_amount_%d", i)
		a, err := ParseMoney(amount)
		switch {
		case err != nil || a <= 0:
			errs[field] = "budget.project.error.cost_amount"
		case label == "" || utf8.RuneCountInString(label) > 200:
			errs[fmt.Sprintf("cost_label_%d", i)] = "budget.project.error.cost_label"
		default:
			p.CostItems = append(p.CostItems, CostItem{Label: label, Amount: a})
			p.Cost += a
		}
	}
	if final && p.Cost <= 0 && len(errs) == 0 {
		errs["cost"] = "budget.project.error.cost_none"
	}
	if pool != nil && p.Cost > pool.Amount {
		errs["cost"] = "budget.project.error.cost_pool"
	} else if e.MaxCost > 0 && p.Cost > e.MaxCost {
		errs["cost"] = "budget.project.error.cost_max"
	}
	return p, errs
}

// eligible checks that userID may take part in e (submit, sign or vote) and
// returns who they are. City budgets and local initiatives need a verified
// resident; a school's budget needs a pupil on the roster.
func (s *Service) eligible(ctx context.Context, e *Edition, userID string) (Residency, error) {
	if userID == "" {
		return Residency{}, apperr.E(apperr.Unauthenticated, "error.signin_required")
	}
	r, err := s.Residents.Residency(ctx, userID)
	if err != nil {
		return r, fmt.Errorf("budget: residency: %w", err)
	}
	if e.Kind == KindSchool {
		ok, err := onRoster(ctx, s.DB, e.ID, userID)
		if err != nil {
			return r, err
		}
		if !ok {
			return r, apperr.E(apperr.Forbidden, "budget.error.not_on_roster")
		}
		if r.Person == "" {
			r.Person = s.mac("pb-pupil", userID)
		}
		r.Verified = true
		return r, nil
	}
	if !r.Verified || r.Person == "" {
		return r, apperr.E(apperr.Forbidden, "budget.error.not_verified")
	}
	return r, nil
}

// Eligibility tells a page whether userID may take part in e, and why not.
func (s *Service) Eligibility(ctx context.Context, e *Edition, userID string) (Residency, error) {
	return s.eligible(ctx, e, userID)
}

// SaveProject creates (id "") or updates an author's project. With submit
// it is checked as a submission and made public: collecting signatures when
// the edition needs them, else submitted. Only drafts can be edited.
func (s *Service) SaveProject(ctx context.Context, a Actor, userID, editionID, id string, in ProjectInput, submit bool) (*Project, error) {
	e, err := s.EditionByID(ctx, editionID)
	if err != nil {
		return nil, err
	}
	if !e.SubmissionOpen() {
		return nil, apperr.E(apperr.Invalid, "budget.project.error.closed")
	}
	if _, err := s.eligible(ctx, e, userID); err != nil {
		return nil, err
	}
	p, errs := in.project(e, submit)
	if err := errs.Err(); err != nil {
		return nil, err
	}
	now := s.now()
	var saved *Project
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if id == "" {
			p.ID, p.EditionID, p.AuthorID, p.Status, p.CreatedAt = db.NewID(), e.ID, userID, StatusDraft, now
		} else {
			cur, err := loadProject(ctx, tx, id)
			if err != nil {
				return err
			}
			if cur.AuthorID != userID || cur.EditionID != e.ID {
				return apperr.E(apperr.Forbidden, "budget.error.not_author")
			}
			if cur.Status != StatusDraft {
				return apperr.E(apperr.Invalid, "budget.project.error.not_draft")
			}
			p.ID, p.EditionID, p.AuthorID, p.Status, p.CreatedAt = cur.ID, cur.EditionID, cur.AuthorID, cur.Status, cur.CreatedAt
			if err := deleteProject(ctx, tx, cur.ID); err != nil {
				return fmt.Errorf("budget: replace draft: %w", err)
			}
		}
		p.UpdatedAt = now
		if submit {
			p.Status, p.SubmittedAt = StatusSubmitted, now
			if e.Signatures > 0 {
				p.Status = StatusCollecting
			}
			code, err := nextCode(ctx, tx, e.ID)
			if err != nil {
				return err
			}
			p.Code = code
		}
		if err := insertProject(ctx, tx, p); err != nil {
			return err
		}
		if a.OnBehalfOf != "" {
			if err := s.record(ctx, tx, a, "budget.project.assisted", "pb_project", p.ID, map[string]string{"status": p.Status}); err != nil {
				return err
			}
		}
		saved = p
		return nil
	})
	return saved, err
}

// Project returns a project with its cost breakdown.
func (s *Service) Project(ctx context.Context, id string) (*Project, error) {
	return loadProject(ctx, s.DB, id)
}

// managedProject loads a project and its edition and checks that a may
// manage it.
func (s *Service) managedProject(ctx context.Context, a Actor, projectID string) (*Project, *Edition, error) {
	p, err := s.Project(ctx, projectID)
	if err != nil {
		return nil, nil, err
	}
	e, err := s.EditionByID(ctx, p.EditionID)
	if err != nil {
		return nil, nil, err
	}
	if err := s.mustManage(e, a); err != nil {
		return nil, nil, err
	}
	return p, e, nil
}

// loadAuthoredProject loads a project that userID wrote, and its edition:
// what an author's own change checks first, within its transaction.
func loadAuthoredProject(ctx context.Context, q db.Querier, userID, projectID string) (*Project, *Edition, error) {
	p, err := loadProject(ctx, q, projectID)
	if err != nil {
		return nil, nil, err
	}
	if p.AuthorID != userID {
		return nil, nil, apperr.E(apperr.Forbidden, "budget.error.not_author")
	}
	e, err := loadEdition(ctx, q, "id", p.EditionID)
	if err != nil {
		return nil, nil, err
	}
	return p, e, nil
}

// Projects lists projects.
func (s *Service) Projects(ctx context.Context, f ProjectFilter) ([]*Project, error) {
	ps, err := listProjects(ctx, s.DB, f)
	if err != nil {
		return nil, err
	}
	sortProjects(ps)
	return ps, nil
}

// sortProjects orders projects by code, numbers as numbers, drafts last.
func sortProjects(ps []*Project) {
	slices.SortStableFunc(ps, func(a, b *Project) int { return compareCodes(a.Code, b.Code) })
}

func compareCodes(a, b string) int {
	switch {
	case a == b:
		return 0
	case a == "":
		return 1
	case b == "":
		return -1
	}
	na, ea := strconv.Atoi(a)
	nb, eb := strconv.Atoi(b)
	if ea == nil && eb == nil {
		return na - nb
	}
	return strings.Compare(a, b)
}

// Withdraw takes the author's project out of the edition before the vote.
func (s *Service) Withdraw(ctx context.Context, userID, id string) error {
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		p, e, err := loadAuthoredProject(ctx, tx, userID, id)
		if err != nil {
			return err
		}
		if e.Phase.Index() >= PhaseVoting.Index() && e.Votes() {
			return apperr.E(apperr.Invalid, "budget.project.error.withdraw_late")
		}
		if p.Status == StatusDraft {
			list, err := files.List(ctx, tx, projectOwner(id))
			if err != nil {
				return err
			}
			for _, f := range list {
				if err := files.Delete(ctx, tx, projectOwner(id), f.ID); err != nil {
					return err
				}
			}
			return deleteProject(ctx, tx, id)
		}
		return setProjectStatus(ctx, tx, id, StatusWithdrawn, s.now())
	})
}

// Sign adds userID's supporting signature to a project collecting them;
// the project is submitted when it has enough. Signing twice is a no-op.
func (s *Service) Sign(ctx context.Context, userID, id string) error {
	p, err := s.Project(ctx, id)
	if err != nil {
		return err
	}
	e, err := s.EditionByID(ctx, p.EditionID)
	if err != nil {
		return err
	}
	if p.Status != StatusCollecting {
		return apperr.E(apperr.Invalid, "budget.project.error.not_collecting")
	}
	r, err := s.eligible(ctx, e, userID)
	if err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		return addSignature(ctx, tx, id, r.Person, userID, e.Signatures, s.now())
	})
}

// Signed reports whether userID has signed project id.
func (s *Service) Signed(ctx context.Context, userID, id string) (bool, error) {
	return hasSigned(ctx, s.DB, id, userID)
}

func projectOwner(id string) string     { return "pbproject:" + id }
func realizationOwner(id string) string { return "pbrealization:" + id }

// Upload kinds.
const (
	UploadImage      = "image"
	UploadAttachment = "attachment"
)

// AddFile stores an image or attachment of the author's project while it
// is a draft or waiting for review.
func (s *Service) AddFile(ctx context.Context, userID, id, kind, name string, data []byte) (*files.File, error) {
	if err := s.checkFilesOpen(ctx, userID, id); err != nil {
		return nil, err
	}
	policy := files.Attachments
	if kind == UploadImage {
		policy = files.Images
	}
	list, err := files.List(ctx, s.DB, projectOwner(id))
	if err != nil {
		return nil, err
	}
	if len(list) >= 20 {
		return nil, apperr.Fieldf("file", "budget.project.error.files_many")
	}
	f, err := files.Save(ctx, s.DB, projectOwner(id), name, data, policy)
	if err != nil {
		if e, ok := err.(*apperr.Error); ok && e.Field == "" {
			e.Field = "file"
		}
		return nil, err
	}
	return f, nil
}

// DeleteFile removes a file from the author's project while it may still
// change.
func (s *Service) DeleteFile(ctx context.Context, userID, id, fileID string) error {
	if err := s.checkFilesOpen(ctx, userID, id); err != nil {
		return err
	}
	return files.Delete(ctx, s.DB, projectOwner(id), fileID)
}

// checkFilesOpen checks that userID wrote project id and that its files
// may still change: while a draft, collecting signatures or submitted.
func (s *Service) checkFilesOpen(ctx context.Context, userID, id string) error {
	p, err := s.Project(ctx, id)
	if err != nil {
		return err
	}
	if p.AuthorID != userID {
		return apperr.E(apperr.Forbidden, "budget.error.not_author")
	}
	if p.Status != StatusDraft && p.Status != StatusCollecting && p.Status != StatusSubmitted {
		return apperr.E(apperr.Invalid, "budget.project.error.files_locked")
	}
	return nil
}

// Files lists a project's uploads.
func (s *Service) Files(ctx context.Context, id string) ([]files.File, error) {
	return files.List(ctx, s.DB, projectOwner(id))
}
