package news

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/civitas-city/civitas/internal/db"
)

// The SQL of items, their tags and milestones, and the search index.

const itemCols = `id, slug, kind, status, title, summary, body, publish_at, unpublish_at, shown_at, starts_at, ends_at,
	place, accessibility, price, streets, detour, geometry, geometry_text, budget, contractor, progress,
	created_by, created_at, updated_at`

func scanItem(row db.Scanner) (*Item, error) {
	var (
		it                                Item
		kind, status, streets             string
		publish, unpublish, shown, starts db.NullTime
		ends                              db.NullTime
		created, updated                  db.Time
	)
	if err := row.Scan(&it.ID, &it.Slug, &kind, &status, &it.Title, &it.Summary, &it.Body, &publish, &unpublish, &shown,
		&starts, &ends, &it.Place, &it.Accessibility, &it.Price, &streets, &it.Detour, &it.Geometry, &it.GeometryText,
		&it.Budget, &it.Contractor, &it.Progress, &it.CreatedBy, &created, &updated); err != nil {
		return nil, db.MapError(err)
	}
	it.Kind, it.Status = Kind(kind), Status(status)
	it.PublishAt, it.UnpublishAt, it.ShownAt = publish.Time, unpublish.Time, shown.Time
	it.StartsAt, it.EndsAt = starts.Time, ends.Time
	it.CreatedAt, it.UpdatedAt = created.Time, updated.Time
	if streets != "" {
		it.Streets = strings.Split(streets, "\n")
	}
	return &it, nil
}

// itemArgs are the values of itemCols for it, in order.
func itemArgs(it *Item) []any {
	return []any{it.ID, it.Slug, string(it.Kind), string(it.Status), it.Title, it.Summary, it.Body,
		db.NullTimeOf(it.PublishAt), db.NullTimeOf(it.UnpublishAt), db.NullTimeOf(it.ShownAt),
		db.NullTimeOf(it.StartsAt), db.NullTimeOf(it.EndsAt), it.Place, it.Accessibility, it.Price,
		strings.Join(it.Streets, "\n"), it.Detour, it.Geometry, it.GeometryText, it.Budget, it.Contractor, it.Progress,
		it.CreatedBy, db.TS(it.CreatedAt), db.TS(it.UpdatedAt)}
}

func placeholders(from, n int) string {
	p := make([]string, n)
	for i := range p {
		p[i] = "$" + strconv.Itoa(from+i)
	}
	return strings.Join(p, ", ")
}

func insertItem(ctx context.Context, q db.Querier, it *Item) error {
	if _, err := q.ExecContext(ctx, `INSERT INTO news_items (`+itemCols+`) VALUES (`+placeholders(1, 25)+`)`,
		itemArgs(it)...); err != nil {
		return fmt.Errorf("news: insert item: %w", db.MapError(err))
	}
	return writeTags(ctx, q, it)
}

// updateItem writes every column but id, created_by and created_at.
func updateItem(ctx context.Context, q db.Querier, it *Item) error {
	cols := strings.Split(itemCols, ",")
	var set []string
	args := itemArgs(it)
	var vals []any
	for i, c := range cols {
		c = strings.TrimSpace(c)
		if c == "id" || c == "created_by" || c == "created_at" {
			continue
		}
		vals = append(vals, args[i])
		set = append(set, c+" = $"+strconv.Itoa(len(vals)))
	}
	vals = append(vals, it.ID)
	if _, err := q.ExecContext(ctx, `UPDATE news_items SET `+strings.Join(set, ", ")+` WHERE id = $`+strconv.Itoa(len(vals)),
		vals...); err != nil {
		return fmt.Errorf("news: update item: %w", db.MapError(err))
	}
	return writeTags(ctx, q, it)
}

// writeTags replaces an item's districts, topics, milestones and search
// words.
func writeTags(ctx context.Context, q db.Querier, it *Item) error {
	for _, stmt := range []string{`DELETE FROM news_item_districts WHERE item_id = $1`, `DELETE FROM news_item_topics WHERE item_id = $1`,
		`DELETE FROM news_milestones WHERE item_id = $1`, `DELETE FROM news_search WHERE id = $1`} {
		if _, err := q.ExecContext(ctx, stmt, it.ID); err != nil {
			return fmt.Errorf("news: clear tags: %w", err)
		}
	}
	for _, d := range it.Districts {
		if _, err := q.ExecContext(ctx, `INSERT INTO news_item_districts (item_id, district) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
			it.ID, d); err != nil {
			return fmt.Errorf("news: district: %w", err)
		}
	}
	for _, t := range it.Topics {
		if _, err := q.ExecContext(ctx, `INSERT INTO news_item_topics (item_id, topic) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
			it.ID, t); err != nil {
			return fmt.Errorf("news: topic: %w", err)
		}
	}
	for i, m := range it.Milestones {
		if _, err := q.ExecContext(ctx, `INSERT INTO news_milestones (id, item_id, position, title, due, done) VALUES ($1, $2, $3, $4, $5, $6)`,
			db.NewID(), it.ID, i, m.Title, db.NullTimeOf(m.Due), m.Done); err != nil {
			return fmt.Errorf("news: milestone: %w", err)
		}
	}
	words := Words(strings.Join(append([]string{it.Title, it.Summary, it.Body, it.Place, it.Detour, it.GeometryText, it.Contractor},
		it.Streets...), " "))
	if _, err := q.ExecContext(ctx, `INSERT INTO news_search (id, words) VALUES ($1, $2)`, it.ID, strings.Join(words, " ")); err != nil {
		return fmt.Errorf("news: search words: %w", err)
	}
	return nil
}

