package budget

import (
	"context"
	"database/sql"

	"github.com/civitas-city/civitas/internal/db"
)

// ballotWriter is the group commit of online ballots (db.GroupCommit):
// ballots that arrive together share one durable transaction, and each
// request is answered after the commit that holds its ballot, so a 2xx
// answer still means "durably committed". Within a batch the ballots are
// written in order, so two ballots of one person in one batch see each
// other (the second finds the first's participation); the UNIQUE
// constraints keep several nodes, each with its own writer, correct.
func (s *Service) ballotWriter() *db.GroupCommit[*castReq, castResult] {
	s.writerOnce.Do(func() {
		s.writer = &db.GroupCommit[*castReq, castResult]{
			DB:  s.DB,
			Max: 256,
			Write: func(ctx context.Context, tx *sql.Tx, batch []*castReq) ([]castResult, error) {
				return s.castBatch(ctx, tx, batch, map[string]bool{})
			},
		}
	})
	return s.writer
}
