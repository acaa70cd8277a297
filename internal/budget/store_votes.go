package budget

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/civitas-city/civitas/internal/db"
)

// The SQL of participations and ballots: who took part and what they
// chose, stored apart and linked only through the server's ballot link.

// The statements of the ballot path run prepared (db.StmtCache, Service.stmts):
// parsing was a fifth of the CPU of a ballot on SQLite.
const (
	castPhaseSQL         = `SELECT phase, starts_results FROM pb_editions WHERE id = $1`
	castParticipationSQL = `INSERT INTO pb_participations (id, edition_id, pool_id, slot, voter_key, user_id, channel,
		batch_id, district, age_band, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
		ON CONFLICT (edition_id, slot, voter_key) DO NOTHING RETURNING id`
	castBallotSQL = `INSERT INTO pb_ballots (id, edition_id, pool_id, receipt, link, channel, batch_id, choices, points)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`
)

const participationCols = 11

const ballotCols = 9

// placeholders writes rows groups of cols numbered placeholders:
// "($1, $2), ($3, $4)".
func placeholders(rows, cols int) string {
	var b strings.Builder
	b.Grow(rows * cols * 5)
	n := 1
	for r := range rows {
		if r > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for c := range cols {
			if c > 0 {
				b.WriteString(", ")
			}
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			n++
		}
		b.WriteByte(')')
	}
	return b.String()
}

// votingEnds reads an edition's phase and the end of its voting, on the
// ballot path's prepared statement.
func votingEnds(ctx context.Context, q db.Querier, editionID string) (Phase, db.NullTime, error) {
	var (
		phase string
		end   db.NullTime
	)
	err := q.QueryRowContext(ctx, castPhaseSQL, editionID).Scan(&phase, &end)
	return Phase(phase), end, err
}

// insertParticipationRows inserts participations (participationCols values
// each, in args), leaving out a person's second in a slot, and returns the
// ids inserted. One row runs as prepared (on one), several as one
// multi-row INSERT in tx.
func insertParticipationRows(ctx context.Context, tx *sql.Tx, one db.Querier, args []any) (map[string]bool, error) {
	n := len(args) / participationCols
	query := castParticipationSQL
	var q db.Querier = one
	if n > 1 {
		query, q = `INSERT INTO pb_participations (id, edition_id, pool_id, slot, voter_key, user_id, channel,
			batch_id, district, age_band, at) VALUES `+placeholders(n, participationCols)+`
			ON CONFLICT (edition_id, slot, voter_key) DO NOTHING RETURNING id`, tx
	}
	inserted := make(map[string]bool, n)
	err := db.Each(ctx, q, func(row db.Scanner) error {
		id, err := db.Value[string](row)
		inserted[id] = true
		return err
	}, query, args...)
	if err != nil {
		return nil, fmt.Errorf("budget: insert participations: %w", db.MapError(err))
	}
	return inserted, nil
}

// insertBallotRows inserts ballots (ballotCols values each, in args): one
// as prepared (on one), several as one multi-row INSERT in tx.
func insertBallotRows(ctx context.Context, tx *sql.Tx, one db.Querier, args []any) error {
	var err error
	if n := len(args) / ballotCols; n == 1 {
		_, err = one.ExecContext(ctx, castBallotSQL, args...)
	} else {
		_, err = tx.ExecContext(ctx, `INSERT INTO pb_ballots (id, edition_id, pool_id, receipt, link, channel, batch_id, choices, points)
			VALUES `+placeholders(n, ballotCols), args...)
	}
	if err != nil {
		return fmt.Errorf("budget: insert ballots: %w", db.MapError(err))
	}
	return nil
}

// participation is a person's participation in a slot, as a ballot that
// conflicts with it needs it.
type participation struct {
	ID, PoolID, Channel string
	Void                bool
}

func participationIn(ctx context.Context, q db.Querier, editionID, slot, voter string) (participation, error) {
	var p participation
	err := q.QueryRowContext(ctx, `SELECT id, pool_id, channel, void FROM pb_participations
		WHERE edition_id = $1 AND slot = $2 AND voter_key = $3`, editionID, slot, voter).
		Scan(&p.ID, &p.PoolID, &p.Channel, &p.Void)
	if err != nil {
		return p, fmt.Errorf("budget: participation: %w", db.MapError(err))
	}
	return p, nil
}

// voidParticipation voids a participation and its ballot (found by link).
func voidParticipation(ctx context.Context, q db.Querier, id, link string) error {
	if _, err := q.ExecContext(ctx, `UPDATE pb_participations SET void = TRUE WHERE id = $1`, id); err != nil {
		return fmt.Errorf("budget: void: %w", err)
	}
	if _, err := q.ExecContext(ctx, `UPDATE pb_ballots SET void = TRUE WHERE link = $1`, link); err != nil {
		return fmt.Errorf("budget: void: %w", err)
	}
	return nil
}

// changeBallot replaces the choices of the ballot with link, moving its
// participation to poolID too when it changes pool; it returns the
// ballot's receipt, which stays.
func changeBallot(ctx context.Context, q db.Querier, p participation, link, poolID, choices, points string) (string, error) {
	var receipt string
	if err := q.QueryRowContext(ctx, `UPDATE pb_ballots SET pool_id = $1, choices = $2, points = $3 WHERE link = $4 RETURNING receipt`,
		poolID, choices, points, link).Scan(&receipt); err != nil {
		return "", fmt.Errorf("budget: change ballot: %w", db.MapError(err))
	}
	if p.PoolID != poolID {
		if _, err := q.ExecContext(ctx, `UPDATE pb_participations SET pool_id = $1 WHERE id = $2`, poolID, p.ID); err != nil {
			return "", fmt.Errorf("budget: change ballot: %w", err)
		}
	}
	return receipt, nil
}

