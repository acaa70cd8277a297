package survey

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"net/mail"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/audit"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/i18n"
	"github.com/civitas-city/civitas/internal/jobs"
	cmail "github.com/civitas-city/civitas/internal/mail"
)

// Service is the logic of surveys.
type Service struct {
	DB *db.DB
	// Key (CIVITAS_SECRET_KEY) keys the panel tokens and the hashes that
	// make a respondent answer once.
	Key       []byte
	Residents Residents
	// Catalog and BaseURL make the invitation mails.
	Catalog *i18n.Catalog
	BaseURL string
	// Population gives the register's counts for weighting; nil: results
	// are unweighted.
	Population Population
	// MinCell is the smallest count published (k); smaller cells are
	// suppressed. 0 means 5.
	MinCell int
	// CaseFeedback gives the reports' satisfaction answers after closed
	// cases; nil: none.
	CaseFeedback CaseFeedback
	Log          *slog.Logger
	Now          func() time.Time

	ans answering // the answering path's cache and writer (write.go)
}

// Actor is who does something, for the audit log.
type Actor struct {
	ID, Name, RequestID string
}

// JobRemind is the job that sends a wave's reminders.
const JobRemind = "survey.remind"

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

func (s *Service) mac(purpose string, parts ...string) string {
	h := hmac.New(sha256.New, s.Key)
	h.Write([]byte(purpose))
	for _, p := range parts {
		h.Write([]byte{0})
		h.Write([]byte(p))
	}
	return hex.EncodeToString(h.Sum(nil))
}

func (s *Service) record(ctx context.Context, q db.Querier, a Actor, action, targetType, targetID string, details map[string]string) error {
	return audit.Record(ctx, q, audit.Entry{At: s.now(), ActorID: a.ID, ActorLabel: a.Name, Action: action,
		TargetType: targetType, TargetID: targetID, Details: details, RequestID: a.RequestID})
}

var slugRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// QuestionnaireInput is what an officer writes.
type QuestionnaireInput struct {
	Slug  string
	Title Text
	Def   Definition
}

func (in QuestionnaireInput) check() error {
	bad := apperr.Fields{}
	if !slugRE.MatchString(in.Slug) || len(in.Slug) > 60 {
		bad["slug"] = "survey.error.bad_slug"
	}
	if strings.TrimSpace(in.Title.In("pl")) == "" {
		bad["title"] = "survey.error.no_title"
	}
	if err := in.Def.Validate(); err != nil {
		for k, v := range apperr.FieldsOf(err) {
			bad[k] = v
		}
	}
	return bad.Err()
}

// CreateQuestionnaire makes version 1 of a new questionnaire. Audited.
func (s *Service) CreateQuestionnaire(ctx context.Context, a Actor, in QuestionnaireInput) (*Questionnaire, error) {
	if err := in.check(); err != nil {
		return nil, err
	}
	now := s.now()
	x := &Questionnaire{ID: db.NewID(), Slug: in.Slug, Version: 1, Title: in.Title, Def: in.Def, CreatedBy: a.ID, CreatedAt: now, UpdatedAt: now}
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if v, err := latestVersion(ctx, tx, in.Slug); err != nil {
			return err
		} else if v > 0 {
			return apperr.Fieldf("slug", "survey.error.slug_taken")
		}
		if err := insertQuestionnaire(ctx, tx, x); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "survey.questionnaire.create", "survey_questionnaire", x.ID, map[string]string{"slug": x.Slug})
	})
	if err != nil {
		return nil, err
	}
	return x, nil
}

// Questionnaire returns a questionnaire version by id.
func (s *Service) Questionnaire(ctx context.Context, id string) (*Questionnaire, error) {
	x, err := loadQuestionnaire(ctx, s.DB, id)
	if apperr.Is(err, apperr.NotFound) {
		return nil, apperr.E(apperr.NotFound, "survey.error.no_questionnaire")
	}
	return x, err
}

// Questionnaires lists every version of every questionnaire.
func (s *Service) Questionnaires(ctx context.Context) ([]*Questionnaire, error) {
	return listQuestionnaires(ctx, s.DB)
}

// Locked reports whether a questionnaire version has responses, and so
// can no longer change.
func (s *Service) Locked(ctx context.Context, id string) (bool, error) {
	return hasResponses(ctx, s.DB, id)
}

