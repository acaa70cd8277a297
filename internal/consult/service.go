package consult

import (
	"context"
	"database/sql"
	"fmt"
	"github.com/civitas-city/civitas/internal/web"
	"log/slog"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/audit"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/i18n"
)

// Residents tells whether an account is a verified resident now, and of
// which district. internal/accounts/identity.Service provides it; app
// wires it.
type Residents interface {
	IsVerifiedResident(ctx context.Context, userID string) (district int, ok bool, err error)
}

// Service holds the consultations logic. Handlers read requests and render;
// the Service decides.
type Service struct {
	DB *db.DB
	// Residents checks verified residency for consultations open only to
	// verified residents; without it nobody may take part in those.
	Residents Residents
	// IsDistrict tells the city's district numbers; nil accepts any > 0.
	IsDistrict func(int) bool
	// MapDebounce is how long after a vote the opinion map is recomputed;
	// votes meanwhile share that one run. 0 means 30 s.
	MapDebounce time.Duration
	// Location is the city's time zone, for the exports' datetimes.
	Location *time.Location
	// Contacts, Catalog and BaseURL let the service mail those registered
	// for a meeting when it changes or is cancelled; without Contacts
	// nobody is mailed.
	Contacts Contacts
	Catalog  *i18n.Catalog
	BaseURL  string
	Log      *slog.Logger
	Now      func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return db.TS(s.Now())
	}
	return db.TS(time.Now())
}

func (s *Service) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}

// Actor is who does something: the participant, and the officer who typed
// it in for them at a consultation point (assisted participation).
type Actor struct {
	UserID string
	Name   string
	// OfficerID is set when an officer acts for the resident UserID.
	OfficerID string
	RequestID string
}

// Assisted reports whether an officer acts for the participant.
func (a Actor) Assisted() bool { return a.OfficerID != "" }

// auditAssisted records what an officer did for a resident; residents'
// own contributions are not audited (they are theirs, and public).
func auditAssisted(ctx context.Context, q db.Querier, a Actor, action, targetType, targetID string, details map[string]string) error {
	if !a.Assisted() {
		return nil
	}
	return audit.Record(ctx, q, audit.Entry{ActorID: a.OfficerID, OnBehalfOf: a.UserID, Action: action,
		TargetType: targetType, TargetID: targetID, Details: details, RequestID: a.RequestID})
}

// field builds an Invalid error about one form field.
func field(name, key string) error {
	return &apperr.Error{Kind: apperr.Invalid, Field: name, Message: key}
}

// checkVersions checks an officer's texts in other languages: plain text
// (web.CheckText) of at most their field's limit. A problem names its form
// field, prefix+FIELD+"_"+LANG.
func checkVersions(v i18n.Versions, prefix string, limits map[string]int) error {
	for _, f := range slices.Sorted(maps.Keys(v)) {
		limit, known := limits[f]
		for _, lang := range slices.Sorted(maps.Keys(v[f])) {
			name, t := prefix+f+"_"+lang, v[f][lang]
			if !known || utf8.RuneCountInString(t) > limit {
				return field(name, "consult.error.too_long")
			}
			if err := web.CheckText(name, t, f == "summary" || f == "description"); err != nil {
				return err
			}
		}
	}
	return nil
}

// text checks a required text of at most limit characters.
func text(name, v string, limit int) (string, error) {
	v = strings.TrimSpace(v)
	if err := web.CheckText(name, v, true); err != nil {
		return "", err
	}
	switch {
	case v == "":
		return "", field(name, "consult.error.required")
	case utf8.RuneCountInString(v) > limit:
		return "", field(name, "consult.error.too_long")
	}
	return v, nil
}

// --- consultations ---------------------------------------------------------------------------

// ConsultationInput is what an officer types for a consultation.
type ConsultationInput struct {
	Title        string
	Summary      string
	District     int
	Status       Status
	Moderation   Moderation
	VerifiedOnly bool
	// Versions are the title and summary in other languages (optional).
	Versions i18n.Versions
}

