package survey_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/db/dbtest"
	"github.com/civitas-city/civitas/internal/i18n"
	"github.com/civitas-city/civitas/internal/survey"
)

var now = time.Date(2025, 10, 6, 9, 0, 0, 0, time.UTC)

type residents map[string]survey.Residency

func (r residents) Residency(_ context.Context, user string) (survey.Residency, error) {
	return r[user], nil
}

var officer = survey.Actor{ID: "officer-1", Name: "Urzędnik"}

func t3(pl string) survey.Text { return survey.Text{"pl": pl, "en": pl + " (en)", "uk": pl + " (uk)"} }

func ptr(x float64) *float64 { return &x }

// satisfaction is two pages: the channel and NPS, then the reason for a
// low score (shown only to detractors, required), a scale and a number.
func satisfaction() survey.Definition {
	return survey.Definition{Sections: []survey.Section{
		{Title: t3("Wizyta"), Pages: []survey.Page{{Questions: []survey.Question{
			{Key: "channel", Kind: survey.Single, Text: t3("Jak załatwiano sprawę?"), Required: true,
				Options: []survey.Option{{Code: 1, Text: t3("osobiście")}, {Code: 2, Text: t3("przez internet")}}, Other: true},
			{Key: "nps", Kind: survey.NPS, Text: t3("Czy poleciłbyś urząd?"), Required: true},
		}}}},
		{Title: t3("Szczegóły"), Pages: []survey.Page{{Questions: []survey.Question{
			{Key: "why_low", Kind: survey.ShortText, Text: t3("Co poszło źle?"), Required: true,
				ShowIf: &survey.Condition{Question: "nps", AnyOf: []int{0, 1, 2, 3, 4, 5, 6}}},
			{Key: "courtesy", Kind: survey.Likert, Points: 5, Text: t3("Uprzejmość")},
			{Key: "visits", Kind: survey.Number, Text: t3("Ile razy w roku?"), Min: ptr(0), Max: ptr(50)},
		}}}},
	}}
}

func newService(d *db.DB) *survey.Service {
	cat := i18n.New("pl", "en", "uk")
	if err := cat.AddFS(survey.Locales()); err != nil {
		panic(err)
	}
	return &survey.Service{DB: d, Key: []byte("test key for surveys"), Catalog: cat, BaseURL: "https://civitas.test",
		Residents: residents{"resident": {Verified: true, District: 4, BirthDate: time.Date(1990, 1, 2, 0, 0, 0, 0, time.UTC)}, "visitor": {}},
		Now:       func() time.Time { return now }}
}

func wave(t *testing.T, s *survey.Service, slug string, access survey.Access) (*survey.Questionnaire, *survey.Wave) {
	t.Helper()
	q, err := s.CreateQuestionnaire(t.Context(), officer, survey.QuestionnaireInput{Slug: "satisfaction-" + slug, Title: t3("Satysfakcja"), Def: satisfaction()})
	if err != nil {
		t.Fatal(err)
	}
	w, err := s.CreateWave(t.Context(), officer, survey.WaveInput{QuestionnaireID: q.ID, Slug: slug, Name: "2025", Access: access,
		OpensAt: now.Add(-time.Hour), ClosesAt: now.Add(30 * 24 * time.Hour), RemindDays: 7, MaxReminders: 2})
	if err != nil {
		t.Fatal(err)
	}
	return q, w
}

func one(c int) survey.Answer { return survey.Answer{Codes: []int{c}} }

// wantField checks that err refuses field with the message key.
func wantField(t *testing.T, err error, field, msg string) {
	t.Helper()
	if got := apperr.FieldsOf(err)[field]; got != msg {
		t.Errorf("error %v: field %s has %q, want %q", err, field, got, msg)
	}
}

func count(t *testing.T, d *db.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := d.QueryRowContext(t.Context(), query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestDefinitionRefused(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newService(d)
		def := satisfaction()
		def.Sections[1].Pages[0].Questions[0].ShowIf.Question = "courtesy" // same page: not allowed
		def.Sections[0].Pages[0].Questions[1].Key = "NPS!"
		_, err := s.CreateQuestionnaire(t.Context(), officer, survey.QuestionnaireInput{Slug: "x", Title: t3("X"), Def: def})
		wantField(t, err, "why_low", "survey.error.bad_condition")
		wantField(t, err, "NPS!", "survey.error.bad_key")
		if n := count(t, d, `SELECT COUNT(*) FROM survey_questionnaires`); n != 0 {
			t.Errorf("%d questionnaires stored after a refusal", n)
		}
	})
}

