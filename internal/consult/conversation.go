package consult

import (
	"context"
	"database/sql"
	"strconv"
	"strings"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/jobs"
)

// ConversationInput is a conversation's settings as an officer types them.
type ConversationInput struct {
	Topic, Description string
	Open               bool
}

// SetConversation creates the consultation's conversation or changes it.
func (s *Service) SetConversation(ctx context.Context, a Actor, consultationID string, in ConversationInput) (Conversation, error) {
	topic, err := text("topic", in.Topic, MaxTitle)
	if err != nil {
		return Conversation{}, err
	}
	var conv Conversation
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := getConsultation(ctx, tx, consultationID); err != nil {
			return err
		}
		conv, err = conversationOf(ctx, tx, consultationID)
		switch {
		case err == nil:
			conv.Topic, conv.Description, conv.Open = topic, strings.TrimSpace(in.Description), in.Open
			err = updateConversation(ctx, tx, &conv)
		case apperr.Is(err, apperr.NotFound):
			conv = Conversation{ID: db.NewID(), ConsultationID: consultationID, Topic: topic, Description: strings.TrimSpace(in.Description),
				Open: in.Open, CreatedAt: s.now()}
			err = insertConversation(ctx, tx, &conv)
		}
		if err != nil {
			return err
		}
		return s.auditOfficer(ctx, tx, a, "consult.conversation.set", "consult.conversation", conv.ID,
			map[string]string{"open": strconv.FormatBool(conv.Open)})
	})
	return conv, err
}

// Conversation returns a consultation's conversation (ErrNoConversation
// when it has none).
func (s *Service) Conversation(ctx context.Context, consultationID string) (Conversation, error) {
	return conversationOf(ctx, s.DB, consultationID)
}

// ConversationByID returns a conversation by its own id.
func (s *Service) ConversationByID(ctx context.Context, id string) (Conversation, error) {
	return getConversation(ctx, s.DB, id)
}

// CanContribute tells whether userID may submit statements and vote in
// conv now.
func (s *Service) CanContribute(ctx context.Context, c *Consultation, conv *Conversation, userID string) error {
	if !conv.Open {
		return ErrClosed
	}
	return s.CanTakePart(ctx, c, userID)
}

// withRetry runs fn in a transaction again when it lost a race (a
// Conflict: the same person arriving twice at once); numbering itself is
// serialised by lockConversation.
func (s *Service) withRetry(ctx context.Context, fn func(tx *sql.Tx) error) error {
	var err error
	for range 5 {
		if err = s.DB.InTx(ctx, fn); !apperr.Is(err, apperr.Conflict) {
			return err
		}
	}
	return err
}

// participant returns the participant's number, numbering them on first
// contribution.
func (s *Service) participant(ctx context.Context, tx *sql.Tx, convID, userID string) (int64, error) {
	pid, err := participantOf(ctx, tx, convID, userID)
	if err != nil || pid >= 0 {
		return pid, err
	}
	if err := lockConversation(ctx, tx, convID); err != nil {
		return 0, err
	}
	// The same person may have arrived meanwhile (two tabs).
	if pid, err = participantOf(ctx, tx, convID, userID); err != nil || pid >= 0 {
		return pid, err
	}
	return addParticipant(ctx, tx, convID, userID, s.now())
}

// JobMap is the job kind that recomputes a conversation's opinion map.
const JobMap = "consult.map"

// MapJob is the payload of a JobMap job.
type MapJob struct {
	ConversationID string `json:"conversation_id"`
}

// scheduleMap asks for the map to be recomputed after the debounce delay;
// while one run waits, asking again does nothing, so a burst of votes
// costs one run.
func (s *Service) scheduleMap(ctx context.Context, q db.Querier, convID string) error {
	d := s.MapDebounce
	if d <= 0 {
		d = defaultDebounce
	}
	return jobs.Enqueue(ctx, q, JobMap, MapJob{ConversationID: convID},
		jobs.Options{DedupeKey: "consult.map:" + convID, RunAt: s.now().Add(d), MaxAttempts: 3})
}

