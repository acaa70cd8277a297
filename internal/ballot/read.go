package ballot

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/civitas-city/civitas/internal/db"
)

// Mine is one of a person's participations with its ballot, found through
// its link.
type Mine struct {
	Box     string
	Pool    string
	Channel string
	At      time.Time
	Void    bool
	Receipt string
	Choices []string
	Points  []int
}

// Mine lists userID's participations with their ballots (in one box, or
// in all when box is ""), newest first.
func (b *Box) Mine(ctx context.Context, userID, box string) ([]Mine, error) {
	query := `SELECT id, box, pool, channel, void, at FROM ballot_participations WHERE user_id = $1`
	args := []any{userID}
	if box != "" {
		query += ` AND box = $2`
		args = append(args, box)
	}
	var ids []string
	out, err := db.Query(ctx, b.DB, func(row db.Scanner) (Mine, error) {
		var (
			m  Mine
			id string
			at db.Time
		)
		err := row.Scan(&id, &m.Box, &m.Pool, &m.Channel, &m.Void, &at)
		m.At = at.Time
		ids = append(ids, id)
		return m, err
	}, query+` ORDER BY at DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("ballot: mine: %w", err)
	}
	for i, id := range ids {
		if err := ballotByLink(ctx, b.DB, b.Link(id), &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Boxes tells which of the boxes userID has taken part in, in one query
// (without reading their ballots, as Mine does).
func (b *Box) Boxes(ctx context.Context, userID string) (map[string]bool, error) {
	boxes, err := db.Query(ctx, b.DB, func(row db.Scanner) (string, error) {
		var box string
		return box, row.Scan(&box)
	}, `SELECT DISTINCT box FROM ballot_participations WHERE user_id = $1`, userID)
	if err != nil {
		return nil, fmt.Errorf("ballot: boxes: %w", err)
	}
	out := make(map[string]bool, len(boxes))
	for _, box := range boxes {
		out[box] = true
	}
	return out, nil
}

// ballotByLink fills m's receipt, choices and void from the ballot with
// link; a participation without a ballot leaves m as it is.
func ballotByLink(ctx context.Context, q db.Querier, link string, m *Mine) error {
	var choices, points string
	var void bool
	err := q.QueryRowContext(ctx, `SELECT receipt, choices, points, void FROM ballot_ballots WHERE link = $1`, link).
		Scan(&m.Receipt, &choices, &points, &void)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("ballot: my ballot: %w", err)
	}
	m.Void = m.Void || void
	if choices != "" {
		m.Choices = strings.Split(choices, ",")
	}
	m.Points = SplitInts(points)
	return nil
}

// Turnout counts the valid participations of a box by pool.
func (b *Box) Turnout(ctx context.Context, box string) (map[string]int, error) {
	out := map[string]int{}
	err := db.Each(ctx, b.DB, func(row db.Scanner) error {
		var (
			pool string
			n    int
		)
		err := row.Scan(&pool, &n)
		out[pool] = n
		return err
	}, `SELECT pool, COUNT(*) FROM ballot_participations WHERE box = $1 AND void = FALSE GROUP BY pool`, box)
	if err != nil {
		return nil, fmt.Errorf("ballot: turnout: %w", err)
	}
	return out, nil
}

// Voters counts the people who took part in a box (in any of its slots),
// void participations left out.
func (b *Box) Voters(ctx context.Context, box string) (int, error) {
	n, err := db.Value[int](b.DB.QueryRowContext(ctx, `SELECT COUNT(DISTINCT voter_key) FROM ballot_participations WHERE box = $1 AND void = FALSE`, box))
	if err != nil {
		return 0, fmt.Errorf("ballot: voters: %w", err)
	}
	return n, nil
}

// Band is a count of voters by district and age band.
type Band struct {
	District int
	AgeBand  string
	Voters   int
}

// Bands counts the valid participations of a pool (or, when pool is "",
// the distinct voters of box) by the voters' district and age band.
func (b *Box) Bands(ctx context.Context, q db.Querier, box, pool string) ([]Band, error) {
	query, arg := `SELECT district, age_band, COUNT(*) FROM ballot_participations WHERE pool = $1 AND void = FALSE
		GROUP BY district, age_band ORDER BY district, age_band`, pool
	if pool == "" {
		query, arg = `SELECT district, age_band, COUNT(DISTINCT voter_key) FROM ballot_participations WHERE box = $1 AND void = FALSE
		GROUP BY district, age_band ORDER BY district, age_band`, box
	}
	out, err := db.Query(ctx, q, func(row db.Scanner) (Band, error) {
		var x Band
		err := row.Scan(&x.District, &x.AgeBand, &x.Voters)
		return x, err
	}, query, arg)
	if err != nil {
		return nil, fmt.Errorf("ballot: bands: %w", err)
	}
	return out, nil
}

// Published is a line of the published ballot list.
type Published struct {
	Receipt string
	Channel string
	Choices []string
	Points  []int
	Void    bool
}

const publishedCols = `receipt, channel, choices, points, void`

// scanPublished reads publishedCols.
func scanPublished(row db.Scanner, more ...any) (Published, error) {
	var (
		p               Published
		choices, points string
	)
	if err := row.Scan(append([]any{&p.Receipt, &p.Channel, &choices, &points, &p.Void}, more...)...); err != nil {
		return p, err
	}
	if choices != "" {
		p.Choices = strings.Split(choices, ",")
	}
	p.Points = SplitInts(points)
	return p, nil
}

// Ballots lists a pool's ballots in receipt order after the receipt after.
func (b *Box) Ballots(ctx context.Context, pool, after string, limit int) ([]Published, error) {
	out, err := db.Query(ctx, b.DB, func(row db.Scanner) (Published, error) { return scanPublished(row) },
		`SELECT `+publishedCols+` FROM ballot_ballots WHERE pool = $1 AND receipt > $2 ORDER BY receipt LIMIT `+strconv.Itoa(limit), pool, after)
	if err != nil {
		return nil, fmt.Errorf("ballot: ballots: %w", err)
	}
	return out, nil
}

// FindReceipt finds the ballot with receipt (as typed) in a box, and its
// pool; none is sql.ErrNoRows.
func (b *Box) FindReceipt(ctx context.Context, box, receipt string) (Published, string, error) {
	var pool string
	p, err := scanPublished(b.DB.QueryRowContext(ctx, `SELECT `+publishedCols+`, pool FROM ballot_ballots
		WHERE box = $1 AND receipt = $2`, box, NormalizeReceipt(receipt)), &pool)
	return p, pool, err
}

// EachCounted calls fn for every ballot of a pool that counts (not void),
// in receipt order.
func (b *Box) EachCounted(ctx context.Context, q db.Querier, pool string, fn func(channel, choices, points string)) error {
	err := db.Each(ctx, q, func(row db.Scanner) error {
		var channel, choices, points string
		if err := row.Scan(&channel, &choices, &points); err != nil {
			return err
		}
		fn(channel, choices, points)
		return nil
	}, `SELECT channel, choices, points FROM ballot_ballots WHERE pool = $1 AND void = FALSE ORDER BY receipt`, pool)
	if err != nil {
		return fmt.Errorf("ballot: ballots: %w", err)
	}
	return nil
}

// VoidBallots counts a pool's void ballots.
func (b *Box) VoidBallots(ctx context.Context, q db.Querier, pool string) (int, error) {
	return db.Value[int](q.QueryRowContext(ctx, `SELECT COUNT(*) FROM ballot_ballots WHERE pool = $1 AND void = TRUE`, pool))
}

// PoolUsed reports whether a pool has ballots or participations.
func (b *Box) PoolUsed(ctx context.Context, q db.Querier, pool string) (bool, error) {
	n, err := db.Value[int](q.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM ballot_ballots WHERE pool = $1) +
		(SELECT COUNT(*) FROM ballot_participations WHERE pool = $1)`, pool))
	return n > 0, err
}

