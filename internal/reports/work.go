package reports

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/audit"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/districts"
	"github.com/civitas-city/civitas/internal/jobs"
	"github.com/civitas-city/civitas/internal/web"
)

// The officers' work on a case: status changes, notes, reassignment, and
// the job that closes resolved cases.

// Change is an officer's status change.
type Change struct {
	To Status
	// Note is the public update the resident receives; required when
	// rejecting or referring.
	Note        string
	DuplicateOf int64
	ReferredTo  string
}

// CanWork reports whether an officer may work a case: admins always, an
// officer when they are a member of the case's unit.
func (s *Service) CanWork(ctx context.Context, actor *web.User, c *Case) (bool, error) {
	if actor == nil {
		return false, nil
	}
	if actor.Has(web.RoleAdmin, "") {
		return true, nil
	}
	if !actor.Has(web.RoleOfficer, "reports") {
		return false, nil
	}
	units, err := s.UnitsOf(ctx, actor)
	if err != nil {
		return false, err
	}
	return slices.Contains(units, c.UnitID), nil
}

// UnitsOf lists the ids of the units an officer works for.
func (s *Service) UnitsOf(ctx context.Context, actor *web.User) ([]string, error) {
	if actor == nil || s.Users == nil {
		return nil, nil
	}
	email, _, err := s.Users(ctx, actor.ID)
	if err != nil || email == "" {
		return nil, err
	}
	return unitsOfMember(ctx, s.DB, email)
}

// workable loads a case an officer may work, outside any transaction;
// the writes that follow check that it has not changed meanwhile.
func (s *Service) workable(ctx context.Context, actor *web.User, number int64) (*Case, error) {
	c, err := getCase(ctx, s.DB, number)
	if err != nil {
		return nil, err
	}
	ok, err := s.CanWork(ctx, actor, c)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, apperr.E(apperr.Forbidden, "reports.error.not_your_unit")
	}
	return c, nil
}

// ChangeStatus moves a case to another status, with a public note that is
// emailed to the reporter. When the case is resolved, a job closes it once
// the reopen window has passed; when it closes, the email asks the
// satisfaction question.
func (s *Service) ChangeStatus(ctx context.Context, actor *web.User, number int64, ch Change) (*Case, error) {
	ch.Note = strings.TrimSpace(strings.ReplaceAll(ch.Note, "\r\n", "\n"))
	ch.ReferredTo = strings.TrimSpace(ch.ReferredTo)
	switch {
	case !ch.To.Valid():
		return nil, invalid("status", "reports.error.status")
	case utf8.RuneCountInString(ch.Note) > MaxNote || !utf8.ValidString(ch.Note):
		return nil, invalid("note", "reports.error.note_long")
	case (ch.To == Rejected || ch.To == Referred) && ch.Note == "":
		return nil, invalid("note", "reports.error.note_required")
	case ch.To == Referred && ch.ReferredTo == "":
		return nil, invalid("referred_to", "reports.error.referred_required")
	case utf8.RuneCountInString(ch.ReferredTo) > 200:
		return nil, invalid("referred_to", "reports.error.contact_long")
	case ch.To == Duplicate && ch.DuplicateOf <= 0:
		return nil, invalid("duplicate_of", "reports.error.duplicate_required")
	}
	set, err := s.Settings(ctx)
	if err != nil {
		return nil, err
	}
	c, err := s.workable(ctx, actor, number)
	if err != nil {
		return nil, err
	}
	if !c.Status.CanMoveTo(ch.To) {
		return nil, invalid("status", "reports.error.transition")
	}
	if ch.To == Duplicate {
		if ch.DuplicateOf == c.Number {
			return nil, invalid("duplicate_of", "reports.error.duplicate_self")
		}
		if _, err := getCase(ctx, s.DB, ch.DuplicateOf); err != nil {
			if apperr.Is(err, apperr.NotFound) {
				return nil, invalid("duplicate_of", "reports.error.duplicate_missing")
			}
			return nil, err
		}
	}
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		return s.setStatus(ctx, tx, c, ch, actor, set)
	})
	return c, err
}

