package waste

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/audit"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/i18n"
	"github.com/civitas-city/civitas/internal/jobs"
	"github.com/civitas-city/civitas/internal/mail"
	"github.com/civitas-city/civitas/internal/web"
)

// Contact is where a resident's reminders go.
type Contact struct {
	Email, Lang string
}

// Contacts finds a resident's contact (accounts, through app).
type Contacts interface {
	Contact(ctx context.Context, userID string) (Contact, error)
}

// Service is the waste calendar's logic.
type Service struct {
	DB *db.DB
	// ParseAddress splits an address as residents type it into its
	// street's matching key and house number (addresses.ParseQuery);
	// StreetKey is the matching key of a street name (addresses.StreetKey).
	ParseAddress func(text string) (street, number string, ok bool)
	StreetKey    func(street string) string
	// Location is the city's time zone: days are its dates, reminders go
	// at RemindAt (hours) the evening before.
	Location *time.Location
	RemindAt int
	Contacts Contacts
	Catalog  *i18n.Catalog
	BaseURL  string
	Now      func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

func (s *Service) loc() *time.Location {
	if s.Location == nil {
		return time.UTC
	}
	return s.Location
}

// Today is the city's date now, as a Collection's Day.
func (s *Service) Today() time.Time {
	y, m, d := s.now().In(s.loc()).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// ImportAreas replaces every collection area with those of an areas file
// (see ReadAreas). Any bad row: nothing changes, and a *web.FileError
// lists them. Audited.
func (s *Service) ImportAreas(ctx context.Context, actorID string, r io.Reader) (int, error) {
	ranges, errs := ReadAreas(r, s.StreetKey)
	if len(errs) > 0 {
		return 0, &web.FileError{What: "waste areas", Errors: errs}
	}
	return len(ranges), s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM waste_area_streets`); err != nil {
			return err
		}
		for _, rg := range ranges {
			if _, err := tx.ExecContext(ctx, `INSERT INTO waste_area_streets (area, area_name, street, street_key, from_number, to_number, parity)
				VALUES ($1, $2, $3, $4, $5, $6, $7)`, rg.Area, rg.AreaName, rg.Street, rg.StreetKey, rg.From, rg.To, string(rg.Parity)); err != nil {
				return fmt.Errorf("waste: insert range: %w", err)
			}
		}
		return audit.Record(ctx, tx, audit.Entry{At: s.now(), ActorID: actorID, Action: "news.waste.areas", TargetType: "waste",
			Details: map[string]string{"ranges": fmt.Sprint(len(ranges))}})
	})
}

// ImportSchedule replaces the whole schedule with a schedule file (see
// ReadSchedule); its areas must have been imported. All or nothing, audited.
func (s *Service) ImportSchedule(ctx context.Context, actorID string, r io.Reader) (int, error) {
	areas, err := s.Areas(ctx)
	if err != nil {
		return 0, err
	}
	known := func(a string) bool { _, ok := areas[a]; return ok }
	cs, errs := ReadSchedule(r, known)
	if len(errs) > 0 {
		return 0, &web.FileError{What: "waste schedule", Errors: errs}
	}
	return len(cs), s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM waste_collections`); err != nil {
			return err
		}
		for _, c := range cs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO waste_collections (area, kind, day) VALUES ($1, $2, $3)`,
				c.Area, c.Kind, c.Day.Format(time.DateOnly)); err != nil {
				return fmt.Errorf("waste: insert collection: %w", err)
			}
		}
		return audit.Record(ctx, tx, audit.Entry{At: s.now(), ActorID: actorID, Action: "news.waste.schedule", TargetType: "waste",
			Details: map[string]string{"collections": fmt.Sprint(len(cs))}})
	})
}

// Areas are the collection areas' names by code.
func (s *Service) Areas(ctx context.Context) (map[string]string, error) {
	out := map[string]string{}
	err := db.Each(ctx, s.DB, func(row db.Scanner) error {
		var code, name string
		if err := row.Scan(&code, &name); err != nil {
			return err
		}
		out[code] = name
		return nil
	}, `SELECT DISTINCT area, area_name FROM waste_area_streets`)
	return out, err
}

// Area is a collection area found for an address.
type Area struct {
	Code, Name string
	Address    string // the address as asked
}

// Lookup finds the collection area of an address. Its errors say what is
// wrong, on the field "address": no street and number, a street that is
// not in the city's areas (outside the city), or a number no area covers.
func (s *Service) Lookup(ctx context.Context, address string) (Area, error) {
	address = strings.TrimSpace(address)
	street, number, ok := s.ParseAddress(address)
	if !ok {
		return Area{}, apperr.Fieldf("address", "news.waste.error.address")
	}
	n, ok := houseNumber(number)
	if !ok {
		return Area{}, apperr.Fieldf("address", "news.waste.error.address")
	}
	ranges, err := db.Query(ctx, s.DB, func(row db.Scanner) (Range, error) {
		var (
			r      Range
			parity string
		)
		err := row.Scan(&r.Area, &r.AreaName, &r.Street, &r.From, &r.To, &parity)
		r.Parity = Parity(parity)
		return r, err
	}, `SELECT area, area_name, street, from_number, to_number, parity FROM waste_area_streets WHERE street_key = $1`, street)
	if err != nil {
		return Area{}, fmt.Errorf("waste: lookup: %w", err)
	}
	if len(ranges) == 0 {
		return Area{}, apperr.Fieldf("address", "news.waste.error.outside")
	}
	for _, r := range ranges {
		if r.Covers(n) {
			return Area{Code: r.Area, Name: r.AreaName, Address: address}, nil
		}
	}
	return Area{}, apperr.Fieldf("address", "news.waste.error.no_area")
}

// Schedule lists an area's collections from day from on (the city's
// dates), at most limit, soonest first.
func (s *Service) Schedule(ctx context.Context, area string, from time.Time, limit int) ([]Collection, error) {
	out, err := db.Query(ctx, s.DB, func(row db.Scanner) (Collection, error) {
		var (
			c   Collection
			day string
		)
		if err := row.Scan(&c.Area, &c.Kind, &day); err != nil {
			return c, err
		}
		c.Day, _ = time.Parse(time.DateOnly, day)
		return c, nil
	}, `SELECT area, kind, day FROM waste_collections WHERE area = $1 AND day >= $2 ORDER BY day, kind LIMIT $3`,
		area, from.Format(time.DateOnly), limit)
	if err != nil {
		return nil, fmt.Errorf("waste: schedule: %w", err)
	}
	slices.SortStableFunc(out, func(a, b Collection) int {
		if c := a.Day.Compare(b.Day); c != 0 {
			return c
		}
		return slices.Index(Kinds, a.Kind) - slices.Index(Kinds, b.Kind)
	})
	return out, nil
}

// Remind asks for a reminder the evening before each collection at
// address (replacing any earlier one) and makes sure the reminders' job
// is scheduled.
func (s *Service) Remind(ctx context.Context, userID, address string) (Area, error) {
	a, err := s.Lookup(ctx, address)
	if err != nil {
		return a, err
	}
	return a, s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO waste_reminders (user_id, address, area, created_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (user_id) DO UPDATE SET address = excluded.address, area = excluded.area`,
			userID, a.Address, a.Code, db.TS(s.now())); err != nil {
			return fmt.Errorf("waste: reminder: %w", err)
		}
		return s.scheduleReminders(ctx, tx)
	})
}

