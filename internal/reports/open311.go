package reports

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/files"
	"github.com/civitas-city/civitas/internal/web"
)

// Open311 is the GeoReport v2 server (wiki.open311.org/GeoReport_v2) at
// /open311/v2/: discovery, services, service definitions, POST and GET
// service requests, and tokens, in XML and JSON. docs/open311.md documents
// it with its extensions (pagination, district, photos and history).
//
// Its errors are the spec's: a list of {code, description} in the
// requested format, with 404 for what does not exist, 403 for a missing or
// wrong api_key, 413 for an oversized photo and 400 for any other bad
// input. Descriptions are in the language of Accept-Language.
type Open311 struct {
	Service *Service
	// Jurisdictions are the jurisdiction_id values this server answers to
	// (it serves one city; an empty jurisdiction_id is always accepted).
	Jurisdictions []string
	// Contact and KeyService are the discovery document's texts.
	Contact    string
	KeyService string
}

// Prefix is where the API lives.
const Prefix = "/open311/v2"

// Specification is the discovery token of GeoReport v2.
const Specification = "http://wiki.open311.org/GeoReport_v2"

// Routes registers the API. Go's mux wildcards are whole segments, so
// "requests.json" arrives as one {file} and is split here.
func (o *Open311) Routes(handle web.Registrar) {
	handle("GET "+Prefix+"/{file}", web.Public, o.handleRoot)
	handle("POST "+Prefix+"/{file}", web.Public, o.handlePost)
	handle("GET "+Prefix+"/services/{file}", web.Public, o.handleDefinition)
	handle("GET "+Prefix+"/requests/{file}", web.Public, o.handleRequest)
	handle("GET "+Prefix+"/tokens/{file}", web.Public, o.handleToken)
}

// splitFile splits "requests.json" into "requests" and "json".
func splitFile(file string) (name, format string, ok bool) {
	i := strings.LastIndexByte(file, '.')
	if i <= 0 {
		return "", "", false
	}
	name, format = file[:i], file[i+1:]
	return name, format, format == formatJSON || format == formatXML
}

func (o *Open311) fail(w http.ResponseWriter, r *http.Request, format string, err error) error {
	status, key := http.StatusBadRequest, apperr.MessageOf(err)
	switch apperr.KindOf(err) {
	case apperr.NotFound:
		status = http.StatusNotFound
	case apperr.Forbidden, apperr.Unauthenticated:
		status = http.StatusForbidden
	case apperr.TooLarge:
		status = http.StatusRequestEntityTooLarge
	case apperr.Invalid, apperr.Conflict:
	case apperr.TooMany:
		status = http.StatusTooManyRequests
	default:
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			status, key = http.StatusRequestEntityTooLarge, "reports.open311.error.too_large"
			break
		}
		o.Service.logError(r.Context(), "open311", err)
		status, key = http.StatusInternalServerError, "reports.open311.error.internal"
	}
	if key == "files.error.too_large" {
		status = http.StatusRequestEntityTooLarge
	}
	lang := web.Lang(r.Context())
	desc := o.Service.t(lang, key)
	if e, ok := errors.AsType[*apperr.Error](err); ok && e.Field != "" && status != http.StatusForbidden {
		desc = e.Field + ": " + desc
	}
	return writeO311(w, format, status, o311Errors{Errors: []o311Error{{Code: status, Description: desc}}})
}

// WriteError answers any error under the API's prefix in the spec's error
// format — also errors raised before a handler runs, such as a body over
// the size limit. The format follows the file's extension (JSON unless
// ".xml").
func (o *Open311) WriteError(w http.ResponseWriter, r *http.Request, err error) {
	format := formatJSON
	if strings.HasSuffix(r.URL.Path, "."+formatXML) {
		format = formatXML
	}
	o.fail(w, r, format, err)
}

func notFound(key string) error { return apperr.E(apperr.NotFound, key) }

