package db

import (
	"context"
	"database/sql"
	"sync"
	"time"
)

// GroupCommit lets concurrent writers share one transaction. With SQLite
// every commit is an fsync (synchronous FULL), so one transaction per
// request caps the write rate at the disk's fsyncs per second; with
// PostgreSQL it saves round trips and WAL flushes.
//
// The first request that finds no batch running becomes the writer and
// keeps committing whatever has queued meanwhile until the queue is empty,
// so a lone request is written at once and a burst is written in a few
// transactions. Each request waits for the commit of the transaction that
// holds it: a success still means "durably committed".
//
// When Write fails, the whole transaction rolls back and each request of
// the batch is retried in a transaction of its own, so one bad request
// never takes the others with it. Correctness across several nodes, each
// with its own GroupCommit, rests on the database's constraints, as
// without batching.
//
// The zero value is not usable: set DB and Write before the first Do.
type GroupCommit[R, T any] struct {
	DB *DB
	// Max bounds the requests in one transaction (0: 128).
	Max int
	// Write writes batch in tx and returns one result per request, in
	// order. An error means the transaction must roll back.
	Write func(ctx context.Context, tx *sql.Tx, batch []R) ([]T, error)

	mu      sync.Mutex
	queue   []*pendingWrite[R, T]
	running bool
}

type pendingWrite[R, T any] struct {
	req    R
	result T
	err    error
	done   chan struct{}
}

// groupCommitTimeout bounds one batch's transaction. The requests' own
// contexts are not used: a write whose client went away is still either
// committed or not, and the client's next visit tells them which.
const groupCommitTimeout = 60 * time.Second

// Do queues req, waits for the transaction that holds it, and returns
// its result.
func (g *GroupCommit[R, T]) Do(req R) (T, error) {
	p := &pendingWrite[R, T]{req: req, done: make(chan struct{})}
	g.mu.Lock()
	g.queue = append(g.queue, p)
	lead := !g.running
	g.running = true
	g.mu.Unlock()
	if lead {
		go g.run()
	}
	<-p.done
	return p.result, p.err
}

// run commits batches until the queue is empty.
func (g *GroupCommit[R, T]) run() {
	limit := g.Max
	if limit <= 0 {
		limit = 128
	}
	for {
		g.mu.Lock()
		n := min(len(g.queue), limit)
		if n == 0 {
			g.running = false
			g.mu.Unlock()
			return
		}
		batch := g.queue[:n:n]
		g.queue = g.queue[n:]
		if len(g.queue) == 0 {
			g.queue = nil
		}
		g.mu.Unlock()
		g.commit(batch)
	}
}

// commit writes batch in one transaction and answers every request in it.
func (g *GroupCommit[R, T]) commit(batch []*pendingWrite[R, T]) {
	ctx, cancel := context.WithTimeout(context.Background(), groupCommitTimeout)
	defer cancel()
	reqs := make([]R, len(batch))
	for i, p := range batch {
		reqs[i] = p.req
	}
	var results []T
	err := g.DB.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		results, err = g.Write(ctx, tx, reqs)
		return err
	})
	if err != nil && len(batch) > 1 {
		for _, p := range batch {
			g.commit([]*pendingWrite[R, T]{p})
		}
		return
	}
	for i, p := range batch {
		if err != nil {
			p.err = err
		} else if i < len(results) {
			p.result = results[i]
		}
		close(p.done)
	}
}
