package db

// Queued tells how many requests wait for the next batch (tests only).
func (g *GroupCommit[R, T]) Queued() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.queue)
}
