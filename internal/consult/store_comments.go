package consult

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/civitas-city/civitas/internal/db"
)

// The SQL of the comments on a document's paragraphs, their flags and
// their moderation.

const commentCols = `id, document_id, paragraph, parent_id, author_id, author_name, recorded_by, stance, body, status, flags, created_at`

func scanComment(sc db.Scanner) (Comment, error) {
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
	out, err := db.Query(ctx, q, scanComment, `SELECT `+commentCols+` FROM consult_comments
		WHERE document_id = $1 AND paragraph = $2 AND (status IN ('published', 'erased') OR (status = 'pending' AND author_id = $3))
		ORDER BY created_at, id`, documentID, paragraph, viewer)
	if err != nil {
		return nil, fmt.Errorf("consult: list comments: %w", err)
	}
	return out, nil
}

// StanceCounts counts a paragraph's published comments by stance.
type StanceCounts struct {
	For, Against, Neutral int
}

// Total is the number of comments.
func (s StanceCounts) Total() int { return s.For + s.Against + s.Neutral }

func paragraphCounts(ctx context.Context, q db.Querier, documentID string) (map[int]StanceCounts, error) {
	out := map[int]StanceCounts{}
	err := db.Each(ctx, q, func(row db.Scanner) error {
		var (
			p, n   int
			stance string
		)
		if err := row.Scan(&p, &stance, &n); err != nil {
			return err
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
		return nil
	}, `SELECT paragraph, stance, count(*) FROM consult_comments
		WHERE document_id = $1 AND status = 'published' GROUP BY paragraph, stance`, documentID)
	if err != nil {
		return nil, fmt.Errorf("consult: count comments: %w", err)
	}
	return out, nil
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
	out, err := db.Query(ctx, q, func(row db.Scanner) (QueuedComment, error) {
		var (
			qc             QueuedComment
			parent, author sql.NullString
			stance, status string
			created        db.Time
		)
		if err := row.Scan(&qc.ID, &qc.DocumentID, &qc.Paragraph, &parent, &author, &qc.AuthorName, &qc.RecordedBy, &stance,
			&qc.Body, &status, &qc.Flags, &created, &qc.ConsultationID, &qc.ConsultationTitle, &qc.DocumentTitle); err != nil {
			return qc, err
		}
		qc.ParentID, qc.AuthorID, qc.Stance, qc.Status, qc.CreatedAt = parent.String, author.String, Stance(stance), CommentStatus(status), created.Time
		return qc, nil
	}, `SELECT c.id, c.document_id, c.paragraph, c.parent_id, c.author_id, c.author_name, c.recorded_by,
			c.stance, c.body, c.status, c.flags, c.created_at, k.id, k.title, d.title
		FROM consult_comments c JOIN consult_documents d ON d.id = c.document_id
		JOIN consult_consultations k ON k.id = d.consultation_id
		WHERE c.status = 'pending' OR (c.status = 'published' AND c.flags > 0)
		ORDER BY c.flags DESC, c.created_at, c.id LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("consult: comment queue: %w", err)
	}
	return out, nil
}