// checkJurisdiction accepts an empty jurisdiction_id or one of ours.
func (o *Open311) checkJurisdiction(j string) error {
	j = strings.TrimSpace(j)
	if j == "" {
		return nil
	}
	for _, ok := range o.Jurisdictions {
		if strings.EqualFold(j, ok) {
			return nil
		}
	}
	return notFound("reports.open311.error.jurisdiction")
}

func (o *Open311) handleRoot(w http.ResponseWriter, r *http.Request) error {
	name, format, ok := splitFile(r.PathValue("file"))
	if !ok {
		return o.fail(w, r, formatXML, notFound("reports.open311.error.resource"))
	}
	var err error
	switch name {
	case "discovery":
		err = o.discovery(w, r, format)
	case "services":
		err = o.services(w, r, format)
	case "requests":
		err = o.requests(w, r, format)
	default:
		err = notFound("reports.open311.error.resource")
	}
	if err != nil {
		return o.fail(w, r, format, err)
	}
	return nil
}

// baseURL is the site's address for absolute links: the configured one
// (the node's own address when none is configured), never the request's
// Host header, which the client chooses.
func (o *Open311) baseURL(*http.Request) string { return o.Service.BaseURL }

func (o *Open311) discovery(w http.ResponseWriter, r *http.Request, format string) error {
	cs, err := changeset(r.Context(), o.Service.DB)
	if err != nil {
		return err
	}
	lang := web.Lang(r.Context())
	d := o311Discovery{
		Changeset:  cs.UTC().Format("2006-01-02 15:04"),
		Contact:    o.Contact,
		KeyService: o.KeyService,
		Endpoints: []o311Endpoint{{
			Specification: Specification, URL: o.baseURL(r) + Prefix, Changeset: cs.UTC().Format("2006-01-02 15:04"),
			Type: "production", Formats: []string{"text/xml", "application/json"},
		}},
	}
	if d.Contact == "" {
		d.Contact = o.Service.t(lang, "reports.open311.contact")
	}
	if d.KeyService == "" {
		d.KeyService = o.Service.t(lang, "reports.open311.key_service")
	}
	return writeO311(w, format, http.StatusOK, d)
}

func (o *Open311) services(w http.ResponseWriter, r *http.Request, format string) error {
	if err := o.checkJurisdiction(r.URL.Query().Get("jurisdiction_id")); err != nil {
		return err
	}
	cats, err := o.Service.Categories(r.Context(), false)
	if err != nil {
		return err
	}
	lang := web.Lang(r.Context())
	doc := o311Services{Services: make([]o311Service, 0, len(cats))}
	for _, c := range cats {
		doc.Services = append(doc.Services, o311Service{
			ServiceCode: c.Code, ServiceName: c.Name(lang), Description: c.Description(lang),
			Metadata: len(c.Attributes) > 0, Type: c.ServiceType, Keywords: c.Keywords, Group: c.Group,
		})
	}
	return writeO311(w, format, http.StatusOK, doc)
}

func (o *Open311) handleDefinition(w http.ResponseWriter, r *http.Request) error {
	code, format, ok := splitFile(r.PathValue("file"))
	if !ok {
		return o.fail(w, r, formatXML, notFound("reports.open311.error.resource"))
	}
	if err := o.definition(w, r, code, format); err != nil {
		return o.fail(w, r, format, err)
	}
	return nil
}

func (o *Open311) definition(w http.ResponseWriter, r *http.Request, code, format string) error {
	if err := o.checkJurisdiction(r.URL.Query().Get("jurisdiction_id")); err != nil {
		return err
	}
	c, err := o.Service.Category(r.Context(), code)
	if err == nil && !c.Active {
		err = notFound("reports.open311.error.service_code")
	}
	if apperr.Is(err, apperr.NotFound) {
		return notFound("reports.open311.error.service_code")
	}
	if err != nil {
		return err
	}
	lang := web.Lang(r.Context())
	doc := o311Definition{ServiceCode: c.Code}
	for _, a := range c.Attributes {
		oa := o311Attribute{Variable: a.Variable, Code: a.Code, Datatype: a.Datatype, Required: a.Required,
			Order: a.Order, Description: a.Description(lang)}
		for _, v := range a.Values {
			oa.Values = append(oa.Values, o311Value{Key: v.Key, Name: v.Name(lang)})
		}
		doc.Attributes.Items = append(doc.Attributes.Items, oa)
	}
	return writeO311(w, format, http.StatusOK, doc)
}