// participationsOf lists a user's participations (in one edition, or all
// when editionID is ""), newest first, with their ids.
func participationsOf(ctx context.Context, q db.Querier, userID, editionID string) ([]MyBallot, []string, error) {
	query := `SELECT id, edition_id, pool_id, channel, void, at FROM pb_participations WHERE user_id = $1`
	args := []any{userID}
	if editionID != "" {
		query += ` AND edition_id = $2`
		args = append(args, editionID)
	}
	var (
		out []MyBallot
		ids []string
	)
	err := db.Each(ctx, q, func(row db.Scanner) error {
		var (
			b  MyBallot
			id string
			at db.Time
		)
		if err := row.Scan(&id, &b.EditionID, &b.PoolID, &b.Channel, &b.Void, &at); err != nil {
			return err
		}
		b.At = at.Time
		out = append(out, b)
		ids = append(ids, id)
		return nil
	}, query+` ORDER BY at DESC`, args...)
	if err != nil {
		return nil, nil, fmt.Errorf("budget: my ballots: %w", err)
	}
	return out, ids, nil
}

// ballotByLink fills b's receipt, choices and void from the ballot with
// link; a participation without a ballot leaves b as it is.
func ballotByLink(ctx context.Context, q db.Querier, link string, b *MyBallot) error {
	var choices, points string
	var void bool
	err := q.QueryRowContext(ctx, `SELECT receipt, choices, points, void FROM pb_ballots WHERE link = $1`, link).
		Scan(&b.Receipt, &choices, &points, &void)
	if err != nil && err != sql.ErrNoRows {
		return fmt.Errorf("budget: my ballot: %w", err)
	}
	b.Void = b.Void || void
	if choices != "" {
		b.Choices = strings.Split(choices, ",")
	}
	b.Points = splitInts(points)
	return nil
}

// turnoutByPool counts the valid participations of an edition by pool id.
func turnoutByPool(ctx context.Context, q db.Querier, editionID string) (map[string]int, error) {
	out := map[string]int{}
	err := db.Each(ctx, q, func(row db.Scanner) error {
		var (
			pool string
			n    int
		)
		err := row.Scan(&pool, &n)
		out[pool] = n
		return err
	}, `SELECT pool_id, COUNT(*) FROM pb_participations WHERE edition_id = $1 AND void = FALSE GROUP BY pool_id`, editionID)
	if err != nil {
		return nil, fmt.Errorf("budget: turnout: %w", err)
	}
	return out, nil
}

const publishedCols = `receipt, channel, choices, points, void`

// scanPublished reads publishedCols.
func scanPublished(row db.Scanner, more ...any) (PublishedBallot, error) {
	var (
		b               PublishedBallot
		choices, points string
	)
	if err := row.Scan(append([]any{&b.Receipt, &b.Channel, &choices, &points, &b.Void}, more...)...); err != nil {
		return b, err
	}
	if choices != "" {
		b.Choices = strings.Split(choices, ",")
	}
	b.Points = splitInts(points)
	return b, nil
}

// publishedBallots lists a pool's ballots in receipt order after the
// receipt after.
func publishedBallots(ctx context.Context, q db.Querier, poolID, after string, limit int) ([]PublishedBallot, error) {
	out, err := db.Query(ctx, q, func(row db.Scanner) (PublishedBallot, error) { return scanPublished(row) },
		`SELECT `+publishedCols+` FROM pb_ballots WHERE pool_id = $1 AND receipt > $2 ORDER BY receipt LIMIT `+strconv.Itoa(limit), poolID, after)
	if err != nil {
		return nil, fmt.Errorf("budget: ballots: %w", err)
	}
	return out, nil
}

// ballotByReceipt finds the ballot with receipt in an edition, and its
// pool; none is sql.ErrNoRows.
func ballotByReceipt(ctx context.Context, q db.Querier, editionID, receipt string) (PublishedBallot, string, error) {
	var pool string
	b, err := scanPublished(q.QueryRowContext(ctx, `SELECT `+publishedCols+`, pool_id FROM pb_ballots
		WHERE edition_id = $1 AND receipt = $2`, editionID, receipt), &pool)
	return b, pool, err
}

// insertImportedBallot stores a ballot from a Pabulib file: a fresh
// receipt, no participation.
func insertImportedBallot(ctx context.Context, q db.Querier, editionID, poolID, choices, points string) error {
	if _, err := q.ExecContext(ctx, `INSERT INTO pb_ballots (id, edition_id, pool_id, receipt, channel, choices, points)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, randomID(), editionID, poolID, newReceipt(), ChannelImported, choices, points); err != nil {
		return fmt.Errorf("budget: import: ballot: %w", err)
	}
	return nil
}

// participationIDs and ballotLinks are an edition's two halves of its
// votes, for the integrity check.
func participationIDs(ctx context.Context, q db.Querier, editionID string) ([]string, error) {
	return queryStrings(ctx, q, `SELECT id FROM pb_participations WHERE edition_id = $1`, editionID)
}

func ballotLinks(ctx context.Context, q db.Querier, editionID string) ([]string, error) {
	return queryStrings(ctx, q, `SELECT link FROM pb_ballots WHERE edition_id = $1 AND link IS NOT NULL`, editionID)
}
