package reports

import (
	"cmp"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/mail"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/audit"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/districts"
	"github.com/civitas-city/civitas/internal/files"
	"github.com/civitas-city/civitas/internal/i18n"
	"github.com/civitas-city/civitas/internal/jobs"
	"github.com/civitas-city/civitas/internal/web"
)

// UserLookup returns the email and name of an account, for the officers'
// unit membership and for the reporter's address (the accounts domain).
type UserLookup func(ctx context.Context, id string) (email, name string, err error)

// Service is the reports logic: handlers of every channel call it.
type Service struct {
	DB        *db.DB
	Districts *districts.Set
	// Bounds is the area reports may lie in: the city with a margin.
	Bounds   districts.BBox
	Catalog  *i18n.Catalog
	Location *time.Location
	// BaseURL prefixes links in emails and feeds ("" gives relative links).
	BaseURL string
	// Secret keys the reporters' private links (HMAC); the same on every node.
	Secret []byte
	Users  UserLookup
	// PhotoMaxBytes limits one photo (at most files.Images.MaxBytes).
	PhotoMaxBytes int64
	// Open311PostsPerMinute limits the reports one Open311 key may file
	// (CIVITAS_OPEN311_POSTS_PER_MINUTE; 0: no limit).
	Open311PostsPerMinute int
	Log                   *slog.Logger
	Now                   func() time.Time

	writerOnce sync.Once
	writer     *db.GroupCommit[reportWrite, struct{}] // see commit.go
	stmts      stmtCache                              // prepared statements of the hot path
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Limits on what a report may hold.
const (
	MaxDescription = 4000 // the Open311 limit
	MaxAddress     = 300
	MaxPhotos      = 3
	MaxNote        = 2000
	nearbyMeters   = 150
)

// PhotoPolicy is the upload policy for report photos.
func (s *Service) PhotoPolicy() files.Policy {
	p := files.Images
	if s.PhotoMaxBytes > 0 && s.PhotoMaxBytes < p.MaxBytes {
		p.MaxBytes = s.PhotoMaxBytes
	}
	return p
}

// Photo is an uploaded image.
type Photo struct {
	Name string
	Data []byte
}

// NewReport is a report as it arrives from any channel.
type NewReport struct {
	Category    string
	Description string
	HasPoint    bool
	Lat, Lon    float64
	Address     string
	Photos      []Photo
	MediaURL    string
	Attributes  map[string][]string
	Channel     string
	Lang        string
	// The reporter: a signed-in resident (ReporterID), or contact details.
	ReporterID    string
	ReporterEmail string
	ReporterName  string
	ReporterPhone string
	// ClientAddr is the sender's address (web.ClientAddr), for the limits
	// on mail to addresses given by anonymous reporters.
	ClientAddr string
	// Open311 details.
	APIKey    *APIKey
	DeviceID  string
	AccountID string
	// Officer is the contact-centre officer entering the report for a
	// resident; nil when the resident reports themselves.
	Officer *web.User
}

// invalid is an Invalid error about one field.
func invalid(field, key string) error { return apperr.Fieldf(field, "%s", key) }

// validate checks what can be checked without the database.
func (n *NewReport) validate(s *Service) error {
	n.Category = strings.TrimSpace(n.Category)
	n.Description = strings.TrimSpace(strings.ReplaceAll(n.Description, "\r\n", "\n"))
	n.Address = strings.TrimSpace(n.Address)
	n.ReporterEmail = strings.ToLower(strings.TrimSpace(n.ReporterEmail))
	n.ReporterName = strings.TrimSpace(n.ReporterName)
	n.ReporterPhone = strings.TrimSpace(n.ReporterPhone)
	n.MediaURL = strings.TrimSpace(n.MediaURL)
	for _, f := range []struct {
		field, text string
		multiline   bool
	}{{"description", n.Description, true}, {"address", n.Address, false}, {"name", n.ReporterName, false}, {"phone", n.ReporterPhone, false}} {
		if err := web.CheckText(f.field, f.text, f.multiline); err != nil {
			return err
		}
	}
	switch {
	case n.Category == "":
		return invalid("category", "reports.error.category_required")
	case !n.HasPoint && n.Address == "":
		return invalid("location", "reports.error.location_required")
	case n.HasPoint && !validPoint(n.Lat, n.Lon):
		return invalid("location", "reports.error.coordinates")
	case n.HasPoint && !s.inArea(n.Lat, n.Lon):
		return invalid("location", "reports.error.outside_city")
	case utf8.RuneCountInString(n.Address) > MaxAddress || !utf8.ValidString(n.Address):
		return invalid("address", "reports.error.address_long")
	case n.Channel != ChannelOpen311 && n.Description == "":
		return invalid("description", "reports.error.description_required")
	case utf8.RuneCountInString(n.Description) > MaxDescription || !utf8.ValidString(n.Description):
		return invalid("description", "reports.error.description_long")
	case n.ReporterEmail != "" && !validEmail(n.ReporterEmail):
		return invalid("email", "reports.error.email")
	case utf8.RuneCountInString(n.ReporterName) > 200 || utf8.RuneCountInString(n.ReporterPhone) > 50:
		return invalid("name", "reports.error.contact_long")
	case len(n.Photos) > MaxPhotos:
		return invalid("photo", "reports.error.photos_many")
	case n.MediaURL != "" && !validMediaURL(n.MediaURL):
		return invalid("media_url", "reports.error.media_url")
	case len(n.DeviceID) > 200 || len(n.AccountID) > 200:
		return invalid("account_id", "reports.error.contact_long")
	}
	if !slices.Contains([]string{ChannelWeb, ChannelPhone, ChannelCounter, ChannelEmail, ChannelOpen311}, n.Channel) {
		return invalid("channel", "reports.error.channel")
	}
	return nil
}

func validPoint(lat, lon float64) bool {
	return !math.IsNaN(lat) && !math.IsNaN(lon) && !math.IsInf(lat, 0) && !math.IsInf(lon, 0) &&
		lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180
}

// inArea reports whether a point lies within the city's bounds (with the
// margin the wiring gives); a point there but in no district is accepted
// with district 0.
func (s *Service) inArea(lat, lon float64) bool {
	b := s.Bounds
	if b == (districts.BBox{}) {
		return true
	}
	return lat >= b.MinLat && lat <= b.MaxLat && lon >= b.MinLon && lon <= b.MaxLon
}

func validEmail(e string) bool {
	a, err := mail.ParseAddress(e)
	return err == nil && a.Address == e && len(e) <= 254 && !strings.ContainsAny(e, "<> ")
}

func validMediaURL(u string) bool {
	p, err := url.Parse(u)
	return err == nil && len(u) <= 1000 && (p.Scheme == "http" || p.Scheme == "https") && p.Host != ""
}

// checkAttributes validates the answers to a category's extra questions
// and keeps only the known ones.
func checkAttributes(c *Category, in map[string][]string) (map[string][]string, error) {
	out := map[string][]string{}
	for _, a := range c.Attributes {
		if !a.Variable {
			continue
		}
		vals := slices.DeleteFunc(slices.Clone(in[a.Code]), func(v string) bool { return strings.TrimSpace(v) == "" })
		if len(vals) == 0 {
			if a.Required {
				return nil, &apperr.Error{Kind: apperr.Invalid, Field: "attribute[" + a.Code + "]", Message: "reports.error.attribute_required"}
			}
			continue
		}
		bad := &apperr.Error{Kind: apperr.Invalid, Field: "attribute[" + a.Code + "]", Message: "reports.error.attribute_invalid"}
		if a.Datatype != "multivaluelist" && len(vals) > 1 {
			return nil, bad
		}
		for i, v := range vals {
			v = strings.TrimSpace(v)
			vals[i] = v
			switch a.Datatype {
			case "number":
				if f, err := strconv.ParseFloat(v, 64); err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
					return nil, bad
				}
			case "datetime":
				if _, err := ParseW3CTime(v); err != nil {
					return nil, bad
				}
			case "singlevaluelist", "multivaluelist":
				if !slices.ContainsFunc(a.Values, func(x AttributeValue) bool { return x.Key == v }) {
					return nil, bad
				}
			case "string":
				if strings.ContainsAny(v, "\r\n") {
					return nil, bad
				}
			}
			if utf8.RuneCountInString(v) > 1000 || !utf8.ValidString(v) {
				return nil, bad
			}
		}
		out[a.Code] = vals
	}
	return out, nil
}

