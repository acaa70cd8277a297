package consult

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/db"
)

// The SQL of the module, one function per statement, each taking a
// db.Querier so it runs inside or outside a transaction. One dialect for
// SQLite and PostgreSQL (internal/db).

// notFound maps "no rows" to err (a module error with a resident's message)
// and wraps anything else.
func notFound(err error, what string, nf error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return nf
	}
	return fmt.Errorf("consult: %s: %w", what, db.MapError(err))
}

// --- consultations ---------------------------------------------------------------------------

const consultationCols = `id, title, summary, district, status, moderation, verified_only, report, report_published_at,
	created_by, created_at, updated_at`

func scanConsultation(sc interface{ Scan(...any) error }) (Consultation, error) {
	var (
		c                  Consultation
		status, moderation string
		published          db.NullTime
		created, updated   db.Time
	)
	err := sc.Scan(&c.ID, &c.Title, &c.Summary, &c.District, &status, &moderation, &c.VerifiedOnly, &c.Report, &published,
		&c.CreatedBy, &created, &updated)
	c.Status, c.Moderation = Status(status), Moderation(moderation)
	c.ReportPublishedAt, c.CreatedAt, c.UpdatedAt = published.Time, created.Time, updated.Time
	return c, err
}

func insertConsultation(ctx context.Context, q db.Querier, c *Consultation) error {
	_, err := q.ExecContext(ctx, `INSERT INTO consult_consultations (`+consultationCols+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		c.ID, c.Title, c.Summary, c.District, string(c.Status), string(c.Moderation), c.VerifiedOnly, c.Report,
		db.NullTimeOf(c.ReportPublishedAt), c.CreatedBy, db.TS(c.CreatedAt), db.TS(c.UpdatedAt))
	if err != nil {
		return fmt.Errorf("consult: insert consultation: %w", db.MapError(err))
	}
	return nil
}

