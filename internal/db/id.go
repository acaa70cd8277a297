package db

import "github.com/google/uuid"

// NewID makes a row id: a UUIDv7 as text. Ids are made in Go, not by the
// database, so both engines store the same values, and they sort by time.
func NewID() string { return uuid.Must(uuid.NewV7()).String() }

// Null is v as a query argument that stores NULL for the zero value (an
// empty string, a 0), for optional columns. Times go through NullTimeOf,
// which also normalises them.
func Null[T comparable](v T) any {
	var zero T
	if v == zero {
		return nil
	}
	return v
}
