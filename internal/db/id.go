package db

import "github.com/google/uuid"

// NewID makes a row id: a UUIDv7 as text. Ids are made in Go, not by the
// database, so both engines store the same values, and they sort by time.
func NewID() string { return uuid.Must(uuid.NewV7()).String() }
