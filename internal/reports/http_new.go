package reports

import (
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/web"
)

// Reporting a problem, without JavaScript, in two steps:
//
//  1. GET /reports/new: the category and the location, as a point (typed,
//     or clicked on the map picture: an <input type="image"> sends the
//     click's pixel) or an address or landmark in words.
//  2. GET /reports/new/details: open reports of the same category nearby
//     ("is it one of these?", each with a "support" button), then the
//     description, photos and — for visitors not signed in — an email.
//
// POST /reports/new files the report and redirects to its page.

// NewPage is step 1.
type NewPage struct {
	Base
	Categories []CategoryChoice
	Category   string
	Lat, Lon   string
	Address    string
	MapWidth   int
	MapHeight  int
	SignedIn   bool
}

// CategoryChoice is one radio button of the category question.
type CategoryChoice struct {
	Code, ID, Name, Description string
	ExpectedDays                int
	Checked                     bool
}

func (h *Handler) mayReport(r *http.Request) error {
	if web.CurrentUser(r.Context()) != nil {
		return nil
	}
	set, err := h.Service.Settings(r.Context())
	if err != nil {
		return err
	}
	if !set.AnonymousAllowed {
		return apperr.E(apperr.Unauthenticated, "reports.error.signin_to_report")
	}
	return nil
}

func (h *Handler) newPage(r *http.Request, category, lat, lon, address string) (*NewPage, error) {
	_, cats, err := h.categoryNames(r, false)
	if err != nil {
		return nil, err
	}
	lang := web.Lang(r.Context())
	p := &NewPage{Category: category, Lat: lat, Lon: lon, Address: address,
		MapWidth: int(h.proj.Width), MapHeight: int(h.proj.Height), SignedIn: web.CurrentUser(r.Context()) != nil}
	for _, c := range cats {
		p.Categories = append(p.Categories, CategoryChoice{Code: c.Code, ID: "category-" + c.Code, Name: c.Name(lang),
			Description: c.Description(lang), ExpectedDays: c.ExpectedDays, Checked: c.Code == category})
	}
	return p, nil
}

func (h *Handler) handleNew(w http.ResponseWriter, r *http.Request) error {
	if err := h.mayReport(r); err != nil {
		return err
	}
	q := r.URL.Query()
	p, err := h.newPage(r, q.Get("category"), q.Get("lat"), q.Get("lon"), q.Get("address"))
	if err != nil {
		return err
	}
	return h.Site.Render(w, r, http.StatusOK, "reports/new", "reports.new.title", p)
}

// DetailsPage is step 2.
type DetailsPage struct {
	Base
	Category   CategoryChoice
	Notice     string
	Attributes []AttributeField
	Lat, Lon   string
	HasPoint   bool
	District   string
	Address    string
	// AddressDistrict is the district of a report given by address only:
	// the gazetteer's, or "unknown, an officer will assign it".
	AddressDistrict string
	Nearby          []CaseRow
	Description     string
	Email           string
	Name            string
	Anonymous       bool
	ChangeURL       string
	PhotoMax        string
	MaxPhotos       int
	SignInURL       string
	MaxDescrLeng    int
}

// AttributeField is one extra question of the category, as a form field.
type AttributeField struct {
	Name        string // the form name: attribute[code]
	ID          string
	Datatype    string
	Required    bool
	Description string
	Values      []Option
	Value       string
}

// location reads the location of the report form: lat/lon typed, a click
// on the map picture (map.x, map.y), and the address.
func (h *Handler) location(v url.Values) (lat, lon string, hasPoint bool, flat, flon float64, err error) {
	lat, lon = strings.TrimSpace(v.Get("lat")), strings.TrimSpace(v.Get("lon"))
	if mx, my := v.Get("map.x"), v.Get("map.y"); mx != "" && my != "" {
		x, err1 := strconv.ParseFloat(mx, 64)
		y, err2 := strconv.ParseFloat(my, 64)
		// Enter in a text field "clicks" the first submit button, the map,
		// at (0, 0): that is no point.
		if err1 == nil && err2 == nil && (x > 0 || y > 0) && x >= 0 && y >= 0 && x <= h.proj.Width && y <= h.proj.Height {
			flat, flon = h.proj.LatLon(x, y)
			return fmt.Sprintf("%.6f", flat), fmt.Sprintf("%.6f", flon), true, flat, flon, nil
		}
	}
	if lat == "" && lon == "" {
		return lat, lon, false, 0, 0, nil
	}
	flat, err1 := strconv.ParseFloat(strings.ReplaceAll(lat, ",", "."), 64)
	flon, err2 := strconv.ParseFloat(strings.ReplaceAll(lon, ",", "."), 64)
	if err1 != nil || err2 != nil || !validPoint(flat, flon) {
		return lat, lon, false, 0, 0, invalid("lat", "reports.error.coordinates")
	}
	if !h.Service.inArea(flat, flon) {
		return lat, lon, false, 0, 0, invalid("lat", "reports.error.outside_city")
	}
	return lat, lon, true, flat, flon, nil
}