// StopReminder removes a resident's reminder.
func (s *Service) StopReminder(ctx context.Context, userID string) error {
	_, err := s.DB.ExecContext(ctx, `DELETE FROM waste_reminders WHERE user_id = $1`, userID)
	return err
}

// Forget removes a resident's reminder (account deletion).
func (s *Service) Forget(ctx context.Context, q db.Querier, userID string) error {
	_, err := q.ExecContext(ctx, `DELETE FROM waste_reminders WHERE user_id = $1`, userID)
	return err
}

// Reminder is a resident's reminder address ("" when none).
func (s *Service) Reminder(ctx context.Context, userID string) (string, error) {
	var address string
	err := s.DB.QueryRowContext(ctx, `SELECT address FROM waste_reminders WHERE user_id = $1`, userID).Scan(&address)
	if err == sql.ErrNoRows {
		return "", nil
	}
	return address, err
}

// JobRemind queues the reminders of one day's collections.
const JobRemind = "news.waste.remind"

type remindJob struct {
	Day string `json:"day"` // the collections' date, YYYY-MM-DD
}

// nextRun is the next evening reminders go out (RemindAt o'clock in the
// city) after now, and the day whose collections it announces.
func (s *Service) nextRun() (time.Time, time.Time) {
	local := s.now().In(s.loc())
	y, m, d := local.Date()
	at := time.Date(y, m, d, s.remindHour(), 0, 0, 0, s.loc())
	if !at.After(local) {
		at = at.AddDate(0, 0, 1)
	}
	ay, am, ad := at.Date()
	return at.UTC(), time.Date(ay, am, ad+1, 0, 0, 0, 0, time.UTC)
}