// SeedStatement adds an organiser's statement, accepted at once (Pol.is's
// seed comments), to start the conversation.
func (s *Service) SeedStatement(ctx context.Context, a Actor, conv *Conversation, body string) (Statement, error) {
	body, err := text("statement", body, MaxStatement)
	if err != nil {
		return Statement{}, err
	}
	st := Statement{ConversationID: conv.ID, PID: -1, Body: body, Moderated: Accepted, IsSeed: true, RecordedBy: a.UserID, CreatedAt: s.now()}
	err = s.withRetry(ctx, func(tx *sql.Tx) error {
		if err := lockConversation(ctx, tx, conv.ID); err != nil {
			return err
		}
		if err := insertStatement(ctx, tx, &st); err != nil {
			return err
		}
		return s.auditOfficer(ctx, tx, a, "consult.statement.seed", "consult.conversation", conv.ID,
			map[string]string{"tid": strconv.FormatInt(st.TID, 10)})
	})
	return st, err
}

// SubmitStatement adds a participant's statement. As in Pol.is, its author
// agrees with it. Under pre-moderation voters see it once accepted.
func (s *Service) SubmitStatement(ctx context.Context, a Actor, c *Consultation, conv *Conversation, body string) (Statement, error) {
	body, err := text("statement", body, MaxStatement)
	if err != nil {
		return Statement{}, err
	}
	if err := s.CanContribute(ctx, c, conv, a.UserID); err != nil {
		return Statement{}, err
	}
	st := Statement{ConversationID: conv.ID, Body: body, Moderated: Unmoderated, RecordedBy: a.OfficerID, CreatedAt: s.now()}
	err = s.withRetry(ctx, func(tx *sql.Tx) error {
		pid, err := s.participant(ctx, tx, conv.ID, a.UserID)
		if err != nil {
			return err
		}
		st.PID = pid
		if err := lockConversation(ctx, tx, conv.ID); err != nil {
			return err
		}
		if err := insertStatement(ctx, tx, &st); err != nil {
			return err
		}
		if err := castVote(ctx, tx, conv.ID, pid, st.TID, VoteAgree, st.CreatedAt, a.OfficerID); err != nil {
			return err
		}
		if err := s.scheduleMap(ctx, tx, conv.ID); err != nil {
			return err
		}
		return auditAssisted(ctx, tx, a, "consult.statement.assisted", "consult.conversation", conv.ID,
			map[string]string{"tid": strconv.FormatInt(st.TID, 10)})
	})
	return st, err
}

// Vote records the participant's vote on a statement voters can see;
// voting again changes the vote (the latest counts, every vote is kept).
func (s *Service) Vote(ctx context.Context, a Actor, c *Consultation, conv *Conversation, tid int64, value int) error {
	if value != VoteAgree && value != VoteDisagree && value != VotePass {
		return field("vote", "consult.error.vote")
	}
	if err := s.CanContribute(ctx, c, conv, a.UserID); err != nil {
		return err
	}
	return s.withRetry(ctx, func(tx *sql.Tx) error {
		st, err := getStatement(ctx, tx, conv.ID, tid)
		if err != nil {
			return err
		}
		if !visible(&st, c.Moderation) {
			return ErrNoStatement
		}
		pid, err := s.participant(ctx, tx, conv.ID, a.UserID)
		if err != nil {
			return err
		}
		if err := castVote(ctx, tx, conv.ID, pid, tid, value, s.now(), a.OfficerID); err != nil {
			return err
		}
		if err := s.scheduleMap(ctx, tx, conv.ID); err != nil {
			return err
		}
		return auditAssisted(ctx, tx, a, "consult.vote.assisted", "consult.conversation", conv.ID,
			map[string]string{"tid": strconv.FormatInt(tid, 10), "vote": strconv.Itoa(value)})
	})
}

