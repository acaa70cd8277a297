package consult

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/civitas-city/civitas/internal/consult/opinion"
	"github.com/civitas-city/civitas/internal/db"
)

// The SQL of the conversation's votes and of its stored opinion map.

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
	out := map[int64]int{}
	err := db.Each(ctx, q, func(row db.Scanner) error {
		var (
			tid int64
			v   int
		)
		if err := row.Scan(&tid, &v); err != nil {
			return err
		}
		out[tid] = v
		return nil
	}, `SELECT tid, value FROM consult_votes WHERE conversation_id = $1 AND pid = $2`, conversationID, pid)
	if err != nil {
		return nil, fmt.Errorf("consult: my votes: %w", err)
	}
	return out, nil
}

func countVoteEvents(ctx context.Context, q db.Querier, conversationID string) (int, error) {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM consult_vote_events WHERE conversation_id = $1`, conversationID).Scan(&n); err != nil {
		return 0, fmt.Errorf("consult: count votes: %w", err)
	}
	return n, nil
}

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

// latestVotes reads every participant's latest votes in participant
// order, which is the order of arrival and so the row order the cold
// k-means starts from (doc §5.1), and that order.
func latestVotes(ctx context.Context, q db.Querier, convID string) (votes []opinion.Vote, order []int64, err error) {
	err = db.Each(ctx, q, func(row db.Scanner) error {
		var (
			v  opinion.Vote
			at db.Time
		)
		if err := row.Scan(&v.PID, &v.TID, &v.Value, &at); err != nil {
			return err
		}
		v.Time = at.UnixMilli()
		if len(order) == 0 || order[len(order)-1] != v.PID {
			order = append(order, v.PID)
		}
		votes = append(votes, v)
		return nil
	}, `SELECT pid, tid, value, voted_at FROM consult_votes WHERE conversation_id = $1 ORDER BY pid, tid`, convID)
	if err != nil {
		return nil, nil, fmt.Errorf("consult: votes of %s: %w", convID, err)
	}
	return votes, order, nil
}

// modOutOf lists the statements the map leaves out: rejected or meta.
func modOutOf(ctx context.Context, q db.Querier, convID string) ([]int64, error) {
	out, err := db.Query(ctx, q, db.Value[int64], `SELECT tid FROM consult_statements WHERE conversation_id = $1 AND (moderated = -1 OR is_meta)
		ORDER BY tid`, convID)
	if err != nil {
		return nil, fmt.Errorf("consult: moderated out of %s: %w", convID, err)
	}
	return out, nil
}