// TestAnswerPageByPage: an open-link respondent answers, is refused for
// each kind of bad input with nothing stored, resumes, finishes, and
// cannot answer again.
func TestAnswerPageByPage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newService(d)
		ctx := t.Context()
		_, w := wave(t, s, "open-2025", survey.Anyone)
		who := survey.Respondent{Resume: "resume-secret-0123456789"}
		for _, c := range []struct {
			name         string
			given        map[string]survey.Answer
			field, error string
		}{
			{"NPS out of range", map[string]survey.Answer{"channel": one(1), "nps": one(11)}, "nps", "survey.error.out_of_range"},
			{"option out of range", map[string]survey.Answer{"channel": one(3), "nps": one(5)}, "channel", "survey.error.out_of_range"},
			{"required skipped", map[string]survey.Answer{"channel": one(1)}, "nps", "survey.error.required"},
			{"other without text", map[string]survey.Answer{"channel": one(survey.OtherCode), "nps": one(5)}, "channel", "survey.error.other_text"},
			{"question of another page", map[string]survey.Answer{"channel": one(1), "nps": one(5), "visits": {Number: ptr(1)}}, "visits", "survey.error.not_on_page"},
		} {
			_, err := s.SavePage(ctx, w.Slug, who, 0, c.given)
			wantField(t, err, c.field, c.error)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM survey_answers`); n != 0 {
			t.Fatalf("%d answers stored after refusals", n)
		}
		if _, err := s.SavePage(ctx, w.Slug, who, 1, map[string]survey.Answer{"courtesy": one(3)}); !apperr.Is(err, apperr.Invalid) {
			t.Errorf("page 2 before page 1: %v", err)
		}
		r, err := s.SavePage(ctx, w.Slug, who, 0, map[string]survey.Answer{"channel": one(2), "nps": one(9)})
		if err != nil || r.NextPage != 1 || r.Completed() {
			t.Fatalf("page 1: %+v, %v", r, err)
		}
		// Resume: the same browser gets the same response at page 2.
		r2, _, _, err := s.Start(ctx, w.Slug, who)
		if err != nil || r2.ID != r.ID || r2.NextPage != 1 || r2.Answers["nps"].Codes[0] != 9 {
			t.Fatalf("resume: %+v, %v", r2, err)
		}
		// A promoter does not see why_low: answering it is refused.
		_, err = s.SavePage(ctx, w.Slug, who, 1, map[string]survey.Answer{"why_low": {Text: "kolejka"}, "visits": {Number: ptr(3)}})
		wantField(t, err, "why_low", "survey.error.hidden")
		_, err = s.SavePage(ctx, w.Slug, who, 1, map[string]survey.Answer{"visits": {Number: ptr(51)}, "courtesy": one(6)})
		wantField(t, err, "visits", "survey.error.out_of_range")
		wantField(t, err, "courtesy", "survey.error.out_of_range")
		if n := count(t, d, `SELECT COUNT(*) FROM survey_answers`); n != 2 {
			t.Fatalf("%d answers stored, want the 2 of page 1", n)
		}
		r, err = s.SavePage(ctx, w.Slug, who, 1, map[string]survey.Answer{"visits": {Number: ptr(3)}})
		if err != nil || !r.Completed() {
			t.Fatalf("page 2: %+v, %v", r, err)
		}
		if _, _, _, err := s.Start(ctx, w.Slug, who); !apperr.Is(err, apperr.Conflict) || apperr.MessageOf(err) != "survey.error.already_answered" {
			t.Errorf("answering again: %v", err)
		}
		if _, err := s.SavePage(ctx, w.Slug, who, 0, map[string]survey.Answer{"channel": one(1), "nps": one(0)}); !apperr.Is(err, apperr.Conflict) {
			t.Errorf("changing a finished response: %v", err)
		}
		// A detractor must say why.
		other := survey.Respondent{Resume: "another-secret-0123456789"}
		if _, err := s.SavePage(ctx, w.Slug, other, 0, map[string]survey.Answer{"channel": one(1), "nps": one(3)}); err != nil {
			t.Fatal(err)
		}
		_, err = s.SavePage(ctx, w.Slug, other, 1, map[string]survey.Answer{"courtesy": one(2)})
		wantField(t, err, "why_low", "survey.error.required")
		rs, err := s.Responses(ctx, w.ID)
		if err != nil || len(rs) != 1 || rs[0].Answers["visits"].Number == nil || *rs[0].Answers["visits"].Number != 3 {
			t.Fatalf("completed responses: %+v, %v", rs, err)
		}
	})
}

// TestAnswerPageAgain: going back and answering page 1 again replaces its
// answers and resumes at page 2 (signed-in: the account is the key).
func TestAnswerPageAgain(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newService(d)
		ctx := t.Context()
		_, w := wave(t, s, "back", survey.SignedIn)
		who := survey.Respondent{UserID: "visitor"}
		if _, err := s.SavePage(ctx, w.Slug, who, 0, map[string]survey.Answer{"channel": one(1), "nps": one(2)}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SavePage(ctx, w.Slug, who, 0, map[string]survey.Answer{"channel": one(1), "nps": one(10)}); err != nil {
			t.Fatal(err)
		}
		r, _, _, err := s.Start(ctx, w.Slug, who)
		if err != nil || r.NextPage != 1 || r.Answers["nps"].Codes[0] != 10 {
			t.Fatalf("%+v, %v", r, err)
		}
	})
}

func TestLockedOnceAnswered(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newService(d)
		ctx := t.Context()
		q, w := wave(t, s, "lock", survey.Anyone)
		if _, err := s.UpdateQuestionnaire(ctx, officer, q.ID, t3("Satysfakcja 2"), satisfaction()); err != nil {
			t.Fatalf("before answers: %v", err)
		}
		s.SavePage(ctx, w.Slug, survey.Respondent{Resume: "resume-secret-0123456789"}, 0, map[string]survey.Answer{"channel": one(1), "nps": one(8)})
		_, err := s.UpdateQuestionnaire(ctx, officer, q.ID, t3("Satysfakcja 3"), satisfaction())
		if !apperr.Is(err, apperr.Conflict) || apperr.MessageOf(err) != "survey.error.locked" {
			t.Errorf("after an answer: %v, want locked", err)
		}
		v2, err := s.NewVersion(ctx, officer, q.ID, t3("Satysfakcja 2026"), satisfaction())
		if err != nil || v2.Version != 2 || v2.Slug != q.Slug {
			t.Fatalf("new version: %+v, %v", v2, err)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM audit_log WHERE action LIKE 'survey.questionnaire.%'`); n != 3 {
			t.Errorf("%d questionnaire audit entries, want 3 (create, update, version)", n)
		}
	})
}

