package news

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/jobs"
	"github.com/civitas-city/civitas/internal/news/ingest"
)

// Source is another city site read on a schedule (see internal/news/ingest).
type Source struct {
	ID, Name, Format, URL string
	// Trusted sources publish as they come; others' items wait in review.
	Trusted  bool
	Kind     Kind // for entries that do not say
	District int  // 0: the whole city
	Topic    string
	Every    time.Duration
	LastRun  time.Time
	LastErr  string
}

// SourceActor is the schedule, in the audit log.
var SourceActor = Actor{Name: "system: ingest"}

// AddSource saves a source and queues its first read. Audited.
func (s *Service) AddSource(ctx context.Context, a Actor, src Source) (*Source, error) {
	f := apperr.Fields{}
	if strings.TrimSpace(src.Name) == "" || len(src.Name) > maxTitle {
		f["name"] = "news.error.required"
	}
	if !slices.Contains(ingest.Formats, src.Format) {
		f["format"] = "news.error.format"
	}
	if u, err := url.Parse(src.URL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		f["url"] = "news.error.url"
	}
	if !src.Kind.Valid() {
		f["kind"] = "news.error.kind"
	}
	if src.District < 0 || src.District > 0 && s.IsDistrict != nil && !s.IsDistrict(src.District) {
		f["district"] = "news.error.district"
	}
	if src.Topic != "" && !slices.Contains(Topics, src.Topic) {
		f["topic"] = "news.error.topic"
	}
	if src.Every < 15*time.Minute || src.Every > 7*24*time.Hour {
		f["every"] = "news.error.every"
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	src.ID = db.NewID()
	return &src, s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO news_sources (id, name, format, url, trusted, kind, district, topic, every_minutes, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, src.ID, strings.TrimSpace(src.Name), src.Format, src.URL, src.Trusted,
			string(src.Kind), src.District, src.Topic, int(src.Every/time.Minute), db.TS(s.now())); err != nil {
			return fmt.Errorf("news: add source: %w", err)
		}
		if err := s.scheduleSource(ctx, tx, src.ID, s.now()); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "news.source.add", src.ID, map[string]string{"url": src.URL, "trusted": fmt.Sprint(src.Trusted)})
	})
}

const sourceCols = `id, name, format, url, trusted, kind, district, topic, every_minutes, last_run_at, last_error`

func scanSource(row db.Scanner) (*Source, error) {
	var (
		src     Source
		kind    string
		every   int
		lastRun db.NullTime
	)
	if err := row.Scan(&src.ID, &src.Name, &src.Format, &src.URL, &src.Trusted, &kind, &src.District, &src.Topic, &every,
		&lastRun, &src.LastErr); err != nil {
		return nil, db.MapError(err)
	}
	src.Kind, src.Every, src.LastRun = Kind(kind), time.Duration(every)*time.Minute, lastRun.Time
	return &src, nil
}

// Sources lists the sources by name.
func (s *Service) Sources(ctx context.Context) ([]*Source, error) {
	return db.Query(ctx, s.DB, scanSource, `SELECT `+sourceCols+` FROM news_sources ORDER BY name, id`)
}

// JobIngest reads a source.
const JobIngest = "news.ingest"

type ingestJob struct {
	Source string `json:"source"`
}

func (s *Service) scheduleSource(ctx context.Context, q db.Querier, id string, at time.Time) error {
	return jobs.Enqueue(ctx, q, JobIngest, ingestJob{Source: id}, jobs.Options{RunAt: at, DedupeKey: JobIngest + ":" + id})
}

// RunNow queues a source's read now.
func (s *Service) RunNow(ctx context.Context, id string) error {
	return s.scheduleSource(ctx, s.DB, id, s.now())
}

// maxSourceBytes bounds what is read from a source.
const maxSourceBytes = 16 << 20

