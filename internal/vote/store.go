package vote

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/civitas-city/civitas/internal/db"
)

// The SQL of referenda, questions, options and polls. Ballots are the
// box's (internal/ballot).

const referendumCols = `id, slug, title, description, district, min_age, binding, quorum, electorate, paper_policy,
	paper_double_key, phase, auto_phases, voting_starts, voting_ends, results_at, created_by, created_at, updated_at`

func scanReferendum(row db.Scanner) (*Referendum, error) {
	var (
		r                       Referendum
		starts, ends, resultsAt db.NullTime
		created, updated        db.Time
		phase                   string
	)
	if err := row.Scan(&r.ID, &r.Slug, &r.Title, &r.Description, &r.District, &r.MinAge, &r.Binding, &r.Quorum,
		&r.Electorate, &r.PaperPolicy, &r.PaperDoubleKey, &phase, &r.AutoPhases, &starts, &ends, &resultsAt, &r.CreatedBy, &created, &updated); err != nil {
		return nil, db.MapError(err)
	}
	r.Phase = Phase(phase)
	r.VotingStarts, r.VotingEnds, r.ResultsAt = starts.Time, ends.Time, resultsAt.Time
	r.CreatedAt, r.UpdatedAt = created.Time, updated.Time
	return &r, nil
}

