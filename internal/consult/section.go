package consult

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/web"
	"github.com/civitas-city/civitas/internal/web/profile"
)

// Section is the consultations' part of "my profile": the resident's
// meeting registrations, comments and statements; their data for download;
// and what deleting the account erases. Votes stay counted under the
// conversation's pseudonymous participant number, no longer linked to the
// account; comments are emptied (the thread keeps its place); statements
// stay in their conversation, anonymous as they always were.
type Section struct{ H *Handler }

var _ profile.Section = Section{}

// Key names the section in the data export.
func (Section) Key() string { return "consultations" }

// TitleKey is the section's heading.
func (Section) TitleKey() string { return "consult.section.title" }

// Items lists the resident's registrations, comments and statements,
// newest first.
func (s Section) Items(ctx context.Context, userID string) ([]profile.Item, error) {
	lang := web.Lang(ctx)
	t := func(key string, args ...any) string { return s.H.Site.Catalog.T(lang, key, args...) }
	q := s.H.Service.DB
	var items []profile.Item
	rows, err := q.QueryContext(ctx, `SELECT m.title, m.starts_at, k.id, k.title FROM consult_registrations r
		JOIN consult_meetings m ON m.id = r.meeting_id JOIN consult_consultations k ON k.id = m.consultation_id
		WHERE r.user_id = $1 ORDER BY m.starts_at DESC`, userID)
	if err != nil {
		return nil, fmt.Errorf("consult: profile: %w", err)
	}
	for rows.Next() {
		var (
			title, cid, ctitle string
			at                 db.Time
		)
		if err := rows.Scan(&title, &at, &cid, &ctitle); err != nil {
			rows.Close()
			return nil, fmt.Errorf("consult: profile: %w", err)
		}
		items = append(items, profile.Item{Title: t("consult.section.meeting", title, ctitle), Status: t("consult.section.registered"),
			URL: consultationURL(cid) + "#meetings", At: at.Time})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = q.QueryContext(ctx, `SELECT c.id, c.paragraph, c.status, c.created_at, d.id, d.title, d.consultation_id
		FROM consult_comments c JOIN consult_documents d ON d.id = c.document_id
		WHERE c.author_id = $1 ORDER BY c.created_at DESC`, userID)
	if err != nil {
		return nil, fmt.Errorf("consult: profile: %w", err)
	}
	for rows.Next() {
		var (
			id, status, did, dtitle, cid string
			paragraph                    int
			at                           db.Time
		)
		if err := rows.Scan(&id, &paragraph, &status, &at, &did, &dtitle, &cid); err != nil {
			rows.Close()
			return nil, fmt.Errorf("consult: profile: %w", err)
		}
		items = append(items, profile.Item{Title: t("consult.section.comment", dtitle, paragraph), Status: t("consult.comment_status." + status),
			URL: paragraphURL(cid, did, paragraph) + "#c-" + id, At: at.Time})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = q.QueryContext(ctx, `SELECT s.tid, s.body, s.moderated, s.is_meta, s.created_at, c.consultation_id
		FROM consult_statements s JOIN consult_participants p ON p.conversation_id = s.conversation_id AND p.pid = s.pid
		JOIN consult_conversations c ON c.id = s.conversation_id
		WHERE p.user_id = $1 ORDER BY s.created_at DESC`, userID)
	if err != nil {
		return nil, fmt.Errorf("consult: profile: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			st  Statement
			at  db.Time
			cid string
		)
		if err := rows.Scan(&st.TID, &st.Body, &st.Moderated, &st.IsMeta, &at, &cid); err != nil {
			return nil, fmt.Errorf("consult: profile: %w", err)
		}
		items = append(items, profile.Item{Title: t("consult.section.statement", excerpt(st.Body, 80)),
			Status: t("consult.moderated." + moderationLabel(&st)),
			URL:    conversationURL(cid) + "?statement=" + strconv.FormatInt(st.TID, 10) + "#ballot", At: at.Time})
	}
	return items, rows.Err()
}

// PersonalData is everything the module holds about the resident.
func (s Section) PersonalData(ctx context.Context, userID string) (any, error) {
	q := s.H.Service.DB
	type comment struct {
		Document  string    `json:"document_id"`
		Paragraph int       `json:"paragraph"`
		Stance    string    `json:"stance"`
		Body      string    `json:"body"`
		Status    string    `json:"status"`
		CreatedAt time.Time `json:"created_at"`
	}
	type participation struct {
		Conversation string `json:"conversation_id"`
		Participant  int64  `json:"participant"`
		Statements   []struct {
			TID  int64  `json:"tid"`
			Body string `json:"body"`
		} `json:"statements"`
		Votes []ExportVote `json:"votes"`
	}
	type registration struct {
		Meeting   string    `json:"meeting_id"`
		Title     string    `json:"title"`
		CreatedAt time.Time `json:"registered_at"`
	}
	out := struct {
		Comments       []comment       `json:"comments"`
		Conversations  []participation `json:"conversations"`
		Registrations  []registration  `json:"meeting_registrations"`
		FlagsSubmitted int             `json:"flags_submitted"`
	}{Comments: []comment{}, Conversations: []participation{}, Registrations: []registration{}}

	rows, err := q.QueryContext(ctx, `SELECT document_id, paragraph, stance, body, status, created_at FROM consult_comments
		WHERE author_id = $1 ORDER BY created_at`, userID)
	if err != nil {
		return nil, fmt.Errorf("consult: export: %w", err)
	}
	for rows.Next() {
		var (
			c  comment
			at db.Time
		)
		if err := rows.Scan(&c.Document, &c.Paragraph, &c.Stance, &c.Body, &c.Status, &at); err != nil {
			rows.Close()
			return nil, fmt.Errorf("consult: export: %w", err)
		}
		c.CreatedAt = at.Time
		out.Comments = append(out.Comments, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = q.QueryContext(ctx, `SELECT conversation_id, pid FROM consult_participants WHERE user_id = $1 ORDER BY created_at`, userID)
	if err != nil {
		return nil, fmt.Errorf("consult: export: %w", err)
	}
	for rows.Next() {
		var p participation
		if err := rows.Scan(&p.Conversation, &p.Participant); err != nil {
			rows.Close()
			return nil, fmt.Errorf("consult: export: %w", err)
		}
		out.Conversations = append(out.Conversations, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out.Conversations {
		p := &out.Conversations[i]
		sts, err := q.QueryContext(ctx, `SELECT tid, body FROM consult_statements WHERE conversation_id = $1 AND pid = $2 ORDER BY tid`,
			p.Conversation, p.Participant)
		if err != nil {
			return nil, fmt.Errorf("consult: export: %w", err)
		}
		for sts.Next() {
			var st struct {
				TID  int64  `json:"tid"`
				Body string `json:"body"`
			}
			if err := sts.Scan(&st.TID, &st.Body); err != nil {
				sts.Close()
				return nil, fmt.Errorf("consult: export: %w", err)
			}
			p.Statements = append(p.Statements, st)
		}
		sts.Close()
		vs, err := q.QueryContext(ctx, `SELECT tid, value, voted_at FROM consult_vote_events WHERE conversation_id = $1 AND pid = $2
			ORDER BY voted_at, id`, p.Conversation, p.Participant)
		if err != nil {
			return nil, fmt.Errorf("consult: export: %w", err)
		}
		for vs.Next() {
			var (
				v  ExportVote
				at db.Time
			)
			if err := vs.Scan(&v.TID, &v.Value, &at); err != nil {
				vs.Close()
				return nil, fmt.Errorf("consult: export: %w", err)
			}
			v.PID, v.Time = p.Participant, at.UnixMilli()
			p.Votes = append(p.Votes, v)
		}
		vs.Close()
	}
	rows, err = q.QueryContext(ctx, `SELECT r.meeting_id, m.title, r.created_at FROM consult_registrations r
		JOIN consult_meetings m ON m.id = r.meeting_id WHERE r.user_id = $1 ORDER BY r.created_at`, userID)
	if err != nil {
		return nil, fmt.Errorf("consult: export: %w", err)
	}
	for rows.Next() {
		var (
			g  registration
			at db.Time
		)
		if err := rows.Scan(&g.Meeting, &g.Title, &at); err != nil {
			rows.Close()
			return nil, fmt.Errorf("consult: export: %w", err)
		}
		g.CreatedAt = at.Time
		out.Registrations = append(out.Registrations, g)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM consult_comment_flags WHERE user_id = $1`, userID).Scan(&out.FlagsSubmitted); err != nil {
		return nil, fmt.Errorf("consult: export: %w", err)
	}
	return out, nil
}

// Erase unlinks and empties the resident's data inside the account
// deletion's transaction.
func (s Section) Erase(ctx context.Context, tx *sql.Tx, userID string) error {
	return Erase(ctx, tx, userID)
}

// Erase removes the module's personal data about userID: comments are
// emptied and unlinked, registrations and flags deleted, and the
// participant numbers unlinked (votes stay counted, pseudonymous).
func Erase(ctx context.Context, q db.Querier, userID string) error {
	for _, stmt := range []string{
		`UPDATE consult_comments SET author_id = NULL, author_name = '', body = '', status = 'erased' WHERE author_id = $1`,
		`DELETE FROM consult_comment_flags WHERE user_id = $1`,
		`DELETE FROM consult_registrations WHERE user_id = $1`,
		`UPDATE consult_participants SET user_id = NULL WHERE user_id = $1`,
	} {
		if _, err := q.ExecContext(ctx, stmt, userID); err != nil {
			return fmt.Errorf("consult: erase: %w", err)
		}
	}
	return nil
}
