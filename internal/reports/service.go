package reports

import (
	"cmp"
	"context"
	"log/slog"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/districts"
	"github.com/civitas-city/civitas/internal/files"
	"github.com/civitas-city/civitas/internal/i18n"
	"github.com/civitas-city/civitas/internal/web"
)

// UserLookup returns the email and name of an account, for the officers'
// unit membership and for the reporter's address (the accounts domain).
type UserLookup func(ctx context.Context, id string) (email, name string, err error)

// AddressFinder finds the point of an address typed as text ("ul. Długa
// 12"): the city's gazetteer. ok is false when the address is not in it.
type AddressFinder func(ctx context.Context, text string) (lat, lon float64, ok bool, err error)

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
	// Addresses places a report given by address only; nil: such reports
	// stay in "district unknown" until an officer assigns one.
	Addresses AddressFinder
	// PhotoMaxBytes limits one photo (at most files.Images.MaxBytes).
	PhotoMaxBytes int64
	// Open311PostsPerMinute limits the reports one Open311 key may file
	// (CIVITAS_OPEN311_POSTS_PER_MINUTE; 0: no limit).
	Open311PostsPerMinute int
	Log                   *slog.Logger
	Now                   func() time.Time

	writerOnce sync.Once
	writer     *db.GroupCommit[reportWrite, struct{}] // see commit.go
	stmts      db.StmtCache                           // a new report's statements: parsing was a sixth of a POST's CPU
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