// Submit files a report: it checks everything first, then writes the case,
// its first history line, its photos, the acknowledgement email and (for
// officers and partner apps) the audit row in one transaction, so bad
// input stores nothing.
func (s *Service) Submit(ctx context.Context, n NewReport) (*Case, error) {
	c, _, err := s.submit(ctx, n)
	return c, err
}

// submit is Submit that also returns the report's category.
func (s *Service) submit(ctx context.Context, n NewReport) (*Case, *Category, error) {
	if err := n.validate(s); err != nil {
		return nil, nil, err
	}
	if n.Channel == ChannelWeb && n.ReporterID == "" {
		set, err := s.Settings(ctx)
		if err != nil {
			return nil, nil, err
		}
		if !set.AnonymousAllowed {
			return nil, nil, apperr.E(apperr.Unauthenticated, "reports.error.signin_to_report")
		}
		if n.ReporterEmail == "" {
			return nil, nil, invalid("email", "reports.error.email_required")
		}
	}
	cat, err := getCategory(ctx, s.cached(nil), n.Category)
	if err == nil && !cat.Active {
		err = &apperr.Error{Kind: apperr.NotFound, Field: "category", Message: "reports.error.no_category"}
	}
	if err != nil {
		return nil, nil, err
	}
	attrs, err := checkAttributes(cat, n.Attributes)
	if err != nil {
		return nil, nil, err
	}
	policy := s.PhotoPolicy()
	for _, p := range n.Photos {
		if _, err := policy.Check(p.Data); err != nil {
			e, _ := errors.AsType[*apperr.Error](err)
			return nil, nil, &apperr.Error{Kind: apperr.Invalid, Field: "photo", Message: e.Message, Err: err}
		}
	}
	if n.ReporterID != "" && n.ReporterEmail == "" && s.Users != nil {
		email, name, err := s.Users(ctx, n.ReporterID)
		if err != nil {
			return nil, nil, fmt.Errorf("reports: reporter %s: %w", n.ReporterID, err)
		}
		n.ReporterEmail = email
		if n.ReporterName == "" {
			n.ReporterName = name
		}
	}
	district := 0
	if n.HasPoint && s.Districts != nil {
		if d, ok := s.Districts.Locate(n.Lat, n.Lon); ok {
			district = d.Number
		}
	}
	unit, err := routeUnit(ctx, s.cached(nil), cat, district)
	if err != nil {
		return nil, nil, err
	}
	now := db.TS(s.now())
	c := &Case{
		ID: db.NewID(), Category: cat.Code, UnitID: unit, Status: Submitted, Description: n.Description,
		HasPoint: n.HasPoint, Lat: n.Lat, Lon: n.Lon, Address: n.Address, District: district,
		Channel: n.Channel, Lang: n.Lang, ReporterID: n.ReporterID, ReporterEmail: n.ReporterEmail,
		ReporterName: n.ReporterName, ReporterPhone: n.ReporterPhone, Token: randomToken(12),
		DeviceID: n.DeviceID, AccountID: n.AccountID, MediaURL: n.MediaURL, Attributes: attrs,
		Photos: len(n.Photos), CreatedAt: now, UpdatedAt: now,
	}
	if c.Lang == "" && s.Catalog != nil {
		c.Lang = s.Catalog.Default()
	}
	if n.APIKey != nil {
		c.APIKeyID = n.APIKey.ID
	}
	if n.Officer != nil {
		c.EnteredBy = n.Officer.ID
	}
	if cat.ExpectedDays > 0 {
		c.ExpectedAt = now.AddDate(0, 0, cat.ExpectedDays)
	}
	mailReceipt, err := s.mayMailReceipt(ctx, &n)
	if err != nil {
		return nil, nil, err
	}
	reqID := web.RequestID(ctx)
	_, err = s.reportWriter().Do(func(ctx context.Context, sqltx *sql.Tx) error {
		tx := s.cached(sqltx)
		// The same Open311 post sent again (a client retrying, thirty
		// identical posts at once) is the case already filed. Writes are
		// serialized here, so a twin cannot slip in beside it.
		if n.APIKey != nil {
			twin, err := findTwin(ctx, tx, c, now.Add(-twinWindow))
			if err != nil || twin != nil {
				if twin != nil {
					*c = *twin
				}
				return err
			}
		}
		var err error
		if c.Number, err = nextNumber(ctx, tx); err != nil {
			return err
		}
		if err := insertCase(ctx, tx, c); err != nil {
			return err
		}
		first := Update{At: now, Kind: UpdateSubmitted, Status: Submitted, AuthorID: c.ReporterID}
		if n.Officer != nil {
			first.AuthorID, first.Author = n.Officer.ID, n.Officer.Name
		}
		if err := insertUpdate(ctx, tx, c.ID, first); err != nil {
			return err
		}
		for i, p := range n.Photos {
			f, err := files.Save(ctx, tx, photoOwner(c.ID), p.Name, p.Data, policy)
			if err != nil {
				return err
			}
			if i == 0 {
				c.PhotoURL = files.URL(*f)
				if _, err := tx.ExecContext(ctx, `UPDATE report_cases SET photo_url = $1 WHERE id = $2`, c.PhotoURL, c.ID); err != nil {
					return err
				}
			}
		}
		switch {
		case n.Officer != nil:
			err = audit.Record(ctx, tx, audit.Entry{ActorID: n.Officer.ID, ActorLabel: n.Officer.Name, OnBehalfOf: n.ReporterID,
				Action: "report.enter", TargetType: "report", TargetID: strconv.FormatInt(c.Number, 10),
				Details: map[string]string{"channel": n.Channel, "category": c.Category}, RequestID: reqID})
		case n.APIKey != nil:
			err = audit.Record(ctx, tx, audit.Entry{ActorLabel: "open311:" + n.APIKey.AppName,
				Action: "report.open311.create", TargetType: "report", TargetID: strconv.FormatInt(c.Number, 10),
				Details: map[string]string{"api_key": n.APIKey.ID, "app": n.APIKey.AppName}, RequestID: reqID})
		}
		if err != nil || !mailReceipt {
			return err
		}
		return s.notifySubmitted(ctx, tx, c, cat)
	})
	if err != nil {
		return nil, nil, err
	}
	return c, cat, nil
}

