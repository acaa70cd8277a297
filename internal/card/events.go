package card

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/db"
)

// MaxBatch is the most events one request may carry.
const MaxBatch = 5000

// DefaultMaxEventAge is how late an event may arrive when the Service's
// MaxEventAge is not set: a terminal offline for a long weekend still
// delivers.
const DefaultMaxEventAge = 7 * 24 * time.Hour

// futureSlack tolerates terminals' clocks running a little fast.
const futureSlack = 5 * time.Minute

// Event is one use of the card at a partner, as a partner's system sends
// it.
type Event struct {
	ID    string    `json:"id"`
	Time  time.Time `json:"time"`
	Offer string    `json:"offer"`
	Card  string    `json:"card"` // the partner's reference for the card, from the check
}

// Rejected names a bad event of a batch by its index.
type Rejected struct {
	Index  int    `json:"index"`
	ID     string `json:"id,omitempty"`
	Reason string `json:"reason"`
}

// Reasons an event is rejected.
const (
	BadID        = "id_missing_or_too_long" // 1 to 64 characters
	NoTime       = "time_missing"
	InFuture     = "time_in_future"
	TooLate      = "too_late" // older than the accepted age
	UnknownOffer = "unknown_offer"
	UnknownCard  = "unknown_card"
	RepeatInSent = "repeated_in_batch"
)

// IngestResult is the answer to a batch.
type IngestResult struct {
	Accepted   int        `json:"accepted"`   // new events stored
	Duplicates int        `json:"duplicates"` // sent before (same id): not counted again
	Rejected   []Rejected `json:"rejected"`   // bad events, by index; the good ones are stored
}

// holderFacts are what the rollups count a card's use by.
type holderFacts struct {
	cardID    string
	district  int
	birthYear int
}

// usageKey is one cell of card_usage.
type usageKey struct {
	day                     string
	hour                    int
	offer, partner, ageBand string
	district                int
}

// AgeBand is the band of a holder born in birthYear at the time of year
// (0: not known).
func AgeBand(birthYear, year int) string {
	if birthYear == 0 {
		return "unknown"
	}
	switch age := year - birthYear; {
	case age < 18:
		return "0-17"
	case age < 26:
		return "18-25"
	case age < 36:
		return "26-35"
	case age < 51:
		return "36-50"
	case age < 66:
		return "51-65"
	default:
		return "66+"
	}
}

// AgeBands lists the bands in order.
var AgeBands = []string{"0-17", "18-25", "26-35", "36-50", "51-65", "66+", "unknown"}

// Ingest stores a partner's batch of usage events and updates the rollups
// in the same transaction. The policy (docs/card.md): each event is judged
// alone — a bad one is named in the answer (index and reason) and the
// good ones are stored, so one broken event does not make a terminal
// resend thousands; an event sent again (same partner and id) is a
// duplicate, counted once, so a retried batch is harmless; an event older
// than MaxEventAge is refused as too late (the rollups of closed periods
// stay put). A partner may report only its own offers.
func (s *Service) Ingest(ctx context.Context, partnerID string, events []Event) (IngestResult, error) {
	maxAge := s.MaxEventAge
	if maxAge == 0 {
		maxAge = DefaultMaxEventAge
	}
	return s.ingest(ctx, partnerID, events, maxAge)
}

// ingest is Ingest accepting events up to maxAge old (the simulation
// writes history).
func (s *Service) ingest(ctx context.Context, partnerID string, events []Event, maxAge time.Duration) (IngestResult, error) {
	res := IngestResult{Rejected: []Rejected{}}
	if len(events) > MaxBatch {
		return res, ErrBatchTooLarge
	}
	now := s.now()
	reject := func(i int, e Event, reason string) {
		res.Rejected = append(res.Rejected, Rejected{Index: i, ID: e.ID, Reason: reason})
	}
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		res.Accepted, res.Duplicates, res.Rejected = 0, 0, res.Rejected[:0]
		offers, err := offersOf(ctx, tx, partnerID)
		if err != nil {
			return err
		}
		cards, err := holderFactsOf(ctx, tx, partnerID, events)
		if err != nil {
			return err
		}
		seen := map[string]bool{}
		var good []int
		for i, e := range events {
			switch {
			case e.ID == "" || len(e.ID) > 64:
				reject(i, e, BadID)
			case e.Time.IsZero():
				reject(i, e, NoTime)
			case e.Time.After(now.Add(futureSlack)):
				reject(i, e, InFuture)
			case e.Time.Before(now.Add(-maxAge)):
				reject(i, e, TooLate)
			case !offers[e.Offer]:
				reject(i, e, UnknownOffer)
			case cards[e.Card] == nil:
				reject(i, e, UnknownCard)
			case seen[e.ID]:
				reject(i, e, RepeatInSent)
			default:
				seen[e.ID] = true
				good = append(good, i)
			}
		}
		fresh, err := insertEvents(ctx, s.stmts.Querier(s.DB, tx), partnerID, events, good, cards, db.TS(now))
		if err != nil {
			return err
		}
		res.Accepted, res.Duplicates = len(fresh), len(good)-len(fresh)
		return s.rollUp(ctx, s.stmts.Querier(s.DB, tx), partnerID, events, fresh, cards)
	})
	return res, err
}