func (s *Service) validate(in *ConsultationInput) error {
	var err error
	if in.Title, err = text("title", in.Title, MaxTitle); err != nil {
		return err
	}
	if err := checkVersions(in.Versions, "", map[string]int{"title": MaxTitle, "summary": MaxSummary}); err != nil {
		return err
	}
	in.Summary = strings.TrimSpace(in.Summary)
	if in.District < 0 || (in.District > 0 && s.IsDistrict != nil && !s.IsDistrict(in.District)) {
		return field("district", "consult.error.district")
	}
	if in.Status == "" {
		in.Status = StatusDraft
	}
	if !in.Status.Valid() {
		return field("status", "consult.error.status")
	}
	if in.Moderation == "" {
		in.Moderation = PostModeration
	}
	if !in.Moderation.Valid() {
		return field("moderation", "consult.error.moderation")
	}
	return nil
}

// Create makes a consultation (a draft unless in says otherwise).
func (s *Service) Create(ctx context.Context, a Actor, in ConsultationInput) (Consultation, error) {
	if err := s.validate(&in); err != nil {
		return Consultation{}, err
	}
	now := s.now()
	c := Consultation{ID: db.NewID(), Title: in.Title, Summary: in.Summary, District: in.District, Status: in.Status,
		Moderation: in.Moderation, VerifiedOnly: in.VerifiedOnly, CreatedBy: a.UserID, CreatedAt: now, UpdatedAt: now,
		Versions: in.Versions}
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if err := insertConsultation(ctx, tx, &c); err != nil {
			return err
		}
		return s.auditOfficer(ctx, tx, a, "consult.create", "consultation", c.ID, map[string]string{"title": c.Title})
	})
	return c, err
}

func (s *Service) auditOfficer(ctx context.Context, q db.Querier, a Actor, action, targetType, targetID string, details map[string]string) error {
	return audit.Record(ctx, q, audit.Entry{ActorID: a.UserID, Action: action, TargetType: targetType, TargetID: targetID,
		Details: details, RequestID: a.RequestID})
}

// Update changes a consultation's main fields.
func (s *Service) Update(ctx context.Context, a Actor, id string, in ConsultationInput) error {
	if err := s.validate(&in); err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		c, err := getConsultation(ctx, tx, id)
		if err != nil {
			return err
		}
		c.Title, c.Summary, c.District, c.Status, c.Moderation, c.VerifiedOnly = in.Title, in.Summary, in.District, in.Status, in.Moderation, in.VerifiedOnly
		c.Versions = in.Versions
		c.UpdatedAt = s.now()
		if err := updateConsultation(ctx, tx, &c); err != nil {
			return err
		}
		return s.auditOfficer(ctx, tx, a, "consult.update", "consultation", c.ID, map[string]string{"status": string(c.Status)})
	})
}

// SaveReport stores the final report; publish makes it public now.
func (s *Service) SaveReport(ctx context.Context, a Actor, id, report string, publish bool) error {
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		c, err := getConsultation(ctx, tx, id)
		if err != nil {
			return err
		}
		c.Report = strings.TrimSpace(report)
		switch {
		case publish && c.Report == "":
			return field("report", "consult.error.required")
		case publish && c.ReportPublishedAt.IsZero():
			c.ReportPublishedAt = s.now()
		case !publish:
			c.ReportPublishedAt = time.Time{}
		}
		c.UpdatedAt = s.now()
		if err := updateConsultation(ctx, tx, &c); err != nil {
			return err
		}
		return s.auditOfficer(ctx, tx, a, "consult.report", "consultation", c.ID, map[string]string{"published": strconv.FormatBool(publish)})
	})
}

// Get returns a consultation, whatever its status (officers).
func (s *Service) Get(ctx context.Context, id string) (Consultation, error) {
	return getConsultation(ctx, s.DB, id)
}

// GetPublic returns a consultation residents may see: drafts are not
// found.
func (s *Service) GetPublic(ctx context.Context, id string) (Consultation, error) {
	c, err := getConsultation(ctx, s.DB, id)
	if err != nil {
		return c, err
	}
	if !c.Public() {
		return c, ErrNotFound
	}
	return c, nil
}

// List lists consultations.
func (s *Service) List(ctx context.Context, f ListFilter) ([]Consultation, error) {
	return listConsultations(ctx, s.DB, f)
}