func TestAccess(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newService(d)
		ctx := t.Context()
		_, w := wave(t, s, "residents", survey.Verified)
		if _, _, _, err := s.Start(ctx, w.Slug, survey.Respondent{Resume: "resume-secret-0123456789"}); !apperr.Is(err, apperr.Unauthenticated) {
			t.Errorf("no account: %v", err)
		}
		if _, _, _, err := s.Start(ctx, w.Slug, survey.Respondent{UserID: "visitor"}); !apperr.Is(err, apperr.Forbidden) {
			t.Errorf("not verified: %v", err)
		}
		r, _, _, err := s.Start(ctx, w.Slug, survey.Respondent{UserID: "resident"})
		if err != nil || r.District != 4 || r.AgeBand != "35-44" {
			t.Fatalf("resident: %+v, %v", r, err)
		}
		now = now.Add(60 * 24 * time.Hour)
		defer func() { now = now.Add(-60 * 24 * time.Hour) }()
		if _, _, _, err := s.Start(ctx, w.Slug, survey.Respondent{UserID: "resident"}); apperr.MessageOf(err) != "survey.error.closed" {
			t.Errorf("after the close: %v", err)
		}
	})
}

// TestPanel: invitations are mailed through the job queue; a token works
// once; an unknown or forged one is refused; reminders stop after N.
func TestPanel(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newService(d)
		ctx := t.Context()
		_, w := wave(t, s, "panel", survey.Panel)
		if _, err := s.Invite(ctx, officer, w.Slug, []string{"a@example.org", "not an address"}, "pl"); err == nil {
			t.Fatal("a bad address accepted")
		}
		n, err := s.Invite(ctx, officer, w.Slug, []string{"a@example.org", "b@example.org"}, "uk")
		if err != nil || n != 2 {
			t.Fatalf("invite: %d, %v", n, err)
		}
		if m := count(t, d, `SELECT COUNT(*) FROM jobs WHERE kind = 'mail.send' AND payload LIKE '%/surveys/panel?token=%'`); m != 2 {
			t.Errorf("%d invitation mails queued, want 2", m)
		}
		if m := count(t, d, `SELECT COUNT(*) FROM jobs WHERE kind = $1`, survey.JobRemind); m != 1 {
			t.Errorf("%d reminder jobs, want 1", m)
		}
		var idA, idB string
		d.QueryRowContext(ctx, `SELECT id FROM survey_tokens WHERE email = 'a@example.org'`).Scan(&idA)
		d.QueryRowContext(ctx, `SELECT id FROM survey_tokens WHERE email = 'b@example.org'`).Scan(&idB)
		forged := idA + ".0123456789abcdef0123456789abcdef"
		for _, tok := range []string{"", "nonsense", forged, s.Token("no-such-id")} {
			if _, _, _, err := s.Start(ctx, w.Slug, survey.Respondent{Token: tok}); apperr.MessageOf(err) != "survey.error.unknown_token" {
				t.Errorf("token %q: %v, want unknown", tok, err)
			}
		}
		a := survey.Respondent{Token: s.Token(idA)}
		s.SavePage(ctx, w.Slug, a, 0, map[string]survey.Answer{"channel": one(1), "nps": one(10)})
		if _, err := s.SavePage(ctx, w.Slug, a, 1, map[string]survey.Answer{}); err != nil {
			t.Fatal(err)
		}
		if _, _, _, err := s.Start(ctx, w.Slug, a); apperr.MessageOf(err) != "survey.error.used_token" {
			t.Errorf("used token: %v", err)
		}
		before := count(t, d, `SELECT COUNT(*) FROM jobs WHERE kind = 'mail.send'`)
		for range 4 { // 2 reminders at most, then nothing
			if err := s.Remind(ctx, w.ID); err != nil {
				t.Fatal(err)
			}
		}
		if m := count(t, d, `SELECT COUNT(*) FROM jobs WHERE kind = 'mail.send'`) - before; m != 2 {
			t.Errorf("%d reminders sent, want 2 (to b only, stop after 2)", m)
		}
		if m := count(t, d, `SELECT mails_sent FROM survey_tokens WHERE id = $1`, idB); m != 3 {
			t.Errorf("b had %d mails, want 3", m)
		}
		if m := count(t, d, `SELECT COUNT(*) FROM survey_tokens WHERE email <> '' AND used_at IS NOT NULL`); m != 0 {
			t.Errorf("a used token keeps its address")
		}
	})
}

