// Package city describes the city Civitas runs for: its name, time zone,
// languages, codes and districts. A city is data, not code: a profile is a
// directory that any city can write, and Kraków's is built in as the default.
//
// A profile directory holds:
//
//	city.json              the city itself, as below
//	districts.geojson      the districts, read by districts.ParseGeoJSON
//	city-boundary.geojson  optional: the city limit, read by districts.ParseBoundary
//
// city.json (codes and map are optional; unknown keys are an error):
//
//	{
//	  "slug": "krakow",
//	  "name": "Kraków",
//	  "country": "PL",
//	  "time_zone": "Europe/Warsaw",
//	  "languages": ["pl", "en", "uk"],
//	  "currency": "PLN",
//	  "codes": {"teryt_terc": "1261011", "teryt_simc": "0950463"},
//	  "map": {"center": [19.9373, 50.0617]}
//	}
//
// Positions are [lon, lat], as in GeoJSON.
package city

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // time zones must load on hosts without a zoneinfo database

	"github.com/civitas-city/civitas/internal/districts"
)

// The files of a profile directory.
const (
	CityFile      = "city.json"
	DistrictsFile = "districts.geojson"
	BoundaryFile  = "city-boundary.geojson"
)

// A Profile is everything Civitas knows about its city. It is read-only once
// loaded and safe for concurrent use.
type Profile struct {
	Slug      string         // "krakow": for file names, metrics, open-data identifiers
	Name      string         // "Kraków"
	Country   string         // ISO 3166-1 alpha-2: "PL"
	TimeZone  string         // IANA name: "Europe/Warsaw"
	Location  *time.Location // TimeZone, loaded
	Languages []string       // BCP 47 tags; the first is the default: pl, en, uk
	Currency  string         // ISO 4217: "PLN"; amounts are kept in its minor unit
	// Codes are the city's official identifiers, keyed by scheme, e.g.
	// "teryt_terc": "1261011" and "teryt_simc": "0950463" in Poland.
	Codes     map[string]string
	Districts *districts.Set
	// Boundary is the city limit; nil when the profile has none. It lets
	// callers tell "outside the city" from "in a gap between districts".
	Boundary districts.MultiPolygon
	Bounds   districts.BBox // of Boundary, else of all districts: for fitting a map
	Center   [2]float64     // [lon, lat]: where a map opens; from city.json, else the middle of Bounds
	// Contact is who runs the site, for the contact, help and privacy
	// pages. Optional: an empty field is shown as not filled in yet.
	Contact Contact
	// Taxes is whom residents pay local taxes to; optional.
	Taxes Taxes
}

// Taxes is the "taxes" object of city.json: the recipient of transfers of
// local taxes and fees (the payer's account number comes with each
// liability from the finance system).
type Taxes struct {
	Recipient string `json:"recipient"` // the name on a transfer: "Gmina Miejska Kraków"
	NIP       string `json:"nip"`       // the recipient's NIP, optional
}

// Contact is the "contact" object of city.json.
type Contact struct {
	Office     string `json:"office"`     // the city office running the site
	Address    string `json:"address"`    // its postal address
	Phone      string `json:"phone"`      // a number for residents
	Email      string `json:"email"`      // an address for residents
	Web        string `json:"web"`        // the city's own site, https://
	Controller string `json:"controller"` // the personal data controller (GDPR art. 13)
	DPOEmail   string `json:"dpo_email"`  // the data protection officer's address
}

// fileJSON is the layout of city.json. Unknown fields are rejected so that a
// misspelt key is an error, not a silent default.
type fileJSON struct {
	Slug      string            `json:"slug"`
	Name      string            `json:"name"`
	Country   string            `json:"country"`
	TimeZone  string            `json:"time_zone"`
	Languages []string          `json:"languages"`
	Currency  string            `json:"currency"`
	Codes     map[string]string `json:"codes"`
	Contact   Contact           `json:"contact"`
	Taxes     Taxes             `json:"taxes"`
	Map       struct {
		Center *[2]float64 `json:"center"` // [lon, lat], as in GeoJSON
	} `json:"map"`
}

var (
	slugRE     = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	countryRE  = regexp.MustCompile(`^[A-Z]{2}$`)
	currencyRE = regexp.MustCompile(`^[A-Z]{3}$`)
	// languageRE accepts the BCP 47 tags a city will use (pl, en, uk, pt-BR,
	// sr-Latn); it does not check the tags against the registry.
	languageRE = regexp.MustCompile(`^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$`)
)

// Load reads and validates the profile in fsys. Errors name the file and the
// field at fault; problems with a district wrap a *districts.FeatureError.
func Load(fsys fs.FS) (*Profile, error) {
	p, file, err := load(fsys)
	if err != nil {
		return nil, fmt.Errorf("city: %s: %w", file, err)
	}
	return p, nil
}

// LoadDir reads and validates the profile in the directory dir, as given by
// the --city flag.
func LoadDir(dir string) (*Profile, error) {
	if dir == "" {
		// os.DirFS("") would read from the file system root.
		return nil, errors.New("city: no profile directory given")
	}
	p, file, err := load(os.DirFS(dir))
	if err != nil {
		return nil, fmt.Errorf("city: %s: %w", filepath.Join(dir, file), err)
	}
	return p, nil
}