// CanTakePart tells whether userID may contribute to c now: it is open,
// and, when it is for verified residents only, they are one (of its
// district, for a district's consultation).
func (s *Service) CanTakePart(ctx context.Context, c *Consultation, userID string) error {
	if c.Status != StatusOpen {
		return ErrClosed
	}
	if !c.VerifiedOnly {
		return nil
	}
	if s.Residents == nil || userID == "" {
		return ErrVerifiedOnly
	}
	district, ok, err := s.Residents.IsVerifiedResident(ctx, userID)
	switch {
	case err != nil:
		return fmt.Errorf("consult: residency of %s: %w", userID, err)
	case !ok:
		return ErrVerifiedOnly
	case c.District != 0 && district != c.District:
		return ErrOtherDistrict
	}
	return nil
}

// --- phases ----------------------------------------------------------------------------------

// PhaseInput is a phase as an officer types it.
type PhaseInput struct {
	Title, Description string
	StartsAt, EndsAt   time.Time
	// Versions are the title and description in other languages (optional).
	Versions i18n.Versions
}

// AddPhase adds a dated phase.
func (s *Service) AddPhase(ctx context.Context, a Actor, consultationID string, in PhaseInput) (Phase, error) {
	title, err := text("phase_title", in.Title, MaxTitle)
	if err != nil {
		return Phase{}, err
	}
	if in.StartsAt.IsZero() {
		return Phase{}, field("phase_starts", "consult.error.date")
	}
	if in.EndsAt.IsZero() || in.EndsAt.Before(in.StartsAt) {
		return Phase{}, field("phase_ends", "consult.error.date_order")
	}
	if err := checkVersions(in.Versions, "phase_", map[string]int{"title": MaxTitle, "description": MaxSummary}); err != nil {
		return Phase{}, err
	}
	p := Phase{ID: db.NewID(), ConsultationID: consultationID, Title: title, Description: strings.TrimSpace(in.Description),
		StartsAt: in.StartsAt, EndsAt: in.EndsAt, Versions: in.Versions}
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := getConsultation(ctx, tx, consultationID); err != nil {
			return err
		}
		if err := insertPhase(ctx, tx, &p); err != nil {
			return err
		}
		return s.auditOfficer(ctx, tx, a, "consult.phase.add", "consultation", consultationID, map[string]string{"phase": p.ID})
	})
	return p, err
}

// DeletePhase removes a phase.
func (s *Service) DeletePhase(ctx context.Context, a Actor, consultationID, phaseID string) error {
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if err := deletePhase(ctx, tx, consultationID, phaseID); err != nil {
			return err
		}
		return s.auditOfficer(ctx, tx, a, "consult.phase.delete", "consultation", consultationID, map[string]string{"phase": phaseID})
	})
}

// Phases lists a consultation's phases by date.
func (s *Service) Phases(ctx context.Context, consultationID string) ([]Phase, error) {
	return listPhases(ctx, s.DB, consultationID)
}

// --- documents -------------------------------------------------------------------------------

// AddDocument adds a document to a consultation.
func (s *Service) AddDocument(ctx context.Context, a Actor, consultationID, title, body string) (Document, error) {
	title, err := text("doc_title", title, MaxTitle)
	if err != nil {
		return Document{}, err
	}
	if len(Paragraphs(body)) == 0 {
		return Document{}, field("doc_body", "consult.error.required")
	}
	now := s.now()
	d := Document{ID: db.NewID(), ConsultationID: consultationID, Title: title, Body: strings.TrimSpace(body), CreatedAt: now, UpdatedAt: now}
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := getConsultation(ctx, tx, consultationID); err != nil {
			return err
		}
		if err := insertDocument(ctx, tx, &d); err != nil {
			return err
		}
		return s.auditOfficer(ctx, tx, a, "consult.document.add", "consultation", consultationID, map[string]string{"document": d.ID})
	})
	return d, err
}

