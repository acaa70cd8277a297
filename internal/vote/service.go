package vote

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/audit"
	"github.com/civitas-city/civitas/internal/ballot"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/i18n"
	"github.com/civitas-city/civitas/internal/jobs"
)

// Service is the logic of referenda and polls.
type Service struct {
	DB *db.DB
	// Key is the secret key (CIVITAS_SECRET_KEY): it keys the ballot links,
	// paper MACs and the voter keys of polls open to any account.
	Key       []byte
	Residents Residents
	// IsDistrict tells the city's district numbers (nil: any positive).
	IsDistrict func(int) bool
	// Recipients, Catalog and BaseURL make the notices by mail (none
	// without them); Location is the city's time zone for their dates.
	Recipients Recipients
	Catalog    *i18n.Catalog
	BaseURL    string
	Location   *time.Location
	Log        *slog.Logger
	Now        func() time.Time

	boxOnce sync.Once
	box     *ballot.Box

	cacheMu sync.Mutex
	cache   map[string]cachedReferendum // by slug, see Referendum
}

// cachedReferendum is a referendum as the ballot path reads it, for a few
// seconds: the transaction that records a ballot checks the phase again
// (boxOpen), so a stale copy can never let a ballot in after the close.
type cachedReferendum struct {
	r      *Referendum
	loaded time.Time
}

const cacheTTL = 3 * time.Second

func (s *Service) forget() {
	s.cacheMu.Lock()
	s.cache = nil
	s.cacheMu.Unlock()
}

// Actor is who does something, for the audit log.
type Actor = ballot.Actor

// SystemActor is the schedule.
var SystemActor = Actor{Name: "system: schedule"}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now().UTC()
}

// ballots is the vote's use of the ballot box: a referendum or a poll is a
// box, a question (or the poll) a pool and a slot.
func (s *Service) ballots() *ballot.Box {
	s.boxOnce.Do(func() {
		s.box = &ballot.Box{
			DB: s.DB, Key: s.Key, Now: s.now, Log: s.Log,
			Names: ballot.Names{
				Errors: "vote.error.", PaperErrors: "vote.paper.error.", Audit: "vote",
				PoolTarget: "vote_question", BatchTarget: "vote_paper_batch",
				Link: "vote-ballot-link", PaperMAC: "vote-paper-choices",
			},
			Open: boxOpen,
		}
	})
	return s.box
}

// Box is the ballot box as this module configures it (for the ballot
// box's own tests and tools: integrity, receipts).
func (s *Service) Box() *ballot.Box { return s.ballots() }

func (s *Service) record(ctx context.Context, q db.Querier, a Actor, action, targetType, targetID string, details map[string]string) error {
	return audit.Record(ctx, q, audit.Entry{
		At: s.now(), ActorID: a.ID, ActorLabel: a.Name, OnBehalfOf: a.OnBehalfOf, Action: action,
		TargetType: targetType, TargetID: targetID, Details: details, RequestID: a.RequestID,
	})
}

// Referendum returns a referendum by slug, with its questions.
func (s *Service) Referendum(ctx context.Context, slug string) (*Referendum, error) {
	r, err := loadReferendum(ctx, s.DB, "slug", slug)
	if apperr.Is(err, apperr.NotFound) {
		return nil, apperr.E(apperr.NotFound, "vote.error.no_referendum")
	}
	return r, err
}

// cachedReferendum returns a referendum by slug from a copy at most
// cacheTTL old: the ballot path's read (callers must not change it).
func (s *Service) cachedReferendum(ctx context.Context, slug string) (*Referendum, error) {
	s.cacheMu.Lock()
	c, ok := s.cache[slug]
	s.cacheMu.Unlock()
	if ok && time.Since(c.loaded) < cacheTTL {
		return c.r, nil
	}
	r, err := s.Referendum(ctx, slug)
	if err != nil {
		return nil, err
	}
	s.cacheMu.Lock()
	if s.cache == nil {
		s.cache = map[string]cachedReferendum{}
	}
	s.cache[slug] = cachedReferendum{r: r, loaded: time.Now()}
	s.cacheMu.Unlock()
	return r, nil
}

// Referenda lists every referendum, newest first (without questions).
func (s *Service) Referenda(ctx context.Context) ([]*Referendum, error) {
	return listReferenda(ctx, s.DB)
}

// SetPhase moves a referendum to phase by an officer's decision; the
// schedule stops. Audited.
func (s *Service) SetPhase(ctx context.Context, a Actor, slug string, phase Phase) error {
	if phase.index() < 0 {
		return apperr.Fieldf("phase", "vote.error.phase")
	}
	r, err := s.Referendum(ctx, slug)
	if err != nil {
		return err
	}
	defer s.forget()
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if err := setReferendumPhase(ctx, tx, r.ID, phase, false, s.now()); err != nil {
			return err
		}
		if phase == Voting && r.Phase != Voting {
			r.Phase = Voting
			if err := s.scheduleNotices(ctx, tx, r); err != nil {
				return err
			}
		}
		return s.record(ctx, tx, a, "vote.referendum.phase", "vote_referendum", r.ID,
			map[string]string{"from": string(r.Phase), "to": string(phase)})
	})
}

// Job kinds.
const (
	JobSchedule = "vote.schedule" // move a referendum's phase when its planned start comes
)

type referendumJob struct {
	ReferendumID string `json:"referendum_id"`
}

// scheduleNext queues the schedule's next wake-up for r.
func (s *Service) scheduleNext(ctx context.Context, q db.Querier, r *Referendum) error {
	if !r.AutoPhases {
		return nil
	}
	next := r.NextStart(s.now())
	if next.IsZero() {
		return nil
	}
	return jobs.Enqueue(ctx, q, JobSchedule, referendumJob{r.ID},
		jobs.Options{RunAt: next, DedupeKey: JobSchedule + ":" + r.ID + ":" + next.UTC().Format(time.RFC3339)})
}

// RunSchedule moves a referendum to the phase its dates say, when that is
// later than its phase now (audited as the schedule), and queues the next
// wake-up.
func (s *Service) RunSchedule(ctx context.Context, id string) error {
	defer s.forget()
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		r, err := loadReferendum(ctx, tx, "id", id)
		if apperr.Is(err, apperr.NotFound) {
			return nil
		}
		if err != nil || !r.AutoPhases {
			return err
		}
		if due := r.PhaseDue(s.now()); due.index() > r.Phase.index() {
			if err := setReferendumPhase(ctx, tx, r.ID, due, true, s.now()); err != nil {
				return err
			}
			if err := s.record(ctx, tx, SystemActor, "vote.referendum.phase", "vote_referendum", r.ID,
				map[string]string{"from": string(r.Phase), "to": string(due)}); err != nil {
				return err
			}
		}
		return s.scheduleNext(ctx, tx, r)
	})
}

// JobHandlers are the vote's background jobs.
func (s *Service) JobHandlers() map[string]jobs.Handler {
	return map[string]jobs.Handler{
		JobNotice: s.noticeHandler(),
		JobSchedule: func(ctx context.Context, j jobs.Job) error {
			var p referendumJob
			if err := json.Unmarshal(j.Payload, &p); err != nil || p.ReferendumID == "" {
				return &jobs.PermanentError{Err: fmt.Errorf("vote: bad job payload: %s", j.Payload)}
			}
			return s.RunSchedule(ctx, p.ReferendumID)
		},
	}
}