// setStatus writes a status change of c (loaded in tx): the case, its
// history, the audit row, the email and the auto-close job.
func (s *Service) setStatus(ctx context.Context, tx *sql.Tx, c *Case, ch Change, actor *web.User, set Settings) error {
	now := db.TS(s.now())
	from := c.Status
	resolved, closedAt := c.ResolvedAt, c.ClosedAt
	switch {
	case ch.To == Resolved:
		resolved = now
	case ch.To == InProgress && from == Resolved:
		resolved = time.Time{}
	}
	if ch.To.Final() {
		closedAt = now
	}
	var dup int64
	if ch.To == Duplicate {
		dup = ch.DuplicateOf
	}
	referred := ""
	if ch.To == Referred {
		referred = ch.ReferredTo
	}
	next := *c
	next.Status, next.StatusNotes, next.UpdatedAt, next.ResolvedAt, next.ClosedAt = ch.To, ch.Note, now, resolved, closedAt
	next.DuplicateOf, next.ReferredTo = dup, referred
	ok, err := updateStatus(ctx, tx, &next, from)
	if err != nil {
		return err
	}
	if !ok {
		return apperr.E(apperr.Conflict, "reports.error.changed")
	}
	*c = next
	u := Update{At: now, Kind: UpdateStatus, Status: ch.To, Body: ch.Note, Author: "system"}
	if actor != nil {
		u.AuthorID, u.Author = actor.ID, actor.Name
	}
	if err := insertUpdate(ctx, tx, c.ID, u); err != nil {
		return err
	}
	if actor != nil {
		err := audit.Record(ctx, tx, audit.Entry{ActorID: actor.ID, ActorLabel: actor.Name, Action: "report.status",
			TargetType: "report", TargetID: strconv.FormatInt(c.Number, 10),
			Details: map[string]string{"from": string(from), "to": string(ch.To)}, RequestID: web.RequestID(ctx)})
		if err != nil {
			return err
		}
	}
	if ch.To == Resolved {
		err := jobs.Enqueue(ctx, tx, JobAutoClose, autoClosePayload{CaseID: c.ID},
			jobs.Options{RunAt: now.AddDate(0, 0, set.ReopenDays).Add(time.Minute)})
		if err != nil {
			return err
		}
	}
	return s.notifyStatus(ctx, tx, c)
}

// AddNote adds an officer's note to a case: a public update (emailed to the
// reporter) or an internal note that only officers see.
func (s *Service) AddNote(ctx context.Context, actor *web.User, number int64, body string, internal bool) (*Case, error) {
	body = strings.TrimSpace(strings.ReplaceAll(body, "\r\n", "\n"))
	if body == "" {
		return nil, invalid("body", "reports.error.note_required")
	}
	if utf8.RuneCountInString(body) > MaxNote || !utf8.ValidString(body) {
		return nil, invalid("body", "reports.error.note_long")
	}
	c, err := s.workable(ctx, actor, number)
	if err != nil {
		return nil, err
	}
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		now := db.TS(s.now())
		if err := insertUpdate(ctx, tx, c.ID, Update{At: now, Kind: UpdateNote, Body: body, Internal: internal, AuthorID: actor.ID, Author: actor.Name}); err != nil {
			return err
		}
		if err := touchCase(ctx, tx, c.ID, now); err != nil {
			return err
		}
		c.UpdatedAt = now
		action := "report.note.public"
		if internal {
			action = "report.note.internal"
		}
		if err := audit.Record(ctx, tx, audit.Entry{ActorID: actor.ID, ActorLabel: actor.Name, Action: action,
			TargetType: "report", TargetID: strconv.FormatInt(c.Number, 10), RequestID: web.RequestID(ctx)}); err != nil {
			return err
		}
		if internal {
			return nil
		}
		return s.notifyNote(ctx, tx, c, body)
	})
	return c, err
}

