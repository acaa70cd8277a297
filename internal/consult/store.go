package consult

import (
	"database/sql"
	"errors"
	"fmt"

	"github.com/civitas-city/civitas/internal/db"
)

// The SQL of the module lives in the store*.go files (consultations,
// comments, meetings, conversations, votes, exports), one function per
// statement, each taking a db.Querier so it runs inside or outside a
// transaction. One dialect for SQLite and PostgreSQL (internal/db).

// notFound maps "no rows" to err (a module error with a resident's message)
// and wraps anything else.
func notFound(err error, what string, nf error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return nf
	}
	return fmt.Errorf("consult: %s: %w", what, db.MapError(err))
}
