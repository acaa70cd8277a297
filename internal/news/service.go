package news

import (
	"context"
	"database/sql"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/audit"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/files"
)

// Service is the logic of the information hub.
//
// Scheduled publishing and unpublishing are checked whenever items are
// read (Item.Visible and the same test in SQL), not moved by a job: an
// item planned for 8:00 is visible at 8:00 on every node, with no job to
// be late or to fail.
type Service struct {
	DB *db.DB
	// IsDistrict tells the city's district numbers (nil: any positive).
	IsDistrict func(int) bool
	Log        *slog.Logger
	Now        func() time.Time
	// HTTP reads ingest sources (nil: a client with a 30 s timeout).
	HTTP *http.Client
}

// Actor is who acts, for the audit log.
type Actor struct {
	ID, Name, OnBehalfOf, RequestID string
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

func (s *Service) record(ctx context.Context, q db.Querier, a Actor, action, id string, details map[string]string) error {
	return audit.Record(ctx, q, audit.Entry{At: s.now(), ActorID: a.ID, ActorLabel: a.Name, OnBehalfOf: a.OnBehalfOf,
		Action: action, TargetType: "news_item", TargetID: id, Details: details, RequestID: a.RequestID})
}

var errNoItem = apperr.E(apperr.NotFound, "news.error.no_item")

// Create saves a new draft. Audited.
func (s *Service) Create(ctx context.Context, a Actor, in Input) (*Item, error) {
	if err := in.validate(s.IsDistrict); err != nil {
		return nil, err
	}
	now := s.now()
	it := &Item{ID: db.NewID(), Status: Draft, CreatedBy: a.ID, CreatedAt: now}
	it.apply(in, now)
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		slug, err := s.freeSlug(ctx, tx, in.Slug, in.Title)
		if err != nil {
			return err
		}
		it.Slug = slug
		if err := insertItem(ctx, tx, it); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "news.item.create", it.ID, map[string]string{"kind": string(it.Kind), "slug": it.Slug})
	})
	if err != nil {
		return nil, err
	}
	return it, nil
}

// freeSlug is the slug asked for (which must be free) or one made from the
// title, numbered when taken.
func (s *Service) freeSlug(ctx context.Context, q db.Querier, asked, title string) (string, error) {
	if asked != "" {
		taken, err := slugTaken(ctx, q, asked)
		if err != nil {
			return "", err
		}
		if taken {
			return "", apperr.Fieldf("slug", "news.error.slug_taken")
		}
		return asked, nil
	}
	base := slugOf(title)
	for i := 1; ; i++ {
		slug := base
		if i > 1 {
			slug = base + "-" + strconv.Itoa(i)
		}
		taken, err := slugTaken(ctx, q, slug)
		if err != nil || !taken {
			return slug, err
		}
	}
}

// apply copies what the editor wrote into it (the slug aside).
func (it *Item) apply(in Input, now time.Time) {
	it.Kind, it.Title, it.Summary, it.Body = in.Kind, in.Title, in.Summary, in.Body
	it.Districts, it.Topics = slices.Compact(slices.Sorted(slices.Values(in.Districts))), slices.Compact(slices.Sorted(slices.Values(in.Topics)))
	it.PublishAt, it.UnpublishAt = db.TS(in.PublishAt), db.TS(in.UnpublishAt)
	it.StartsAt, it.EndsAt = db.TS(in.StartsAt), db.TS(in.EndsAt)
	it.Place, it.Accessibility, it.Price = in.Place, in.Accessibility, in.Price
	it.Streets, it.Detour, it.Geometry, it.GeometryText = in.Streets, in.Detour, in.Geometry, in.GeometryText
	if it.Geometry != "" {
		if g, err := ParseGeometry(it.Geometry); err == nil {
			it.Geometry = g.JSON() // stored normalised
		}
	}
	it.Budget, it.Contractor, it.Progress, it.Milestones = in.Budget, in.Contractor, in.Progress, in.Milestones
	for i := range it.Milestones {
		it.Milestones[i].Due = db.TS(it.Milestones[i].Due)
	}
	it.UpdatedAt = now
	if it.Status == Published {
		it.ShownAt = shownAt(it.PublishAt, it.ShownAt, now)
	}
}

