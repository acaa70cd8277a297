package ballot

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

// The statements of the ballot path run prepared (db.StmtCache, Box.stmts):
// parsing was a fifth of the CPU of a ballot on SQLite.
const (
	participationInsert = `INSERT INTO ballot_participations (id, box, pool, slot, voter_key, user_id, channel,
		batch_id, district, age_band, at) VALUES `
	participationConflict = ` ON CONFLICT (box, slot, voter_key) DO NOTHING RETURNING id`
	ballotInsert          = `INSERT INTO ballot_ballots (id, box, pool, receipt, link, channel, batch_id, choices, points) VALUES `
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

var (
	oneParticipationSQL = participationInsert + placeholders(1, participationCols) + participationConflict
	oneBallotSQL        = ballotInsert + placeholders(1, ballotCols)
)

// chunkRows bounds the rows of one multi-row INSERT: SQLite looks up
// "$N" parameters by name in a list, so a statement's cost grows with the
// square of its parameters; 32 rows keep that small and a batch still
// takes a few statements.
const chunkRows = 32

// insertParticipationRows inserts participations (participationCols values
// each, in args), leaving out a person's second in a slot, and returns the
// ids inserted. One row runs as prepared (on one), several as multi-row
// INSERTs of at most chunkRows rows in tx.
func insertParticipationRows(ctx context.Context, tx *sql.Tx, one db.Querier, args []any) (map[string]bool, error) {
	inserted := make(map[string]bool, len(args)/participationCols)
	for len(args) > 0 {
		chunk := args[:min(len(args), chunkRows*participationCols)]
		args = args[len(chunk):]
		n := len(chunk) / participationCols
		query := oneParticipationSQL
		var q db.Querier = one
		if n > 1 {
			query, q = participationInsert+placeholders(n, participationCols)+participationConflict, tx
		}
		err := db.Each(ctx, q, func(row db.Scanner) error {
			id, err := db.Value[string](row)
			inserted[id] = true
			return err
		}, query, chunk...)
		if err != nil {
			return nil, fmt.Errorf("ballot: insert participations: %w", db.MapError(err))
		}
	}
	return inserted, nil
}

// insertBallotRows inserts ballots (ballotCols values each, in args): one
// as prepared (on one), several as multi-row INSERTs of at most chunkRows
// rows in tx.
func insertBallotRows(ctx context.Context, tx *sql.Tx, one db.Querier, args []any) error {
	for len(args) > 0 {
		chunk := args[:min(len(args), chunkRows*ballotCols)]
		args = args[len(chunk):]
		var err error
		if n := len(chunk) / ballotCols; n == 1 {
			_, err = one.ExecContext(ctx, oneBallotSQL, chunk...)
		} else {
			_, err = tx.ExecContext(ctx, ballotInsert+placeholders(n, ballotCols), chunk...)
		}
		if err != nil {
			return fmt.Errorf("ballot: insert ballots: %w", db.MapError(err))
		}
	}
	return nil
}

// participation is a person's participation in a slot, as a ballot that
// conflicts with it needs it.
type participation struct {
	ID, Pool, Channel string
	Void              bool
}

func participationIn(ctx context.Context, q db.Querier, box, slot, voter string) (participation, error) {
	var p participation
	err := q.QueryRowContext(ctx, `SELECT id, pool, channel, void FROM ballot_participations
		WHERE box = $1 AND slot = $2 AND voter_key = $3`, box, slot, voter).
		Scan(&p.ID, &p.Pool, &p.Channel, &p.Void)
	if err != nil {
		return p, fmt.Errorf("ballot: participation: %w", db.MapError(err))
	}
	return p, nil
}

// voidParticipation voids a participation and its ballot (found by link).
func voidParticipation(ctx context.Context, q db.Querier, id, link string) error {
	if _, err := q.ExecContext(ctx, `UPDATE ballot_participations SET void = TRUE WHERE id = $1`, id); err != nil {
		return fmt.Errorf("ballot: void: %w", err)
	}
	if _, err := q.ExecContext(ctx, `UPDATE ballot_ballots SET void = TRUE WHERE link = $1`, link); err != nil {
		return fmt.Errorf("ballot: void: %w", err)
	}
	return nil
}

// changeBallot replaces the choices of the ballot with link, moving its
// participation to pool too when it changes pool; it returns the ballot's
// receipt, which stays.
func changeBallot(ctx context.Context, q db.Querier, p participation, link, pool, choices, points string) (string, error) {
	var receipt string
	if err := q.QueryRowContext(ctx, `UPDATE ballot_ballots SET pool = $1, choices = $2, points = $3 WHERE link = $4 RETURNING receipt`,
		pool, choices, points, link).Scan(&receipt); err != nil {
		return "", fmt.Errorf("ballot: change ballot: %w", db.MapError(err))
	}
	if p.Pool != pool {
		if _, err := q.ExecContext(ctx, `UPDATE ballot_participations SET pool = $1 WHERE id = $2`, pool, p.ID); err != nil {
			return "", fmt.Errorf("ballot: change ballot: %w", err)
		}
	}
	return receipt, nil
}