// RunSource reads a source over HTTP, ingests what it gives (all or
// nothing), notes the outcome on the source, and queues the next read.
func (s *Service) RunSource(ctx context.Context, id string) error {
	src, err := scanSource(s.DB.QueryRowContext(ctx, `SELECT `+sourceCols+` FROM news_sources WHERE id = $1`, id))
	if apperr.Is(err, apperr.NotFound) {
		return nil // removed since
	}
	if err != nil {
		return err
	}
	created, updated, runErr := s.fetchAndIngest(ctx, src)
	msg := ""
	if runErr != nil {
		msg = runErr.Error()
		if len(msg) > 500 {
			msg = msg[:500]
		}
	}
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE news_sources SET last_run_at = $1, last_error = $2 WHERE id = $3`,
			db.TS(s.now()), msg, src.ID); err != nil {
			return err
		}
		if err := s.record(ctx, tx, SourceActor, "news.source.run", src.ID, map[string]string{
			"created": fmt.Sprint(created), "updated": fmt.Sprint(updated), "error": msg}); err != nil {
			return err
		}
		return s.scheduleSource(ctx, tx, src.ID, s.now().Add(src.Every))
	})
}

func (s *Service) fetchAndIngest(ctx context.Context, src *Source) (int, int, error) {
	client := s.HTTP
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, src.URL, nil)
	if err != nil {
		return 0, 0, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, 0, fmt.Errorf("fetch: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, 0, fmt.Errorf("fetch: %s", resp.Status)
	}
	entries, err := ingest.Read(src.Format, io.LimitReader(resp.Body, maxSourceBytes))
	if err != nil {
		return 0, 0, err
	}
	return s.Ingest(ctx, src, entries)
}

// Ingest saves a source's entries: new ones as items (published when the
// source is trusted, in review otherwise), known ones (by the source's
// id) updated in place, keeping their workflow state. An entry the editor
// would refuse stops the whole read: nothing changes.
func (s *Service) Ingest(ctx context.Context, src *Source, entries []ingest.Entry) (created, updated int, err error) {
	now := s.now()
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		created, updated = 0, 0
		for i, e := range entries {
			in := src.input(e)
			if err := in.validate(s.IsDistrict); err != nil {
				return fmt.Errorf("item %d (%s): %s", i+1, e.SourceID, describe(err))
			}
			var id string
			err := tx.QueryRowContext(ctx, `SELECT id FROM news_items WHERE source_id = $1 AND source_key = $2`, src.ID, e.SourceID).Scan(&id)
			switch {
			case err == sql.ErrNoRows:
				it := &Item{ID: db.NewID(), Status: Review, CreatedBy: "", CreatedAt: now}
				if src.Trusted {
					it.Status = Published
				}
				it.apply(in, now)
				if it.Slug, err = s.freeSlug(ctx, tx, "", in.Title); err != nil {
					return err
				}
				if err := insertItem(ctx, tx, it); err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, `UPDATE news_items SET source_id = $1, source_key = $2 WHERE id = $3`,
					src.ID, e.SourceID, it.ID); err != nil {
					return err
				}
				created++
			case err != nil:
				return err
			default:
				it, err := loadItem(ctx, tx, "id", id)
				if err != nil {
					return err
				}
				if same(it, in) {
					continue
				}
				it.apply(in, now)
				if err := updateItem(ctx, tx, it); err != nil {
					return err
				}
				updated++
			}
		}
		return nil
	})
	return created, updated, err
}

// describe is a validation error as an operator reads it: the fields and
// their message keys.
func describe(err error) string {
	f := apperr.FieldsOf(err)
	if len(f) == 0 {
		return err.Error()
	}
	b, _ := json.Marshal(f)
	return string(b)
}

// input is an entry as the editor's input, with the source's defaults.
func (src *Source) input(e ingest.Entry) Input {
	in := Input{Kind: Kind(e.Kind), Title: e.Title, Summary: e.Summary, Body: e.Body, StartsAt: e.StartsAt, EndsAt: e.EndsAt,
		Place: e.Place, Streets: e.Streets, Geometry: e.Geometry, GeometryText: e.GeometryText, Districts: e.Districts}
	if in.Kind == "" {
		in.Kind = src.Kind
	}
	if len(in.Districts) == 0 && src.District > 0 {
		in.Districts = []int{src.District}
	}
	for _, t := range e.Topics {
		if slices.Contains(Topics, t) {
			in.Topics = append(in.Topics, t)
		}
	}
	if len(in.Topics) == 0 && src.Topic != "" {
		in.Topics = []string{src.Topic}
	}
	if e.Link != "" {
		in.Body = strings.TrimSpace(in.Body + "\n\n<" + e.Link + ">")
	}
	return in
}

// same tells whether an ingested item already says what in says.
func same(it *Item, in Input) bool {
	return it.Title == in.Title && it.Summary == in.Summary && it.Body == in.Body && it.Kind == in.Kind &&
		it.StartsAt.Equal(db.TS(in.StartsAt)) && it.EndsAt.Equal(db.TS(in.EndsAt)) && it.Place == in.Place &&
		slices.Equal(it.Streets, in.Streets) && it.GeometryText == in.GeometryText
}

// IngestJobs are the ingest's background jobs.
func (s *Service) IngestJobs() map[string]jobs.Handler {
	return map[string]jobs.Handler{
		JobIngest: func(ctx context.Context, j jobs.Job) error {
			var p ingestJob
			if err := json.Unmarshal(j.Payload, &p); err != nil || p.Source == "" {
				return &jobs.PermanentError{Err: fmt.Errorf("news: bad job payload: %s", j.Payload)}
			}
			return s.RunSource(ctx, p.Source)
		},
	}
}