// photoOwner is the files owner of a case's photos.
func photoOwner(caseID string) string { return "report:" + caseID }

// Photos lists a case's photos (without their content).
func (s *Service) Photos(ctx context.Context, c *Case) ([]files.File, error) {
	if c.Photos == 0 {
		return nil, nil
	}
	return files.List(ctx, s.DB, photoOwner(c.ID))
}

// Get returns a case by its number.
func (s *Service) Get(ctx context.Context, number int64) (*Case, error) {
	return getCase(ctx, s.DB, number)
}

// ByToken returns the case an Open311 token stands for.
func (s *Service) ByToken(ctx context.Context, token string) (*Case, error) {
	return getCaseByToken(ctx, s.DB, token)
}

// List returns the cases that match f.
func (s *Service) List(ctx context.Context, f Filter) ([]Case, error) { return listCases(ctx, s.DB, f) }

// Count counts the cases that match f.
func (s *Service) Count(ctx context.Context, f Filter) (int, error) { return countCases(ctx, s.DB, f) }

// History returns a case's updates, oldest first; internal notes only for
// officers.
func (s *Service) History(ctx context.Context, c *Case, internal bool) ([]Update, error) {
	return listUpdates(ctx, s.DB, c.ID, internal)
}

// CasesOf lists the cases a resident reported, newest first: "my cases".
func (s *Service) CasesOf(ctx context.Context, userID string) ([]Case, error) {
	if userID == "" {
		return nil, nil
	}
	return listCases(ctx, s.DB, Filter{ReporterID: userID, Limit: 500})
}

