package survey

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/civitas-city/civitas/internal/db"
)

// The SQL of questionnaires, waves, tokens, responses and answers.

const questionnaireCols = `id, slug, version, title, definition, created_by, created_at, updated_at`

func scanQuestionnaire(row db.Scanner) (*Questionnaire, error) {
	var (
		q                Questionnaire
		title, def       string
		created, updated db.Time
	)
	if err := row.Scan(&q.ID, &q.Slug, &q.Version, &title, &def, &q.CreatedBy, &created, &updated); err != nil {
		return nil, db.MapError(err)
	}
	if err := json.Unmarshal([]byte(title), &q.Title); err != nil {
		return nil, fmt.Errorf("survey: questionnaire %s title: %w", q.ID, err)
	}
	if err := json.Unmarshal([]byte(def), &q.Def); err != nil {
		return nil, fmt.Errorf("survey: questionnaire %s definition: %w", q.ID, err)
	}
	q.CreatedAt, q.UpdatedAt = created.Time, updated.Time
	return &q, nil
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only plain data is marshalled here
	}
	return string(b)
}

func insertQuestionnaire(ctx context.Context, q db.Querier, x *Questionnaire) error {
	_, err := q.ExecContext(ctx, `INSERT INTO survey_questionnaires (`+questionnaireCols+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, x.ID, x.Slug, x.Version, mustJSON(x.Title), mustJSON(x.Def),
		x.CreatedBy, db.TS(x.CreatedAt), db.TS(x.UpdatedAt))
	if err != nil {
		return fmt.Errorf("survey: insert questionnaire: %w", db.MapError(err))
	}
	return nil
}

func updateQuestionnaire(ctx context.Context, q db.Querier, x *Questionnaire) error {
	_, err := q.ExecContext(ctx, `UPDATE survey_questionnaires SET title = $1, definition = $2, updated_at = $3 WHERE id = $4`,
		mustJSON(x.Title), mustJSON(x.Def), db.TS(x.UpdatedAt), x.ID)
	if err != nil {
		return fmt.Errorf("survey: update questionnaire: %w", err)
	}
	return nil
}

func loadQuestionnaire(ctx context.Context, q db.Querier, id string) (*Questionnaire, error) {
	x, err := scanQuestionnaire(q.QueryRowContext(ctx, `SELECT `+questionnaireCols+` FROM survey_questionnaires WHERE id = $1`, id))
	if err != nil {
		return nil, fmt.Errorf("survey: questionnaire: %w", err)
	}
	return x, nil
}

func latestVersion(ctx context.Context, q db.Querier, slug string) (int, error) {
	var v int
	err := q.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM survey_questionnaires WHERE slug = $1`, slug).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("survey: latest version: %w", err)
	}
	return v, nil
}

func listQuestionnaires(ctx context.Context, q db.Querier) ([]*Questionnaire, error) {
	return db.Query(ctx, q, scanQuestionnaire, `SELECT `+questionnaireCols+` FROM survey_questionnaires ORDER BY slug, version DESC`)
}

// hasResponses reports whether any wave of the questionnaire has a response.
func hasResponses(ctx context.Context, q db.Querier, questionnaireID string) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM survey_responses r JOIN survey_waves w ON w.id = r.wave_id
		WHERE w.questionnaire_id = $1`, questionnaireID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("survey: count responses: %w", err)
	}
	return n > 0, nil
}

const waveCols = `id, questionnaire_id, slug, name, access, opens_at, closes_at, remind_days, max_reminders, created_by, created_at`

func scanWave(row db.Scanner) (*Wave, error) {
	var (
		w             Wave
		access        string
		opens, create db.Time
		closes        db.NullTime
	)
	if err := row.Scan(&w.ID, &w.QuestionnaireID, &w.Slug, &w.Name, &access, &opens, &closes, &w.RemindDays, &w.MaxReminders,
		&w.CreatedBy, &create); err != nil {
		return nil, db.MapError(err)
	}
	w.Access, w.OpensAt, w.ClosesAt, w.CreatedAt = Access(access), opens.Time, closes.Time, create.Time
	return &w, nil
}

func insertWave(ctx context.Context, q db.Querier, w *Wave) error {
	_, err := q.ExecContext(ctx, `INSERT INTO survey_waves (`+waveCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		w.ID, w.QuestionnaireID, w.Slug, w.Name, string(w.Access), db.TS(w.OpensAt), db.NullTimeOf(w.ClosesAt),
		w.RemindDays, w.MaxReminders, w.CreatedBy, db.TS(w.CreatedAt))
	if err != nil {
		return fmt.Errorf("survey: insert wave: %w", db.MapError(err))
	}
	return nil
}

func loadWave(ctx context.Context, q db.Querier, col, value string) (*Wave, error) {
	w, err := scanWave(q.QueryRowContext(ctx, `SELECT `+waveCols+` FROM survey_waves WHERE `+col+` = $1`, value))
	if err != nil {
		return nil, fmt.Errorf("survey: wave: %w", err)
	}
	return w, nil
}