// shownAt is when a published item appears: its planned publication when
// it has one, else when it was first published.
func shownAt(publishAt, was, now time.Time) time.Time {
	switch {
	case !publishAt.IsZero():
		return publishAt
	case !was.IsZero():
		return was
	}
	return now
}

// Update saves an officer's changes to an item in any state. Audited.
func (s *Service) Update(ctx context.Context, a Actor, id string, in Input) (*Item, error) {
	if err := in.validate(s.IsDistrict); err != nil {
		return nil, err
	}
	var it *Item
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		if it, err = s.editorItem(ctx, tx, id); err != nil {
			return err
		}
		if in.Slug != "" && in.Slug != it.Slug {
			if it.Slug, err = s.freeSlug(ctx, tx, in.Slug, in.Title); err != nil {
				return err
			}
		}
		it.apply(in, s.now())
		if err := updateItem(ctx, tx, it); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "news.item.update", it.ID, map[string]string{"status": string(it.Status)})
	})
	return it, err
}

// Move takes an item through the workflow (see transitions). Publishing
// with a planned time keeps it hidden until then. Audited.
func (s *Service) Move(ctx context.Context, a Actor, id string, to Status) (*Item, error) {
	var it *Item
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		if it, err = s.editorItem(ctx, tx, id); err != nil {
			return err
		}
		from := it.Status
		if !CanMove(from, to) {
			return apperr.E(apperr.Conflict, "news.error.transition")
		}
		now := s.now()
		it.Status, it.UpdatedAt = to, now
		if to == Published {
			it.ShownAt = shownAt(it.PublishAt, time.Time{}, now)
		} else {
			it.ShownAt = time.Time{}
		}
		if err := updateItem(ctx, tx, it); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "news.item.status", it.ID, map[string]string{"from": string(from), "to": string(to)})
	})
	return it, err
}

func (s *Service) editorItem(ctx context.Context, q db.Querier, id string) (*Item, error) {
	it, err := loadItem(ctx, q, "id", id)
	if apperr.Is(err, apperr.NotFound) {
		return nil, errNoItem
	}
	return it, err
}

// EditorItem is any item by id, for the editors.
func (s *Service) EditorItem(ctx context.Context, id string) (*Item, error) {
	return s.editorItem(ctx, s.DB, id)
}

// EditorItems lists items for the editors (status "" for all).
func (s *Service) EditorItems(ctx context.Context, status Status) ([]*Item, error) {
	return listAll(ctx, s.DB, status)
}

// Item is a published item by slug, as residents see it: not found when
// not visible now.
func (s *Service) Item(ctx context.Context, slug string) (*Item, error) {
	it, err := loadItem(ctx, s.DB, "slug", slug)
	if apperr.Is(err, apperr.NotFound) || err == nil && !it.Visible(s.now()) {
		return nil, errNoItem
	}
	return it, err
}

// List is what residents see now that matches f, newest first.
func (s *Service) List(ctx context.Context, f Filter) ([]*Item, error) {
	if f.Kind != "" && !f.Kind.Valid() {
		return nil, apperr.Fieldf("kind", "news.error.kind")
	}
	if f.Topic != "" && !slices.Contains(Topics, f.Topic) {
		return nil, apperr.Fieldf("topic", "news.error.topic")
	}
	if f.District != 0 && (f.District < 0 || s.IsDistrict != nil && !s.IsDistrict(f.District)) {
		return nil, apperr.Fieldf("district", "news.error.district")
	}
	return listVisible(ctx, s.DB, s.DB, f, s.now())
}

// photoOwner is the files owner of an item's photos.
func photoOwner(id string) string { return "news:" + id }

// AddPhoto stores a photo of an item (investments show theirs). Audited.
func (s *Service) AddPhoto(ctx context.Context, a Actor, id, name string, data []byte) (*files.File, error) {
	var f *files.File
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.editorItem(ctx, tx, id); err != nil {
			return err
		}
		var err error
		if f, err = files.Save(ctx, tx, photoOwner(id), name, data, files.Images); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "news.item.photo", id, map[string]string{"file": f.ID})
	})
	return f, err
}

// Photos lists an item's photos (without their data).
func (s *Service) Photos(ctx context.Context, id string) ([]files.File, error) {
	return files.List(ctx, s.DB, photoOwner(id))
}
