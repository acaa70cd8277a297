package budget

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/audit"
	"github.com/civitas-city/civitas/internal/ballot"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/i18n"
	"github.com/civitas-city/civitas/internal/jobs"
)

// Service is the budget's logic. Handlers, the import command and the demo
// all go through it.
type Service struct {
	DB *db.DB
	// Key is the secret key (CIVITAS_SECRET_KEY): it keys the
	// participation-to-ballot links and the paper-entry MACs.
	Key       []byte
	Residents Residents
	// People, when set, lets the service mail authors about reviews and
	// find pupils by email.
	People  People
	Catalog *i18n.Catalog
	// IsDistrict tells the city's district numbers (nil: any positive).
	IsDistrict func(int) bool
	// BaseURL starts the links in mail.
	BaseURL string
	// Country and Unit (the city) go into exported Pabulib files.
	Country, Unit string
	Log           *slog.Logger
	Now           func() time.Time

	boxOnce sync.Once
	box     *ballot.Box // the ballot box, see ballots
	cacheMu sync.Mutex
	sheets  map[string]*sheet // by pool id, see vote.go
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Service) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}

// mac is the hex HMAC-SHA256 of parts under the secret key, with a purpose
// prefix so one MAC can never stand for another.
func (s *Service) mac(purpose string, parts ...string) string {
	return s.ballots().MAC(purpose, parts...)
}

// ballots is the budget's use of the ballot box: an edition is a box, a
// pool a pool, and the names are the ones the budget has always used (its
// stored links and paper MACs, its messages and audit actions).
func (s *Service) ballots() *ballot.Box {
	s.boxOnce.Do(func() {
		s.box = &ballot.Box{
			DB: s.DB, Key: s.Key, Now: s.now, Log: s.Log,
			Names: ballot.Names{
				Errors: "budget.vote.error.", PaperErrors: "budget.paper.error.", Audit: "budget",
				PoolTarget: "pb_pool", BatchTarget: "pb_paper_batch",
				Link: "pb-ballot-link", PaperMAC: "pb-paper-choices",
			},
			Open: func(ctx context.Context, q db.Querier, box string, at time.Time) (bool, error) {
				phase, end, err := votingEnds(ctx, q, box)
				return phase == PhaseVoting && (!end.Valid || at.Before(end.Time)), err
			},
		}
	})
	return s.box
}

func boxActor(a Actor) ballot.Actor {
	return ballot.Actor{ID: a.ID, Name: a.Name, OnBehalfOf: a.OnBehalfOf, RequestID: a.RequestID}
}

// Actor is who does something, for the audit log.
type Actor struct {
	ID, Name string
	// OnBehalfOf is the resident an officer acts for.
	OnBehalfOf string
	RequestID  string
	// Admin: an administrator (may manage every edition).
	Admin bool
}

// SystemActor is the schedule.
var SystemActor = Actor{Name: "system: schedule"}

// Box is the ballot box as this module configures it (for the ballot
// box's own tests and tools: integrity, receipts).
func (s *Service) Box() *ballot.Box { return s.ballots() }

func (s *Service) record(ctx context.Context, q db.Querier, a Actor, action, targetType, targetID string, details map[string]string) error {
	return audit.Record(ctx, q, audit.Entry{
		At: s.now(), ActorID: a.ID, ActorLabel: a.Name, OnBehalfOf: a.OnBehalfOf, Action: action,
		TargetType: targetType, TargetID: targetID, Details: details, RequestID: a.RequestID,
	})
}

// Job kinds.
const (
	JobSchedule = "budget.schedule" // move an edition's phase when its planned start comes
	JobCount    = "budget.count"    // count every pool of an edition
)

type editionJob struct {
	EditionID string `json:"edition_id"`
}

// Edition returns the edition with slug, with its pools.
func (s *Service) Edition(ctx context.Context, slug string) (*Edition, error) {
	return loadEdition(ctx, s.DB, "slug", slug)
}

// EditionByID returns the edition with id, with its pools.
func (s *Service) EditionByID(ctx context.Context, id string) (*Edition, error) {
	return loadEdition(ctx, s.DB, "id", id)
}

// Editions lists every edition, newest first, without pools.
func (s *Service) Editions(ctx context.Context) ([]*Edition, error) {
	return listEditions(ctx, s.DB)
}

// MayManage reports whether actor may manage edition e: budget officers
// manage every edition unless it names coordinators; admins manage all.
func (e *Edition) MayManage(a Actor) bool {
	return a.Admin || len(e.Coordinators) == 0 || slices.Contains(e.Coordinators, a.ID)
}

func (s *Service) mustManage(e *Edition, a Actor) error {
	if !e.MayManage(a) {
		return apperr.E(apperr.Forbidden, "budget.error.not_coordinator")
	}
	return nil
}

