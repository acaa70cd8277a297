package consult

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/db"
)

// The SQL of a consultation's conversation: its participants and their
// statements.

const conversationCols = `id, consultation_id, topic, description, lang, source, open, created_at`

func scanConversation(sc db.Scanner) (Conversation, error) {
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

const statementCols = `conversation_id, tid, pid, body, moderated, is_meta, is_seed, recorded_by, n_votes, created_at`

func scanStatement(sc db.Scanner) (Statement, error) {
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
	out, err := db.Query(ctx, q, scanStatement, `SELECT `+statementCols+` FROM consult_statements WHERE conversation_id = $1 ORDER BY tid`, conversationID)
	if err != nil {
		return nil, fmt.Errorf("consult: list statements: %w", err)
	}
	return out, nil
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
	out, err := db.Query(ctx, q, func(row db.Scanner) (QueuedStatement, error) {
		var (
			qs         QueuedStatement
			pid        sql.NullInt64
			created    db.Time
			moderation string
		)
		if err := row.Scan(&qs.ConversationID, &qs.TID, &pid, &qs.Body, &qs.Moderated, &qs.IsMeta, &qs.IsSeed, &qs.RecordedBy,
			&qs.Votes, &created, &qs.ConsultationID, &qs.ConsultationTitle, &moderation); err != nil {
			return qs, err
		}
		qs.PID, qs.CreatedAt, qs.Moderation = -1, created.Time, Moderation(moderation)
		if pid.Valid {
			qs.PID = pid.Int64
		}
		return qs, nil
	}, `SELECT s.conversation_id, s.tid, s.pid, s.body, s.moderated, s.is_meta, s.is_seed,
			s.recorded_by, s.n_votes, s.created_at, k.id, k.title, k.moderation
		FROM consult_statements s JOIN consult_conversations c ON c.id = s.conversation_id
		JOIN consult_consultations k ON k.id = c.consultation_id
		WHERE s.moderated = 0 AND k.status <> 'draft'
		ORDER BY CASE k.moderation WHEN 'pre' THEN 0 ELSE 1 END, s.created_at, s.tid LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("consult: statement queue: %w", err)
	}
	return out, nil
}