// Nearby lists open reports of a category close to a point, nearest
// first: "is it one of these?".
func (s *Service) Nearby(ctx context.Context, category string, lat, lon float64) ([]Case, error) {
	dLat := nearbyMeters / 111_320.0
	dLon := dLat / math.Max(math.Cos(lat*math.Pi/180), 0.01)
	cs, err := listCases(ctx, s.DB, Filter{Categories: []string{category}, Statuses: OpenStatuses,
		Box: &Box{MinLat: lat - dLat, MaxLat: lat + dLat, MinLon: lon - dLon, MaxLon: lon + dLon}, Limit: 50})
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(cs, func(a, b Case) int {
		return cmp.Compare(Distance(lat, lon, a.Lat, a.Lon), Distance(lat, lon, b.Lat, b.Lon))
	})
	return cs[:min(len(cs), 5)], nil
}

// Distance is the distance in metres between two points (equirectangular,
// plenty at a city's scale).
func Distance(lat1, lon1, lat2, lon2 float64) float64 {
	x := (lon2 - lon1) * math.Cos((lat1+lat2)/2*math.Pi/180)
	y := lat2 - lat1
	return math.Sqrt(x*x+y*y) * 111_320
}

// Support records that a resident has the same problem as an open report
// ("me too") instead of filing another.
func (s *Service) Support(ctx context.Context, number int64, userID string) (*Case, error) {
	if userID == "" {
		return nil, apperr.E(apperr.Unauthenticated, "reports.error.signin_to_support")
	}
	var c *Case
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		if c, err = getCase(ctx, tx, number); err != nil {
			return err
		}
		if !c.Status.Open() {
			return apperr.E(apperr.Conflict, "reports.error.support_closed")
		}
		if c.ReporterID == userID {
			return apperr.E(apperr.Conflict, "reports.error.support_own")
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO report_supports (case_id, user_id, created_at) VALUES ($1, $2, $3)
			ON CONFLICT (case_id, user_id) DO NOTHING`, c.ID, userID, db.TS(s.now()))
		if err != nil {
			return fmt.Errorf("reports: support: %w", db.MapError(err))
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // supported before: nothing changes
		}
		c.Supporters++
		_, err = tx.ExecContext(ctx, `UPDATE report_cases SET supporters = supporters + 1 WHERE id = $1`, c.ID)
		return err
	})
	return c, err
}

// Supports reports whether userID supports the case.
func (s *Service) Supports(ctx context.Context, c *Case, userID string) (bool, error) {
	if userID == "" {
		return false, nil
	}
	var n int
	err := s.DB.QueryRowContext(ctx, `SELECT count(*) FROM report_supports WHERE case_id = $1 AND user_id = $2`, c.ID, userID).Scan(&n)
	return n > 0, err
}

// Key is the private key of a case's reporter: it lets someone without an
// account (or not signed in) follow, reopen and rate their case from the
// links in their email. It is derived, not stored.
func (s *Service) Key(c *Case) string {
	m := hmac.New(sha256.New, s.Secret)
	m.Write([]byte("report:" + c.ID))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))[:24]
}

// Reporter identifies whoever claims to be a case's reporter: a signed-in
// user or the holder of the private key.
type Reporter struct {
	UserID string
	Key    string
}

// IsReporter reports whether r is the case's reporter.
func (s *Service) IsReporter(c *Case, r Reporter) bool {
	if r.UserID != "" && r.UserID == c.ReporterID {
		return true
	}
	return r.Key != "" && len(s.Secret) > 0 && hmac.Equal([]byte(r.Key), []byte(s.Key(c)))
}

// CanReopen reports whether the case may be reopened now, and until when.
func (s *Service) CanReopen(ctx context.Context, c *Case) (bool, time.Time, error) {
	if c.Status != Resolved && c.Status != Closed {
		return false, time.Time{}, nil
	}
	set, err := s.Settings(ctx)
	if err != nil {
		return false, time.Time{}, err
	}
	from := c.ResolvedAt
	if from.IsZero() {
		from = c.ClosedAt
	}
	until := from.AddDate(0, 0, set.ReopenDays)
	return s.now().Before(until), until, nil
}

// Reopen puts a resolved case back in its unit's queue at the reporter's
// request, with their reason, within the reopen window.
func (s *Service) Reopen(ctx context.Context, number int64, who Reporter, reason string) (*Case, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return nil, invalid("reason", "reports.error.reason_required")
	}
	if utf8.RuneCountInString(reason) > MaxNote || !utf8.ValidString(reason) {
		return nil, invalid("reason", "reports.error.note_long")
	}
	c, err := getCase(ctx, s.DB, number)
	if err != nil {
		return nil, err
	}
	if !s.IsReporter(c, who) {
		return nil, apperr.E(apperr.Forbidden, "reports.error.not_reporter")
	}
	ok, _, err := s.CanReopen(ctx, c)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, apperr.E(apperr.Conflict, "reports.error.reopen_window")
	}
	// Reads go before the transaction: on SQLite a transaction holds the
	// write lock, and a read on another connection inside it could wait
	// for a connection that a writer queued behind us holds.
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		now := db.TS(s.now())
		res, err := tx.ExecContext(ctx, `UPDATE report_cases SET status = $1, reopen_count = reopen_count + 1,
			resolved_at = NULL, closed_at = NULL, updated_at = $2, status_notes = '' WHERE id = $3 AND status = $4`,
			string(Reopened), now, c.ID, string(c.Status))
		if err != nil {
			return fmt.Errorf("reports: reopen: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.E(apperr.Conflict, "reports.error.changed")
		}
		c.Status, c.UpdatedAt, c.ReopenCount, c.StatusNotes = Reopened, now, c.ReopenCount+1, ""
		c.ResolvedAt, c.ClosedAt = time.Time{}, time.Time{}
		if err := insertUpdate(ctx, tx, c.ID, Update{At: now, Kind: UpdateReopened, Status: Reopened, Body: reason, AuthorID: who.UserID}); err != nil {
			return err
		}
		return s.notifyReopened(ctx, tx, c, reason)
	})
	return c, err
}

// Change is an officer's status change.
type Change struct {
	To Status
	// Note is the public update the resident receives; required when
	// rejecting or referring.
	Note        string
	DuplicateOf int64
	ReferredTo  string
}

// CanWork reports whether an officer may work a case: admins always, an
// officer when they are a member of the case's unit.
func (s *Service) CanWork(ctx context.Context, actor *web.User, c *Case) (bool, error) {
	if actor == nil {
		return false, nil
	}
	if actor.Has(web.RoleAdmin, "") {
		return true, nil
	}
	if !actor.Has(web.RoleOfficer, "reports") {
		return false, nil
	}
	units, err := s.UnitsOf(ctx, actor)
	if err != nil {
		return false, err
	}
	return slices.Contains(units, c.UnitID), nil
}

// UnitsOf lists the ids of the units an officer works for.
func (s *Service) UnitsOf(ctx context.Context, actor *web.User) ([]string, error) {
	if actor == nil || s.Users == nil {
		return nil, nil
	}
	email, _, err := s.Users(ctx, actor.ID)
	if err != nil || email == "" {
		return nil, err
	}
	return unitsOfMember(ctx, s.DB, email)
}

// workable loads a case an officer may work, outside any transaction;
// the writes that follow check that it has not changed meanwhile.
func (s *Service) workable(ctx context.Context, actor *web.User, number int64) (*Case, error) {
	c, err := getCase(ctx, s.DB, number)
	if err != nil {
		return nil, err
	}
	ok, err := s.CanWork(ctx, actor, c)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, apperr.E(apperr.Forbidden, "reports.error.not_your_unit")
	}
	return c, nil
}

// ChangeStatus moves a case to another status, with a public note that is
// emailed to the reporter. When the case is resolved, a job closes it once
// the reopen window has passed; when it closes, the email asks the
// satisfaction question.
func (s *Service) ChangeStatus(ctx context.Context, actor *web.User, number int64, ch Change) (*Case, error) {
	ch.Note = strings.TrimSpace(strings.ReplaceAll(ch.Note, "\r\n", "\n"))
	ch.ReferredTo = strings.TrimSpace(ch.ReferredTo)
	switch {
	case !ch.To.Valid():
		return nil, invalid("status", "reports.error.status")
	case utf8.RuneCountInString(ch.Note) > MaxNote || !utf8.ValidString(ch.Note):
		return nil, invalid("note", "reports.error.note_long")
	case (ch.To == Rejected || ch.To == Referred) && ch.Note == "":
		return nil, invalid("note", "reports.error.note_required")
	case ch.To == Referred && ch.ReferredTo == "":
		return nil, invalid("referred_to", "reports.error.referred_required")
	case utf8.RuneCountInString(ch.ReferredTo) > 200:
		return nil, invalid("referred_to", "reports.error.contact_long")
	case ch.To == Duplicate && ch.DuplicateOf <= 0:
		return nil, invalid("duplicate_of", "reports.error.duplicate_required")
	}
	set, err := s.Settings(ctx)
	if err != nil {
		return nil, err
	}
	c, err := s.workable(ctx, actor, number)
	if err != nil {
		return nil, err
	}
	if !c.Status.CanMoveTo(ch.To) {
		return nil, invalid("status", "reports.error.transition")
	}
	if ch.To == Duplicate {
		if ch.DuplicateOf == c.Number {
			return nil, invalid("duplicate_of", "reports.error.duplicate_self")
		}
		if _, err := getCase(ctx, s.DB, ch.DuplicateOf); err != nil {
			if apperr.Is(err, apperr.NotFound) {
				return nil, invalid("duplicate_of", "reports.error.duplicate_missing")
			}
			return nil, err
		}
	}
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		return s.setStatus(ctx, tx, c, ch, actor, set)
	})
	return c, err
}

// setStatus writes a status change of c (loaded in tx): the case, its
// history, the audit row, the email and the auto-close job.
func (s *Service) setStatus(ctx context.Context, tx *sql.Tx, c *Case, ch Change, actor *web.User, set Settings) error {
	now := db.TS(s.now())
	from := c.Status
	resolved, closedAt := c.ResolvedAt, c.ClosedAt
	switch {
	case ch.To == Resolved:
		resolved = now
	case ch.To == InProgress && from == Resolved:
		resolved = time.Time{}
	}
	if ch.To.Final() {
		closedAt = now
	}
	var dup any
	if ch.To == Duplicate {
		dup = ch.DuplicateOf
	}
	referred := ""
	if ch.To == Referred {
		referred = ch.ReferredTo
	}
	res, err := tx.ExecContext(ctx, `UPDATE report_cases SET status = $1, status_notes = $2, updated_at = $3,
		resolved_at = $4, closed_at = $5, duplicate_of = $6, referred_to = $7 WHERE id = $8 AND status = $9`,
		string(ch.To), ch.Note, now, db.NullTimeOf(resolved), db.NullTimeOf(closedAt), dup, referred, c.ID, string(from))
	if err != nil {
		return fmt.Errorf("reports: status: %w", db.MapError(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return apperr.E(apperr.Conflict, "reports.error.changed")
	}
	c.Status, c.StatusNotes, c.UpdatedAt, c.ResolvedAt, c.ClosedAt = ch.To, ch.Note, now, resolved, closedAt
	c.DuplicateOf, c.ReferredTo = ch.DuplicateOf, referred
	u := Update{At: now, Kind: UpdateStatus, Status: ch.To, Body: ch.Note, Author: "system"}
	if actor != nil {
		u.AuthorID, u.Author = actor.ID, actor.Name
	}
	if err := insertUpdate(ctx, tx, c.ID, u); err != nil {
		return err
	}
	if actor != nil {
		err := audit.Record(ctx, tx, audit.Entry{ActorID: actor.ID, ActorLabel: actor.Name, Action: "report.status",
			TargetType: "report", TargetID: strconv.FormatInt(c.Number, 10),
			Details: map[string]string{"from": string(from), "to": string(ch.To)}, RequestID: web.RequestID(ctx)})
		if err != nil {
			return err
		}
	}
	if ch.To == Resolved {
		err := jobs.Enqueue(ctx, tx, JobAutoClose, autoClosePayload{CaseID: c.ID},
			jobs.Options{RunAt: now.AddDate(0, 0, set.ReopenDays).Add(time.Minute)})
		if err != nil {
			return err
		}
	}
	return s.notifyStatus(ctx, tx, c)
}

// AddNote adds an officer's note to a case: a public update (emailed to the
// reporter) or an internal note that only officers see.
func (s *Service) AddNote(ctx context.Context, actor *web.User, number int64, body string, internal bool) (*Case, error) {
	body = strings.TrimSpace(strings.ReplaceAll(body, "\r\n", "\n"))
	if body == "" {
		return nil, invalid("body", "reports.error.note_required")
	}
	if utf8.RuneCountInString(body) > MaxNote || !utf8.ValidString(body) {
		return nil, invalid("body", "reports.error.note_long")
	}
	c, err := s.workable(ctx, actor, number)
	if err != nil {
		return nil, err
	}
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		now := db.TS(s.now())
		if err := insertUpdate(ctx, tx, c.ID, Update{At: now, Kind: UpdateNote, Body: body, Internal: internal, AuthorID: actor.ID, Author: actor.Name}); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE report_cases SET updated_at = $1 WHERE id = $2`, now, c.ID); err != nil {
			return err
		}
		c.UpdatedAt = now
		action := "report.note.public"
		if internal {
			action = "report.note.internal"
		}
		if err := audit.Record(ctx, tx, audit.Entry{ActorID: actor.ID, ActorLabel: actor.Name, Action: action,
			TargetType: "report", TargetID: strconv.FormatInt(c.Number, 10), RequestID: web.RequestID(ctx)}); err != nil {
			return err
		}
		if internal {
			return nil
		}
		return s.notifyNote(ctx, tx, c, body)
	})
	return c, err
}

