package survey

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"maps"
	"slices"
	"strconv"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/db"
)

// respondent checks who may answer a wave and returns the key that makes
// them answer once, their residency when known, and their token's id for
// a panel wave.
func (s *Service) respondent(ctx context.Context, w *Wave, who Respondent) (key string, res Residency, tokenID string, err error) {
	if w.Access == Panel {
		id, ok := s.tokenID(who.Token)
		if !ok {
			return "", res, "", apperr.E(apperr.NotFound, "survey.error.unknown_token")
		}
		t, err := loadToken(ctx, s.DB, id)
		if apperr.Is(err, apperr.NotFound) || err == nil && t.WaveID != w.ID {
			return "", res, "", apperr.E(apperr.NotFound, "survey.error.unknown_token")
		}
		if err != nil {
			return "", res, "", err
		}
		if t.Used {
			return "", res, "", apperr.E(apperr.Conflict, "survey.error.used_token")
		}
		return "token:" + id, res, id, nil
	}
	if who.UserID != "" && s.Residents != nil {
		if res, err = s.Residents.Residency(ctx, who.UserID); err != nil {
			return "", res, "", err
		}
	}
	switch {
	case who.UserID != "" && (w.Access != Verified || res.Verified):
		return "user:" + s.mac("survey-respondent", w.ID, who.UserID), res, "", nil
	case w.Access == Verified && who.UserID != "":
		return "", res, "", apperr.E(apperr.Forbidden, "survey.error.residents_only")
	case w.Access != Anyone:
		return "", res, "", apperr.E(apperr.Unauthenticated, "survey.error.sign_in")
	case len(who.Resume) < 16:
		return "", res, "", apperr.E(apperr.Invalid, "survey.error.no_resume")
	}
	sum := sha256.Sum256([]byte(who.Resume))
	return "anon:" + hex.EncodeToString(sum[:]), res, "", nil
}

// Start returns the respondent's response in a wave to resume where they
// stopped, or a new one (not stored until its first page is: a GET
// changes nothing). A finished one is a conflict: a respondent answers
// once.
func (s *Service) Start(ctx context.Context, waveSlug string, who Respondent) (*Response, *Wave, *Questionnaire, error) {
	w, x, err := s.cachedWave(ctx, waveSlug)
	if err != nil {
		return nil, nil, nil, err
	}
	now := s.now()
	if !w.Open(now) {
		return nil, w, x, apperr.E(apperr.Conflict, "survey.error.closed")
	}
	key, res, _, err := s.respondent(ctx, w, who)
	if err != nil {
		return nil, w, x, err
	}
	r, err := findResponse(ctx, s.DB, w.ID, key)
	switch {
	case apperr.Is(err, apperr.NotFound):
		r = &Response{WaveID: w.ID, Channel: Online, StartedAt: now, Answers: map[string]Answer{}}
		if res.Verified {
			r.District, r.AgeBand = res.District, AgeBand(res.BirthDate, now)
		}
	case err != nil:
		return nil, w, x, err
	case r.Completed():
		return nil, w, x, apperr.E(apperr.Conflict, "survey.error.already_answered")
	}
	r.Seed = s.mac("survey-order", key)
	return r, w, x, nil
}

// SavePage checks and stores the answers to page p (0-based) of the
// respondent's response and moves it to the next page; after the last it
// is complete (a panel token is then used up). A page may be answered
// again (back): the answers of the pages after it are cleared, as they may
// depend on it. Any problem refuses the whole page and stores nothing:
// an answer out of range, a required question skipped, a question hidden
// by its condition answered anyway, a used or unknown token. The answer
// is given once the page is durably committed (shared with concurrent
// respondents' pages, see write.go).
func (s *Service) SavePage(ctx context.Context, waveSlug string, who Respondent, p int, given map[string]Answer) (*Response, error) {
	w, x, err := s.cachedWave(ctx, waveSlug)
	if err != nil {
		return nil, err
	}
	now := s.now()
	if !w.Open(now) {
		return nil, apperr.E(apperr.Conflict, "survey.error.closed")
	}
	key, res, tokenID, err := s.respondent(ctx, w, who)
	if err != nil {
		return nil, err
	}
	q := s.ans.stmts.Querier(s.DB, nil)
	r, err := findResponseOnly(ctx, q, w.ID, key)
	create := apperr.Is(err, apperr.NotFound)
	switch {
	case create:
		r = &Response{ID: db.NewID(), WaveID: w.ID, Channel: Online, StartedAt: now, Answers: map[string]Answer{}}
		if res.Verified {
			r.District, r.AgeBand = res.District, AgeBand(res.BirthDate, now)
		}
	case err != nil:
		return nil, err
	case r.Completed():
		return nil, apperr.E(apperr.Conflict, "survey.error.already_answered")
	case p > 0:
		if r.Answers, err = answersOf(ctx, q, r.ID); err != nil {
			return nil, err
		}
	default:
		r.Answers = map[string]Answer{} // page 1 depends on no earlier answer
	}
	if p > r.NextPage {
		return nil, apperr.E(apperr.Invalid, "survey.error.page_ahead")
	}
	if err := x.Def.CheckPage(p, answersBefore(x.Def, r.Answers, p), given); err != nil {
		return nil, err
	}
	r.NextPage, r.UpdatedAt = p+1, now
	if r.NextPage == len(x.Def.Pages()) {
		r.CompletedAt = now
	}
	write := pageWrite{r: r, create: create, respondent: key, given: given, tokenID: tokenID}
	if !create {
		write.clear = keysFrom(x.Def, p)
	}
	if _, err := s.pageWriter().Do(write); err != nil {
		return nil, err
	}
	for _, k := range keysFrom(x.Def, p) {
		delete(r.Answers, k)
	}
	maps.Copy(r.Answers, given)
	return r, nil
}