// CreateEdition makes an edition from a configuration, in the draft phase
// unless its schedule has already started.
func (s *Service) CreateEdition(ctx context.Context, a Actor, c Config) (*Edition, error) {
	if err := c.Validate(s.IsDistrict); err != nil {
		return nil, err
	}
	e := c.edition()
	now := s.now()
	e.ID, e.Phase, e.CreatedAt, e.UpdatedAt = db.NewID(), PhaseDraft, now, now
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if err := insertEdition(ctx, tx, e); err != nil {
			return err
		}
		for i := range e.Pools {
			e.Pools[i].ID, e.Pools[i].EditionID = db.NewID(), e.ID
			if err := insertPool(ctx, tx, &e.Pools[i]); err != nil {
				return err
			}
		}
		if err := writeCoordinators(ctx, tx, e); err != nil {
			return err
		}
		if err := s.record(ctx, tx, a, "budget.edition.create", "pb_edition", e.ID, map[string]string{"slug": e.Slug}); err != nil {
			return err
		}
		return s.scheduleNext(ctx, tx, e)
	})
	if apperr.Is(err, apperr.Conflict) {
		return nil, &ConfigError{Problems: []Problem{{Path: "slug", Key: "budget.config.error.slug_taken"}}}
	}
	if err != nil {
		return nil, err
	}
	return e, nil
}

// UpdateEdition replaces an edition's configuration. Pools are matched by
// slug. Once voting has begun the pools' money and ballots are fixed, and
// a pool with projects or ballots cannot be removed.
func (s *Service) UpdateEdition(ctx context.Context, a Actor, editionID string, c Config) error {
	if err := c.Validate(s.IsDistrict); err != nil {
		return err
	}
	next := c.edition()
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		cur, err := loadEdition(ctx, tx, "id", editionID)
		if err != nil {
			return err
		}
		if err := s.mustManage(cur, a); err != nil {
			return err
		}
		if next.Kind != cur.Kind && cur.Phase != PhaseDraft {
			return &ConfigError{Problems: []Problem{{Path: "kind", Key: "budget.config.error.kind_locked"}}}
		}
		next.ID, next.Phase, next.UpdatedAt = cur.ID, cur.Phase, s.now()
		problems, err := s.updatePools(ctx, tx, cur, next)
		if err != nil {
			return err
		}
		if len(problems) > 0 {
			return &ConfigError{Problems: problems}
		}
		if err := updateEditionSettings(ctx, tx, next); err != nil {
			if apperr.Is(err, apperr.Conflict) {
				return &ConfigError{Problems: []Problem{{Path: "slug", Key: "budget.config.error.slug_taken"}}}
			}
			return err
		}
		if err := writeCoordinators(ctx, tx, next); err != nil {
			return err
		}
		if err := s.record(ctx, tx, a, "budget.edition.config", "pb_edition", cur.ID, map[string]string{"slug": next.Slug}); err != nil {
			return err
		}
		s.forgetSheets()
		return s.scheduleNext(ctx, tx, next)
	})
}

// updatePools writes next's pools over cur's, matched by slug: new ones
// are added, kept ones updated, missing ones deleted. Once voting has
// begun the pools are fixed, and a pool in use is never deleted: each such
// change is a Problem and is not written.
func (s *Service) updatePools(ctx context.Context, tx *sql.Tx, cur, next *Edition) ([]Problem, error) {
	locked := cur.Phase.Index() >= PhaseVoting.Index()
	var problems []Problem
	for i := range next.Pools {
		np := &next.Pools[i]
		np.EditionID = cur.ID
		old, ok := cur.Pool(np.Slug)
		if ok {
			np.ID = old.ID
		}
		switch {
		case !ok && locked, ok && locked && !samePool(old, np):
			problems = append(problems, Problem{fmt.Sprintf("pools[%d]", i), "budget.config.error.pools_locked"})
		case !ok:
			np.ID = db.NewID()
			if err := insertPool(ctx, tx, np); err != nil {
				return nil, err
			}
		default:
			if err := updatePool(ctx, tx, np); err != nil {
				return nil, err
			}
		}
	}
	for _, old := range cur.Pools {
		if _, ok := next.Pool(old.Slug); ok {
			continue
		}
		used, err := s.poolInUse(ctx, tx, old.ID)
		if err != nil {
			return nil, err
		}
		if used || locked {
			problems = append(problems, Problem{"pools", "budget.config.error.pool_in_use"})
			continue
		}
		if err := deletePool(ctx, tx, old.ID); err != nil {
			return nil, err
		}
	}
	return problems, nil
}

