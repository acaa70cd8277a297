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
	results := make([]castResult, len(batch))
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		open := map[string]bool{}
		for i, r := range batch {
			res, fatal := s.castOne(ctx, tx, r, open)
			if fatal != nil {
				return fatal
			}
			results[i] = res
		}
		return nil
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
			results[i] = castResult{err: err}
		}
		r.done <- results[i]
	}
}
