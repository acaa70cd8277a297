// Package audit is the append-only record of officer actions and of
// everything that affects a vote. This package only inserts and reads: there
// is no code path that updates or deletes a row, and the database refuses
// both through triggers (migration 2).
package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/civitas-city/civitas/internal/db"
)

// Entry is one audited action.
type Entry struct {
	ID string
	At time.Time
	// ActorID is the user who acted; empty for the system itself.
	ActorID string
	// ActorLabel is how the actor is shown (a name or a pseudonym).
	ActorLabel string
	// OnBehalfOf is the resident an officer acted for, if any.
	OnBehalfOf string
	Action     string // dotted verb, e.g. "role.grant", "ballot.paper.enter"
	TargetType string
	TargetID   string
	Details    map[string]string
	RequestID  string
}

// Record appends e. Pass the transaction that makes the change, so the
// change and its audit row commit or fail together.
func Record(ctx context.Context, q db.Querier, e Entry) error {
	if e.Action == "" {
		return fmt.Errorf("audit: an entry needs an action")
	}
	if e.At.IsZero() {
		e.At = time.Now()
	}
	details, err := json.Marshal(e.Details)
	if err != nil {
		return fmt.Errorf("audit: details: %w", err)
	}
	if e.Details == nil {
		details = []byte("{}")
	}
	_, err = q.ExecContext(ctx, `INSERT INTO audit_log
		(id, at, actor_id, actor_label, on_behalf_of, action, target_type, target_id, details, request_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		db.NewID(), db.TS(e.At), e.ActorID, e.ActorLabel, e.OnBehalfOf,
		e.Action, e.TargetType, e.TargetID, string(details), e.RequestID)
	if err != nil {
		return fmt.Errorf("audit: record %s: %w", e.Action, db.MapError(err))
	}
	return nil
}

// Filter narrows List. Zero values mean "any".
type Filter struct {
	Action     string // exact action, or a prefix ending in "." ("role.")
	TargetType string
	TargetID   string
	ActorID    string
	Before     string // an entry id: list entries older than it (pagination)
	Limit      int
}

// List returns entries newest first.
func List(ctx context.Context, q db.Querier, f Filter) ([]Entry, error) {
	var (
		where []string
		args  []any
	)
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	switch {
	case strings.HasSuffix(f.Action, "."):
		add("action LIKE $%d", f.Action+"%")
	case f.Action != "":
		add("action = $%d", f.Action)
	}
	if f.TargetType != "" {
		add("target_type = $%d", f.TargetType)
	}
	if f.TargetID != "" {
		add("target_id = $%d", f.TargetID)
	}
	if f.ActorID != "" {
		add("actor_id = $%d", f.ActorID)
	}
	if f.Before != "" {
		add("id < $%d", f.Before)
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	query := `SELECT id, at, actor_id, actor_label, on_behalf_of, action, target_type, target_id, details, request_id FROM audit_log`
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	args = append(args, f.Limit)
	query += fmt.Sprintf(" ORDER BY id DESC LIMIT $%d", len(args))
	out, err := db.Query(ctx, q, scanEntry, query, args...)
	if err != nil {
		return nil, fmt.Errorf("audit: list: %w", err)
	}
	return out, nil
}

func scanEntry(s db.Scanner) (Entry, error) {
	var (
		e       Entry
		at      db.Time
		details string
	)
	if err := s.Scan(&e.ID, &at, &e.ActorID, &e.ActorLabel, &e.OnBehalfOf, &e.Action, &e.TargetType, &e.TargetID, &details, &e.RequestID); err != nil {
		return e, err
	}
	e.At = at.Time
	if err := json.Unmarshal([]byte(details), &e.Details); err != nil {
		return e, fmt.Errorf("entry %s details: %w", e.ID, err)
	}
	return e, nil
}
