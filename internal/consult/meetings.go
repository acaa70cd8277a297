package consult

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/mail"
	"github.com/civitas-city/civitas/internal/web"
)

// MeetingInput is a meeting as an officer types it.
type MeetingInput struct {
	Title, Place, Description string
	StartsAt, EndsAt          time.Time
	Capacity                  int
}

// MaxCancelReason bounds what an officer writes when calling a meeting off.
const MaxCancelReason = 1000

// meetingOf checks in and makes the meeting it describes.
func meetingOf(in MeetingInput) (Meeting, error) {
	title, err := text("meeting_title", in.Title, MaxTitle)
	if err != nil {
		return Meeting{}, err
	}
	place, err := text("meeting_place", in.Place, MaxTitle)
	if err != nil {
		return Meeting{}, err
	}
	if in.StartsAt.IsZero() {
		return Meeting{}, field("meeting_starts", "consult.error.date")
	}
	if in.EndsAt.IsZero() || in.EndsAt.Before(in.StartsAt) {
		return Meeting{}, field("meeting_ends", "consult.error.date_order")
	}
	if in.Capacity < 0 {
		return Meeting{}, field("meeting_capacity", "consult.error.capacity")
	}
	return Meeting{Title: title, Place: place, Description: strings.TrimSpace(in.Description),
		StartsAt: in.StartsAt, EndsAt: in.EndsAt, Capacity: in.Capacity}, nil
}

// AddMeeting adds a meeting.
func (s *Service) AddMeeting(ctx context.Context, a Actor, consultationID string, in MeetingInput) (Meeting, error) {
	m, err := meetingOf(in)
	if err != nil {
		return Meeting{}, err
	}
	m.ID, m.ConsultationID = db.NewID(), consultationID
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := getConsultation(ctx, tx, consultationID); err != nil {
			return err
		}
		if err := insertMeeting(ctx, tx, &m); err != nil {
			return err
		}
		return s.auditOfficer(ctx, tx, a, "consult.meeting.add", "consultation", consultationID, map[string]string{"meeting": m.ID})
	})
	return m, err
}

// UpdateMeeting changes a meeting's details. The capacity cannot fall
// below those already registered. When the time or the place changes,
// everyone registered is mailed, in the transaction of the change.
func (s *Service) UpdateMeeting(ctx context.Context, a Actor, consultationID, meetingID string, in MeetingInput) (Meeting, error) {
	next, err := meetingOf(in)
	if err != nil {
		return Meeting{}, err
	}
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		cur, err := lockMeeting(ctx, tx, consultationID, meetingID)
		if err != nil {
			return err
		}
		if cur.Cancelled() {
			return ErrCancelled
		}
		if next.Capacity > 0 && next.Capacity < cur.Registered {
			return field("meeting_capacity", "consult.error.capacity_below")
		}
		next.ID, next.ConsultationID, next.Registered = cur.ID, cur.ConsultationID, cur.Registered
		if err := updateMeeting(ctx, tx, &next); err != nil {
			return err
		}
		// Officers type minutes: a time saved unchanged from the form is
		// not a move, even when the stored one had seconds.
		sameMinute := func(a, b time.Time) bool { return a.Truncate(time.Minute).Equal(b.Truncate(time.Minute)) }
		moved := !sameMinute(next.StartsAt, cur.StartsAt) || !sameMinute(next.EndsAt, cur.EndsAt) || next.Place != cur.Place
		if err := s.auditOfficer(ctx, tx, a, "consult.meeting.update", "consultation", consultationID,
			map[string]string{"meeting": meetingID, "moved": fmt.Sprint(moved)}); err != nil {
			return err
		}
		if !moved {
			return nil
		}
		return s.mailRegistrants(ctx, tx, &next, "consult.mail.meeting_moved", "")
	})
	return next, err
}

// CancelMeeting calls a meeting off with the reason residents are told,
// mails everyone registered and closes registration. The registrations
// stay, as the record of who was told.
func (s *Service) CancelMeeting(ctx context.Context, a Actor, consultationID, meetingID, reason string) error {
	reason, err := text("cancel_reason", reason, MaxCancelReason)
	if err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		m, err := lockMeeting(ctx, tx, consultationID, meetingID)
		if err != nil {
			return err
		}
		if m.Cancelled() {
			return ErrCancelled
		}
		if err := cancelMeeting(ctx, tx, meetingID, s.now(), reason); err != nil {
			return err
		}
		if err := s.auditOfficer(ctx, tx, a, "consult.meeting.cancel", "consultation", consultationID,
			map[string]string{"meeting": meetingID, "reason": reason}); err != nil {
			return err
		}
		return s.mailRegistrants(ctx, tx, &m, "consult.mail.meeting_cancelled", reason)
	})
}

// Contact is how to reach an account holder.
type Contact struct {
	Email string
	Lang  string
}

// Contacts is the accounts domain as consultations use it: to tell those
// registered for a meeting that it changed. NotFound for an account that
// is gone; an empty Email for one without (a managed profile).
type Contacts interface {
	Contact(ctx context.Context, userID string) (Contact, error)
}

// mailRegistrants queues a message about m to everyone registered for it
// who has an email address, each in their language. key's message takes
// the meeting's title, start and place; reason, when given, follows.
func (s *Service) mailRegistrants(ctx context.Context, tx *sql.Tx, m *Meeting, key, reason string) error {
	if s.Contacts == nil || s.Catalog == nil {
		return nil
	}
	ids, err := registrantIDs(ctx, tx, m.ID)
	if err != nil {
		return err
	}
	loc := s.Location
	if loc == nil {
		loc = time.Local
	}
	link := s.BaseURL + "/consultations/" + m.ConsultationID + "#meetings"
	for _, id := range ids {
		c, err := s.Contacts.Contact(ctx, id)
		if apperr.Is(err, apperr.NotFound) || (err == nil && c.Email == "") {
			continue // an account gone or without email: nobody to mail
		}
		if err != nil {
			return err
		}
		lang := c.Lang
		if !s.Catalog.Supports(lang) {
			lang = s.Catalog.Default()
		}
		body := s.Catalog.T(lang, key, m.Title, web.FormatDateTime(s.Catalog, lang, loc, m.StartsAt), m.Place) + "\n\n"
		if reason != "" {
			body += reason + "\n\n"
		}
		body += link + "\n"
		msg := mail.Message{To: c.Email, Subject: s.Catalog.T(lang, "consult.mail.meeting_subject", m.Title), Text: body}
		if err := mail.Enqueue(ctx, tx, msg); err != nil {
			return err
		}
	}
	return nil
}