// Reassign hands a case to another unit (a wrong routing), with an
// internal note saying why.
func (s *Service) Reassign(ctx context.Context, actor *web.User, number int64, unitID, note string) (*Case, error) {
	note = strings.TrimSpace(note)
	if utf8.RuneCountInString(note) > MaxNote {
		return nil, invalid("reason", "reports.error.note_long")
	}
	c, err := s.workable(ctx, actor, number)
	if err != nil {
		return nil, err
	}
	if !c.Status.Open() {
		return nil, apperr.E(apperr.Conflict, "reports.error.reassign_closed")
	}
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		name, _, err := unit(ctx, tx, unitID)
		if err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return invalid("unit", "reports.error.no_unit")
			}
			return err
		}
		now := db.TS(s.now())
		ok, err := moveCase(ctx, tx, c.ID, unitID, c.Status, now)
		if err != nil {
			return err
		}
		if !ok {
			return apperr.E(apperr.Conflict, "reports.error.changed")
		}
		c.UnitID, c.UnitName, c.UpdatedAt = unitID, name, now
		if err := insertUpdate(ctx, tx, c.ID, Update{At: now, Kind: UpdateUnit, Body: name + "\n" + note, Internal: true, AuthorID: actor.ID, Author: actor.Name}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: actor.ID, ActorLabel: actor.Name, Action: "report.reassign",
			TargetType: "report", TargetID: strconv.FormatInt(c.Number, 10), Details: map[string]string{"unit": unitID}, RequestID: web.RequestID(ctx)})
	})
	return c, err
}

// AssignDistrict sets the district of a case filed where none could be
// found (an address missing from the gazetteer, a gap between districts),
// by the district's slug; a case with a district keeps it.
func (s *Service) AssignDistrict(ctx context.Context, actor *web.User, number int64, slug string) (*Case, error) {
	d, ok := districts.District{}, false
	if s.Districts != nil {
		d, ok = s.Districts.BySlug(slug)
	}
	if !ok {
		return nil, invalid("district", "reports.error.district")
	}
	c, err := s.workable(ctx, actor, number)
	if err != nil {
		return nil, err
	}
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		now := db.TS(s.now())
		ok, err := setDistrict(ctx, tx, c.ID, d.Number, now)
		if err != nil {
			return err
		}
		if !ok {
			return apperr.E(apperr.Conflict, "reports.error.changed")
		}
		c.District, c.UpdatedAt = d.Number, now
		if err := insertUpdate(ctx, tx, c.ID, Update{At: now, Kind: UpdateDistrict, Body: d.Numeral + " " + d.Name, Internal: true, AuthorID: actor.ID, Author: actor.Name}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: actor.ID, ActorLabel: actor.Name, Action: "report.district",
			TargetType: "report", TargetID: strconv.FormatInt(c.Number, 10), Details: map[string]string{"district": strconv.Itoa(d.Number)}, RequestID: web.RequestID(ctx)})
	})
	return c, err
}

// JobAutoClose closes a resolved case once its reopen window has passed.
const JobAutoClose = "reports.autoclose"

type autoClosePayload struct {
	CaseID string `json:"case_id"`
}

// AutoClose closes the case if it is still resolved and its reopen window
// is over; reopened or already closed cases are left alone.
func (s *Service) AutoClose(ctx context.Context, caseID string) error {
	set, err := s.Settings(ctx)
	if err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		c, err := getCaseByID(ctx, tx, caseID)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		if c.Status != Resolved {
			return nil
		}
		due := c.ResolvedAt.AddDate(0, 0, set.ReopenDays)
		if s.now().Before(due) {
			// The window was lengthened since: look again when it ends.
			return jobs.Enqueue(ctx, tx, JobAutoClose, autoClosePayload{CaseID: c.ID}, jobs.Options{RunAt: due.Add(time.Minute)})
		}
		return s.setStatus(ctx, tx, c, Change{To: Closed, Note: s.Catalog.T(c.Lang, "reports.autoclosed")}, nil, set)
	})
}

// AutoCloseJob is the job handler for JobAutoClose.
func (s *Service) AutoCloseJob() jobs.Handler {
	return func(ctx context.Context, j jobs.Job) error {
		var p autoClosePayload
		if err := json.Unmarshal(j.Payload, &p); err != nil || p.CaseID == "" {
			return &jobs.PermanentError{Err: fmt.Errorf("reports: autoclose payload: %v", err)}
		}
		return s.AutoClose(ctx, p.CaseID)
	}
}