// UpdateDocument changes a document's title and text. The text is fixed
// once it has comments, since comments point at its paragraphs.
func (s *Service) UpdateDocument(ctx context.Context, a Actor, consultationID, documentID, title, body string) error {
	title, err := text("doc_title", title, MaxTitle)
	if err != nil {
		return err
	}
	if len(Paragraphs(body)) == 0 {
		return field("doc_body", "consult.error.required")
	}
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		d, err := getDocument(ctx, tx, consultationID, documentID)
		if err != nil {
			return err
		}
		body = strings.TrimSpace(body)
		if body != d.Body {
			n, err := countDocumentComments(ctx, tx, documentID)
			if err != nil {
				return err
			}
			if n > 0 {
				return ErrHasComments
			}
		}
		d.Title, d.Body, d.UpdatedAt = title, body, s.now()
		if err := updateDocument(ctx, tx, &d); err != nil {
			return err
		}
		return s.auditOfficer(ctx, tx, a, "consult.document.update", "consultation", consultationID, map[string]string{"document": d.ID})
	})
}

// Document returns one document of a consultation.
func (s *Service) Document(ctx context.Context, consultationID, documentID string) (Document, error) {
	return getDocument(ctx, s.DB, consultationID, documentID)
}

// Documents lists a consultation's documents.
func (s *Service) Documents(ctx context.Context, consultationID string) ([]Document, error) {
	return listDocuments(ctx, s.DB, consultationID)
}

// ParagraphCounts counts each paragraph's published comments by stance.
func (s *Service) ParagraphCounts(ctx context.Context, documentID string) (map[int]StanceCounts, error) {
	return paragraphCounts(ctx, s.DB, documentID)
}

// --- comments --------------------------------------------------------------------------------

// CommentInput is a comment as a resident types it.
type CommentInput struct {
	Paragraph int
	ParentID  string
	Stance    Stance
	Body      string
}

// AddComment adds a comment on a paragraph (or a reply in its thread).
// Under pre-moderation it waits for a moderator.
func (s *Service) AddComment(ctx context.Context, a Actor, c *Consultation, d *Document, in CommentInput) (Comment, error) {
	if in.Paragraph < 1 || in.Paragraph > len(Paragraphs(d.Body)) {
		return Comment{}, ErrNotFound
	}
	if !in.Stance.Valid() {
		return Comment{}, field("stance", "consult.error.stance")
	}
	body, err := text("body", in.Body, MaxComment)
	if err != nil {
		return Comment{}, err
	}
	if err := s.CanTakePart(ctx, c, a.UserID); err != nil {
		return Comment{}, err
	}
	status := CommentPublished
	if c.Moderation == PreModeration {
		status = CommentPending
	}
	cm := Comment{ID: db.NewID(), DocumentID: d.ID, Paragraph: in.Paragraph, ParentID: in.ParentID, AuthorID: a.UserID,
		AuthorName: a.Name, RecordedBy: a.OfficerID, Stance: in.Stance, Body: body, Status: status, CreatedAt: s.now()}
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if in.ParentID != "" {
			parent, err := getComment(ctx, tx, in.ParentID)
			if err != nil {
				return err
			}
			if parent.DocumentID != d.ID || parent.Paragraph != in.Paragraph {
				return ErrNotFound
			}
			// Threads are one level deep: a reply to a reply joins the thread.
			if parent.ParentID != "" {
				cm.ParentID = parent.ParentID
			}
		}
		if err := insertComment(ctx, tx, &cm); err != nil {
			return err
		}
		return auditAssisted(ctx, tx, a, "consult.comment.assisted", "consult.document", d.ID,
			map[string]string{"comment": cm.ID, "paragraph": strconv.Itoa(cm.Paragraph)})
	})
	return cm, err
}

// Comments lists a paragraph's comments viewer may see.
func (s *Service) Comments(ctx context.Context, documentID string, paragraph int, viewer string) ([]Comment, error) {
	return listParagraphComments(ctx, s.DB, documentID, paragraph, viewer)
}

// Comment returns one comment.
func (s *Service) Comment(ctx context.Context, id string) (Comment, error) {
	return getComment(ctx, s.DB, id)
}