// Import stores a ballot that came from elsewhere (a Pabulib file): a
// fresh receipt, no participation.
func (b *Box) Import(ctx context.Context, q db.Querier, box, pool, choices, points string) error {
	if _, err := q.ExecContext(ctx, `INSERT INTO ballot_ballots (id, box, pool, receipt, channel, choices, points)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, randomID(), box, pool, NewReceipt(), ChannelImported, choices, points); err != nil {
		return fmt.Errorf("ballot: import: %w", err)
	}
	return nil
}

// ParticipationIDs and BallotLinks are a box's two halves of its votes,
// for an integrity check.
func (b *Box) ParticipationIDs(ctx context.Context, q db.Querier, box string) ([]string, error) {
	return db.Query(ctx, q, db.Value[string], `SELECT id FROM ballot_participations WHERE box = $1`, box)
}

// BallotLinks: see ParticipationIDs.
func (b *Box) BallotLinks(ctx context.Context, q db.Querier, box string) ([]string, error) {
	return db.Query(ctx, q, db.Value[string], `SELECT link FROM ballot_ballots WHERE box = $1 AND link IS NOT NULL`, box)
}

// EraseUser detaches userID's participations from their account inside an
// account deletion's transaction: they stay counted, and the person key
// stays, so nobody can vote twice by deleting an account.
func EraseUser(ctx context.Context, tx *sql.Tx, userID string) error {
	if _, err := tx.ExecContext(ctx, `UPDATE ballot_participations SET user_id = NULL WHERE user_id = $1`, userID); err != nil {
		return fmt.Errorf("ballot: erase: %w", err)
	}
	return nil
}

// JoinInts writes points as stored: "3,2,1".
func JoinInts(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, ",")
}

// SplitInts reads points as stored; what is not a number is left out.
func SplitInts(s string) []int {
	if s == "" {
		return nil
	}
	parts := strings.Split(s, ",")
	out := make([]int, 0, len(parts))
	for _, p := range parts {
		n, err := strconv.Atoi(strings.TrimSpace(p))
		if err == nil {
			out = append(out, n)
		}
	}
	return out
}