func (h *Handler) handleDetails(w http.ResponseWriter, r *http.Request) error {
	if err := h.mayReport(r); err != nil {
		return err
	}
	ctx, lang, q := r.Context(), web.Lang(r.Context()), r.URL.Query()
	category, address := strings.TrimSpace(q.Get("category")), strings.TrimSpace(q.Get("address"))
	lat, lon, hasPoint, flat, flon, lerr := h.location(q)
	// Step 1 again, with its errors, when its answers do not do.
	var errs []error
	if category == "" {
		errs = append(errs, invalid("category", "reports.error.category_required"))
	}
	if lerr != nil {
		errs = append(errs, lerr)
	} else if !hasPoint && address == "" {
		errs = append(errs, invalid("location", "reports.error.location_required"))
	}
	var cat *Category
	if category != "" {
		c, err := h.Service.Category(ctx, category)
		if err == nil && !c.Active {
			err = &apperr.Error{Kind: apperr.NotFound, Field: "category", Message: "reports.error.no_category"}
		}
		if err != nil && !apperr.Is(err, apperr.NotFound) {
			return err
		}
		if err != nil {
			errs = append(errs, err)
		}
		cat = c
	}
	if len(errs) > 0 {
		p, perr := h.newPage(r, category, lat, lon, address)
		if perr != nil {
			return perr
		}
		for _, err := range errs {
			if err := h.fail(&p.Base, lang, err); err != nil {
				return err
			}
		}
		return h.Site.Render(w, r, http.StatusBadRequest, "reports/new", "reports.new.title", p)
	}
	p, err := h.detailsPage(r, cat, lat, lon, hasPoint, flat, flon, address)
	if err != nil {
		return err
	}
	return h.Site.Render(w, r, http.StatusOK, "reports/details", "reports.new.title", p)
}

func (h *Handler) detailsPage(r *http.Request, cat *Category, lat, lon string, hasPoint bool, flat, flon float64, address string) (*DetailsPage, error) {
	ctx, lang := r.Context(), web.Lang(r.Context())
	names, _, err := h.categoryNames(r, true)
	if err != nil {
		return nil, err
	}
	p := &DetailsPage{
		Category: CategoryChoice{Code: cat.Code, Name: cat.Name(lang), Description: cat.Description(lang), ExpectedDays: cat.ExpectedDays},
		Notice:   cat.Notice(lang), Lat: lat, Lon: lon, HasPoint: hasPoint, Address: address,
		Anonymous: web.CurrentUser(ctx) == nil, MaxPhotos: MaxPhotos, MaxDescrLeng: MaxDescription,
		PhotoMax: fmt.Sprintf("%.1f MB", float64(h.Service.PhotoPolicy().MaxBytes)/(1<<20)),
	}
	v := url.Values{"category": {cat.Code}, "lat": {lat}, "lon": {lon}, "address": {address}}
	p.ChangeURL = "/reports/new?" + v.Encode()
	p.SignInURL = "/signin?next=" + url.QueryEscape("/reports/new/details?"+v.Encode())
	if !hasPoint && address != "" {
		alat, alon, found, err := h.Service.findAddress(ctx, address)
		if err != nil {
			return nil, err
		}
		p.AddressDistrict = h.Site.Catalog.T(lang, "reports.district.unknown_assign")
		if d, ok := h.Service.Districts.Locate(alat, alon); found && ok {
			p.AddressDistrict = d.Numeral + " " + d.Name
		}
	}
	if hasPoint {
		if d, ok := h.Service.Districts.Locate(flat, flon); ok {
			p.District = d.Numeral + " " + d.Name
		} else {
			p.District = h.Site.Catalog.T(lang, "reports.district.unknown")
		}
		near, err := h.Service.Nearby(ctx, cat.Code, flat, flon)
		if err != nil {
			return nil, err
		}
		for _, c := range near {
			row := h.row(&c, names, lang)
			row.DistanceM = int(Distance(flat, flon, c.Lat, c.Lon))
			p.Nearby = append(p.Nearby, row)
		}
	}
	for _, a := range cat.Attributes {
		if !a.Variable {
			continue
		}
		f := AttributeField{Name: "attribute[" + a.Code + "]", ID: "attr-" + a.Code, Datatype: a.Datatype, Required: a.Required,
			Description: a.Description(lang)}
		for _, v := range a.Values {
			f.Values = append(f.Values, Option{Value: v.Key, Label: v.Name(lang)})
		}
		p.Attributes = append(p.Attributes, f)
	}
	return p, nil
}