// UpdateQuestionnaire changes a version that has no responses yet; one
// with responses is locked (make a new version instead). Audited.
func (s *Service) UpdateQuestionnaire(ctx context.Context, a Actor, id string, title Text, def Definition) (*Questionnaire, error) {
	var x *Questionnaire
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		if x, err = loadQuestionnaire(ctx, tx, id); err != nil {
			return err
		}
		if err := (QuestionnaireInput{Slug: x.Slug, Title: title, Def: def}).check(); err != nil {
			return err
		}
		if locked, err := hasResponses(ctx, tx, id); err != nil {
			return err
		} else if locked {
			return apperr.E(apperr.Conflict, "survey.error.locked")
		}
		x.Title, x.Def, x.UpdatedAt = title, def, s.now()
		if err := updateQuestionnaire(ctx, tx, x); err != nil {
			return err
		}
		s.forget()
		return s.record(ctx, tx, a, "survey.questionnaire.update", "survey_questionnaire", x.ID, nil)
	})
	if err != nil {
		return nil, err
	}
	return x, nil
}

// NewVersion makes the next version of a questionnaire with the given
// content (questions keep their keys, so waves compare). Audited.
func (s *Service) NewVersion(ctx context.Context, a Actor, id string, title Text, def Definition) (*Questionnaire, error) {
	var x *Questionnaire
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		prev, err := loadQuestionnaire(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := (QuestionnaireInput{Slug: prev.Slug, Title: title, Def: def}).check(); err != nil {
			return err
		}
		v, err := latestVersion(ctx, tx, prev.Slug)
		if err != nil {
			return err
		}
		now := s.now()
		x = &Questionnaire{ID: db.NewID(), Slug: prev.Slug, Version: v + 1, Title: title, Def: def, CreatedBy: a.ID, CreatedAt: now, UpdatedAt: now}
		if err := insertQuestionnaire(ctx, tx, x); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "survey.questionnaire.version", "survey_questionnaire", x.ID,
			map[string]string{"slug": x.Slug, "from": prev.ID})
	})
	if err != nil {
		return nil, err
	}
	return x, nil
}

// WaveInput is a new wave.
type WaveInput struct {
	QuestionnaireID string
	Slug, Name      string
	Access          Access
	OpensAt         time.Time
	ClosesAt        time.Time
	RemindDays      int
	MaxReminders    int
}

// CreateWave starts a wave of a questionnaire version. Audited.
func (s *Service) CreateWave(ctx context.Context, a Actor, in WaveInput) (*Wave, error) {
	bad := apperr.Fields{}
	if !slugRE.MatchString(in.Slug) || len(in.Slug) > 60 {
		bad["slug"] = "survey.error.bad_slug"
	}
	if strings.TrimSpace(in.Name) == "" {
		bad["name"] = "survey.error.no_name"
	}
	switch in.Access {
	case Anyone, SignedIn, Verified, Panel:
	default:
		bad["access"] = "survey.error.bad_access"
	}
	if in.OpensAt.IsZero() {
		bad["opens_at"] = "survey.error.no_date"
	}
	if !in.ClosesAt.IsZero() && !in.ClosesAt.After(in.OpensAt) {
		bad["closes_at"] = "survey.error.closes_before"
	}
	if in.RemindDays < 0 || in.RemindDays > 60 || in.MaxReminders < 0 || in.MaxReminders > 5 {
		bad["reminders"] = "survey.error.reminders"
	}
	if err := bad.Err(); err != nil {
		return nil, err
	}
	w := &Wave{ID: db.NewID(), QuestionnaireID: in.QuestionnaireID, Slug: in.Slug, Name: strings.TrimSpace(in.Name), Access: in.Access,
		OpensAt: in.OpensAt, ClosesAt: in.ClosesAt, RemindDays: in.RemindDays, MaxReminders: in.MaxReminders, CreatedBy: a.ID, CreatedAt: s.now()}
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := loadQuestionnaire(ctx, tx, in.QuestionnaireID); apperr.Is(err, apperr.NotFound) {
			return apperr.E(apperr.NotFound, "survey.error.no_questionnaire")
		} else if err != nil {
			return err
		}
		if err := insertWave(ctx, tx, w); apperr.Is(err, apperr.Conflict) {
			return apperr.Fieldf("slug", "survey.error.slug_taken")
		} else if err != nil {
			return err
		}
		return s.record(ctx, tx, a, "survey.wave.create", "survey_wave", w.ID, map[string]string{"slug": w.Slug, "access": string(w.Access)})
	})
	if err != nil {
		return nil, err
	}
	return w, nil
}

