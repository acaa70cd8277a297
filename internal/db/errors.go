package db

import (
	"database/sql"
	"errors"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
)

// Shared error kinds, whatever the driver said.
var (
	ErrNotFound  = apperr.E(apperr.NotFound, "error.not_found")
	ErrConflict  = apperr.E(apperr.Conflict, "error.conflict")
	ErrReference = apperr.E(apperr.Invalid, "error.reference")
)

// SQLite extended result codes and PostgreSQL SQLSTATEs that we map.
const (
	sqliteConstraintUnique     = 2067
	sqliteConstraintPrimaryKey = 1555
	sqliteConstraintForeignKey = 787
	pgUniqueViolation          = "23505"
	pgForeignKeyViolation      = "23503"
)

// MapError turns driver errors into the shared kinds; others pass through.
// The driver error stays in the chain for the logs.
func MapError(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return &apperr.Error{Kind: apperr.NotFound, Message: ErrNotFound.Message, Err: err}
	}
	if se, ok := errors.AsType[*sqlite.Error](err); ok {
		switch se.Code() {
		case sqliteConstraintUnique, sqliteConstraintPrimaryKey:
			return &apperr.Error{Kind: apperr.Conflict, Message: ErrConflict.Message, Err: err}
		case sqliteConstraintForeignKey:
			return &apperr.Error{Kind: apperr.Invalid, Message: ErrReference.Message, Err: err}
		}
	}
	if pe, ok := errors.AsType[*pgconn.PgError](err); ok {
		switch pe.Code {
		case pgUniqueViolation:
			return &apperr.Error{Kind: apperr.Conflict, Message: ErrConflict.Message, Err: err}
		case pgForeignKeyViolation:
			return &apperr.Error{Kind: apperr.Invalid, Message: ErrReference.Message, Err: err}
		}
	}
	return err
}