// districtOf reads a district given by number or slug.
func (o *Open311) districtOf(s string) (int, bool) {
	set := o.Service.Districts
	if set == nil {
		return 0, false
	}
	if n, err := strconv.Atoi(s); err == nil {
		_, ok := set.ByNumber(n)
		return n, ok
	}
	d, ok := set.BySlug(s)
	return d.Number, ok
}

func (o *Open311) requests(w http.ResponseWriter, r *http.Request, format string) error {
	q, err := parseQuery(r.URL.Query(), o.Service.now(), o.districtOf)
	if err != nil {
		return err
	}
	if err := o.checkJurisdiction(q.Jurisdiction); err != nil {
		return err
	}
	f := q.Filter
	f.Limit, f.Offset = q.PageSize, (q.Page-1)*q.PageSize
	cases, err := o.Service.List(r.Context(), f)
	if err != nil {
		return err
	}
	doc, err := o.requestDocs(r, cases, q.Extensions)
	if err != nil {
		return err
	}
	return writeO311(w, format, http.StatusOK, doc)
}

func (o *Open311) handleRequest(w http.ResponseWriter, r *http.Request) error {
	id, format, ok := splitFile(r.PathValue("file"))
	if !ok {
		return o.fail(w, r, formatXML, notFound("reports.open311.error.resource"))
	}
	err := func() error {
		if err := o.checkJurisdiction(r.URL.Query().Get("jurisdiction_id")); err != nil {
			return err
		}
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil || n <= 0 {
			return notFound("reports.open311.error.request")
		}
		c, err := o.Service.Get(r.Context(), n)
		if apperr.Is(err, apperr.NotFound) {
			return notFound("reports.open311.error.request")
		}
		if err != nil {
			return err
		}
		doc, err := o.requestDocs(r, []Case{*c}, r.URL.Query().Get("extensions") == "true")
		if err != nil {
			return err
		}
		return writeO311(w, format, http.StatusOK, doc)
	}()
	if err != nil {
		return o.fail(w, r, format, err)
	}
	return nil
}

// requestDocs turns cases into the service_requests document. Category
// names and notices come from one read of the categories.
func (o *Open311) requestDocs(r *http.Request, cases []Case, extensions bool) (o311Requests[o311Request], error) {
	ctx := r.Context()
	doc := o311Requests[o311Request]{Requests: make([]o311Request, 0, len(cases))}
	cats, err := o.Service.Categories(ctx, true)
	if err != nil {
		return doc, err
	}
	byCode := map[string]*Category{}
	for i := range cats {
		byCode[cats[i].Code] = &cats[i]
	}
	lang := web.Lang(ctx)
	base := o.baseURL(r)
	loc := o.Service.Location
	for _, c := range cases {
		req := o311Request{
			ServiceRequestID: strconv.FormatInt(c.Number, 10), Status: "open", StatusNotes: nstr(c.StatusNotes),
			ServiceCode: c.Category, Description: nstr(c.Description), AgencyResponsible: nstr(c.UnitName),
			RequestedDatetime: w3c(c.CreatedAt, loc), UpdatedDatetime: w3c(c.UpdatedAt, loc), Address: nstr(c.Address),
		}
		if !c.Status.Open() {
			req.Status = "closed"
		}
		if cat := byCode[c.Category]; cat != nil {
			req.ServiceName, req.ServiceNotice = cat.Name(lang), nstr(cat.Notice(lang))
		} else {
			req.ServiceName = c.Category
		}
		if !c.ExpectedAt.IsZero() {
			req.ExpectedDatetime = nstr(w3c(c.ExpectedAt, loc))
		}
		if c.HasPoint {
			lat, lon := c.Lat, c.Lon
			req.Lat, req.Long = &lat, &lon
		}
		switch {
		case c.PhotoURL != "":
			req.MediaURL = nstr(base + c.PhotoURL)
		case c.MediaURL != "":
			req.MediaURL = nstr(c.MediaURL)
		}
		if extensions {
			if err := o.extend(ctx, &req, &c, base, lang); err != nil {
				return doc, err
			}
		}
		doc.Requests = append(doc.Requests, req)
	}
	return doc, nil
}