// load returns the profile, or the name of the file at fault and the error.
func load(fsys fs.FS) (*Profile, string, error) {
	p, err := loadCityFile(fsys)
	if err != nil {
		return nil, CityFile, err
	}

	data, err := fs.ReadFile(fsys, DistrictsFile)
	if err != nil {
		return nil, DistrictsFile, err
	}
	p.Districts, err = districts.ParseGeoJSON(bytes.NewReader(data))
	if err != nil {
		return nil, DistrictsFile, err
	}
	p.Bounds = p.Districts.Bounds()

	data, err = fs.ReadFile(fsys, BoundaryFile)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		// The city limit is optional.
	case err != nil:
		return nil, BoundaryFile, err
	default:
		p.Boundary, err = districts.ParseBoundary(bytes.NewReader(data))
		if err != nil {
			return nil, BoundaryFile, err
		}
		// A district outside the city limit means one of the two files is
		// wrong (another city, or lon and lat swapped).
		for _, d := range p.Districts.All() {
			if !p.Boundary.Contains(d.Centroid[1], d.Centroid[0]) {
				return nil, BoundaryFile, fmt.Errorf("district %d %s (centroid lon %v, lat %v) lies outside the city limit",
					d.Number, d.Name, d.Centroid[0], d.Centroid[1])
			}
		}
		p.Bounds = p.Boundary.Bounds()
	}

	if p.Center == ([2]float64{}) {
		p.Center = p.Bounds.Center()
	} else if !p.Bounds.Contains(p.Center[1], p.Center[0]) {
		return nil, CityFile, fmt.Errorf("map.center: [%v, %v] lies outside the city (want [lon, lat])", p.Center[0], p.Center[1])
	}
	return p, "", nil
}

// loadCityFile reads and checks city.json.
func loadCityFile(fsys fs.FS) (*Profile, error) {
	data, err := fs.ReadFile(fsys, CityFile)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var f fileJSON
	if err := dec.Decode(&f); err != nil {
		return nil, err
	}

	// Report every problem at once: a city fixes its file in one go.
	var problems []string
	bad := func(field, format string, args ...any) {
		problems = append(problems, field+": "+fmt.Sprintf(format, args...))
	}
	if !slugRE.MatchString(f.Slug) {
		bad("slug", "%q: want lowercase ASCII letters and digits joined by single hyphens", f.Slug)
	}
	if f.Name == "" {
		bad("name", "missing")
	}
	if !countryRE.MatchString(f.Country) {
		bad("country", "%q: want an ISO 3166-1 alpha-2 code such as PL", f.Country)
	}
	var loc *time.Location
	if f.TimeZone == "" || f.TimeZone == "Local" {
		// LoadLocation maps "" to UTC and "Local" to the host's zone: neither
		// is a city's zone.
		bad("time_zone", "%q: want an IANA time zone such as Europe/Warsaw", f.TimeZone)
	} else if loc, err = time.LoadLocation(f.TimeZone); err != nil {
		bad("time_zone", "%v", err)
	}
	if len(f.Languages) == 0 {
		bad("languages", "missing: list at least the default language")
	}
	seen := make(map[string]bool)
	for i, lang := range f.Languages {
		switch {
		case !languageRE.MatchString(lang):
			bad(fmt.Sprintf("languages[%d]", i), "%q: want a BCP 47 tag such as pl or pt-BR", lang)
		case seen[lang]:
			bad(fmt.Sprintf("languages[%d]", i), "%q is listed twice", lang)
		}
		seen[lang] = true
	}
	if !currencyRE.MatchString(f.Currency) {
		bad("currency", "%q: want an ISO 4217 code such as PLN", f.Currency)
	}
	for k, v := range f.Codes {
		if k == "" || v == "" {
			bad("codes", "%q: %q: want a non-empty scheme and value", k, v)
		}
	}
	if c := f.Map.Center; c != nil && (c[0] < -180 || c[0] > 180 || c[1] < -90 || c[1] > 90) {
		bad("map.center", "[%v, %v] out of range: want [lon, lat]", c[0], c[1])
	}
	if w := f.Contact.Web; w != "" && !strings.HasPrefix(w, "https://") {
		bad("contact.web", "%q: want an https:// address", w)
	}
	for _, e := range [][2]string{{"contact.email", f.Contact.Email}, {"contact.dpo_email", f.Contact.DPOEmail}} {
		if e[1] != "" && !strings.Contains(e[1], "@") {
			bad(e[0], "%q: want an e-mail address", e[1])
		}
	}
	if len(problems) > 0 {
		return nil, errors.New(strings.Join(problems, "; "))
	}

	p := &Profile{
		Slug:      f.Slug,
		Name:      f.Name,
		Country:   f.Country,
		TimeZone:  f.TimeZone,
		Location:  loc,
		Languages: f.Languages,
		Currency:  f.Currency,
		Codes:     f.Codes,
		Contact:   f.Contact,
		Taxes:     f.Taxes,
	}
	if f.Map.Center != nil {
		p.Center = *f.Map.Center
	}
	return p, nil
}

// krakowFS holds Kraków's profile; see krakow/SOURCES.md for the data's origin.
//
//go:embed krakow/city.json krakow/districts.geojson krakow/city-boundary.geojson
var krakowFS embed.FS

// Krakow returns the built-in profile of Kraków, the default city. The
// profile is loaded once and shared: callers must not modify it.
func Krakow() *Profile {
	return krakow()
}

var krakow = sync.OnceValue(func() *Profile {
	sub, err := fs.Sub(krakowFS, "krakow")
	if err != nil {
		panic(err) // only for an invalid path literal
	}
	return mustLoad(sub)
})

// mustLoad loads a profile built into the binary; an error there is a
// programmer's mistake caught by the tests, hence the panic.
func mustLoad(fsys fs.FS) *Profile {
	p, err := Load(fsys)
	if err != nil {
		panic(fmt.Sprintf("built-in city profile is broken: %v", err))
	}
	return p
}