func updateConsultation(ctx context.Context, q db.Querier, c *Consultation) error {
	res, err := q.ExecContext(ctx, `UPDATE consult_consultations SET title = $1, summary = $2, district = $3, status = $4,
		moderation = $5, verified_only = $6, report = $7, report_published_at = $8, updated_at = $9 WHERE id = $10`,
		c.Title, c.Summary, c.District, string(c.Status), string(c.Moderation), c.VerifiedOnly, c.Report,
		db.NullTimeOf(c.ReportPublishedAt), db.TS(c.UpdatedAt), c.ID)
	if err != nil {
		return fmt.Errorf("consult: update consultation: %w", db.MapError(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

func getConsultation(ctx context.Context, q db.Querier, id string) (Consultation, error) {
	c, err := scanConsultation(q.QueryRowContext(ctx, `SELECT `+consultationCols+` FROM consult_consultations WHERE id = $1`, id))
	if err != nil {
		return c, notFound(err, "get consultation", ErrNotFound)
	}
	return c, nil
}

// ListFilter narrows the list of consultations.
type ListFilter struct {
	// Public lists only what residents may see (not drafts).
	Public bool
	Status Status
	// District, when > 0, lists that district's consultations and the
	// city-wide ones.
	District int
}

func listConsultations(ctx context.Context, q db.Querier, f ListFilter) ([]Consultation, error) {
	var (
		where []string
		args  []any
	)
	if f.Public {
		where = append(where, "status <> 'draft'")
	}
	if f.Status != "" {
		args = append(args, string(f.Status))
		where = append(where, fmt.Sprintf("status = $%d", len(args)))
	}
	if f.District > 0 {
		args = append(args, f.District)
		where = append(where, fmt.Sprintf("district IN (0, $%d)", len(args)))
	}
	query := `SELECT ` + consultationCols + ` FROM consult_consultations`
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	// Open first, then closed, then drafts; newest first within each.
	query += ` ORDER BY CASE status WHEN 'open' THEN 0 WHEN 'closed' THEN 1 ELSE 2 END, created_at DESC, id DESC`
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("consult: list consultations: %w", err)
	}
	defer rows.Close()
	var out []Consultation
	for rows.Next() {
		c, err := scanConsultation(rows)
		if err != nil {
			return nil, fmt.Errorf("consult: list consultations: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// --- phases ----------------------------------------------------------------------------------

func insertPhase(ctx context.Context, q db.Querier, p *Phase) error {
	_, err := q.ExecContext(ctx, `INSERT INTO consult_phases (id, consultation_id, title, description, starts_at, ends_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, p.ID, p.ConsultationID, p.Title, p.Description, db.TS(p.StartsAt), db.TS(p.EndsAt))
	if err != nil {
		return fmt.Errorf("consult: insert phase: %w", db.MapError(err))
	}
	return nil
}

func deletePhase(ctx context.Context, q db.Querier, consultationID, id string) error {
	res, err := q.ExecContext(ctx, `DELETE FROM consult_phases WHERE id = $1 AND consultation_id = $2`, id, consultationID)
	if err != nil {
		return fmt.Errorf("consult: delete phase: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

func listPhases(ctx context.Context, q db.Querier, consultationID string) ([]Phase, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, consultation_id, title, description, starts_at, ends_at
		FROM consult_phases WHERE consultation_id = $1 ORDER BY starts_at, id`, consultationID)
	if err != nil {
		return nil, fmt.Errorf("consult: list phases: %w", err)
	}
	defer rows.Close()
	var out []Phase
	for rows.Next() {
		var (
			p          Phase
			start, end db.Time
		)
		if err := rows.Scan(&p.ID, &p.ConsultationID, &p.Title, &p.Description, &start, &end); err != nil {
			return nil, fmt.Errorf("consult: list phases: %w", err)
		}
		p.StartsAt, p.EndsAt = start.Time, end.Time
		out = append(out, p)
	}
	return out, rows.Err()
}

// --- documents -------------------------------------------------------------------------------

func insertDocument(ctx context.Context, q db.Querier, d *Document) error {
	_, err := q.ExecContext(ctx, `INSERT INTO consult_documents (id, consultation_id, title, body, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, d.ID, d.ConsultationID, d.Title, d.Body, db.TS(d.CreatedAt), db.TS(d.UpdatedAt))
	if err != nil {
		return fmt.Errorf("consult: insert document: %w", db.MapError(err))
	}
	return nil
}

func updateDocument(ctx context.Context, q db.Querier, d *Document) error {
	_, err := q.ExecContext(ctx, `UPDATE consult_documents SET title = $1, body = $2, updated_at = $3 WHERE id = $4`,
		d.Title, d.Body, db.TS(d.UpdatedAt), d.ID)
	if err != nil {
		return fmt.Errorf("consult: update document: %w", db.MapError(err))
	}
	return nil
}

const documentCols = `id, consultation_id, title, body, created_at, updated_at`

func scanDocument(sc interface{ Scan(...any) error }) (Document, error) {
	var (
		d                Document
		created, updated db.Time
	)
	err := sc.Scan(&d.ID, &d.ConsultationID, &d.Title, &d.Body, &created, &updated)
	d.CreatedAt, d.UpdatedAt = created.Time, updated.Time
	return d, err
}

func getDocument(ctx context.Context, q db.Querier, consultationID, id string) (Document, error) {
	d, err := scanDocument(q.QueryRowContext(ctx, `SELECT `+documentCols+` FROM consult_documents
		WHERE id = $1 AND consultation_id = $2`, id, consultationID))
	if err != nil {
		return d, notFound(err, "get document", ErrNotFound)
	}
	return d, nil
}

func listDocuments(ctx context.Context, q db.Querier, consultationID string) ([]Document, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+documentCols+` FROM consult_documents WHERE consultation_id = $1
		ORDER BY created_at, id`, consultationID)
	if err != nil {
		return nil, fmt.Errorf("consult: list documents: %w", err)
	}
	defer rows.Close()
	var out []Document
	for rows.Next() {
		d, err := scanDocument(rows)
		if err != nil {
			return nil, fmt.Errorf("consult: list documents: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

func countDocumentComments(ctx context.Context, q db.Querier, documentID string) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM consult_comments WHERE document_id = $1`, documentID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("consult: count comments: %w", err)
	}
	return n, nil
}

// --- comments --------------------------------------------------------------------------------

const commentCols = `id, document_id, paragraph, parent_id, author_id, author_name, recorded_by, stance, body, status, flags, created_at`

func scanComment(sc interface{ Scan(...any) error }) (Comment, error) {
	var (
		c              Comment
		parent, author sql.NullString
		stance, status string
		created        db.Time
	)
	err := sc.Scan(&c.ID, &c.DocumentID, &c.Paragraph, &parent, &author, &c.AuthorName, &c.RecordedBy, &stance, &c.Body,
		&status, &c.Flags, &created)
	c.ParentID, c.AuthorID, c.Stance, c.Status, c.CreatedAt = parent.String, author.String, Stance(stance), CommentStatus(status), created.Time
	return c, err
}

func insertComment(ctx context.Context, q db.Querier, c *Comment) error {
	_, err := q.ExecContext(ctx, `INSERT INTO consult_comments (`+commentCols+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		c.ID, c.DocumentID, c.Paragraph, db.Null(c.ParentID), db.Null(c.AuthorID), c.AuthorName, c.RecordedBy,
		string(c.Stance), c.Body, string(c.Status), c.Flags, db.TS(c.CreatedAt))
	if err != nil {
		return fmt.Errorf("consult: insert comment: %w", db.MapError(err))
	}
	return nil
}

func getComment(ctx context.Context, q db.Querier, id string) (Comment, error) {
	c, err := scanComment(q.QueryRowContext(ctx, `SELECT `+commentCols+` FROM consult_comments WHERE id = $1`, id))
	if err != nil {
		return c, notFound(err, "get comment", ErrNotFound)
	}
	return c, nil
}

// listParagraphComments lists a paragraph's comments that viewer may see:
// published ones, and the viewer's own waiting for moderation; oldest
// first, so replies follow what they answer.
func listParagraphComments(ctx context.Context, q db.Querier, documentID string, paragraph int, viewer string) ([]Comment, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+commentCols+` FROM consult_comments
		WHERE document_id = $1 AND paragraph = $2 AND (status IN ('published', 'erased') OR (status = 'pending' AND author_id = $3))
		ORDER BY created_at, id`, documentID, paragraph, viewer)
	if err != nil {
		return nil, fmt.Errorf("consult: list comments: %w", err)
	}
	defer rows.Close()
	var out []Comment
	for rows.Next() {
		c, err := scanComment(rows)
		if err != nil {
			return nil, fmt.Errorf("consult: list comments: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// StanceCounts counts a paragraph's published comments by stance.
type StanceCounts struct {
	For, Against, Neutral int
}

// Total is the number of comments.
func (s StanceCounts) Total() int { return s.For + s.Against + s.Neutral }

func paragraphCounts(ctx context.Context, q db.Querier, documentID string) (map[int]StanceCounts, error) {
	rows, err := q.QueryContext(ctx, `SELECT paragraph, stance, count(*) FROM consult_comments
		WHERE document_id = $1 AND status = 'published' GROUP BY paragraph, stance`, documentID)
	if err != nil {
		return nil, fmt.Errorf("consult: count comments: %w", err)
	}
	defer rows.Close()
	out := map[int]StanceCounts{}
	for rows.Next() {
		var (
			p, n   int
			stance string
		)
		if err := rows.Scan(&p, &stance, &n); err != nil {
			return nil, fmt.Errorf("consult: count comments: %w", err)
		}
		c := out[p]
		switch Stance(stance) {
		case StanceFor:
			c.For += n
		case StanceAgainst:
			c.Against += n
		default:
			c.Neutral += n
		}
		out[p] = c
	}
	return out, rows.Err()
}

// insertFlag records one person's flag; a second flag by the same person
// is a Conflict.
func insertFlag(ctx context.Context, q db.Querier, commentID, userID, reason string, at time.Time) error {
	if _, err := q.ExecContext(ctx, `INSERT INTO consult_comment_flags (comment_id, user_id, reason, created_at)
		VALUES ($1, $2, $3, $4)`, commentID, userID, reason, db.TS(at)); err != nil {
		return fmt.Errorf("consult: flag: %w", db.MapError(err))
	}
	if _, err := q.ExecContext(ctx, `UPDATE consult_comments SET flags = flags + 1 WHERE id = $1`, commentID); err != nil {
		return fmt.Errorf("consult: flag: %w", err)
	}
	return nil
}

func moderateComment(ctx context.Context, q db.Querier, id string, status CommentStatus, by string, at time.Time) error {
	res, err := q.ExecContext(ctx, `UPDATE consult_comments SET status = $1, flags = 0, moderated_by = $2, moderated_at = $3
		WHERE id = $4 AND status <> 'erased'`, string(status), by, db.TS(at), id)
	if err != nil {
		return fmt.Errorf("consult: moderate comment: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// QueuedComment is a comment waiting for a moderator, with where it is.
type QueuedComment struct {
	Comment
	ConsultationID    string
	ConsultationTitle string
	DocumentTitle     string
}

func commentQueue(ctx context.Context, q db.Querier, limit int) ([]QueuedComment, error) {
	rows, err := q.QueryContext(ctx, `SELECT c.id, c.document_id, c.paragraph, c.parent_id, c.author_id, c.author_name, c.recorded_by,
			c.stance, c.body, c.status, c.flags, c.created_at, k.id, k.title, d.title
		FROM consult_comments c JOIN consult_documents d ON d.id = c.document_id
		JOIN consult_consultations k ON k.id = d.consultation_id
		WHERE c.status = 'pending' OR (c.status = 'published' AND c.flags > 0)
		ORDER BY c.flags DESC, c.created_at, c.id LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("consult: comment queue: %w", err)
	}
	defer rows.Close()
	var out []QueuedComment
	for rows.Next() {
		var (
			qc             QueuedComment
			parent, author sql.NullString
			stance, status string
			created        db.Time
		)
		if err := rows.Scan(&qc.ID, &qc.DocumentID, &qc.Paragraph, &parent, &author, &qc.AuthorName, &qc.RecordedBy, &stance,
			&qc.Body, &status, &qc.Flags, &created, &qc.ConsultationID, &qc.ConsultationTitle, &qc.DocumentTitle); err != nil {
			return nil, fmt.Errorf("consult: comment queue: %w", err)
		}
		qc.ParentID, qc.AuthorID, qc.Stance, qc.Status, qc.CreatedAt = parent.String, author.String, Stance(stance), CommentStatus(status), created.Time
		out = append(out, qc)
	}
	return out, rows.Err()
}

// --- meetings --------------------------------------------------------------------------------

func insertMeeting(ctx context.Context, q db.Querier, m *Meeting) error {
	_, err := q.ExecContext(ctx, `INSERT INTO consult_meetings (id, consultation_id, title, place, description, starts_at, ends_at, capacity)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, m.ID, m.ConsultationID, m.Title, m.Place, m.Description,
		db.TS(m.StartsAt), db.TS(m.EndsAt), m.Capacity)
	if err != nil {
		return fmt.Errorf("consult: insert meeting: %w", db.MapError(err))
	}
	return nil
}

// updateMeeting writes an officer's change of a meeting's details.
func updateMeeting(ctx context.Context, q db.Querier, m *Meeting) error {
	_, err := q.ExecContext(ctx, `UPDATE consult_meetings SET title = $1, place = $2, description = $3, starts_at = $4, ends_at = $5,
		capacity = $6 WHERE id = $7`, m.Title, m.Place, m.Description, db.TS(m.StartsAt), db.TS(m.EndsAt), m.Capacity, m.ID)
	if err != nil {
		return fmt.Errorf("consult: update meeting: %w", db.MapError(err))
	}
	return nil
}

// cancelMeeting marks a meeting called off.
func cancelMeeting(ctx context.Context, q db.Querier, id string, at time.Time, reason string) error {
	_, err := q.ExecContext(ctx, `UPDATE consult_meetings SET cancelled_at = $1, cancel_reason = $2 WHERE id = $3`, db.TS(at), reason, id)
	if err != nil {
		return fmt.Errorf("consult: cancel meeting: %w", db.MapError(err))
	}
	return nil
}

// registrantIDs lists the accounts registered for a meeting.
func registrantIDs(ctx context.Context, q db.Querier, meetingID string) ([]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT user_id FROM consult_registrations WHERE meeting_id = $1 ORDER BY created_at, user_id`, meetingID)
	if err != nil {
		return nil, fmt.Errorf("consult: registrants: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("consult: registrants: %w", err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

const meetingSelect = `SELECT m.id, m.consultation_id, m.title, m.place, m.description, m.starts_at, m.ends_at, m.capacity,
	m.cancelled_at, m.cancel_reason,
	(SELECT count(*) FROM consult_registrations r WHERE r.meeting_id = m.id) FROM consult_meetings m`

func scanMeeting(sc interface{ Scan(...any) error }) (Meeting, error) {
	var (
		m          Meeting
		start, end db.Time
		cancelled  db.NullTime
	)
	err := sc.Scan(&m.ID, &m.ConsultationID, &m.Title, &m.Place, &m.Description, &start, &end, &m.Capacity,
		&cancelled, &m.CancelReason, &m.Registered)
	m.StartsAt, m.EndsAt, m.CancelledAt = start.Time, end.Time, cancelled.Time
	return m, err
}

// lockMeeting reads a meeting after taking its row lock (a no-op update:
// PostgreSQL locks the row; SQLite's immediate transaction already holds
// the write lock), for a change that depends on what it reads: a
// registration against the capacity, a new capacity against the
// registrations, a cancellation against a registration in flight.
func lockMeeting(ctx context.Context, tx *sql.Tx, consultationID, id string) (Meeting, error) {
	if _, err := tx.ExecContext(ctx, `UPDATE consult_meetings SET capacity = capacity WHERE id = $1`, id); err != nil {
		return Meeting{}, fmt.Errorf("consult: lock meeting: %w", err)
	}
	return getMeeting(ctx, tx, consultationID, id)
}

func getMeeting(ctx context.Context, q db.Querier, consultationID, id string) (Meeting, error) {
	m, err := scanMeeting(q.QueryRowContext(ctx, meetingSelect+` WHERE m.id = $1 AND m.consultation_id = $2`, id, consultationID))
	if err != nil {
		return m, notFound(err, "get meeting", ErrNotFound)
	}
	return m, nil
}

func listMeetings(ctx context.Context, q db.Querier, consultationID string) ([]Meeting, error) {
	rows, err := q.QueryContext(ctx, meetingSelect+` WHERE m.consultation_id = $1 ORDER BY m.starts_at, m.id`, consultationID)
	if err != nil {
		return nil, fmt.Errorf("consult: list meetings: %w", err)
	}
	defer rows.Close()
	var out []Meeting
	for rows.Next() {
		m, err := scanMeeting(rows)
		if err != nil {
			return nil, fmt.Errorf("consult: list meetings: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

func insertRegistration(ctx context.Context, q db.Querier, r *Registration) error {
	_, err := q.ExecContext(ctx, `INSERT INTO consult_registrations (meeting_id, user_id, name, recorded_by, created_at)
		VALUES ($1, $2, $3, $4, $5)`, r.MeetingID, r.UserID, r.Name, r.RecordedBy, db.TS(r.CreatedAt))
	if err != nil {
		return fmt.Errorf("consult: register: %w", db.MapError(err))
	}
	return nil
}

func deleteRegistration(ctx context.Context, q db.Querier, meetingID, userID string) (bool, error) {
	res, err := q.ExecContext(ctx, `DELETE FROM consult_registrations WHERE meeting_id = $1 AND user_id = $2`, meetingID, userID)
	if err != nil {
		return false, fmt.Errorf("consult: unregister: %w", err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

func listRegistrations(ctx context.Context, q db.Querier, meetingID string) ([]Registration, error) {
	rows, err := q.QueryContext(ctx, `SELECT meeting_id, user_id, name, recorded_by, created_at FROM consult_registrations
		WHERE meeting_id = $1 ORDER BY created_at, user_id`, meetingID)
	if err != nil {
		return nil, fmt.Errorf("consult: registrations: %w", err)
	}
	defer rows.Close()
	var out []Registration
	for rows.Next() {
		var (
			r  Registration
			at db.Time
		)
		if err := rows.Scan(&r.MeetingID, &r.UserID, &r.Name, &r.RecordedBy, &at); err != nil {
			return nil, fmt.Errorf("consult: registrations: %w", err)
		}
		r.CreatedAt = at.Time
		out = append(out, r)
	}
	return out, rows.Err()
}

// registeredFor lists the meetings of a consultation userID registered for.
func registeredFor(ctx context.Context, q db.Querier, consultationID, userID string) (map[string]bool, error) {
	rows, err := q.QueryContext(ctx, `SELECT r.meeting_id FROM consult_registrations r
		JOIN consult_meetings m ON m.id = r.meeting_id WHERE m.consultation_id = $1 AND r.user_id = $2`, consultationID, userID)
	if err != nil {
		return nil, fmt.Errorf("consult: registrations: %w", err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("consult: registrations: %w", err)
		}
		out[id] = true
	}
	return out, rows.Err()
}

// --- conversations ---------------------------------------------------------------------------

const conversationCols = `id, consultation_id, topic, description, lang, source, open, created_at`

func scanConversation(sc interface{ Scan(...any) error }) (Conversation, error) {
	var (
		c       Conversation
		created db.Time
	)
	err := sc.Scan(&c.ID, &c.ConsultationID, &c.Topic, &c.Description, &c.Lang, &c.Source, &c.Open, &created)
	c.CreatedAt = created.Time
	return c, err
}

func insertConversation(ctx context.Context, q db.Querier, c *Conversation) error {
	_, err := q.ExecContext(ctx, `INSERT INTO consult_conversations (`+conversationCols+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, c.ID, c.ConsultationID, c.Topic, c.Description, c.Lang, c.Source, c.Open, db.TS(c.CreatedAt))
	if err != nil {
		return fmt.Errorf("consult: insert conversation: %w", db.MapError(err))
	}
	return nil
}

func updateConversation(ctx context.Context, q db.Querier, c *Conversation) error {
	_, err := q.ExecContext(ctx, `UPDATE consult_conversations SET topic = $1, description = $2, open = $3 WHERE id = $4`,
		c.Topic, c.Description, c.Open, c.ID)
	if err != nil {
		return fmt.Errorf("consult: update conversation: %w", db.MapError(err))
	}
	return nil
}

func conversationOf(ctx context.Context, q db.Querier, consultationID string) (Conversation, error) {
	c, err := scanConversation(q.QueryRowContext(ctx, `SELECT `+conversationCols+` FROM consult_conversations
		WHERE consultation_id = $1`, consultationID))
	if err != nil {
		return c, notFound(err, "get conversation", ErrNoConversation)
	}
	return c, nil
}

func getConversation(ctx context.Context, q db.Querier, id string) (Conversation, error) {
	c, err := scanConversation(q.QueryRowContext(ctx, `SELECT `+conversationCols+` FROM consult_conversations WHERE id = $1`, id))
	if err != nil {
		return c, notFound(err, "get conversation", ErrNoConversation)
	}
	return c, nil
}

// ErrNoConversation: the consultation has no conversation.
var ErrNoConversation = apperr.E(apperr.NotFound, "consult.error.no_conversation")

// --- participants ----------------------------------------------------------------------------

// participantOf returns userID's number in a conversation, or -1.
func participantOf(ctx context.Context, q db.Querier, conversationID, userID string) (int64, error) {
	var pid int64
	err := q.QueryRowContext(ctx, `SELECT pid FROM consult_participants WHERE conversation_id = $1 AND user_id = $2`,
		conversationID, userID).Scan(&pid)
	if errors.Is(err, sql.ErrNoRows) {
		return -1, nil
	}
	if err != nil {
		return 0, fmt.Errorf("consult: participant: %w", err)
	}
	return pid, nil
}

// lockConversation takes the conversation row's lock until the end of the
// transaction, so that two transactions numbering a new participant or
// statement (MAX + 1) run one after the other on PostgreSQL. SQLite's
// immediate transactions are serialised already.
func lockConversation(ctx context.Context, q db.Querier, conversationID string) error {
	if _, err := q.ExecContext(ctx, `UPDATE consult_conversations SET open = open WHERE id = $1`, conversationID); err != nil {
		return fmt.Errorf("consult: lock conversation: %w", db.MapError(err))
	}
	return nil
}

// addParticipant gives userID ("" for an imported participant) the next
// number. Call it with the conversation locked (lockConversation).
func addParticipant(ctx context.Context, q db.Querier, conversationID, userID string, at time.Time) (int64, error) {
	var pid int64
	if err := q.QueryRowContext(ctx, `SELECT COALESCE(MAX(pid), -1) + 1 FROM consult_participants WHERE conversation_id = $1`,
		conversationID).Scan(&pid); err != nil {
		return 0, fmt.Errorf("consult: add participant: %w", err)
	}
	if _, err := q.ExecContext(ctx, `INSERT INTO consult_participants (conversation_id, pid, user_id, created_at) VALUES ($1, $2, $3, $4)`,
		conversationID, pid, db.Null(userID), db.TS(at)); err != nil {
		return 0, fmt.Errorf("consult: add participant: %w", db.MapError(err))
	}
	return pid, nil
}

func countParticipants(ctx context.Context, q db.Querier, conversationID string) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM consult_participants WHERE conversation_id = $1`, conversationID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("consult: count participants: %w", err)
	}
	return n, nil
}

// --- statements ------------------------------------------------------------------------------

const statementCols = `conversation_id, tid, pid, body, moderated, is_meta, is_seed, recorded_by, n_votes, created_at`

func scanStatement(sc interface{ Scan(...any) error }) (Statement, error) {
	var (
		s       Statement
		pid     sql.NullInt64
		created db.Time
	)
	err := sc.Scan(&s.ConversationID, &s.TID, &pid, &s.Body, &s.Moderated, &s.IsMeta, &s.IsSeed, &s.RecordedBy, &s.Votes, &created)
	s.PID, s.CreatedAt = -1, created.Time
	if pid.Valid {
		s.PID = pid.Int64
	}
	return s, err
}

// insertStatement gives s the next statement number and stores it. Call
// it with the conversation locked (lockConversation).
func insertStatement(ctx context.Context, q db.Querier, s *Statement) error {
	var pid sql.NullInt64
	if s.PID >= 0 {
		pid = sql.NullInt64{Int64: s.PID, Valid: true}
	}
	if err := q.QueryRowContext(ctx, `SELECT COALESCE(MAX(tid), -1) + 1 FROM consult_statements WHERE conversation_id = $1`,
		s.ConversationID).Scan(&s.TID); err != nil {
		return fmt.Errorf("consult: insert statement: %w", err)
	}
	if _, err := q.ExecContext(ctx, `INSERT INTO consult_statements (`+statementCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9)`,
		s.ConversationID, s.TID, pid, s.Body, s.Moderated, s.IsMeta, s.IsSeed, s.RecordedBy, db.TS(s.CreatedAt)); err != nil {
		return fmt.Errorf("consult: insert statement: %w", db.MapError(err))
	}
	return nil
}

func getStatement(ctx context.Context, q db.Querier, conversationID string, tid int64) (Statement, error) {
	s, err := scanStatement(q.QueryRowContext(ctx, `SELECT `+statementCols+` FROM consult_statements
		WHERE conversation_id = $1 AND tid = $2`, conversationID, tid))
	if err != nil {
		return s, notFound(err, "get statement", ErrNoStatement)
	}
	return s, nil
}

// ErrNoStatement: no such statement (or not shown to voters).
var ErrNoStatement = apperr.E(apperr.NotFound, "consult.error.no_statement")

// visibleCond is the condition for statements voters see: accepted ones,
// and under post-moderation those not yet reviewed. $2 is TRUE under
// post-moderation.
const visibleCond = `(s.moderated = 1 OR (s.moderated = 0 AND $2))`

func listStatements(ctx context.Context, q db.Querier, conversationID string) ([]Statement, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+statementCols+` FROM consult_statements WHERE conversation_id = $1 ORDER BY tid`, conversationID)
	if err != nil {
		return nil, fmt.Errorf("consult: list statements: %w", err)
	}
	defer rows.Close()
	var out []Statement
	for rows.Next() {
		s, err := scanStatement(rows)
		if err != nil {
			return nil, fmt.Errorf("consult: list statements: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// nextStatement picks the statement pid should vote on next: a visible one
// they have not voted on, the least voted first (so new statements get
// votes), then the oldest.
func nextStatement(ctx context.Context, q db.Querier, conversationID string, post bool, pid int64) (Statement, error) {
	s, err := scanStatement(q.QueryRowContext(ctx, `SELECT s.conversation_id, s.tid, s.pid, s.body, s.moderated, s.is_meta, s.is_seed,
			s.recorded_by, s.n_votes, s.created_at
		FROM consult_statements s
		WHERE s.conversation_id = $1 AND `+visibleCond+`
		AND NOT EXISTS (SELECT 1 FROM consult_votes v WHERE v.conversation_id = s.conversation_id AND v.pid = $3 AND v.tid = s.tid)
		ORDER BY s.n_votes, s.tid LIMIT 1`, conversationID, post, pid))
	if err != nil {
		return s, notFound(err, "next statement", ErrNoStatement)
	}
	return s, nil
}

// progress counts the visible statements and how many of them pid voted on.
func progress(ctx context.Context, q db.Querier, conversationID string, post bool, pid int64) (voted, total int, err error) {
	err = q.QueryRowContext(ctx, `SELECT count(*),
			COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM consult_votes v WHERE v.conversation_id = s.conversation_id
				AND v.pid = $3 AND v.tid = s.tid) THEN 1 ELSE 0 END), 0)
		FROM consult_statements s WHERE s.conversation_id = $1 AND `+visibleCond, conversationID, post, pid).Scan(&total, &voted)
	if err != nil {
		return 0, 0, fmt.Errorf("consult: progress: %w", err)
	}
	return voted, total, nil
}

func moderateStatement(ctx context.Context, q db.Querier, conversationID string, tid int64, moderated int, meta bool, by string, at time.Time) error {
	res, err := q.ExecContext(ctx, `UPDATE consult_statements SET moderated = $1, is_meta = $2, moderated_by = $3, moderated_at = $4
		WHERE conversation_id = $5 AND tid = $6`, moderated, meta, by, db.TS(at), conversationID, tid)
	if err != nil {
		return fmt.Errorf("consult: moderate statement: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNoStatement
	}
	return nil
}

// QueuedStatement is a statement not yet reviewed by a moderator.
type QueuedStatement struct {
	Statement
	ConsultationID    string
	ConsultationTitle string
	Moderation        Moderation
}

func statementQueue(ctx context.Context, q db.Querier, limit int) ([]QueuedStatement, error) {
	rows, err := q.QueryContext(ctx, `SELECT s.conversation_id, s.tid, s.pid, s.body, s.moderated, s.is_meta, s.is_seed,
			s.recorded_by, s.n_votes, s.created_at, k.id, k.title, k.moderation
		FROM consult_statements s JOIN consult_conversations c ON c.id = s.conversation_id
		JOIN consult_consultations k ON k.id = c.consultation_id
		WHERE s.moderated = 0 AND k.status <> 'draft'
		ORDER BY CASE k.moderation WHEN 'pre' THEN 0 ELSE 1 END, s.created_at, s.tid LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("consult: statement queue: %w", err)
	}
	defer rows.Close()
	var out []QueuedStatement
	for rows.Next() {
		var (
			qs         QueuedStatement
			pid        sql.NullInt64
			created    db.Time
			moderation string
		)
		if err := rows.Scan(&qs.ConversationID, &qs.TID, &pid, &qs.Body, &qs.Moderated, &qs.IsMeta, &qs.IsSeed, &qs.RecordedBy,
			&qs.Votes, &created, &qs.ConsultationID, &qs.ConsultationTitle, &moderation); err != nil {
			return nil, fmt.Errorf("consult: statement queue: %w", err)
		}
		qs.PID, qs.CreatedAt, qs.Moderation = -1, created.Time, Moderation(moderation)
		if pid.Valid {
			qs.PID = pid.Int64
		}
		out = append(out, qs)
	}
	return out, rows.Err()
}

// --- votes -----------------------------------------------------------------------------------

// castVote records one vote event and makes it pid's latest vote on tid.
func castVote(ctx context.Context, q db.Querier, conversationID string, pid, tid int64, value int, at time.Time, recordedBy string) error {
	var prev int
	err := q.QueryRowContext(ctx, `SELECT value FROM consult_votes WHERE conversation_id = $1 AND pid = $2 AND tid = $3`,
		conversationID, pid, tid).Scan(&prev)
	first := errors.Is(err, sql.ErrNoRows)
	if err != nil && !first {
		return fmt.Errorf("consult: vote: %w", err)
	}
	if _, err := q.ExecContext(ctx, `INSERT INTO consult_votes (conversation_id, pid, tid, value, voted_at) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (conversation_id, pid, tid) DO UPDATE SET value = excluded.value, voted_at = excluded.voted_at`,
		conversationID, pid, tid, value, db.TS(at)); err != nil {
		return fmt.Errorf("consult: vote: %w", db.MapError(err))
	}
	if first {
		if _, err := q.ExecContext(ctx, `UPDATE consult_statements SET n_votes = n_votes + 1 WHERE conversation_id = $1 AND tid = $2`,
			conversationID, tid); err != nil {
			return fmt.Errorf("consult: vote: %w", err)
		}
	}
	if _, err := q.ExecContext(ctx, `INSERT INTO consult_vote_events (id, conversation_id, pid, tid, value, voted_at, recorded_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, db.NewID(), conversationID, pid, tid, value, db.TS(at), recordedBy); err != nil {
		return fmt.Errorf("consult: vote: %w", db.MapError(err))
	}
	return nil
}

// myVotes maps tid to pid's latest vote.
func myVotes(ctx context.Context, q db.Querier, conversationID string, pid int64) (map[int64]int, error) {
	rows, err := q.QueryContext(ctx, `SELECT tid, value FROM consult_votes WHERE conversation_id = $1 AND pid = $2`, conversationID, pid)
	if err != nil {
		return nil, fmt.Errorf("consult: my votes: %w", err)
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var (
			tid int64
			v   int
		)
		if err := rows.Scan(&tid, &v); err != nil {
			return nil, fmt.Errorf("consult: my votes: %w", err)
		}
		out[tid] = v
	}
	return out, rows.Err()
}

func countVoteEvents(ctx context.Context, q db.Querier, conversationID string) (int, error) {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM consult_vote_events WHERE conversation_id = $1`, conversationID).Scan(&n); err != nil {
		return 0, fmt.Errorf("consult: count votes: %w", err)
	}
	return n, nil
}

// --- maps ------------------------------------------------------------------------------------

// storedMap is a conversation's stored opinion map.
type storedMap struct {
	Result     string
	VoteEvents int
	ModOut     string
	Tick       int
	ComputedAt time.Time
	DurationMS int
}

func getMap(ctx context.Context, q db.Querier, conversationID string) (storedMap, bool, error) {
	var (
		m  storedMap
		at db.Time
	)
	err := q.QueryRowContext(ctx, `SELECT result, vote_events, mod_out, tick, computed_at, duration_ms FROM consult_maps
		WHERE conversation_id = $1`, conversationID).Scan(&m.Result, &m.VoteEvents, &m.ModOut, &m.Tick, &at, &m.DurationMS)
	if errors.Is(err, sql.ErrNoRows) {
		return m, false, nil
	}
	if err != nil {
		return m, false, fmt.Errorf("consult: get map: %w", err)
	}
	m.ComputedAt = at.Time
	return m, true, nil
}

// saveMap stores m unless a map computed at more votes is already there
// (two workers finishing out of order).
func saveMap(ctx context.Context, q db.Querier, conversationID string, m storedMap) error {
	_, err := q.ExecContext(ctx, `INSERT INTO consult_maps (conversation_id, result, vote_events, mod_out, tick, computed_at, duration_ms)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (conversation_id) DO UPDATE SET result = excluded.result, vote_events = excluded.vote_events,
			mod_out = excluded.mod_out, tick = excluded.tick, computed_at = excluded.computed_at, duration_ms = excluded.duration_ms
		WHERE consult_maps.vote_events <= excluded.vote_events`,
		conversationID, m.Result, m.VoteEvents, m.ModOut, m.Tick, db.TS(m.ComputedAt), m.DurationMS)
	if err != nil {
		return fmt.Errorf("consult: save map: %w", db.MapError(err))
	}
	return nil
}