// extend adds the extensions=true fields: district, channel, supporters,
// every photo, and the public history as notes.
func (o *Open311) extend(ctx context.Context, req *o311Request, c *Case, base, lang string) error {
	loc := o.Service.Location
	ext := &o311Extended{District: c.District, Channel: c.Channel, Supporters: c.Supporters}
	if o.Service.Districts != nil {
		if d, ok := o.Service.Districts.ByNumber(c.District); ok {
			ext.DistrictName = nstr(d.Name)
		}
	}
	photos, err := o.Service.Photos(ctx, c)
	if err != nil {
		return err
	}
	for _, p := range photos {
		ext.Photos.Items = append(ext.Photos.Items, o311Photo{MediaURL: base + files.URL(p), CreatedAt: w3c(p.CreatedAt, loc)})
	}
	history, err := o.Service.History(ctx, c, false)
	if err != nil {
		return err
	}
	notes := &o311Notes{Notes: []o311Note{}}
	for _, u := range history {
		desc := u.Body
		if desc == "" {
			desc = o.Service.t(lang, "reports.update."+u.Kind)
		}
		notes.Notes = append(notes.Notes, o311Note{Datetime: w3c(u.At, loc), Description: desc, Type: u.Kind, Status: string(u.Status)})
	}
	req.Extended, req.Notes = ext, notes
	return nil
}

func (o *Open311) handleToken(w http.ResponseWriter, r *http.Request) error {
	token, format, ok := splitFile(r.PathValue("file"))
	if !ok {
		return o.fail(w, r, formatXML, notFound("reports.open311.error.resource"))
	}
	err := func() error {
		if err := o.checkJurisdiction(r.URL.Query().Get("jurisdiction_id")); err != nil {
			return err
		}
		c, err := o.Service.ByToken(r.Context(), token)
		if apperr.Is(err, apperr.NotFound) {
			return notFound("reports.open311.error.token")
		}
		if err != nil {
			return err
		}
		return writeO311(w, format, http.StatusOK, o311Requests[o311Token]{Requests: []o311Token{{
			ServiceRequestID: strconv.FormatInt(c.Number, 10), Token: c.Token}}})
	}()
	if err != nil {
		return o.fail(w, r, format, err)
	}
	return nil
}

// maxMultipartMemory is how much of a multipart body is kept in memory;
// the rest of the (already size-limited) body goes to temporary files.
const maxMultipartMemory = 8 << 20

func (o *Open311) handlePost(w http.ResponseWriter, r *http.Request) error {
	name, format, ok := splitFile(r.PathValue("file"))
	if !ok || name != "requests" {
		if !ok {
			format = formatXML
		}
		return o.fail(w, r, format, notFound("reports.open311.error.resource"))
	}
	c, cat, err := o.create(r)
	if err != nil {
		return o.fail(w, r, format, err)
	}
	lang := web.Lang(r.Context())
	created := o311Created{ServiceNotice: nstr(o.notice(cat, c, lang)), AccountID: nstr(c.AccountID)}
	if cat.ServiceType == TypeBatch {
		created.Token = c.Token
	} else {
		created.ServiceRequestID = strconv.FormatInt(c.Number, 10)
	}
	// 200, not 201: the spec names no status for success, and clients
	// written against the servers in the wild check for 200.
	return writeO311(w, format, http.StatusOK, o311Requests[o311Created]{Requests: []o311Created{created}})
}

// notice is the service_notice of a new request: the category's notice
// and the expected date.
func (o *Open311) notice(cat *Category, c *Case, lang string) string {
	parts := []string{}
	if n := cat.Notice(lang); n != "" {
		parts = append(parts, n)
	}
	if !c.ExpectedAt.IsZero() {
		parts = append(parts, o.Service.t(lang, "reports.mail.expected", o.Service.isoDate(c.ExpectedAt)))
	}
	return strings.Join(parts, " ")
}

