package news

import (
	"errors"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/files"
	"github.com/civitas-city/civitas/internal/web"
)

// OfficerPage is /officer/news: every item by status.
type OfficerPage struct {
	Status   Status
	Statuses []Status
	Items    []*Item
	Kinds    []Kind
}

func (h *Handler) handleOfficer(w http.ResponseWriter, r *http.Request) error {
	st := Status(r.URL.Query().Get("status"))
	if st != "" && st != Draft && st != Review && st != Published {
		st = ""
	}
	items, err := h.Service.EditorItems(r.Context(), st)
	if err != nil {
		return err
	}
	return h.Site.Render(w, r, http.StatusOK, "news/officer", "news.officer.title",
		OfficerPage{Status: st, Statuses: []Status{Draft, Review, Published}, Items: items, Kinds: Kinds})
}

// EditForm is the editor's form as typed.
type EditForm struct {
	Kind, Slug, Title, Summary, Body         string
	Districts                                []int
	Topics                                   []string
	PublishAt, UnpublishAt, StartsAt, EndsAt string
	Place, Accessibility, Price              string
	Streets, Detour, Geometry, GeometryText  string
	Budget, Contractor, Progress, Milestones string
}

// HasDistrict and HasTopic tell the template which boxes are ticked.
func (f EditForm) HasDistrict(n int) bool { return slices.Contains(f.Districts, n) }
func (f EditForm) HasTopic(t string) bool { return slices.Contains(f.Topics, t) }
func (f EditForm) IsKind(k Kind) bool     { return Kind(f.Kind) == k }

// EditPage is the editor of one item (Item nil: a new one).
type EditPage struct {
	Item      *Item
	Form      EditForm
	Errors    web.FormErrors
	Districts []District
	Topics    []string
	Kinds     []Kind
	// Moves are the workflow steps open from the item's status.
	Moves  []Status
	Photos []files.File
}

func (h *Handler) formOf(it *Item) EditForm {
	f := EditForm{Kind: string(it.Kind), Slug: it.Slug, Title: it.Title, Summary: it.Summary, Body: it.Body,
		Districts: it.Districts, Topics: it.Topics, PublishAt: h.formatLocal(it.PublishAt), UnpublishAt: h.formatLocal(it.UnpublishAt),
		StartsAt: h.formatLocal(it.StartsAt), EndsAt: h.formatLocal(it.EndsAt), Place: it.Place, Accessibility: it.Accessibility,
		Streets: strings.Join(it.Streets, "\n"), Detour: it.Detour, Geometry: it.Geometry, GeometryText: it.GeometryText,
		Contractor: it.Contractor, Progress: strconv.Itoa(it.Progress)}
	if it.Price > 0 {
		f.Price = formatZloty("pl", it.Price)
	}
	if it.Budget > 0 {
		f.Budget = formatZloty("pl", it.Budget)
	}
	var ms []string
	for _, m := range it.Milestones {
		line := m.Title
		if !m.Due.IsZero() {
			line = m.Due.In(h.loc()).Format("2006-01-02") + " " + line
		}
		if m.Done {
			line = "[x] " + line
		}
		ms = append(ms, line)
	}
	f.Milestones = strings.Join(ms, "\n")
	return f
}

// readForm reads the editor's form: what was typed (to show again) and the
// input for the Service, or the fields that could not be read.
func (h *Handler) readForm(r *http.Request) (EditForm, Input, error) {
	if err := r.ParseForm(); err != nil {
		return EditForm{}, Input{}, apperr.Wrap(apperr.Invalid, "error.bad_form", err)
	}
	v := r.PostForm
	f := EditForm{Kind: v.Get("kind"), Slug: strings.TrimSpace(v.Get("slug")), Title: strings.TrimSpace(v.Get("title")),
		Summary: v.Get("summary"), Body: v.Get("body"), Topics: v["topic"], PublishAt: v.Get("publish_at"),
		UnpublishAt: v.Get("unpublish_at"), StartsAt: v.Get("starts_at"), EndsAt: v.Get("ends_at"), Place: v.Get("place"),
		Accessibility: v.Get("accessibility"), Price: v.Get("price"), Streets: v.Get("streets"), Detour: v.Get("detour"),
		Geometry: strings.TrimSpace(v.Get("geometry")), GeometryText: v.Get("geometry_text"), Budget: v.Get("budget"),
		Contractor: v.Get("contractor"), Progress: v.Get("progress"), Milestones: v.Get("milestones")}
	bad := apperr.Fields{}
	for _, d := range v["district"] {
		n, err := strconv.Atoi(d)
		if err != nil {
			bad["districts"] = "news.error.district"
			continue
		}
		f.Districts = append(f.Districts, n)
	}
	in := Input{Kind: Kind(f.Kind), Slug: f.Slug, Title: f.Title, Summary: f.Summary, Body: f.Body, Districts: f.Districts,
		Topics: f.Topics, Place: f.Place, Accessibility: f.Accessibility, Detour: f.Detour, Geometry: f.Geometry,
		GeometryText: f.GeometryText, Contractor: f.Contractor, Streets: lines(f.Streets)}
	times := []struct {
		field, value string
		to           *time.Time
	}{{"publish_at", f.PublishAt, &in.PublishAt}, {"unpublish_at", f.UnpublishAt, &in.UnpublishAt},
		{"starts_at", f.StartsAt, &in.StartsAt}, {"ends_at", f.EndsAt, &in.EndsAt}}
	for _, t := range times {
		var err error
		if *t.to, err = h.parseLocal(t.field, t.value); err != nil {
			bad[t.field] = apperr.MessageOf(err)
		}
	}
	var err error
	if in.Price, err = parseZloty("price", f.Price); err != nil {
		bad["price"] = apperr.MessageOf(err)
	}
	if in.Budget, err = parseZloty("budget", f.Budget); err != nil {
		bad["budget"] = apperr.MessageOf(err)
	}
	if p := strings.TrimSpace(f.Progress); p != "" {
		if in.Progress, err = strconv.Atoi(p); err != nil {
			bad["progress"] = "news.error.progress"
		}
	}
	for _, line := range lines(f.Milestones) {
		m, err := h.parseMilestone(line)
		if err != nil {
			bad["milestones"] = apperr.MessageOf(err)
			continue
		}
		in.Milestones = append(in.Milestones, m)
	}
	return f, in, bad.Err()
}