// Reassign hands a case to another unit (a wrong routing), with an
// internal note saying why.
func (s *Service) Reassign(ctx context.Context, actor *web.User, number int64, unitID, note string) (*Case, error) {
	note = strings.TrimSpace(note)
	if utf8.RuneCountInString(note) > MaxNote {
		return nil, invalid("reason", "reports.error.note_long")
	}
	c, err := s.workable(ctx, actor, number)
	if err != nil {
		return nil, err
	}
	if !c.Status.Open() {
		return nil, apperr.E(apperr.Conflict, "reports.error.reassign_closed")
	}
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		var name string
		if err := tx.QueryRowContext(ctx, `SELECT name FROM report_units WHERE id = $1`, unitID).Scan(&name); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return invalid("unit", "reports.error.no_unit")
			}
			return err
		}
		now := db.TS(s.now())
		res, err := tx.ExecContext(ctx, `UPDATE report_cases SET unit_id = $1, updated_at = $2 WHERE id = $3 AND status = $4`,
			unitID, now, c.ID, string(c.Status))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.E(apperr.Conflict, "reports.error.changed")
		}
		c.UnitID, c.UnitName, c.UpdatedAt = unitID, name, now
		if err := insertUpdate(ctx, tx, c.ID, Update{At: now, Kind: UpdateUnit, Body: name + "\n" + note, Internal: true, AuthorID: actor.ID, Author: actor.Name}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: actor.ID, ActorLabel: actor.Name, Action: "report.reassign",
			TargetType: "report", TargetID: strconv.FormatInt(c.Number, 10), Details: map[string]string{"unit": unitID}, RequestID: web.RequestID(ctx)})
	})
	return c, err
}

