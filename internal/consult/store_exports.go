package consult

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/civitas-city/civitas/internal/db"
)

// The SQL of the conversation's exports: counts, and rows streamed to the
// writer one at a time.

// conversationCounts are the summary's counts: participants who voted,
// who wrote a statement, and statements.
func conversationCounts(ctx context.Context, q db.Querier, convID string) (voters, commenters, comments int, err error) {
	err = q.QueryRowContext(ctx, `SELECT
			(SELECT count(DISTINCT pid) FROM consult_votes WHERE conversation_id = $1),
			(SELECT count(DISTINCT pid) FROM consult_statements WHERE conversation_id = $1 AND pid IS NOT NULL),
			(SELECT count(*) FROM consult_statements WHERE conversation_id = $1)`, convID).Scan(&voters, &commenters, &comments)
	return voters, commenters, comments, err
}

// statementTally is a statement with every agree and disagree it got,
// changed votes too, as Pol.is's exporter counts.
type statementTally struct {
	TID, PID          int64 // PID -1: a seed statement
	Body              string
	Moderated         int
	Meta, Seed        bool
	At                time.Time
	Agrees, Disagrees int64
}

// statementTallies calls fn for each statement of a conversation, by
// number.
func statementTallies(ctx context.Context, q db.Querier, convID string, fn func(statementTally) error) error {
	return db.Each(ctx, q, func(row db.Scanner) error {
		var (
			t   statementTally
			pid sql.NullInt64
			at  db.Time
		)
		if err := row.Scan(&t.TID, &pid, &t.Body, &t.Moderated, &t.Meta, &t.Seed, &at, &t.Agrees, &t.Disagrees); err != nil {
			return err
		}
		t.PID, t.At = -1, at.Time
		if pid.Valid {
			t.PID = pid.Int64
		}
		return fn(t)
	}, `SELECT s.tid, s.pid, s.body, s.moderated, s.is_meta, s.is_seed, s.created_at,
			(SELECT count(*) FROM consult_vote_events e WHERE e.conversation_id = s.conversation_id AND e.tid = s.tid AND e.value = 1),
			(SELECT count(*) FROM consult_vote_events e WHERE e.conversation_id = s.conversation_id AND e.tid = s.tid AND e.value = -1)
		FROM consult_statements s WHERE s.conversation_id = $1 ORDER BY s.tid`, convID)
}

// voteEvents calls fn for every vote event of a conversation, in time order.
func voteEvents(ctx context.Context, q db.Querier, convID string, fn func(pid, tid int64, value int, at time.Time) error) error {
	err := db.Each(ctx, q, func(row db.Scanner) error {
		var (
			pid, tid int64
			value    int
			at       db.Time
		)
		if err := row.Scan(&pid, &tid, &value, &at); err != nil {
			return err
		}
		return fn(pid, tid, value, at.Time)
	}, `SELECT pid, tid, value, voted_at FROM consult_vote_events WHERE conversation_id = $1 ORDER BY voted_at, id`, convID)
	if err != nil {
		return fmt.Errorf("consult: export votes: %w", err)
	}
	return nil
}

// votedStatements lists the statements with votes, by number.
func votedStatements(ctx context.Context, q db.Querier, convID string) ([]int64, error) {
	return db.Query(ctx, q, db.Value[int64], `SELECT DISTINCT tid FROM consult_votes WHERE conversation_id = $1 ORDER BY tid`, convID)
}

// statementsByAuthor counts each participant's statements.
func statementsByAuthor(ctx context.Context, q db.Querier, convID string) (map[int64]int, error) {
	out := map[int64]int{}
	err := db.Each(ctx, q, func(row db.Scanner) error {
		var (
			pid int64
			n   int
		)
		err := row.Scan(&pid, &n)
		out[pid] = n
		return err
	}, `SELECT pid, count(*) FROM consult_statements WHERE conversation_id = $1 AND pid IS NOT NULL GROUP BY pid`, convID)
	return out, err
}

// eachLatestVote calls fn for every participant's latest vote on each
// statement, by participant then statement.
func eachLatestVote(ctx context.Context, q db.Querier, convID string, fn func(pid, tid int64, value int) error) error {
	return db.Each(ctx, q, func(row db.Scanner) error {
		var (
			pid, tid int64
			value    int
		)
		if err := row.Scan(&pid, &tid, &value); err != nil {
			return err
		}
		return fn(pid, tid, value)
	}, `SELECT pid, tid, value FROM consult_votes WHERE conversation_id = $1 ORDER BY pid, tid`, convID)
}
