package budget

import (
	"context"
	"database/sql"
	"sync"
	"time"
)

// committer is group commit for ballots. With SQLite every commit is an
// fsync (synchronous FULL), so one transaction per ballot caps the rate at
// the disk's fsyncs per second. Instead, ballots that arrive together share
// one transaction: the first request that finds no batch running becomes
// the writer, and keeps committing whatever has queued meanwhile until the
// queue is empty. Each request waits for the commit of the transaction that
// holds its ballot, so a 2xx answer still means "durably committed".
//
// Within a batch the ballots are written one after another, so two ballots
// of one person in one batch see each other (the second finds the first's
// participation). When a statement fails, the whole transaction rolls back
// and each request of the batch is retried alone, so one bad request never
// takes others with it. PostgreSQL gains too (fewer round trips and WAL
// flushes), and the UNIQUE constraints keep several nodes, each with its
// own committer, correct.
type committer struct {
	mu      sync.Mutex
	queue   []*castReq
	running bool
}

// maxBatch bounds one transaction.
const maxBatch = 256

// submit queues r and waits for its outcome.
func (c *committer) submit(s *Service, r *castReq) castResult {
	r.done = make(chan castResult, 1)
	c.mu.Lock()
	c.queue = append(c.queue, r)
	lead := !c.running
	c.running = true
	c.mu.Unlock()
	if lead {
		go c.run(s)
	}
	return <-r.done
}

// run commits batches until the queue is empty.
func (c *committer) run(s *Service) {
	for {
		c.mu.Lock()
		n := min(len(c.queue), maxBatch)
		if n == 0 {
			c.running = false
			c.mu.Unlock()
			return
		}
		batch := c.queue[:n:n]
		c.queue = c.queue[n:]
		if len(c.queue) == 0 {
			c.queue = nil
		}
		c.mu.Unlock()
		s.commitBatch(batch)
	}
}

// commitBatch writes batch in one transaction and answers every request.
// The requests' own contexts are not used: a ballot whose client went
// away is still either committed or not, and the next visit tells them.
func (s *Service) commitBatch(batch []*castReq) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var results []castResult
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		results, err = s.castBatch(ctx, tx, batch, map[string]bool{})
		return err
	})
	if err != nil && len(batch) > 1 {
		for _, r := range batch {
			s.commitBatch([]*castReq{r})
		}
		return
	}
	for i, r := range batch {
		if err != nil {
			s.log().ErrorContext(ctx, "budget: ballot not recorded", "error", err)
			r.done <- castResult{err: err}
			continue
		}
		r.done <- results[i]
	}
}

// The statements of the ballot path are prepared once (per connection,
// by database/sql) instead of parsed for every ballot: parsing was a fifth
// of the CPU of a ballot on SQLite.
const (
	stmtPhase = iota
	stmtParticipate
	stmtBallot
	nStmts
)

var castQueries = [nStmts]string{
	stmtPhase: `SELECT phase, starts_results FROM pb_editions WHERE id = $1`,
	stmtParticipate: `INSERT INTO pb_participations (id, edition_id, pool_id, slot, voter_key, user_id, channel,
		batch_id, district, age_band, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
		ON CONFLICT (edition_id, slot, voter_key) DO NOTHING RETURNING id`,
	stmtBallot: `INSERT INTO pb_ballots (id, edition_id, pool_id, receipt, link, channel, batch_id, choices, points)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
}

type castStmts struct {
	mu    sync.Mutex
	stmts [nStmts]*sql.Stmt
}

// castStmt returns statement i for use in tx, preparing it once on first
// use (when that fails, tx prepares it for this use only).
func (s *Service) castStmt(ctx context.Context, tx *sql.Tx, i int) (*sql.Stmt, error) {
	s.stmts.mu.Lock()
	st := s.stmts.stmts[i]
	if st == nil {
		if prepared, err := s.DB.PrepareContext(ctx, castQueries[i]); err == nil {
			st, s.stmts.stmts[i] = prepared, prepared
		}
	}
	s.stmts.mu.Unlock()
	if st == nil {
		return tx.PrepareContext(ctx, castQueries[i])
	}
	return tx.StmtContext(ctx, st), nil
}
