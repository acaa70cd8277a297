package consult

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/civitas-city/civitas/internal/db"
)

// The SQL of meetings and the residents registered for them.

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
	out, err := db.Query(ctx, q, db.Value[string], `SELECT user_id FROM consult_registrations WHERE meeting_id = $1 ORDER BY created_at, user_id`, meetingID)
	if err != nil {
		return nil, fmt.Errorf("consult: registrants: %w", err)
	}
	return out, nil
}

const meetingSelect = `SELECT m.id, m.consultation_id, m.title, m.place, m.description, m.starts_at, m.ends_at, m.capacity,
	m.cancelled_at, m.cancel_reason,
	(SELECT count(*) FROM consult_registrations r WHERE r.meeting_id = m.id) FROM consult_meetings m`

func scanMeeting(sc db.Scanner) (Meeting, error) {
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
	out, err := db.Query(ctx, q, scanMeeting, meetingSelect+` WHERE m.consultation_id = $1 ORDER BY m.starts_at, m.id`, consultationID)
	if err != nil {
		return nil, fmt.Errorf("consult: list meetings: %w", err)
	}
	return out, nil
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
	out, err := db.Query(ctx, q, func(row db.Scanner) (Registration, error) {
		var (
			r  Registration
			at db.Time
		)
		if err := row.Scan(&r.MeetingID, &r.UserID, &r.Name, &r.RecordedBy, &at); err != nil {
			return r, err
		}
		r.CreatedAt = at.Time
		return r, nil
	}, `SELECT meeting_id, user_id, name, recorded_by, created_at FROM consult_registrations
		WHERE meeting_id = $1 ORDER BY created_at, user_id`, meetingID)
	if err != nil {
		return nil, fmt.Errorf("consult: registrations: %w", err)
	}
	return out, nil
}

// registeredFor lists the meetings of a consultation userID registered for.
func registeredFor(ctx context.Context, q db.Querier, consultationID, userID string) (map[string]bool, error) {
	out := map[string]bool{}
	err := db.Each(ctx, q, func(row db.Scanner) error {
		var id string
		if err := row.Scan(&id); err != nil {
			return err
		}
		out[id] = true
		return nil
	}, `SELECT r.meeting_id FROM consult_registrations r
		JOIN consult_meetings m ON m.id = r.meeting_id WHERE m.consultation_id = $1 AND r.user_id = $2`, consultationID, userID)
	if err != nil {
		return nil, fmt.Errorf("consult: registrations: %w", err)
	}
	return out, nil
}