// Wave returns a wave by slug with its questionnaire version.
func (s *Service) Wave(ctx context.Context, slug string) (*Wave, *Questionnaire, error) {
	w, err := loadWave(ctx, s.DB, "slug", slug)
	if apperr.Is(err, apperr.NotFound) {
		return nil, nil, apperr.E(apperr.NotFound, "survey.error.no_wave")
	}
	if err != nil {
		return nil, nil, err
	}
	q, err := loadQuestionnaire(ctx, s.DB, w.QuestionnaireID)
	return w, q, err
}

// Waves lists the waves of every version of a questionnaire, oldest first.
func (s *Service) Waves(ctx context.Context, questionnaireSlug string) ([]*Wave, error) {
	return listWaves(ctx, s.DB, questionnaireSlug)
}

// CloseWave ends a wave now. Audited.
func (s *Service) CloseWave(ctx context.Context, a Actor, slug string) error {
	w, _, err := s.Wave(ctx, slug)
	if err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if err := closeWave(ctx, tx, w.ID, s.now()); err != nil {
			return err
		}
		s.forget()
		return s.record(ctx, tx, a, "survey.wave.close", "survey_wave", w.ID, nil)
	})
}

// Invite makes a single-use token for each address and mails it through
// the job queue, in lang; reminders follow every RemindDays days, at most
// MaxReminders times, while the token is unused and the wave open. Only a
// panel wave takes invitations. Audited (the count, not the addresses).
func (s *Service) Invite(ctx context.Context, a Actor, waveSlug string, emails []string, lang string) (int, error) {
	w, q, err := s.Wave(ctx, waveSlug)
	if err != nil {
		return 0, err
	}
	if w.Access != Panel {
		return 0, apperr.E(apperr.Invalid, "survey.error.not_panel")
	}
	if s.Catalog == nil || !s.Catalog.Supports(lang) {
		return 0, apperr.Fieldf("lang", "survey.error.bad_lang")
	}
	var list []string
	for _, e := range emails {
		e = strings.TrimSpace(e)
		if e == "" {
			continue
		}
		if addr, err := mail.ParseAddress(e); err != nil || addr.Address != e {
			return 0, apperr.Fieldf("emails", "survey.error.bad_email")
		}
		list = append(list, e)
	}
	if len(list) == 0 {
		return 0, apperr.Fieldf("emails", "survey.error.no_emails")
	}
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		for _, e := range list {
			t := token{ID: db.NewID(), WaveID: w.ID, Email: e, Lang: lang, MailsSent: 1}
			if err := insertToken(ctx, tx, t, s.now()); err != nil {
				return err
			}
			if err := s.mailToken(ctx, tx, w, q, t, "invite"); err != nil {
				return err
			}
		}
		if err := s.scheduleReminders(ctx, tx, w); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "survey.panel.invite", "survey_wave", w.ID, map[string]string{"count": strconv.Itoa(len(list))})
	})
	if err != nil {
		return 0, err
	}
	return len(list), nil
}

// Token is the token a panel member answers with: the invitation's id and
// its MAC.
func (s *Service) Token(tokenID string) string {
	return tokenID + "." + s.mac("survey-token", tokenID)[:32]
}

// tokenID checks a token and returns its invitation's id.
func (s *Service) tokenID(tok string) (string, bool) {
	id, mac, ok := strings.Cut(tok, ".")
	return id, ok && len(mac) == 32 && hmac.Equal([]byte(mac), []byte(s.mac("survey-token", id)[:32]))
}

func (s *Service) mailToken(ctx context.Context, q db.Querier, w *Wave, x *Questionnaire, t token, kind string) error {
	link := s.BaseURL + "/surveys/" + w.Slug + "?token=" + s.Token(t.ID)
	return cmail.Enqueue(ctx, q, cmail.Message{To: t.Email,
		Subject: s.Catalog.T(t.Lang, "survey.mail."+kind+".subject", x.Title.In(t.Lang)),
		Text:    s.Catalog.T(t.Lang, "survey.mail."+kind+".body", x.Title.In(t.Lang)) + "\n\n" + link + "\n"})
}

func (s *Service) scheduleReminders(ctx context.Context, q db.Querier, w *Wave) error {
	if w.RemindDays <= 0 || w.MaxReminders <= 0 {
		return nil
	}
	return jobs.Enqueue(ctx, q, JobRemind, remindJob{WaveID: w.ID},
		jobs.Options{RunAt: s.now().Add(time.Duration(w.RemindDays) * 24 * time.Hour), DedupeKey: JobRemind + ":" + w.ID})
}