// create reads and files a POST service request. Every check comes before
// the one write, so a rejected request stores nothing.
func (o *Open311) create(r *http.Request) (*Case, *Category, error) {
	ctx := r.Context()
	form, photos, err := o.readForm(r)
	if err != nil {
		return nil, nil, err
	}
	p, err := parsePost(form)
	if err != nil {
		return nil, nil, err
	}
	if err := o.checkJurisdiction(p.Jurisdiction); err != nil {
		return nil, nil, err
	}
	key, err := o.Service.KeyFor(ctx, p.APIKey)
	if err != nil {
		return nil, nil, err
	}
	if err := o.Service.allowOpen311Post(ctx, key); err != nil {
		return nil, nil, err
	}
	if p.ServiceCode == "" {
		return nil, nil, o311Invalid("service_code", "reports.open311.error.service_code_missing")
	}
	address := p.Address
	if strings.TrimSpace(address) == "" {
		address = p.AddressID
	}
	name := strings.TrimSpace(p.FirstName + " " + p.LastName)
	c, cat, err := o.Service.submit(ctx, NewReport{
		Category: p.ServiceCode, Description: p.Description, HasPoint: p.HasPoint, Lat: p.Lat, Lon: p.Lon,
		Address: address, Photos: photos, MediaURL: p.MediaURL, Attributes: p.Attributes, Channel: ChannelOpen311,
		Lang: web.Lang(ctx), ReporterEmail: p.Email, ReporterName: name, ReporterPhone: p.Phone,
		APIKey: key, DeviceID: p.DeviceID, AccountID: p.AccountID, ClientAddr: web.ClientAddr(r),
	})
	switch {
	case err == nil:
	case apperr.Is(err, apperr.NotFound):
		return nil, nil, notFound("reports.open311.error.service_code")
	default:
		return nil, nil, o311Translate(err)
	}
	return c, cat, nil
}

// o311Translate renames the service's fields to the spec's parameters.
func o311Translate(err error) error {
	e, ok := errors.AsType[*apperr.Error](err)
	if !ok {
		return err
	}
	field := map[string]string{"category": "service_code", "location": "lat/long/address_string", "address": "address_string",
		"photo": "media", "name": "first_name/last_name/phone", "email": "email", "description": "description"}[e.Field]
	if field == "" {
		field = e.Field
	}
	return &apperr.Error{Kind: e.Kind, Field: field, Message: e.Message, Err: e.Err}
}

// readForm reads a urlencoded or multipart body; photos come from the
// multipart "media" parts (the media extension).
func (o *Open311) readForm(r *http.Request) (url.Values, []Photo, error) {
	ct := r.Header.Get("Content-Type")
	if !strings.HasPrefix(ct, "multipart/form-data") {
		if err := r.ParseForm(); err != nil {
			return nil, nil, o311Body(err)
		}
		return r.PostForm, nil, nil
	}
	if err := r.ParseMultipartForm(maxMultipartMemory); err != nil {
		return nil, nil, o311Body(err)
	}
	var photos []Photo
	for _, fh := range r.MultipartForm.File["media"] {
		if len(photos) == MaxPhotos {
			return nil, nil, o311Invalid("media", "reports.error.photos_many")
		}
		data, err := readUpload(fh, o.Service.PhotoPolicy().MaxBytes,
			&apperr.Error{Kind: apperr.TooLarge, Field: "media", Message: "files.error.too_large"})
		if err != nil {
			return nil, nil, err
		}
		photos = append(photos, Photo{Name: fh.Filename, Data: data})
	}
	return r.MultipartForm.Value, photos, nil
}

func o311Body(err error) error {
	if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
		return &apperr.Error{Kind: apperr.TooLarge, Message: "reports.open311.error.too_large", Err: err}
	}
	return &apperr.Error{Kind: apperr.Invalid, Message: "reports.open311.error.body", Err: err}
}