// Flag reports a comment to the moderators; each person flags a comment
// once.
func (s *Service) Flag(ctx context.Context, userID, commentID, reason string) error {
	reason = strings.TrimSpace(reason)
	if rs := []rune(reason); len(rs) > 500 {
		reason = string(rs[:500])
	}
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		c, err := getComment(ctx, tx, commentID)
		if err != nil {
			return err
		}
		if c.Status != CommentPublished {
			return ErrNotFound
		}
		err = insertFlag(ctx, tx, commentID, userID, reason, s.now())
		if apperr.Is(err, apperr.Conflict) {
			return apperr.E(apperr.Conflict, "consult.error.flagged_already")
		}
		return err
	})
}

// ModerateComment publishes or rejects a comment waiting in the queue (or
// flagged), audited.
func (s *Service) ModerateComment(ctx context.Context, a Actor, commentID string, publish bool) error {
	status := CommentRejected
	if publish {
		status = CommentPublished
	}
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if err := moderateComment(ctx, tx, commentID, status, a.UserID, s.now()); err != nil {
			return err
		}
		return s.auditOfficer(ctx, tx, a, "consult.comment.moderate", "consult.comment", commentID, map[string]string{"status": string(status)})
	})
}

// ModerationQueue is what waits for moderators.
type ModerationQueue struct {
	Comments   []QueuedComment
	Statements []QueuedStatement
}

// Queue lists comments waiting or flagged and statements not yet reviewed.
func (s *Service) Queue(ctx context.Context, limit int) (ModerationQueue, error) {
	var (
		q   ModerationQueue
		err error
	)
	if q.Comments, err = commentQueue(ctx, s.DB, limit); err != nil {
		return q, err
	}
	q.Statements, err = statementQueue(ctx, s.DB, limit)
	return q, err
}

// Meeting returns one meeting of a consultation, with its registration count.
func (s *Service) Meeting(ctx context.Context, consultationID, id string) (Meeting, error) {
	return getMeeting(ctx, s.DB, consultationID, id)
}

// Meetings lists a consultation's meetings with their registration counts.
func (s *Service) Meetings(ctx context.Context, consultationID string) ([]Meeting, error) {
	return listMeetings(ctx, s.DB, consultationID)
}

// RegisteredFor lists the meetings of a consultation userID registered for.
func (s *Service) RegisteredFor(ctx context.Context, consultationID, userID string) (map[string]bool, error) {
	if userID == "" {
		return map[string]bool{}, nil
	}
	return registeredFor(ctx, s.DB, consultationID, userID)
}

// Register registers the participant for a meeting while places are left.
// Registering twice is not an error.
func (s *Service) Register(ctx context.Context, a Actor, c *Consultation, meetingID string) error {
	if c.Status != StatusOpen {
		return ErrClosed
	}
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		// Locked, so two registrations for the last place cannot both count
		// the same free seat, nor one slip in beside a cancellation.
		m, err := lockMeeting(ctx, tx, c.ID, meetingID)
		if err != nil {
			return err
		}
		if !m.EndsAt.After(s.now()) {
			return ErrClosed
		}
		if m.Cancelled() {
			return ErrCancelled
		}
		mine, err := registeredFor(ctx, tx, c.ID, a.UserID)
		if err != nil || mine[meetingID] {
			return err
		}
		if m.Full() {
			return ErrMeetingFull
		}
		r := Registration{MeetingID: meetingID, UserID: a.UserID, Name: a.Name, RecordedBy: a.OfficerID, CreatedAt: s.now()}
		if err := insertRegistration(ctx, tx, &r); err != nil {
			return err
		}
		return auditAssisted(ctx, tx, a, "consult.meeting.register.assisted", "consult.meeting", meetingID, nil)
	})
}

// Unregister cancels the participant's registration.
func (s *Service) Unregister(ctx context.Context, a Actor, c *Consultation, meetingID string) error {
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := getMeeting(ctx, tx, c.ID, meetingID); err != nil {
			return err
		}
		deleted, err := deleteRegistration(ctx, tx, meetingID, a.UserID)
		if err != nil || !deleted {
			return err
		}
		return auditAssisted(ctx, tx, a, "consult.meeting.unregister.assisted", "consult.meeting", meetingID, nil)
	})
}

// Registrations lists who registered for a meeting (officers).
func (s *Service) Registrations(ctx context.Context, meetingID string) ([]Registration, error) {
	return listRegistrations(ctx, s.DB, meetingID)
}