type remindJob struct {
	WaveID string `json:"wave_id"`
}

// Remind mails a reminder to every unused invitation of the wave that has
// had fewer than MaxReminders, and schedules the next round while some
// remain; nothing once the wave is closed.
func (s *Service) Remind(ctx context.Context, waveID string) error {
	w, err := loadWave(ctx, s.DB, "id", waveID)
	if apperr.Is(err, apperr.NotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if !w.Open(s.now()) {
		return nil
	}
	x, err := loadQuestionnaire(ctx, s.DB, w.QuestionnaireID)
	if err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		due, err := tokensToRemind(ctx, tx, w.ID, w.MaxReminders)
		if err != nil {
			return err
		}
		more := false
		for _, t := range due {
			if err := s.mailToken(ctx, tx, w, x, t, "remind"); err != nil {
				return err
			}
			if err := countMail(ctx, tx, t.ID); err != nil {
				return err
			}
			more = more || t.MailsSent+1 < 1+w.MaxReminders
		}
		if more {
			return s.scheduleReminders(ctx, tx, w)
		}
		return nil
	})
}

// RemindHandler runs JobRemind.
func (s *Service) RemindHandler() jobs.Handler {
	return func(ctx context.Context, j jobs.Job) error {
		var p remindJob
		if err := json.Unmarshal(j.Payload, &p); err != nil || p.WaveID == "" {
			return &jobs.PermanentError{Err: err}
		}
		return s.Remind(ctx, p.WaveID)
	}
}

// Population gives the register's counts of residents by district and
// age band (internal/accounts/census through app), for weighting.
type Population interface {
	Counts(ctx context.Context, now time.Time) ([]PopulationCount, error)
}

// WaveSummary is a wave with its questionnaire and counts.
type WaveSummary struct {
	Wave               *Wave
	Questionnaire      *Questionnaire
	Started, Completed int
}

// AllWaves lists every wave with its questionnaire, newest first.
func (s *Service) AllWaves(ctx context.Context) ([]WaveSummary, error) {
	ws, err := listAllWaves(ctx, s.DB)
	if err != nil {
		return nil, err
	}
	out := make([]WaveSummary, 0, len(ws))
	for _, w := range ws {
		q, err := loadQuestionnaire(ctx, s.DB, w.QuestionnaireID)
		if err != nil {
			return nil, err
		}
		ws := WaveSummary{Wave: w, Questionnaire: q}
		if ws.Started, ws.Completed, err = countResponses(ctx, s.DB, w.ID); err != nil {
			return nil, err
		}
		out = append(out, ws)
	}
	return out, nil
}

// WaveResults are a wave's results, weighted when the register allows.
type WaveResults struct {
	Wave          *Wave
	Questionnaire *Questionnaire
	Responses     []*Response
	Weighting     Weighting
	Results       []Result
}

// Results analyzes a wave's completed responses in lang.
func (s *Service) Results(ctx context.Context, w *Wave, x *Questionnaire, lang string) (*WaveResults, error) {
	rs, err := completedResponses(ctx, s.DB, w.ID)
	if err != nil {
		return nil, err
	}
	out := &WaveResults{Wave: w, Questionnaire: x, Responses: rs, Weighting: Weighting{Problem: "survey.results.unweighted_population"}}
	if s.Population != nil {
		pop, err := s.Population.Counts(ctx, s.now())
		if err != nil {
			return nil, err
		}
		out.Weighting = Weigh(rs, pop)
	}
	out.Results = Analyze(x.Def, rs, out.Weighting.Weights, lang, s.minCell())
	return out, nil
}

// minCell is the smallest count published: cells below it are suppressed.
func (s *Service) minCell() int {
	if s.MinCell > 0 {
		return s.MinCell
	}
	return 5
}

// Previous is the wave of the same questionnaire (any version) that ran
// before w, or nil.
func (s *Service) Previous(ctx context.Context, w *Wave, x *Questionnaire) (*Wave, *Questionnaire, error) {
	ws, err := listWaves(ctx, s.DB, x.Slug)
	if err != nil {
		return nil, nil, err
	}
	var prev *Wave
	for _, o := range ws {
		if o.ID != w.ID && o.OpensAt.Before(w.OpensAt) {
			prev = o
		}
	}
	if prev == nil {
		return nil, nil, nil
	}
	px, err := loadQuestionnaire(ctx, s.DB, prev.QuestionnaireID)
	return prev, px, err
}