// JobAutoClose closes a resolved case once its reopen window has passed.
const JobAutoClose = "reports.autoclose"

type autoClosePayload struct {
	CaseID string `json:"case_id"`
}

// AutoClose closes the case if it is still resolved and its reopen window
// is over; reopened or already closed cases are left alone.
func (s *Service) AutoClose(ctx context.Context, caseID string) error {
	set, err := s.Settings(ctx)
	if err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		c, err := scanCase(tx.QueryRowContext(ctx, `SELECT `+caseColumns+` WHERE c.id = $1`, caseID))
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		if c.Status != Resolved {
			return nil
		}
		due := c.ResolvedAt.AddDate(0, 0, set.ReopenDays)
		if s.now().Before(due) {
			// The window was lengthened since: look again when it ends.
			return jobs.Enqueue(ctx, tx, JobAutoClose, autoClosePayload{CaseID: c.ID}, jobs.Options{RunAt: due.Add(time.Minute)})
		}
		return s.setStatus(ctx, tx, c, Change{To: Closed, Note: s.Catalog.T(c.Lang, "reports.autoclosed")}, nil, set)
	})
}

// AutoCloseJob is the job handler for JobAutoClose.
func (s *Service) AutoCloseJob() jobs.Handler {
	return func(ctx context.Context, j jobs.Job) error {
		var p autoClosePayload
		if err := json.Unmarshal(j.Payload, &p); err != nil || p.CaseID == "" {
			return &jobs.PermanentError{Err: fmt.Errorf("reports: autoclose payload: %v", err)}
		}
		return s.AutoClose(ctx, p.CaseID)
	}
}