// visible reports whether voters see st.
func visible(st *Statement, m Moderation) bool {
	return st.Moderated == Accepted || (st.Moderated == Unmoderated && m == PostModeration)
}

// Ballot is what the one-statement-at-a-time page shows a participant.
type Ballot struct {
	// Statement is the one to vote on; Has is false when none is left.
	Statement Statement
	Has       bool
	// Voted and Total count the visible statements and the participant's
	// votes on them.
	Voted, Total int
	// Current is the participant's vote on Statement when they voted on it
	// already (a statement chosen to change the vote).
	Current    int
	HasCurrent bool
}

// Next picks the statement userID ("" when signed out) should vote on
// next, or the statement tid when tid >= 0 (to change a vote).
func (s *Service) Next(ctx context.Context, c *Consultation, conv *Conversation, userID string, tid int64) (Ballot, error) {
	var (
		b   Ballot
		pid int64 = -1
		err error
	)
	if userID != "" {
		if pid, err = participantOf(ctx, s.DB, conv.ID, userID); err != nil {
			return b, err
		}
	}
	post := c.Moderation == PostModeration
	if b.Voted, b.Total, err = progress(ctx, s.DB, conv.ID, post, pid); err != nil {
		return b, err
	}
	if tid >= 0 {
		st, err := getStatement(ctx, s.DB, conv.ID, tid)
		if err != nil {
			return b, err
		}
		if !visible(&st, c.Moderation) {
			return b, ErrNoStatement
		}
		b.Statement, b.Has = st, true
		if pid >= 0 {
			mine, err := myVotes(ctx, s.DB, conv.ID, pid)
			if err != nil {
				return b, err
			}
			b.Current, b.HasCurrent = mine[tid]
		}
		return b, nil
	}
	st, err := nextStatement(ctx, s.DB, conv.ID, post, pid)
	switch {
	case err == nil:
		b.Statement, b.Has = st, true
	case !apperr.Is(err, apperr.NotFound):
		return b, err
	}
	return b, nil
}

// Statements lists every statement of a conversation (moderated out ones
// too), by number.
func (s *Service) Statements(ctx context.Context, convID string) ([]Statement, error) {
	return listStatements(ctx, s.DB, convID)
}

// MyVotes maps statement numbers to userID's latest votes.
func (s *Service) MyVotes(ctx context.Context, convID, userID string) (map[int64]int, error) {
	pid, err := participantOf(ctx, s.DB, convID, userID)
	if err != nil || pid < 0 {
		return map[int64]int{}, err
	}
	return myVotes(ctx, s.DB, convID, pid)
}

// StatementDecision is a moderator's decision on a statement.
type StatementDecision string

const (
	DecisionAccept StatementDecision = "accept"
	DecisionReject StatementDecision = "reject"
	// DecisionMeta accepts it as a meta statement ("I live in Nowa Huta"):
	// shown to voters, left out of the map.
	DecisionMeta StatementDecision = "meta"
)

// ModerateStatement applies a moderator's decision, audited, and has the
// map recomputed since what it leaves out may have changed.
func (s *Service) ModerateStatement(ctx context.Context, a Actor, convID string, tid int64, d StatementDecision) error {
	moderated, meta := Accepted, false
	switch d {
	case DecisionAccept:
	case DecisionReject:
		moderated = Rejected
	case DecisionMeta:
		meta = true
	default:
		return field("decision", "consult.error.decision")
	}
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if err := moderateStatement(ctx, tx, convID, tid, moderated, meta, a.UserID, s.now()); err != nil {
			return err
		}
		if err := s.scheduleMap(ctx, tx, convID); err != nil {
			return err
		}
		return s.auditOfficer(ctx, tx, a, "consult.statement.moderate", "consult.conversation", convID,
			map[string]string{"tid": strconv.FormatInt(tid, 10), "decision": string(d)})
	})
}