// answersBefore are the answers to the questions of the pages before p.
func answersBefore(d Definition, all map[string]Answer, p int) map[string]Answer {
	out := map[string]Answer{}
	for _, q := range d.Questions() {
		if a, ok := all[q.Key]; ok && q.Page < p {
			out[q.Key] = a
		}
	}
	return out
}

// keysFrom are the keys of the questions on page p and after.
func keysFrom(d Definition, p int) []string {
	var out []string
	for _, q := range d.Questions() {
		if q.Page >= p {
			out = append(out, q.Key)
		}
	}
	return out
}

// Interview is a respondent's answers entered by an officer from paper or
// a phone call, with what the respondent said of their district and age
// (for weighting; 0 and "" when not asked).
type Interview struct {
	Answers  map[string]Answer
	District int
	AgeBand  string
}

// EnterInterview stores a whole response entered by an officer: checked
// page by page like one answered online, stored complete, channel
// interviewer, audited. The wave may be of any access, but must be open.
func (s *Service) EnterInterview(ctx context.Context, a Actor, waveSlug string, in Interview) (*Response, error) {
	w, x, err := s.Wave(ctx, waveSlug)
	if err != nil {
		return nil, err
	}
	now := s.now()
	if !w.Open(now) {
		return nil, apperr.E(apperr.Conflict, "survey.error.closed")
	}
	if in.AgeBand != "" && !slices.Contains(AgeBands, in.AgeBand) {
		return nil, apperr.Fieldf("age_band", "survey.error.bad_age_band")
	}
	if in.District < 0 {
		return nil, apperr.Fieldf("district", "survey.error.bad_district")
	}
	bad := apperr.Fields{}
	for p := range x.Def.Pages() {
		onPage := map[string]Answer{}
		for _, q := range x.Def.Pages()[p].Questions {
			if ans, ok := in.Answers[q.Key]; ok {
				onPage[q.Key] = ans
			}
		}
		if err := x.Def.CheckPage(p, answersBefore(x.Def, in.Answers, p), onPage); err != nil {
			maps.Copy(bad, apperr.FieldsOf(err))
		}
	}
	for k := range in.Answers {
		if _, ok := x.Def.Question(k); !ok {
			bad[k] = "survey.error.not_on_page"
		}
	}
	if err := bad.Err(); err != nil {
		return nil, err
	}
	r := &Response{ID: db.NewID(), WaveID: w.ID, Channel: Interviewer, EnteredBy: a.ID, District: in.District, AgeBand: in.AgeBand,
		NextPage: len(x.Def.Pages()), StartedAt: now, UpdatedAt: now, CompletedAt: now, Answers: in.Answers}
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if err := insertResponse(ctx, tx, r, "interview:"+r.ID); err != nil {
			return err
		}
		if err := saveAnswers(ctx, tx, r.ID, keysFrom(x.Def, 0), in.Answers); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "survey.interview.enter", "survey_response", r.ID,
			map[string]string{"wave": w.Slug, "answers": strconv.Itoa(len(in.Answers))})
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// Responses are a wave's completed responses with their answers.
func (s *Service) Responses(ctx context.Context, waveID string) ([]*Response, error) {
	return completedResponses(ctx, s.DB, waveID)
}

// Counts are a wave's started and completed responses.
func (s *Service) Counts(ctx context.Context, waveID string) (started, completed int, err error) {
	return countResponses(ctx, s.DB, waveID)
}