func samePool(a, b *Pool) bool {
	return a.Amount == b.Amount && a.Ballot == b.Ballot && a.MinChoices == b.MinChoices && a.MaxChoices == b.MaxChoices &&
		slices.Equal(a.Points, b.Points) && a.MaxPoints == b.MaxPoints && a.MaxPerProject == b.MaxPerProject &&
		a.District == b.District && a.Rule == b.Rule && a.Threshold == b.Threshold
}

// SetPhase moves an edition to phase, audited. Moving into results (or
// beyond it straight from voting) queues the count of every pool.
func (s *Service) SetPhase(ctx context.Context, a Actor, editionID string, phase Phase) error {
	if !phase.Valid() {
		return apperr.Fieldf("phase", "budget.error.phase")
	}
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		e, err := loadEdition(ctx, tx, "id", editionID)
		if err != nil {
			return err
		}
		if err := s.mustManage(e, a); err != nil {
			return err
		}
		if !e.Votes() && (phase == PhaseVoting || phase == PhaseResults || phase == PhaseAppeals) {
			return apperr.Fieldf("phase", "budget.error.phase_no_vote")
		}
		return s.setPhase(ctx, tx, a, e, phase)
	})
}

func (s *Service) setPhase(ctx context.Context, tx *sql.Tx, a Actor, e *Edition, phase Phase) error {
	if e.Phase == phase {
		return nil
	}
	if err := setEditionPhase(ctx, tx, e.ID, phase, s.now()); err != nil {
		return err
	}
	if err := s.record(ctx, tx, a, "budget.phase", "pb_edition", e.ID,
		map[string]string{"from": string(e.Phase), "to": string(phase)}); err != nil {
		return err
	}
	from := e.Phase
	e.Phase = phase
	s.forgetSheets()
	if e.Votes() && from.Index() <= PhaseVoting.Index() && phase.Index() >= PhaseResults.Index() {
		if err := jobs.Enqueue(ctx, tx, JobCount, editionJob{e.ID}, jobs.Options{DedupeKey: JobCount + ":" + e.ID}); err != nil {
			return err
		}
	}
	return nil
}

// scheduleNext queues the schedule job for the edition's next planned
// start (at most one waits per edition).
func (s *Service) scheduleNext(ctx context.Context, q db.Querier, e *Edition) error {
	if !e.AutoPhases {
		return nil
	}
	now := s.now()
	at := now
	if e.PhaseDue(now) == "" || e.PhaseDue(now) == e.Phase {
		at = e.NextStart(now)
	}
	if at.IsZero() {
		return nil
	}
	return jobs.Enqueue(ctx, q, JobSchedule, editionJob{e.ID},
		jobs.Options{RunAt: at, DedupeKey: JobSchedule + ":" + e.ID + ":" + at.UTC().Format(time.RFC3339)})
}

// RunSchedule moves an edition to the phase its schedule says, when it is
// later than the current one, and queues the next wake-up.
func (s *Service) RunSchedule(ctx context.Context, editionID string) error {
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		e, err := loadEdition(ctx, tx, "id", editionID)
		if apperr.Is(err, apperr.NotFound) {
			return nil // deleted meanwhile
		}
		if err != nil {
			return err
		}
		if !e.AutoPhases {
			return nil
		}
		due := e.PhaseDue(s.now())
		if due != "" && due.Index() > e.Phase.Index() {
			if !e.Votes() && (due == PhaseVoting || due == PhaseResults || due == PhaseAppeals) {
				due = PhaseSubmission
			}
			if due.Index() > e.Phase.Index() {
				if err := s.setPhase(ctx, tx, SystemActor, e, due); err != nil {
					return err
				}
			}
		}
		next := e.NextStart(s.now())
		if next.IsZero() {
			return nil
		}
		return jobs.Enqueue(ctx, tx, JobSchedule, editionJob{e.ID},
			jobs.Options{RunAt: next, DedupeKey: JobSchedule + ":" + e.ID + ":" + next.UTC().Format(time.RFC3339)})
	})
}

// JobHandlers are the budget's background jobs.
func (s *Service) JobHandlers() map[string]jobs.Handler {
	decode := func(j jobs.Job) (string, error) {
		var p editionJob
		if err := json.Unmarshal(j.Payload, &p); err != nil || p.EditionID == "" {
			return "", &jobs.PermanentError{Err: fmt.Errorf("budget: bad job payload: %s", j.Payload)}
		}
		return p.EditionID, nil
	}
	return map[string]jobs.Handler{
		JobSchedule: func(ctx context.Context, j jobs.Job) error {
			id, err := decode(j)
			if err != nil {
				return err
			}
			return s.RunSchedule(ctx, id)
		},
		JobCount: func(ctx context.Context, j jobs.Job) error {
			id, err := decode(j)
			if err != nil {
				return err
			}
			return s.CountEdition(ctx, id)
		},
	}
}