func listWaves(ctx context.Context, q db.Querier, questionnaireSlug string) ([]*Wave, error) {
	return db.Query(ctx, q, scanWave, `SELECT `+prefixed("w.", waveCols)+` FROM survey_waves w
		JOIN survey_questionnaires q ON q.id = w.questionnaire_id WHERE q.slug = $1 ORDER BY w.opens_at, w.id`, questionnaireSlug)
}

func closeWave(ctx context.Context, q db.Querier, id string, at time.Time) error {
	if _, err := q.ExecContext(ctx, `UPDATE survey_waves SET closes_at = $1 WHERE id = $2`, db.TS(at), id); err != nil {
		return fmt.Errorf("survey: close wave: %w", err)
	}
	return nil
}

// prefixed puts p before every column of a column list.
func prefixed(p, cols string) string {
	out := p
	for _, c := range cols {
		out += string(c)
		if c == ' ' {
			out += p
		}
	}
	return out
}

// token is a panel invitation.
type token struct {
	ID, WaveID, Email, Lang string
	MailsSent               int
	Used                    bool
}

func insertToken(ctx context.Context, q db.Querier, t token, at time.Time) error {
	_, err := q.ExecContext(ctx, `INSERT INTO survey_tokens (id, wave_id, email, lang, mails_sent, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		t.ID, t.WaveID, t.Email, t.Lang, t.MailsSent, db.TS(at))
	if err != nil {
		return fmt.Errorf("survey: insert token: %w", err)
	}
	return nil
}

func loadToken(ctx context.Context, q db.Querier, id string) (token, error) {
	var (
		t    token
		used db.NullTime
	)
	err := q.QueryRowContext(ctx, `SELECT id, wave_id, email, lang, mails_sent, used_at FROM survey_tokens WHERE id = $1`, id).
		Scan(&t.ID, &t.WaveID, &t.Email, &t.Lang, &t.MailsSent, &used)
	t.Used = used.Valid
	return t, db.MapError(err)
}

// tokensToRemind are the wave's unused invitations that have had fewer than
// 1 + maxReminders mails.
func tokensToRemind(ctx context.Context, q db.Querier, waveID string, maxReminders int) ([]token, error) {
	return db.Query(ctx, q, func(row db.Scanner) (token, error) {
		var t token
		err := row.Scan(&t.ID, &t.WaveID, &t.Email, &t.Lang, &t.MailsSent)
		return t, err
	}, `SELECT id, wave_id, email, lang, mails_sent FROM survey_tokens
		WHERE wave_id = $1 AND used_at IS NULL AND email <> '' AND mails_sent < $2 ORDER BY id`, waveID, 1+maxReminders)
}

func countMail(ctx context.Context, q db.Querier, tokenID string) error {
	if _, err := q.ExecContext(ctx, `UPDATE survey_tokens SET mails_sent = mails_sent + 1 WHERE id = $1`, tokenID); err != nil {
		return fmt.Errorf("survey: count mail: %w", err)
	}
	return nil
}

// useToken marks a token used; false when it already was.
func useToken(ctx context.Context, q db.Querier, id string, at time.Time) (bool, error) {
	res, err := q.ExecContext(ctx, `UPDATE survey_tokens SET used_at = $1, email = '' WHERE id = $2 AND used_at IS NULL`, db.TS(at), id)
	if err != nil {
		return false, fmt.Errorf("survey: use token: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

const responseCols = `id, wave_id, channel, entered_by, district, age_band, next_page, started_at, updated_at, completed_at`

func scanResponse(row db.Scanner) (*Response, error) {
	var (
		r                Response
		started, updated db.Time
		completed        db.NullTime
	)
	if err := row.Scan(&r.ID, &r.WaveID, &r.Channel, &r.EnteredBy, &r.District, &r.AgeBand, &r.NextPage,
		&started, &updated, &completed); err != nil {
		return nil, db.MapError(err)
	}
	r.StartedAt, r.UpdatedAt, r.CompletedAt = started.Time, updated.Time, completed.Time
	return &r, nil
}

func insertResponse(ctx context.Context, q db.Querier, r *Response, respondent string) error {
	_, err := q.ExecContext(ctx, `INSERT INTO survey_responses (id, wave_id, respondent, channel, entered_by, district, age_band,
		next_page, started_at, updated_at, completed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		r.ID, r.WaveID, respondent, r.Channel, r.EnteredBy, r.District, r.AgeBand, r.NextPage,
		db.TS(r.StartedAt), db.TS(r.UpdatedAt), db.NullTimeOf(r.CompletedAt))
	if err != nil {
		return fmt.Errorf("survey: insert response: %w", db.MapError(err))
	}
	return nil
}

func findResponse(ctx context.Context, q db.Querier, waveID, respondent string) (*Response, error) {
	r, err := scanResponse(q.QueryRowContext(ctx, `SELECT `+responseCols+` FROM survey_responses WHERE wave_id = $1 AND respondent = $2`,
		waveID, respondent))
	if err != nil {
		return nil, fmt.Errorf("survey: response: %w", err)
	}
	r.Answers, err = answersOf(ctx, q, r.ID)
	return r, err
}

func answersOf(ctx context.Context, q db.Querier, responseID string) (map[string]Answer, error) {
	out := map[string]Answer{}
	err := db.Each(ctx, q, func(row db.Scanner) error {
		var key, value string
		if err := row.Scan(&key, &value); err != nil {
			return err
		}
		var a Answer
		if err := json.Unmarshal([]byte(value), &a); err != nil {
			return fmt.Errorf("answer %s: %w", key, err)
		}
		out[key] = a
		return nil
	}, `SELECT question, value FROM survey_answers WHERE response_id = $1`, responseID)
	if err != nil {
		return nil, fmt.Errorf("survey: answers: %w", err)
	}
	return out, nil
}

// saveAnswers replaces the answers to the questions keys with given.
func saveAnswers(ctx context.Context, q db.Querier, responseID string, keys []string, given map[string]Answer) error {
	if err := clearAnswers(ctx, q, responseID, keys); err != nil {
		return err
	}
	return insertAnswers(ctx, q, responseID, given)
}

// clearAnswers deletes the answers to the questions keys.
func clearAnswers(ctx context.Context, q db.Querier, responseID string, keys []string) error {
	for _, k := range keys {
		if _, err := q.ExecContext(ctx, `DELETE FROM survey_answers WHERE response_id = $1 AND question = $2`, responseID, k); err != nil {
			return fmt.Errorf("survey: clear answer: %w", err)
		}
	}
	return nil
}

// insertAnswers stores the non-empty answers of given, in key order.
func insertAnswers(ctx context.Context, q db.Querier, responseID string, given map[string]Answer) error {
	for _, k := range slices.Sorted(maps.Keys(given)) {
		if given[k].Empty() {
			continue
		}
		if _, err := q.ExecContext(ctx, `INSERT INTO survey_answers (response_id, question, value) VALUES ($1, $2, $3)`,
			responseID, k, mustJSON(given[k])); err != nil {
			return fmt.Errorf("survey: save answer: %w", db.MapError(err))
		}
	}
	return nil
}

// findResponseOnly is findResponse without the answers.
func findResponseOnly(ctx context.Context, q db.Querier, waveID, respondent string) (*Response, error) {
	r, err := scanResponse(q.QueryRowContext(ctx, `SELECT `+responseCols+` FROM survey_responses WHERE wave_id = $1 AND respondent = $2`,
		waveID, respondent))
	if err != nil {
		return nil, fmt.Errorf("survey: response: %w", err)
	}
	return r, nil
}

func advanceResponse(ctx context.Context, q db.Querier, r *Response) error {
	_, err := q.ExecContext(ctx, `UPDATE survey_responses SET next_page = $1, updated_at = $2, completed_at = $3 WHERE id = $4`,
		r.NextPage, db.TS(r.UpdatedAt), db.NullTimeOf(r.CompletedAt), r.ID)
	if err != nil {
		return fmt.Errorf("survey: advance response: %w", err)
	}
	return nil
}

// completedResponses are a wave's finished responses with their answers.
func completedResponses(ctx context.Context, q db.Querier, waveID string) ([]*Response, error) {
	byID := map[string]*Response{}
	out, err := db.Query(ctx, q, scanResponse, `SELECT `+responseCols+` FROM survey_responses
		WHERE wave_id = $1 AND completed_at IS NOT NULL ORDER BY started_at, id`, waveID)
	if err != nil {
		return nil, fmt.Errorf("survey: responses: %w", err)
	}
	for _, r := range out {
		r.Answers = map[string]Answer{}
		byID[r.ID] = r
	}
	err = db.Each(ctx, q, func(row db.Scanner) error {
		var id, key, value string
		if err := row.Scan(&id, &key, &value); err != nil {
			return err
		}
		var a Answer
		if err := json.Unmarshal([]byte(value), &a); err != nil {
			return fmt.Errorf("answer %s: %w", key, err)
		}
		byID[id].Answers[key] = a
		return nil
	}, `SELECT a.response_id, a.question, a.value FROM survey_answers a JOIN survey_responses r ON r.id = a.response_id
		WHERE r.wave_id = $1 AND r.completed_at IS NOT NULL`, waveID)
	if err != nil {
		return nil, fmt.Errorf("survey: answers: %w", err)
	}
	return out, nil
}

func countResponses(ctx context.Context, q db.Querier, waveID string) (started, completed int, err error) {
	err = q.QueryRowContext(ctx, `SELECT COUNT(*), COUNT(completed_at) FROM survey_responses WHERE wave_id = $1`, waveID).
		Scan(&started, &completed)
	return started, completed, err
}

// listAllWaves lists every wave, newest first.
func listAllWaves(ctx context.Context, q db.Querier) ([]*Wave, error) {
	return db.Query(ctx, q, scanWave, `SELECT `+waveCols+` FROM survey_waves ORDER BY opens_at DESC, id`)
}