// ErrBatchTooLarge refuses a batch of more than MaxBatch events.
var ErrBatchTooLarge = apperr.E(apperr.Invalid, "card.error.batch_too_large")

// offersOf is the set of a partner's offer ids.
func offersOf(ctx context.Context, q db.Querier, partnerID string) (map[string]bool, error) {
	out := map[string]bool{}
	err := db.Each(ctx, q, func(r db.Scanner) error {
		var id string
		err := r.Scan(&id)
		out[id] = true
		return err
	}, `SELECT id FROM card_offers WHERE partner_id = $1`, partnerID)
	if err != nil {
		return nil, fmt.Errorf("card: offers of partner: %w", err)
	}
	return out, nil
}

// inChunk bounds the ids one IN list carries.
const inChunk = 500

// holderFactsOf finds the batch's cards by the partner's references.
func holderFactsOf(ctx context.Context, q db.Querier, partnerID string, events []Event) (map[string]*holderFacts, error) {
	out := map[string]*holderFacts{}
	var ids []any
	for _, e := range events {
		if _, ok := out[e.Card]; !ok && e.Card != "" && len(e.Card) <= 64 {
			out[e.Card] = nil
			ids = append(ids, e.Card)
		}
	}
	for start := 0; start < len(ids); start += inChunk {
		chunk := append([]any{partnerID}, ids[start:min(start+inChunk, len(ids))]...)
		err := db.Each(ctx, q, func(r db.Scanner) error {
			var (
				ref string
				f   holderFacts
			)
			if err := r.Scan(&ref, &f.cardID, &f.district, &f.birthYear); err != nil {
				return err
			}
			out[ref] = &f
			return nil
		}, `SELECT r.ref, h.card_id, h.district, h.birth_year FROM card_partner_refs r JOIN card_holders h ON h.card_id = r.card_id
			WHERE r.partner_id = $1 AND r.ref IN (`+placeholders(2, len(chunk)-1)+`)`, chunk...)
		if err != nil {
			return nil, fmt.Errorf("card: cards of batch: %w", err)
		}
	}
	return out, nil
}

func placeholders(from, n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "$%d", from+i)
	}
	return b.String()
}