func TestInterviewerEntry(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newService(d)
		ctx := t.Context()
		_, w := wave(t, s, "phone", survey.Verified)
		_, err := s.EnterInterview(ctx, officer, w.Slug, survey.Interview{District: 3, AgeBand: "60-74",
			Answers: map[string]survey.Answer{"channel": one(1), "nps": one(4)}})
		wantField(t, err, "why_low", "survey.error.required")
		_, err = s.EnterInterview(ctx, officer, w.Slug, survey.Interview{AgeBand: "old",
			Answers: map[string]survey.Answer{"channel": one(1), "nps": one(9)}})
		wantField(t, err, "age_band", "survey.error.bad_age_band")
		if n := count(t, d, `SELECT COUNT(*) FROM survey_responses`); n != 0 {
			t.Fatalf("%d responses stored after refusals", n)
		}
		r, err := s.EnterInterview(ctx, officer, w.Slug, survey.Interview{District: 3, AgeBand: "60-74",
			Answers: map[string]survey.Answer{"channel": one(1), "nps": one(4), "why_low": {Text: "długo czekałem"}}})
		if err != nil || r.Channel != survey.Interviewer || !r.Completed() {
			t.Fatalf("%+v, %v", r, err)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM audit_log WHERE action = 'survey.interview.enter' AND actor_id = $1`, officer.ID); n != 1 {
			t.Errorf("%d audit entries for the interview, want 1", n)
		}
	})
}

// TestProfileSection: a signed-in respondent's response is in "my
// profile" and the export; erasing the account cuts the link and keeps
// the answer counted.
func TestProfileSection(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newService(d)
		ctx := t.Context()
		_, w := wave(t, s, "mine", survey.SignedIn)
		who := survey.Respondent{UserID: "visitor"}
		if _, err := s.SavePage(ctx, w.Slug, who, 0, map[string]survey.Answer{"channel": one(1), "nps": one(10)}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SavePage(ctx, w.Slug, who, 1, nil); err != nil {
			t.Fatal(err)
		}
		sec := survey.ProfileSection{S: s}
		items, err := sec.Items(ctx, "visitor")
		if err != nil || len(items) != 1 || items[0].URL != "/surveys/mine" {
			t.Fatalf("items %+v, %v", items, err)
		}
		if other, _ := sec.Items(ctx, "resident"); len(other) != 0 {
			t.Errorf("another account sees %+v", other)
		}
		data, err := sec.PersonalData(ctx, "visitor")
		if mine := data.([]survey.MyResponse); err != nil || len(mine) != 1 || mine[0].Answers["nps"].Codes[0] != 10 {
			t.Errorf("export %+v, %v", data, err)
		}
		if err := d.InTx(ctx, func(tx *sql.Tx) error { return sec.Erase(ctx, tx, "visitor") }); err != nil {
			t.Fatal(err)
		}
		if items, _ := sec.Items(ctx, "visitor"); len(items) != 0 {
			t.Errorf("after erasure: %+v", items)
		}
		if rs, _ := s.Responses(ctx, w.ID); len(rs) != 1 {
			t.Errorf("%d responses counted after erasure, want 1", len(rs))
		}
	})
}