// attributesFrom reads attribute[code] fields (the same names as Open311),
// turning a browser's local date-time into one with the city's offset.
func (h *Handler) attributesFrom(form url.Values, cat *Category) map[string][]string {
	out := map[string][]string{}
	for key, vals := range form {
		code, ok := attributeCode(key)
		if !ok || code == "" {
			continue
		}
		out[code] = append(out[code], vals...)
	}
	for _, a := range cat.Attributes {
		if a.Datatype != "datetime" {
			continue
		}
		for i, v := range out[a.Code] {
			if t, err := time.ParseInLocation("2006-01-02T15:04", v, h.Service.Location); err == nil {
				out[a.Code][i] = t.Format(time.RFC3339)
			}
		}
	}
	return out
}

// readPhotos reads the uploaded photos of a multipart form field.
func (h *Handler) readPhotos(r *http.Request, field string) ([]Photo, error) {
	if r.MultipartForm == nil {
		return nil, nil
	}
	var out []Photo
	max := h.Service.PhotoPolicy().MaxBytes
	tooLarge := &apperr.Error{Kind: apperr.Invalid, Field: "photo", Message: "files.error.too_large"}
	for _, fh := range r.MultipartForm.File[field] {
		if fh.Size == 0 && fh.Filename == "" {
			continue // an empty file input
		}
		if len(out) == MaxPhotos {
			return nil, invalid("photo", "reports.error.photos_many")
		}
		data, err := readUpload(fh, max, tooLarge)
		if err != nil {
			return nil, err
		}
		out = append(out, Photo{Name: fh.Filename, Data: data})
	}
	return out, nil
}

// readUpload reads an uploaded file, stopping just past max so an oversized
// one is refused (with tooLarge) without reading it all.
func readUpload(fh *multipart.FileHeader, max int64, tooLarge error) ([]byte, error) {
	if fh.Size > max {
		return nil, tooLarge
	}
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, tooLarge
	}
	return data, nil
}

// parseMultipart reads a multipart body; a urlencoded one is already read.
func parseMultipart(r *http.Request) error {
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		return nil
	}
	if err := r.ParseMultipartForm(maxMultipartMemory); err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return err
		}
		return apperr.Wrap(apperr.Invalid, "reports.error.form", err)
	}
	return nil
}

func (h *Handler) handleSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := h.mayReport(r); err != nil {
		return err
	}
	if err := parseMultipart(r); err != nil {
		return err
	}
	ctx, lang := r.Context(), web.Lang(r.Context())
	form := r.Form
	category, address := strings.TrimSpace(form.Get("category")), strings.TrimSpace(form.Get("address"))
	lat, lon, hasPoint, flat, flon, lerr := h.location(form)
	cat, err := h.Service.Category(ctx, category)
	if err != nil && !apperr.Is(err, apperr.NotFound) {
		return err
	}
	if err != nil || !cat.Active {
		// Only a tampered form gets here: start again.
		p, perr := h.newPage(r, "", lat, lon, address)
		if perr != nil {
			return perr
		}
		h.addError(&p.Base, lang, "category", "reports.error.no_category")
		return h.Site.Render(w, r, http.StatusBadRequest, "reports/new", "reports.new.title", p)
	}
	again := func(err error) error {
		p, perr := h.detailsPage(r, cat, lat, lon, hasPoint, flat, flon, address)
		if perr != nil {
			return perr
		}
		p.Description, p.Email, p.Name = form.Get("description"), form.Get("email"), form.Get("name")
		for i := range p.Attributes {
			p.Attributes[i].Value = form.Get(p.Attributes[i].Name)
		}
		if err := h.fail(&p.Base, lang, err); err != nil {
			return err
		}
		return h.Site.Render(w, r, http.StatusBadRequest, "reports/details", "reports.new.title", p)
	}
	if lerr != nil {
		return again(lerr)
	}
	photos, err := h.readPhotos(r, "photo")
	if err != nil {
		return again(err)
	}
	n := NewReport{
		Category: cat.Code, Description: form.Get("description"), HasPoint: hasPoint, Lat: flat, Lon: flon, Address: address,
		Photos: photos, Attributes: h.attributesFrom(form, cat), Channel: ChannelWeb, Lang: lang,
		ClientAddr: web.ClientAddr(r),
	}
	switch u := web.CurrentUser(ctx); {
	case u != nil && u.ActingFor != nil:
		// Assisted reporting: an officer at the counter acting for a
		// resident files it under the resident, audited as theirs.
		n.ReporterID, n.Officer, n.Channel = u.ActingFor.ID, u, ChannelCounter
	case u != nil:
		n.ReporterID = u.ID
	default:
		n.ReporterEmail, n.ReporterName = form.Get("email"), form.Get("name")
	}
	c, err := h.Service.Submit(ctx, n)
	if err != nil {
		return again(err)
	}
	key := ""
	if n.ReporterID == "" {
		key = h.Service.Key(c)
	}
	http.Redirect(w, r, h.caseURL(c.Number, key, "created"), http.StatusSeeOther)
	return nil
}
