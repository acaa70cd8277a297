package reports

import (
	"context"
	"database/sql"
	"sync"
	"time"
)

// committer is group commit for new reports. With SQLite every commit is
// an fsync (synchronous FULL), so one transaction per report caps the rate
// at the disk's fsyncs per second, and partner apps post in bursts.
// Reports that arrive together share one transaction: the first request
// that finds no batch running becomes the writer and keeps committing
// whatever has queued meanwhile until the queue is empty. Each request
// waits for the commit of the transaction holding its report, so a 200
// still means "durably committed" — and a report's emails, audit row and
// photos commit with it or not at all.
//
// When a write fails the whole transaction rolls back and each report of
// the batch is retried alone, so one bad request never takes others with
// it. Case numbers come from the counter row inside the transaction, so
// several nodes, each with its own committer, stay correct.
type committer struct {
	mu      sync.Mutex
	queue   []*writeReq
	running bool
}

type writeReq struct {
	write func(ctx context.Context, tx *sql.Tx) error
	done  chan error
}

// maxBatch bounds one transaction.
const maxBatch = 128

// do runs write in a transaction shared with other queued writes and
// returns once that transaction has committed (or write has failed alone).
func (c *committer) do(s *Service, write func(ctx context.Context, tx *sql.Tx) error) error {
	r := &writeReq{write: write, done: make(chan error, 1)}
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

// commitBatch writes a batch in one transaction and answers each request.
// The requests' own contexts are not used: a report whose client went
// away is still either committed or not.
func (s *Service) commitBatch(batch []*writeReq) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		for _, r := range batch {
			if err := r.write(ctx, tx); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil && len(batch) > 1 {
		for _, r := range batch {
			s.commitBatch([]*writeReq{r})
		}
		return
	}
	for _, r := range batch {
		r.done <- err
	}
}
