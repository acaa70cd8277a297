package consult

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/civitas-city/civitas/internal/consult/opinion"
	"github.com/civitas-city/civitas/internal/jobs"
)

// defaultDebounce is how long after a vote the map is recomputed.
const defaultDebounce = 30 * time.Second

// MapState is a conversation's stored opinion map with what it was
// computed at.
type MapState struct {
	Result *opinion.Result
	// VoteEvents is how many vote events the map had; Current how many
	// there are now (the map is behind when Current > VoteEvents).
	VoteEvents, Current int
	ComputedAt          time.Time
	Duration            time.Duration
}

// Stale reports whether votes arrived after the map was computed.
func (m MapState) Stale() bool { return m.Current > m.VoteEvents }

// Map returns the stored map of a conversation; Result is nil when none
// has been computed yet.
func (s *Service) Map(ctx context.Context, convID string) (MapState, error) {
	var st MapState
	m, ok, err := getMap(ctx, s.DB, convID)
	if err != nil {
		return st, err
	}
	if st.Current, err = countVoteEvents(ctx, s.DB, convID); err != nil {
		return st, err
	}
	if !ok {
		return st, nil
	}
	var r opinion.Result
	if err := json.Unmarshal([]byte(m.Result), &r); err != nil {
		return st, fmt.Errorf("consult: map of %s: %w", convID, err)
	}
	st.Result, st.VoteEvents, st.ComputedAt, st.Duration = &r, m.VoteEvents, m.ComputedAt, time.Duration(m.DurationMS)*time.Millisecond
	return st, nil
}

func modOutKey(tids []int64) string {
	parts := make([]string, len(tids))
	for i, t := range tids {
		parts[i] = strconv.FormatInt(t, 10)
	}
	return strings.Join(parts, ",")
}

// RecomputeMap brings a conversation's opinion map up to date. When
// nothing changed since the stored map (no vote, no moderation) it does
// nothing, so running it often is cheap. Otherwise it warm-starts from
// the stored map as a Pol.is math tick does (the in-conv set, PCA
// components, clusterings and k smoother carry over, which keeps group
// ids stable) and stores the result. It reports whether it computed.
func (s *Service) RecomputeMap(ctx context.Context, convID string) (bool, error) {
	// What the stored map was computed at, without reading it: the check
	// that nothing changed costs two small queries.
	events, err := countVoteEvents(ctx, s.DB, convID)
	if err != nil {
		return false, err
	}
	modOut, err := modOutOf(ctx, s.DB, convID)
	if err != nil {
		return false, err
	}
	key := modOutKey(modOut)
	var (
		storedEvents int
		storedKey    string
	)
	err = s.DB.QueryRowContext(ctx, `SELECT vote_events, mod_out FROM consult_maps WHERE conversation_id = $1`, convID).Scan(&storedEvents, &storedKey)
	switch {
	case err == nil && storedEvents == events && storedKey == key:
		return false, nil
	case err != nil && !errors.Is(err, sql.ErrNoRows):
		return false, fmt.Errorf("consult: map of %s: %w", convID, err)
	}
	votes, order, err := latestVotes(ctx, s.DB, convID)
	if err != nil {
		return false, err
	}
	stored, ok, err := getMap(ctx, s.DB, convID)
	if err != nil {
		return false, err
	}
	in := opinion.Input{Votes: votes, ModOut: modOut, Order: order}
	if ok {
		var prev opinion.Result
		if err := json.Unmarshal([]byte(stored.Result), &prev); err != nil {
			s.log().Warn("consult: stored map unreadable; computing from scratch", "conversation_id", convID, "error", err)
		} else {
			in.Prev = &prev
		}
	}
	start := time.Now()
	res, err := opinion.Compute(in)
	if err != nil {
		return false, fmt.Errorf("consult: map of %s: %w", convID, err)
	}
	took := time.Since(start)
	body, err := json.Marshal(res)
	if err != nil {
		return false, fmt.Errorf("consult: map of %s: %w", convID, err)
	}
	err = saveMap(ctx, s.DB, convID, storedMap{Result: string(body), VoteEvents: events, ModOut: key, Tick: res.Tick,
		ComputedAt: s.now(), DurationMS: int(took.Milliseconds())})
	if err != nil {
		return false, err
	}
	s.log().Debug("consult: opinion map computed", "conversation_id", convID, "participants", res.Participants,
		"groups", len(res.Groups), "votes", events, "tick", res.Tick, "ms", took.Milliseconds())
	return true, nil
}

// MapJobHandler runs JobMap jobs.
func (s *Service) MapJobHandler() jobs.Handler {
	return func(ctx context.Context, job jobs.Job) error {
		var p MapJob
		if err := json.Unmarshal(job.Payload, &p); err != nil || p.ConversationID == "" {
			return &jobs.PermanentError{Err: fmt.Errorf("consult: map job payload %q", job.Payload)}
		}
		_, err := s.RecomputeMap(ctx, p.ConversationID)
		return err
	}
}

// groupLetter names the group with id i as residents see it: A, B, C ...
// Ids are stable between updates (warm start), so letters are too.
func groupLetter(i int) string {
	if i >= 0 && i < 26 {
		return string(rune('A' + i))
	}
	return strconv.Itoa(i + 1)
}

// groupOf maps each clustered participant to their group's id.
func groupOf(r *opinion.Result) map[int64]int {
	out := map[int64]int{}
	for _, g := range r.Groups {
		for _, pid := range g.Members {
			out[pid] = g.ID
		}
	}
	return out
}