// loadTags fills the districts, topics and milestones of items.
func loadTags(ctx context.Context, q db.Querier, items []*Item) error {
	for _, it := range items {
		var err error
		if it.Districts, err = db.Query(ctx, q, db.Value[int],
			`SELECT district FROM news_item_districts WHERE item_id = $1 ORDER BY district`, it.ID); err != nil {
			return fmt.Errorf("news: districts: %w", err)
		}
		if it.Topics, err = db.Query(ctx, q, db.Value[string],
			`SELECT topic FROM news_item_topics WHERE item_id = $1 ORDER BY topic`, it.ID); err != nil {
			return fmt.Errorf("news: topics: %w", err)
		}
		if it.Kind != Investment {
			continue
		}
		if it.Milestones, err = db.Query(ctx, q, func(row db.Scanner) (Milestone, error) {
			var (
				m   Milestone
				due db.NullTime
			)
			err := row.Scan(&m.Title, &due, &m.Done)
			m.Due = due.Time
			return m, err
		}, `SELECT title, due, done FROM news_milestones WHERE item_id = $1 ORDER BY position`, it.ID); err != nil {
			return fmt.Errorf("news: milestones: %w", err)
		}
	}
	return nil
}

// loadItem reads one item by column ("id" or "slug"), with its tags.
func loadItem(ctx context.Context, q db.Querier, col, value string) (*Item, error) {
	it, err := scanItem(q.QueryRowContext(ctx, `SELECT `+itemCols+` FROM news_items WHERE `+col+` = $1`, value))
	if err != nil {
		return nil, fmt.Errorf("news: item: %w", err)
	}
	return it, loadTags(ctx, q, []*Item{it})
}

// Filter narrows a listing of published items.
type Filter struct {
	// District: items about it and those about the whole city (0: all).
	District int
	Topic    string
	Kind     Kind
	// Query is what a resident searches for (folded before matching).
	Query string
	// From and To, when set, keep dated items that overlap [From, To)
	// (events and road works; others drop out).
	From, To time.Time
	Limit    int
}

// listVisible lists the items residents see at now that match f, newest
// first.
func listVisible(ctx context.Context, d *db.DB, q db.Querier, f Filter, now time.Time) ([]*Item, error) {
	args := []any{db.TS(now)}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	where := []string{`i.status = 'published'`, `i.shown_at <= $1`, `(i.unpublish_at IS NULL OR i.unpublish_at > $1)`}
	if f.District != 0 {
		where = append(where, `(NOT EXISTS (SELECT 1 FROM news_item_districts x WHERE x.item_id = i.id)
			OR EXISTS (SELECT 1 FROM news_item_districts x WHERE x.item_id = i.id AND x.district = `+arg(f.District)+`))`)
	}
	if f.Topic != "" {
		where = append(where, `EXISTS (SELECT 1 FROM news_item_topics t WHERE t.item_id = i.id AND t.topic = `+arg(f.Topic)+`)`)
	}
	if f.Kind != "" {
		where = append(where, `i.kind = `+arg(string(f.Kind)))
	}
	if !f.From.IsZero() {
		where = append(where, `i.starts_at IS NOT NULL AND COALESCE(i.ends_at, i.starts_at) >= `+arg(db.TS(f.From)))
	}
	if !f.To.IsZero() {
		where = append(where, `i.starts_at < `+arg(db.TS(f.To)))
	}
	if words := queryWords(f.Query); len(words) > 0 {
		cond, value := d.SearchMatch("news_search", "$"+strconv.Itoa(len(args)+1), words)
		args = append(args, value)
		where = append(where, `i.id IN (SELECT news_search.id FROM news_search WHERE `+cond+`)`)
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	items, err := db.Query(ctx, q, scanItem, `SELECT `+prefixed(itemCols, "i.")+` FROM news_items i WHERE `+
		strings.Join(where, " AND ")+` ORDER BY i.shown_at DESC, i.id DESC LIMIT `+arg(limit), args...)
	if err != nil {
		return nil, fmt.Errorf("news: list: %w", err)
	}
	return items, loadTags(ctx, q, items)
}

// prefixed puts p before each column of a column list.
func prefixed(cols, p string) string {
	parts := strings.Split(cols, ",")
	for i, c := range parts {
		parts[i] = p + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}

// listAll lists every item, for the editors, most recently changed first.
func listAll(ctx context.Context, q db.Querier, status Status) ([]*Item, error) {
	query, args := `SELECT `+itemCols+` FROM news_items ORDER BY updated_at DESC, id DESC LIMIT 500`, []any(nil)
	if status != "" {
		query, args = `SELECT `+itemCols+` FROM news_items WHERE status = $1 ORDER BY updated_at DESC, id DESC LIMIT 500`, []any{string(status)}
	}
	items, err := db.Query(ctx, q, scanItem, query, args...)
	if err != nil {
		return nil, fmt.Errorf("news: editor list: %w", err)
	}
	return items, loadTags(ctx, q, items)
}

func slugTaken(ctx context.Context, q db.Querier, slug string) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM news_items WHERE slug = $1`, slug).Scan(&n)
	return n > 0, err
}