// parseMilestone reads "[x] 2027-06-01 Title": done when it starts with
// [x], with a due date when one follows.
func (h *Handler) parseMilestone(line string) (Milestone, error) {
	var m Milestone
	if rest, ok := strings.CutPrefix(line, "[x]"); ok {
		m.Done, line = true, strings.TrimSpace(rest)
	}
	if len(line) >= 10 && line[4] == '-' && line[7] == '-' {
		due, err := time.ParseInLocation("2006-01-02", line[:10], h.loc())
		if err != nil {
			return m, apperr.Fieldf("milestones", "news.error.milestone")
		}
		m.Due, line = due, strings.TrimSpace(line[10:])
	}
	m.Title = line
	return m, nil
}

// lines are the non-empty lines of a textarea, trimmed.
func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func (h *Handler) editPage(r *http.Request, it *Item, f EditForm, errs web.FormErrors) (EditPage, error) {
	p := EditPage{Item: it, Form: f, Errors: errs, Districts: h.Districts, Topics: Topics, Kinds: Kinds}
	if it != nil {
		p.Moves = transitions[it.Status]
		var err error
		if p.Photos, err = h.Service.Photos(r.Context(), it.ID); err != nil {
			return p, err
		}
	}
	return p, nil
}

func (h *Handler) renderEdit(w http.ResponseWriter, r *http.Request, it *Item, f EditForm, err error) error {
	errs, err := h.Site.FormError(web.Lang(r.Context()), err, apperr.Conflict)
	if err != nil {
		return err
	}
	page, err := h.editPage(r, it, f, errs)
	if err != nil {
		return err
	}
	return h.Site.Render(w, r, errs.Status(), "news/officer_edit", "news.officer.title", page)
}

func (h *Handler) handleNew(w http.ResponseWriter, r *http.Request) error {
	kind := Kind(r.URL.Query().Get("kind"))
	if !kind.Valid() {
		kind = Article
	}
	return h.renderEdit(w, r, nil, EditForm{Kind: string(kind)}, nil)
}

func (h *Handler) handleCreate(w http.ResponseWriter, r *http.Request) error {
	f, in, err := h.readForm(r)
	if err == nil {
		var it *Item
		if it, err = h.Service.Create(r.Context(), actor(r), in); err == nil {
			return seeOther(w, r, "/officer/news/"+it.ID)
		}
	}
	return h.renderEdit(w, r, nil, f, err)
}

func (h *Handler) handleEdit(w http.ResponseWriter, r *http.Request) error {
	it, err := h.Service.EditorItem(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return h.renderEdit(w, r, it, h.formOf(it), nil)
}

func (h *Handler) handleUpdate(w http.ResponseWriter, r *http.Request) error {
	it, err := h.Service.EditorItem(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	f, in, err := h.readForm(r)
	if err == nil {
		if _, err = h.Service.Update(r.Context(), actor(r), it.ID, in); err == nil {
			return seeOther(w, r, "/officer/news/"+it.ID)
		}
	}
	return h.renderEdit(w, r, it, f, err)
}

func (h *Handler) handleMove(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	_, err := h.Service.Move(r.Context(), actor(r), id, Status(r.PostFormValue("to")))
	if err != nil {
		it, lerr := h.Service.EditorItem(r.Context(), id)
		if lerr != nil {
			return lerr
		}
		return h.renderEdit(w, r, it, h.formOf(it), err)
	}
	return seeOther(w, r, "/officer/news/"+id)
}

// maxUpload bounds a photo's request.
const maxUpload = 12 << 20

func (h *Handler) handlePhoto(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	it, err := h.Service.EditorItem(r.Context(), id)
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxUpload)
	if err := r.ParseMultipartForm(maxUpload); err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return h.renderEdit(w, r, it, h.formOf(it), &apperr.Error{Kind: apperr.Invalid, Field: "photo", Message: "files.error.too_large"})
		}
		return apperr.Wrap(apperr.Invalid, "error.bad_form", err)
	}
	defer r.MultipartForm.RemoveAll()
	file, fh, err := r.FormFile("photo")
	if err != nil {
		return h.renderEdit(w, r, it, h.formOf(it), apperr.Fieldf("photo", "news.error.no_file"))
	}
	defer file.Close()
	data, err := io.ReadAll(file)
	if err != nil {
		return err
	}
	if _, err := h.Service.AddPhoto(r.Context(), actor(r), id, fh.Filename, data); err != nil {
		return h.renderEdit(w, r, it, h.formOf(it), err)
	}
	return seeOther(w, r, "/officer/news/"+id)
}
