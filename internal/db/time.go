package db

import (
	"database/sql/driver"
	"fmt"
	"time"
)

// Time scans a TIMESTAMPTZ column on both engines: pgx gives time.Time,
// modernc SQLite gives the stored text. Values come out in UTC.
type Time struct{ time.Time }

// NullTime is Time for nullable columns.
type NullTime struct {
	Time  time.Time
	Valid bool
}

var timeLayouts = []string{
	"2006-01-02 15:04:05.999999999-07:00",
	"2006-01-02T15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999 -0700 MST",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02",
}

func parseTime(v any) (time.Time, error) {
	switch x := v.(type) {
	case time.Time:
		return x.UTC(), nil
	case string:
		for _, l := range timeLayouts {
			if t, err := time.Parse(l, x); err == nil {
				return t.UTC(), nil
			}
		}
		return time.Time{}, fmt.Errorf("db: cannot read time %q", x)
	case []byte:
		return parseTime(string(x))
	}
	return time.Time{}, fmt.Errorf("db: cannot read time from %T", v)
}

// Scan implements sql.Scanner.
func (t *Time) Scan(v any) error {
	if v == nil {
		return fmt.Errorf("db: NULL time in a NOT NULL column")
	}
	tt, err := parseTime(v)
	t.Time = tt
	return err
}

// NullTimeOf is t for a nullable column: the zero time is stored as NULL.
func NullTimeOf(t time.Time) NullTime { return NullTime{Time: t, Valid: !t.IsZero()} }

// Scan implements sql.Scanner.
func (t *NullTime) Scan(v any) error {
	if v == nil {
		t.Time, t.Valid = time.Time{}, false
		return nil
	}
	tt, err := parseTime(v)
	t.Time, t.Valid = tt, err == nil
	return err
}

// Value implements driver.Valuer.
func (t NullTime) Value() (driver.Value, error) {
	if !t.Valid {
		return nil, nil
	}
	return TS(t.Time), nil
}

// TS normalises a time for storage: UTC, microseconds (PostgreSQL's
// precision), so a value read back equals the value written.
func TS(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }
