package reports

import (
	"context"
	"database/sql"

	"github.com/civitas-city/civitas/internal/db"
)

// reportWriter is the group commit of new reports (db.GroupCommit):
// partner apps post in bursts, and with SQLite each transaction is an
// fsync. Each request waits for the commit of the transaction holding its
// report, so a 200 still means "durably committed" — and a report's
// emails, audit row and photos commit with it or not at all. Case numbers
// come from the counter row inside the transaction, so several nodes, each
// with its own writer, stay correct.
func (s *Service) reportWriter() *db.GroupCommit[reportWrite, struct{}] {
	s.writerOnce.Do(func() {
		s.writer = &db.GroupCommit[reportWrite, struct{}]{
			DB:  s.DB,
			Max: 128,
			Write: func(ctx context.Context, tx *sql.Tx, batch []reportWrite) ([]struct{}, error) {
				for _, write := range batch {
					if err := write(ctx, tx); err != nil {
						return nil, err
					}
				}
				return make([]struct{}, len(batch)), nil
			},
		}
	})
	return s.writer
}

// reportWrite writes one new report in a transaction shared with others.
type reportWrite func(ctx context.Context, tx *sql.Tx) error
