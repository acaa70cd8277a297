package reports

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"net/mail"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/audit"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/districts"
	"github.com/civitas-city/civitas/internal/files"
	"github.com/civitas-city/civitas/internal/web"
)

// Filing a report, from any channel: the web form, the contact centre,
// Open311 partner apps.

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
	if err := s.admit(ctx, &n); err != nil {
		return nil, nil, err
	}
	cat, attrs, err := s.checkDetails(ctx, &n)
	if err != nil {
		return nil, nil, err
	}
	c, err := s.newCase(ctx, n, cat, attrs)
	if err != nil {
		return nil, nil, err
	}
	if err := s.writeReport(ctx, c, n, cat); err != nil {
		return nil, nil, err
	}
	return c, cat, nil
}

// admit checks what needs no category: the input itself, and whether the
// city takes anonymous reports from the web.
func (s *Service) admit(ctx context.Context, n *NewReport) error {
	if err := n.validate(s); err != nil {
		return err
	}
	if n.Channel != ChannelWeb || n.ReporterID != "" {
		return nil
	}
	set, err := s.Settings(ctx)
	if err != nil {
		return err
	}
	if !set.AnonymousAllowed {
		return apperr.E(apperr.Unauthenticated, "reports.error.signin_to_report")
	}
	if n.ReporterEmail == "" {
		return invalid("email", "reports.error.email_required")
	}
	return nil
}

// checkDetails checks the report against its category (active, its
// questions answered) and its photos against the policy, and fills in a
// signed-in reporter's contact details.
func (s *Service) checkDetails(ctx context.Context, n *NewReport) (*Category, map[string][]string, error) {
	cat, err := getCategory(ctx, s.stmts.Querier(s.DB, nil), n.Category)
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
	return cat, attrs, nil
}

// findAddress places an address typed as text through the gazetteer;
// found is false when there is none, the address is not in it, or its
// point lies outside the area reports may lie in.
func (s *Service) findAddress(ctx context.Context, text string) (lat, lon float64, found bool, err error) {
	if s.Addresses == nil {
		return 0, 0, false, nil
	}
	lat, lon, found, err = s.Addresses(ctx, text)
	if err != nil {
		return 0, 0, false, fmt.Errorf("reports: find address: %w", err)
	}
	if !found || !s.inArea(lat, lon) {
		return 0, 0, false, nil
	}
	return lat, lon, true, nil
}

// newCase is the case a checked report becomes: in the district of its
// point, routed to a unit, due by the category's expected days.
func (s *Service) newCase(ctx context.Context, n NewReport, cat *Category, attrs map[string][]string) (*Case, error) {
	if !n.HasPoint && n.Address != "" {
		lat, lon, found, err := s.findAddress(ctx, n.Address)
		if err != nil {
			return nil, err
		}
		n.HasPoint, n.Lat, n.Lon = found, lat, lon
	}
	district := 0
	if n.HasPoint && s.Districts != nil {
		if d, ok := s.Districts.Locate(n.Lat, n.Lon); ok {
			district = d.Number
		}
	}
	unit, err := routeUnit(ctx, s.stmts.Querier(s.DB, nil), cat, district)
	if err != nil {
		return nil, err
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
	return c, nil
}

// writeReport writes the case in a transaction shared with other new
// reports (reportWriter): its number, the case, its first history line,
// its photos, the audit row and the acknowledgement email.
func (s *Service) writeReport(ctx context.Context, c *Case, n NewReport, cat *Category) error {
	mailReceipt, err := s.mayMailReceipt(ctx, &n)
	if err != nil {
		return err
	}
	reqID := web.RequestID(ctx)
	_, err = s.reportWriter().Do(func(ctx context.Context, sqltx *sql.Tx) error {
		tx := s.stmts.Querier(s.DB, sqltx)
		// The same Open311 post sent again (a client retrying, thirty
		// identical posts at once) is the case already filed. Writes are
		// serialized here, so a twin cannot slip in beside it.
		if n.APIKey != nil {
			twin, err := findTwin(ctx, tx, c, c.CreatedAt.Add(-twinWindow))
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
		first := Update{At: c.CreatedAt, Kind: UpdateSubmitted, Status: Submitted, AuthorID: c.ReporterID}
		if n.Officer != nil {
			first.AuthorID, first.Author = n.Officer.ID, n.Officer.Name
		}
		if err := insertUpdate(ctx, tx, c.ID, first); err != nil {
			return err
		}
		if err := s.savePhotos(ctx, tx, c, n.Photos); err != nil {
			return err
		}
		if err := auditReport(ctx, tx, c, n, reqID); err != nil || !mailReceipt {
			return err
		}
		return s.notifySubmitted(ctx, tx, c, cat)
	})
	return err
}

// savePhotos stores a new case's photos; the first is its picture.
func (s *Service) savePhotos(ctx context.Context, tx db.Querier, c *Case, photos []Photo) error {
	for i, p := range photos {
		f, err := files.Save(ctx, tx, photoOwner(c.ID), p.Name, p.Data, s.PhotoPolicy())
		if err != nil {
			return err
		}
		if i == 0 {
			c.PhotoURL = files.URL(*f)
			if err := setPhotoURL(ctx, tx, c.ID, c.PhotoURL); err != nil {
				return err
			}
		}
	}
	return nil
}

// auditReport records who filed a report for someone else: an officer of
// the contact centre, or a partner app.
func auditReport(ctx context.Context, tx db.Querier, c *Case, n NewReport, reqID string) error {
	switch {
	case n.Officer != nil:
		return audit.Record(ctx, tx, audit.Entry{ActorID: n.Officer.ID, ActorLabel: n.Officer.Name, OnBehalfOf: n.ReporterID,
			Action: "report.enter", TargetType: "report", TargetID: strconv.FormatInt(c.Number, 10),
			Details: map[string]string{"channel": n.Channel, "category": c.Category}, RequestID: reqID})
	case n.APIKey != nil:
		return audit.Record(ctx, tx, audit.Entry{ActorLabel: "open311:" + n.APIKey.AppName,
			Action: "report.open311.create", TargetType: "report", TargetID: strconv.FormatInt(c.Number, 10),
			Details: map[string]string{"api_key": n.APIKey.ID, "app": n.APIKey.AppName}, RequestID: reqID})
	}
	return nil
}
