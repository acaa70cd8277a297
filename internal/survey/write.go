package survey

import (
	"context"
	"database/sql"
	"sync"
	"time"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/db"
)

// The answering path: a page submitted is a few reads (the wave from a
// copy a few seconds old, the respondent's response) and one write that
// concurrent respondents share (db.GroupCommit), with prepared
// statements (db.StmtCache).

// cacheTTL is how old the answering path's copy of a wave may be. A wave
// closed, or a questionnaire changed, on another node is seen here at most
// this late; on this node at once (forget).
const cacheTTL = 3 * time.Second

type cachedWave struct {
	w      *Wave
	x      *Questionnaire
	loaded time.Time
}

// answering is the Service's state for the answering path.
type answering struct {
	mu     sync.Mutex
	waves  map[string]cachedWave // by slug
	stmts  db.StmtCache
	once   sync.Once
	writer *db.GroupCommit[pageWrite, struct{}]
}

// cachedWave returns a wave and its questionnaire from a copy at most
// cacheTTL old (callers must not change them).
func (s *Service) cachedWave(ctx context.Context, slug string) (*Wave, *Questionnaire, error) {
	s.ans.mu.Lock()
	c, ok := s.ans.waves[slug]
	s.ans.mu.Unlock()
	if ok && time.Since(c.loaded) < cacheTTL {
		return c.w, c.x, nil
	}
	w, x, err := s.Wave(ctx, slug)
	if err != nil {
		return nil, nil, err
	}
	s.ans.mu.Lock()
	if s.ans.waves == nil {
		s.ans.waves = map[string]cachedWave{}
	}
	s.ans.waves[slug] = cachedWave{w: w, x: x, loaded: time.Now()}
	s.ans.mu.Unlock()
	return w, x, nil
}

// forget drops the copies (after a change on this node).
func (s *Service) forget() {
	s.ans.mu.Lock()
	s.ans.waves = nil
	s.ans.mu.Unlock()
}

// pageWrite is one page to store: a new response is inserted with it.
type pageWrite struct {
	r          *Response
	create     bool
	respondent string
	clear      []string
	given      map[string]Answer
	tokenID    string
}

func (s *Service) pageWriter() *db.GroupCommit[pageWrite, struct{}] {
	s.ans.once.Do(func() {
		s.ans.writer = &db.GroupCommit[pageWrite, struct{}]{DB: s.DB, Max: 256,
			Write: func(ctx context.Context, tx *sql.Tx, batch []pageWrite) ([]struct{}, error) {
				q := s.ans.stmts.Querier(s.DB, tx)
				for _, p := range batch {
					if err := s.writePage(ctx, q, p); err != nil {
						return nil, err
					}
				}
				return make([]struct{}, len(batch)), nil
			}}
	})
	return s.ans.writer
}

func (s *Service) writePage(ctx context.Context, q db.Querier, p pageWrite) error {
	if p.create {
		if err := insertResponse(ctx, q, p.r, p.respondent); err != nil {
			return err
		}
	} else if err := clearAnswers(ctx, q, p.r.ID, p.clear); err != nil {
		return err
	}
	if err := insertAnswers(ctx, q, p.r.ID, p.given); err != nil {
		return err
	}
	if p.r.Completed() && p.tokenID != "" {
		if ok, err := useToken(ctx, q, p.tokenID, p.r.UpdatedAt); err != nil {
			return err
		} else if !ok {
			return apperr.E(apperr.Conflict, "survey.error.used_token")
		}
	}
	if p.create {
		return nil // inserted with its next page and completion
	}
	return advanceResponse(ctx, q, p.r)
}
