package consult

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/db/dbtest"
	"github.com/civitas-city/civitas/internal/mail"
	"github.com/civitas-city/civitas/internal/web"
)

// contactBook is the accounts domain as the tests need it: emails and
// languages by account id.
type contactBook map[string]Contact

func (b contactBook) Contact(_ context.Context, userID string) (Contact, error) {
	c, ok := b[userID]
	if !ok {
		return Contact{}, apperr.E(apperr.NotFound, "no such account")
	}
	return c, nil
}

// queuedMail lists the messages waiting in the outbox queue.
func queuedMail(t *testing.T, d *db.DB) []mail.Message {
	t.Helper()
	rows, err := d.QueryContext(t.Context(), `SELECT payload FROM jobs WHERE kind = $1 ORDER BY created_at, id`, mail.JobKind)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []mail.Message
	for rows.Next() {
		var raw string
		var m mail.Message
		if err := rows.Scan(&raw); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal([]byte(raw), &m); err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

// A meeting without a limit of places shows how many registered (its page
// once failed to render: the visitor's own registration hid the count).
func TestMeetingWithoutLimit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		hs := newHarness(t, d)
		c, _ := hs.consultation(ConsultationInput{})
		start := hs.svc.now().AddDate(0, 0, 3)
		m, err := hs.svc.AddMeeting(t.Context(), Actor{UserID: "u-officer"}, c.ID, MeetingInput{Title: "Bez limitu", Place: "Sala",
			StartsAt: start, EndsAt: start.Add(time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		hs.user("ola")
		hs.user("jan")
		hs.must(hs.post(consultationURL(c.ID)+"/meetings/"+m.ID+"/register", "ola", nil), 303, "register")
		r := hs.must(hs.get(consultationURL(c.ID), "jan"), 200, "the consultation")
		if !strings.Contains(r.Body, "Zapisała się 1 osoba.") {
			t.Errorf("the count of registrations is missing:\n%s", excerptBody(r.Body))
		}
		r = hs.must(hs.get(consultationURL(c.ID), "ola"), 200, "the consultation, registered")
		if !strings.Contains(r.Body, "/unregister") {
			t.Error("a registered resident is not offered to unregister")
		}
	})
}

// An officer changes a meeting's details and later cancels it, through
// the meeting's page: those registered are mailed, in their language,
// when the time or place changes and when it is cancelled, not for a new
// description; a capacity below the registrations and a cancellation
// without a reason are refused; a cancelled meeting takes no registration.
func TestMeetingChangesAndCancellation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		hs := newHarness(t, d)
		ctx := t.Context()
		hs.svc.Catalog, hs.svc.BaseURL = hs.h.Site.Catalog, "https://civitas.example"
		hs.svc.Contacts = contactBook{"u-ola": {Email: "ola@example.test", Lang: "pl"},
			"u-jan": {Email: "jan@example.test", Lang: "en"}, "u-helena": {Lang: "pl"}}
		c, _ := hs.consultation(ConsultationInput{})
		start := hs.svc.now().AddDate(0, 0, 3)
		m, err := hs.svc.AddMeeting(ctx, Actor{UserID: "u-officer"}, c.ID, MeetingInput{Title: "Spotkanie w Nowej Hucie", Place: "NCK",
			StartsAt: start, EndsAt: start.Add(2 * time.Hour), Capacity: 10})
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"ola", "jan", "helena", "kasia"} {
			hs.user(name)
			hs.must(hs.post(consultationURL(c.ID)+"/meetings/"+m.ID+"/register", name, nil), 303, "register "+name)
		}
		hs.user("urzednik", web.Role{Name: web.RoleOfficer, Domain: "consultations"})
		page := officerURL(c.ID) + "/meetings/" + m.ID
		form := func(kv ...string) url.Values {
			v := url.Values{"meeting_title": {m.Title}, "meeting_place": {"NCK"}, "meeting_starts": {hs.h.formatLocal(m.StartsAt)},
				"meeting_ends": {hs.h.formatLocal(m.EndsAt)}, "meeting_capacity": {"10"}, "meeting_description": {""}}
			for i := 0; i+1 < len(kv); i += 2 {
				v.Set(kv[i], kv[i+1])
			}
			return v
		}

		r := hs.must(hs.post(page, "urzednik", form("meeting_capacity", "3")), 422, "capacity below the registrations")
		if !strings.Contains(r.Body, `href="#meeting_capacity"`) {
			t.Errorf("the capacity problem is not linked to its field:\n%s", excerptBody(r.Body))
		}
		hs.must(hs.post(page, "urzednik", form("meeting_description", "Wstęp wolny.")), 303, "a new description")
		if got := queuedMail(t, d); len(got) != 0 {
			t.Errorf("a new description mailed %d people", len(got))
		}
		later := m.StartsAt.Add(24 * time.Hour)
		hs.must(hs.post(page, "urzednik", form("meeting_place", "Klub Kuźnia", "meeting_starts", hs.h.formatLocal(later),
			"meeting_ends", hs.h.formatLocal(later.Add(2*time.Hour)))), 303, "moved")
		got := queuedMail(t, d)
		if len(got) != 2 {
			t.Fatalf("%d messages after the move, want 2 (the two registrants with email)", len(got))
		}
		// The new time as each registrant reads it, in the city's zone.
		when := func(lang string) string { return web.FormatDateTime(hs.h.Site.Catalog, lang, hs.h.Location, later) }
		for _, msg := range got {
			if !strings.Contains(msg.Text, "Klub Kuźnia") || !strings.Contains(msg.Text, when("en")) && !strings.Contains(msg.Text, when("pl")) ||
				!strings.Contains(msg.Text, "https://civitas.example/consultations/"+c.ID) {
				t.Errorf("the message to %s lacks the new place, time or link:\n%s", msg.To, msg.Text)
			}
		}
		if !strings.Contains(got[0].Text+got[1].Text, "has changed") || !strings.Contains(got[0].Text+got[1].Text, "zostało zmienione") {
			t.Errorf("the messages are not each in the registrant's language:\n%s\n%s", got[0].Text, got[1].Text)
		}

		hs.must(hs.post(page+"/cancel", "urzednik", url.Values{"cancel_reason": {"  "}}), 422, "cancel without a reason")
		hs.must(hs.post(page+"/cancel", "urzednik", url.Values{"cancel_reason": {"Sala jest zalana."}}), 303, "cancel")
		if got := queuedMail(t, d); len(got) != 4 || !strings.Contains(got[3].Text, "Sala jest zalana.") {
			t.Errorf("after cancelling: %d messages, the last %+v", len(got), got[len(got)-1])
		}
		hs.user("nowa")
		hs.must(hs.post(consultationURL(c.ID)+"/meetings/"+m.ID+"/register", "nowa", nil), 409, "register for a cancelled meeting")
		r = hs.must(hs.get(consultationURL(c.ID), "nowa"), 200, "the consultation")
		if !strings.Contains(r.Body, "odwołane") || !strings.Contains(r.Body, "Sala jest zalana.") {
			t.Errorf("the public page does not show the cancellation:\n%s", excerptBody(r.Body))
		}
		hs.must(hs.post(page, "urzednik", form()), 409, "changing a cancelled meeting")
		if n := len(hs.audited("consult.meeting.")); n != 4 {
			t.Errorf("%d meeting actions audited, want 4 (add, two updates, cancel)", n)
		}
	})
}