func (s *Service) remindHour() int {
	if s.RemindAt <= 0 || s.RemindAt > 23 {
		return 18
	}
	return s.RemindAt
}

// scheduleReminders queues the next evening's job, once (dedupe by day).
func (s *Service) scheduleReminders(ctx context.Context, q db.Querier) error {
	at, day := s.nextRun()
	d := day.Format(time.DateOnly)
	return jobs.Enqueue(ctx, q, JobRemind, remindJob{Day: d}, jobs.Options{RunAt: at, DedupeKey: JobRemind + ":" + d})
}

// RunReminders mails every resident whose area has collections on day, in
// their language, once per day whatever runs it, and queues the next
// evening's job while anyone has a reminder.
func (s *Service) RunReminders(ctx context.Context, day time.Time) error {
	d := day.Format(time.DateOnly)
	type due struct {
		user, address string
		kinds         []string
	}
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO waste_reminder_days (day, sent_at) VALUES ($1, $2) ON CONFLICT (day) DO NOTHING`, d, db.TS(s.now()))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // sent already
		}
		var list []*due
		byUser := map[string]*due{}
		err = db.Each(ctx, tx, func(row db.Scanner) error {
			var user, address, kind string
			if err := row.Scan(&user, &address, &kind); err != nil {
				return err
			}
			if byUser[user] == nil {
				byUser[user] = &due{user: user, address: address}
				list = append(list, byUser[user])
			}
			byUser[user].kinds = append(byUser[user].kinds, kind)
			return nil
		}, `SELECT r.user_id, r.address, c.kind FROM waste_reminders r JOIN waste_collections c ON c.area = r.area
			WHERE c.day = $1 ORDER BY r.user_id, c.kind`, d)
		if err != nil {
			return err
		}
		for _, x := range list {
			c, err := s.Contacts.Contact(ctx, x.user)
			if err != nil || c.Email == "" {
				continue // an account gone or without mail: nothing to send
			}
			if err := mail.Enqueue(ctx, tx, s.reminderMail(c, x.address, day, x.kinds)); err != nil {
				return err
			}
		}
		var any int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM waste_reminders`).Scan(&any); err != nil || any == 0 {
			return err
		}
		return s.scheduleReminders(ctx, tx)
	})
}

func (s *Service) reminderMail(c Contact, address string, day time.Time, kinds []string) mail.Message {
	t := func(key string, args ...any) string { return s.Catalog.T(c.Lang, key, args...) }
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = t("news.waste.kind." + k)
	}
	date := web.FormatDate(s.Catalog, c.Lang, time.UTC, day)
	text := t("news.waste.mail.text", address, date, strings.Join(names, ", ")) + "\n\n" +
		t("news.waste.mail.stop", s.BaseURL+"/news/waste")
	return mail.Message{To: c.Email, Subject: t("news.waste.mail.subject", date), Text: text}
}

// JobHandlers are the waste calendar's background jobs.
func (s *Service) JobHandlers() map[string]jobs.Handler {
	return map[string]jobs.Handler{
		JobRemind: func(ctx context.Context, j jobs.Job) error {
			var p remindJob
			err := json.Unmarshal(j.Payload, &p)
			day, perr := time.Parse(time.DateOnly, p.Day)
			if err != nil || perr != nil {
				return &jobs.PermanentError{Err: fmt.Errorf("waste: bad job payload: %s", j.Payload)}
			}
			return s.RunReminders(ctx, day)
		},
	}
}