func insertReferendum(ctx context.Context, q db.Querier, r *Referendum) error {
	if _, err := q.ExecContext(ctx, `INSERT INTO vote_referenda (`+referendumCols+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)`,
		r.ID, r.Slug, r.Title, r.Description, r.District, r.MinAge, r.Binding, r.Quorum, r.Electorate, r.PaperPolicy,
		r.PaperDoubleKey, string(r.Phase), r.AutoPhases, db.NullTimeOf(r.VotingStarts), db.NullTimeOf(r.VotingEnds), db.NullTimeOf(r.ResultsAt),
		r.CreatedBy, db.TS(r.CreatedAt), db.TS(r.UpdatedAt)); err != nil {
		return fmt.Errorf("vote: insert referendum: %w", db.MapError(err))
	}
	return insertQuestions(ctx, q, r)
}

func insertQuestions(ctx context.Context, q db.Querier, r *Referendum) error {
	for i, q1 := range r.Questions {
		if _, err := q.ExecContext(ctx, `INSERT INTO vote_questions (id, referendum_id, position, kind, text, max_choices)
			VALUES ($1, $2, $3, $4, $5, $6)`, q1.ID, r.ID, i, string(q1.Kind), q1.Text, q1.MaxChoices); err != nil {
			return fmt.Errorf("vote: insert question: %w", err)
		}
		if err := insertOptions(ctx, q, q1.ID, q1.Options); err != nil {
			return err
		}
	}
	return nil
}

// updateReferendum writes an announced referendum's settings and replaces
// its questions; errStarted when it is no longer announced.
func updateReferendum(ctx context.Context, q db.Querier, r *Referendum) error {
	res, err := q.ExecContext(ctx, `UPDATE vote_referenda SET title = $1, description = $2, district = $3, min_age = $4,
		binding = $5, quorum = $6, electorate = $7, paper_policy = $8, paper_double_key = $9, phase = $10, auto_phases = $11,
		voting_starts = $12, voting_ends = $13, results_at = $14, updated_at = $15
		WHERE id = $16 AND phase = $17`,
		r.Title, r.Description, r.District, r.MinAge, r.Binding, r.Quorum, r.Electorate, r.PaperPolicy, r.PaperDoubleKey,
		string(r.Phase), r.AutoPhases, db.NullTimeOf(r.VotingStarts), db.NullTimeOf(r.VotingEnds), db.NullTimeOf(r.ResultsAt),
		db.TS(r.UpdatedAt), r.ID, string(Announced))
	if err != nil {
		return fmt.Errorf("vote: update referendum: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return errStarted
	}
	if _, err := q.ExecContext(ctx, `DELETE FROM vote_options WHERE owner IN (SELECT id FROM vote_questions WHERE referendum_id = $1)`, r.ID); err != nil {
		return fmt.Errorf("vote: delete options: %w", err)
	}
	if _, err := q.ExecContext(ctx, `DELETE FROM vote_questions WHERE referendum_id = $1`, r.ID); err != nil {
		return fmt.Errorf("vote: delete questions: %w", err)
	}
	return insertQuestions(ctx, q, r)
}

func insertOptions(ctx context.Context, q db.Querier, owner string, opts []Option) error {
	for i, o := range opts {
		if _, err := q.ExecContext(ctx, `INSERT INTO vote_options (id, owner, position, label) VALUES ($1, $2, $3, $4)`,
			o.ID, owner, i, o.Label); err != nil {
			return fmt.Errorf("vote: insert option: %w", err)
		}
	}
	return nil
}

func optionsOf(ctx context.Context, q db.Querier, owner string) ([]Option, error) {
	return db.Query(ctx, q, func(row db.Scanner) (Option, error) {
		var o Option
		err := row.Scan(&o.ID, &o.Label)
		return o, err
	}, `SELECT id, label FROM vote_options WHERE owner = $1 ORDER BY position`, owner)
}

// loadReferendum reads a referendum by column ("id" or "slug") with its
// questions and options.
func loadReferendum(ctx context.Context, q db.Querier, col, value string) (*Referendum, error) {
	r, err := scanReferendum(q.QueryRowContext(ctx, `SELECT `+referendumCols+` FROM vote_referenda WHERE `+col+` = $1`, value))
	if err != nil {
		return nil, fmt.Errorf("vote: referendum: %w", err)
	}
	r.Questions, err = db.Query(ctx, q, func(row db.Scanner) (Question, error) {
		var (
			x    Question
			kind string
		)
		err := row.Scan(&x.ID, &x.Position, &kind, &x.Text, &x.MaxChoices)
		x.Kind = Kind(kind)
		return x, err
	}, `SELECT id, position, kind, text, max_choices FROM vote_questions WHERE referendum_id = $1 ORDER BY position`, r.ID)
	if err != nil {
		return nil, fmt.Errorf("vote: questions: %w", err)
	}
	for i := range r.Questions {
		if r.Questions[i].Options, err = optionsOf(ctx, q, r.Questions[i].ID); err != nil {
			return nil, fmt.Errorf("vote: options: %w", err)
		}
	}
	return r, nil
}

func listReferenda(ctx context.Context, q db.Querier) ([]*Referendum, error) {
	out, err := db.Query(ctx, q, scanReferendum, `SELECT `+referendumCols+` FROM vote_referenda ORDER BY created_at DESC, id DESC`)
	if err != nil {
		return nil, fmt.Errorf("vote: referenda: %w", err)
	}
	return out, nil
}

func setReferendumPhase(ctx context.Context, q db.Querier, id string, phase Phase, auto bool, at time.Time) error {
	if _, err := q.ExecContext(ctx, `UPDATE vote_referenda SET phase = $1, auto_phases = $2, updated_at = $3 WHERE id = $4`,
		string(phase), auto, db.TS(at), id); err != nil {
		return fmt.Errorf("vote: phase: %w", err)
	}
	return nil
}

const pollCols = `id, slug, question, kind, max_choices, residents_only, district, results_after, opens_at, closes_at,
	closed, created_by, created_at`

func scanPoll(row db.Scanner) (*Poll, error) {
	var (
		p             Poll
		kind          string
		opens, create db.Time
		closes        db.NullTime
	)
	if err := row.Scan(&p.ID, &p.Slug, &p.Question, &kind, &p.MaxChoices, &p.ResidentsOnly, &p.District, &p.ResultsAfter,
		&opens, &closes, &p.Closed, &p.CreatedBy, &create); err != nil {
		return nil, db.MapError(err)
	}
	p.Kind, p.OpensAt, p.ClosesAt, p.CreatedAt = Kind(kind), opens.Time, closes.Time, create.Time
	return &p, nil
}

func insertPoll(ctx context.Context, q db.Querier, p *Poll) error {
	if _, err := q.ExecContext(ctx, `INSERT INTO vote_polls (`+pollCols+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		p.ID, p.Slug, p.Question, string(p.Kind), p.MaxChoices, p.ResidentsOnly, p.District, p.ResultsAfter,
		db.TS(p.OpensAt), db.NullTimeOf(p.ClosesAt), p.Closed, p.CreatedBy, db.TS(p.CreatedAt)); err != nil {
		return fmt.Errorf("vote: insert poll: %w", db.MapError(err))
	}
	return insertOptions(ctx, q, p.ID, p.Options)
}

func loadPoll(ctx context.Context, q db.Querier, col, value string) (*Poll, error) {
	p, err := scanPoll(q.QueryRowContext(ctx, `SELECT `+pollCols+` FROM vote_polls WHERE `+col+` = $1`, value))
	if err != nil {
		return nil, fmt.Errorf("vote: poll: %w", err)
	}
	if p.Options, err = optionsOf(ctx, q, p.ID); err != nil {
		return nil, fmt.Errorf("vote: poll options: %w", err)
	}
	return p, nil
}

func listPolls(ctx context.Context, q db.Querier) ([]*Poll, error) {
	return queryPolls(ctx, q, `SELECT `+pollCols+` FROM vote_polls ORDER BY opens_at DESC, id DESC`)
}

// listOpenPolls lists the polls no officer has closed, with their options.
func listOpenPolls(ctx context.Context, q db.Querier) ([]*Poll, error) {
	return queryPolls(ctx, q, `SELECT `+pollCols+` FROM vote_polls WHERE closed = $1 ORDER BY opens_at DESC, id DESC`, false)
}

// openPollRules lists the polls no officer has closed without their
// options, in one query: who may answer them and when.
func openPollRules(ctx context.Context, q db.Querier) ([]*Poll, error) {
	out, err := db.Query(ctx, q, scanPoll, `SELECT `+pollCols+` FROM vote_polls WHERE closed = $1`, false)
	if err != nil {
		return nil, fmt.Errorf("vote: polls: %w", err)
	}
	return out, nil
}

func queryPolls(ctx context.Context, q db.Querier, query string, args ...any) ([]*Poll, error) {
	out, err := db.Query(ctx, q, scanPoll, query, args...)
	if err != nil {
		return nil, fmt.Errorf("vote: polls: %w", err)
	}
	for _, p := range out {
		if p.Options, err = optionsOf(ctx, q, p.ID); err != nil {
			return nil, fmt.Errorf("vote: poll options: %w", err)
		}
	}
	return out, nil
}

func closePoll(ctx context.Context, q db.Querier, id string) error {
	if _, err := q.ExecContext(ctx, `UPDATE vote_polls SET closed = TRUE WHERE id = $1`, id); err != nil {
		return fmt.Errorf("vote: close poll: %w", err)
	}
	return nil
}

// The ballot path's open check: a referendum's phase and end of voting,
// or a poll's dates. Prepared by the box.
const (
	referendumOpenSQL = `SELECT phase, voting_ends FROM vote_referenda WHERE id = $1`
	pollOpenSQL       = `SELECT closed, opens_at, closes_at FROM vote_polls WHERE id = $1`
)

// boxOpen tells whether a referendum or poll accepts ballots at at.
func boxOpen(ctx context.Context, q db.Querier, box string, at time.Time) (bool, error) {
	var (
		phase string
		end   db.NullTime
	)
	err := q.QueryRowContext(ctx, referendumOpenSQL, box).Scan(&phase, &end)
	if err == nil {
		return Phase(phase) == Voting && (!end.Valid || at.Before(end.Time)), nil
	}
	if err != sql.ErrNoRows {
		return false, err
	}
	var (
		closed bool
		opens  db.Time
	)
	if err := q.QueryRowContext(ctx, pollOpenSQL, box).Scan(&closed, &opens, &end); err != nil {
		return false, err
	}
	return !closed && !at.Before(opens.Time) && (!end.Valid || at.Before(end.Time)), nil
}