// SaveFeedback stores the reporter's answer to the satisfaction question of a
// closed case; answering again replaces the answer.
func (s *Service) SaveFeedback(ctx context.Context, number int64, who Reporter, rating int, comment string) (*Case, error) {
	comment = strings.TrimSpace(comment)
	switch {
	case rating < 1 || rating > 5:
		return nil, invalid("rating", "reports.error.rating")
	case utf8.RuneCountInString(comment) > MaxNote || !utf8.ValidString(comment):
		return nil, invalid("comment", "reports.error.note_long")
	}
	c, err := getCase(ctx, s.DB, number)
	if err != nil {
		return nil, err
	}
	if !s.IsReporter(c, who) {
		return nil, apperr.E(apperr.Forbidden, "reports.error.not_reporter")
	}
	if !FeedbackAsked(c.Status) {
		return nil, apperr.E(apperr.Conflict, "reports.error.feedback_open")
	}
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO report_feedback (case_id, rating, comment, answered_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (case_id) DO UPDATE SET rating = excluded.rating, comment = excluded.comment, answered_at = excluded.answered_at`,
			c.ID, rating, comment, db.TS(s.now()))
		if err != nil {
			return fmt.Errorf("reports: feedback: %w", db.MapError(err))
		}
		return nil
	})
	return c, err
}

// FeedbackAsked reports whether a case in status st asks the satisfaction
// question: it has ended, other than as a duplicate.
func FeedbackAsked(st Status) bool { return st == Closed || st == Rejected || st == Referred }

// FeedbackOf returns the answer given for a case, if any.
func (s *Service) FeedbackOf(ctx context.Context, c *Case) (*Feedback, error) {
	var (
		f  Feedback
		at db.Time
	)
	err := s.DB.QueryRowContext(ctx, `SELECT case_id, rating, comment, answered_at FROM report_feedback WHERE case_id = $1`, c.ID).
		Scan(&f.CaseID, &f.Rating, &f.Comment, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	f.AnsweredAt = at.Time
	return &f, nil
}

// FeedbackAnswers lists every satisfaction answer with its case's category
// and district, for the survey module to aggregate.
func (s *Service) FeedbackAnswers(ctx context.Context, since time.Time) ([]FeedbackAnswer, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT c.number, c.category_code, c.district, f.rating, f.comment, f.answered_at
		FROM report_feedback f JOIN report_cases c ON c.id = f.case_id WHERE f.answered_at >= $1 ORDER BY f.answered_at`, db.TS(since))
	if err != nil {
		return nil, fmt.Errorf("reports: feedback answers: %w", err)
	}
	defer rows.Close()
	var out []FeedbackAnswer
	for rows.Next() {
		var (
			a  FeedbackAnswer
			at db.Time
		)
		if err := rows.Scan(&a.Number, &a.Category, &a.District, &a.Rating, &a.Comment, &at); err != nil {
			return nil, err
		}
		a.AnsweredAt = at.Time
		out = append(out, a)
	}
	return out, rows.Err()
}

// FeedbackAnswer is one satisfaction answer with what it was about.
type FeedbackAnswer struct {
	Number     int64
	Category   string
	District   int
	Rating     int
	Comment    string
	AnsweredAt time.Time
}

// Categories lists the categories; only the active ones unless all.
func (s *Service) Categories(ctx context.Context, all bool) ([]Category, error) {
	return listCategories(ctx, s.DB, !all)
}

// Category returns one category.
func (s *Service) Category(ctx context.Context, code string) (*Category, error) {
	return getCategory(ctx, s.DB, code)
}

// Settings returns the city's reports settings.
func (s *Service) Settings(ctx context.Context) (Settings, error) { return loadSettings(ctx, s.DB) }

// Units lists the units with their members.
func (s *Service) Units(ctx context.Context) ([]Unit, error) { return listUnits(ctx, s.DB) }

// Routes lists the routing rules.
func (s *Service) Routes(ctx context.Context) ([]Route, error) { return listRoutes(ctx, s.DB) }

func (s *Service) logError(ctx context.Context, msg string, err error) {
	if s.Log != nil {
		s.Log.ErrorContext(ctx, msg, "error", err, "request_id", web.RequestID(ctx))
	}
}