// insertEvents stores the good events and returns the indexes of those
// that are new (not sent before).
func insertEvents(ctx context.Context, tx db.Querier, partnerID string, events []Event, good []int, cards map[string]*holderFacts, now time.Time) ([]int, error) {
	var fresh []int
	byID := map[string]int{}
	rows := make([][]any, 0, len(good))
	for _, i := range good {
		e := events[i]
		byID[e.ID] = i
		rows = append(rows, []any{partnerID, e.ID, e.Offer, cards[e.Card].cardID, db.TS(e.Time), now})
	}
	err := insertRows(ctx, tx, `INSERT INTO card_events (partner_id, event_id, offer_id, card_id, at, received_at) VALUES `, rows,
		` ON CONFLICT (partner_id, event_id) DO NOTHING RETURNING event_id`, func(r db.Scanner) error {
			var id string
			if err := r.Scan(&id); err != nil {
				return err
			}
			fresh = append(fresh, byID[id])
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("card: store events: %w", err)
	}
	return fresh, nil
}

// rollUp adds the new events to the rollups, many rows a statement
// (the keys of one statement are distinct: they are aggregated here).
func (s *Service) rollUp(ctx context.Context, tx db.Querier, partnerID string, events []Event, fresh []int, cards map[string]*holderFacts) error {
	usage := map[usageKey]int64{}
	type dayCard struct{ day, card string }
	dayCards := map[dayCard]*holderFacts{}
	for _, i := range fresh {
		e := events[i]
		f := cards[e.Card]
		local := e.Time.In(s.loc())
		d := local.Format(day)
		usage[usageKey{day: d, hour: local.Hour(), offer: e.Offer, partner: partnerID, district: f.district,
			ageBand: AgeBand(f.birthYear, local.Year())}]++
		dayCards[dayCard{d, f.cardID}] = f
	}
	var rows [][]any
	for k, n := range usage {
		rows = append(rows, []any{k.day, k.hour, k.offer, k.partner, k.district, k.ageBand, n})
	}
	if err := insertRows(ctx, tx, `INSERT INTO card_usage (day, hour, offer_id, partner_id, district, age_band, uses) VALUES `, rows,
		` ON CONFLICT (day, hour, offer_id, partner_id, district, age_band) DO UPDATE SET uses = card_usage.uses + excluded.uses`, nil); err != nil {
		return fmt.Errorf("card: usage rollup: %w", err)
	}
	dims := map[[3]string]int64{}
	for k, n := range usage {
		for _, d := range [][2]string{{"offer", k.offer}, {"partner", k.partner}, {"district", strconv.Itoa(k.district)},
			{"age", k.ageBand}, {"hour", strconv.Itoa(k.hour)}} {
			dims[[3]string{k.day, d[0], d[1]}] += n
		}
	}
	rows = rows[:0]
	for k, n := range dims {
		rows = append(rows, []any{k[0], k[1], k[2], n})
	}
	if err := insertRows(ctx, tx, `INSERT INTO card_usage_dims (day, dim, key, uses) VALUES `, rows,
		` ON CONFLICT (day, dim, key) DO UPDATE SET uses = card_usage_dims.uses + excluded.uses`, nil); err != nil {
		return fmt.Errorf("card: usage by dimension: %w", err)
	}
	type uniqueKey struct {
		day      string
		district int
		band     string
	}
	uniques := map[uniqueKey]int64{}
	rows = rows[:0]
	for dc := range dayCards {
		rows = append(rows, []any{dc.day, dc.card})
	}
	err := insertRows(ctx, tx, `INSERT INTO card_day_holders (day, card_id) VALUES `, rows,
		` ON CONFLICT (day, card_id) DO NOTHING RETURNING day, card_id`, func(r db.Scanner) error {
			var dc dayCard
			if err := r.Scan(&dc.day, &dc.card); err != nil {
				return err
			}
			f := dayCards[dc]
			year, _ := time.Parse(day, dc.day)
			uniques[uniqueKey{dc.day, f.district, AgeBand(f.birthYear, year.Year())}]++
			return nil
		})
	if err != nil {
		return fmt.Errorf("card: day holders: %w", err)
	}
	rows = rows[:0]
	for k, n := range uniques {
		rows = append(rows, []any{k.day, k.district, k.band, n})
	}
	if err := insertRows(ctx, tx, `INSERT INTO card_daily_uniques (day, district, age_band, holders) VALUES `, rows,
		` ON CONFLICT (day, district, age_band) DO UPDATE SET holders = card_daily_uniques.holders + excluded.holders`, nil); err != nil {
		return fmt.Errorf("card: daily uniques: %w", err)
	}
	return nil
}

// rowsPerStatement is the rows of one multi-row statement. The
// statements go through the Service's statement cache: parsing them was a
// third of the CPU of a batch. A chunk of fewer rows is a statement of its
// own, so at most rowsPerStatement texts a table are kept prepared.
const rowsPerStatement = 64

// insertRows runs head + (…), (…) + tail for rows, rowsPerStatement at a
// time; scan reads what a RETURNING tail gives (nil: no RETURNING).
func insertRows(ctx context.Context, tx db.Querier, head string, rows [][]any, tail string, scan func(db.Scanner) error) error {
	for start := 0; start < len(rows); start += rowsPerStatement {
		chunk := rows[start:min(start+rowsPerStatement, len(rows))]
		var (
			b    strings.Builder
			args []any
		)
		b.WriteString(head)
		for i, r := range chunk {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(" + placeholders(len(args)+1, len(r)) + ")")
			args = append(args, r...)
		}
		b.WriteString(tail)
		var err error
		if scan != nil {
			err = db.Each(ctx, tx, scan, b.String(), args...)
		} else {
			_, err = tx.ExecContext(ctx, b.String(), args...)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
