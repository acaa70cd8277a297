package budget

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/web"
)

// costRows is how many cost lines the form offers (more after saving).
const costRows = 6

// ProjectFormPage is the submission form.
type ProjectFormPage struct {
	EditionView
	Project  *Project // nil for a new one
	In       ProjectInput
	Costs    []CostItemInput
	Files    []FileView
	Errors   web.FormErrors
	Problem  string // why the resident cannot submit (not verified ...)
	Action   string
	Notice   string
	MaxImage string
	MaxFile  string
}

func (h *Handler) formPage(r *http.Request, e *Edition, p *Project, in ProjectInput, errs web.FormErrors) *ProjectFormPage {
	page := &ProjectFormPage{EditionView: h.editionView(r, e, nil), Project: p, In: in, Errors: errs,
		Action: "/budget/" + e.Slug + "/projects", MaxImage: "8 MB", MaxFile: "10 MB"}
	if p != nil {
		page.Action = "/budget/" + e.Slug + "/projects/" + p.ID
	}
	page.Costs = append(page.Costs, in.CostItems...)
	for len(page.Costs) < costRows || len(page.Costs) < len(in.CostItems)+2 {
		page.Costs = append(page.Costs, CostItemInput{})
	}
	if !e.SubmissionOpen() {
		page.Problem = "budget.project.error.closed"
	} else if _, err := h.Service.eligible(r.Context(), e, participant(r)); err != nil {
		page.Problem = apperr.MessageOf(err)
		if page.Problem == "" {
			page.Problem = "error.internal"
		}
	}
	return page
}

func (h *Handler) handleNewProject(w http.ResponseWriter, r *http.Request) error {
	e, err := h.edition(r)
	if err != nil {
		return err
	}
	in := ProjectInput{Pool: r.URL.Query().Get("pool")}
	return h.render(w, r, "project_form", "budget.submit.title", nil, h.formPage(r, e, nil, in, nil))
}

// projectInput reads the form.
func projectInput(r *http.Request) ProjectInput {
	in := ProjectInput{Pool: trimmed(r, "pool"), Title: trimmed(r, "title"), Description: r.PostFormValue("description"),
		Category: trimmed(r, "category"), Address: trimmed(r, "address"), Lat: trimmed(r, "lat"), Lon: trimmed(r, "lon")}
	for i := range maxCostItems {
		label, amount := r.PostFormValue(fmt.Sprintf("cost_label_%d", i)), r.PostFormValue(fmt.Sprintf("cost_amount_%d", i))
		if _, ok := r.PostForm[fmt.Sprintf("cost_label_%d", i)]; !ok {
			break
		}
		in.CostItems = append(in.CostItems, CostItemInput{Label: label, Amount: amount})
	}
	return in
}

func (h *Handler) handleCreateProject(w http.ResponseWriter, r *http.Request) error {
	return h.saveProject(w, r, nil)
}

func (h *Handler) handleEditProject(w http.ResponseWriter, r *http.Request) error {
	e, p, err := h.project(r)
	if err != nil {
		return err
	}
	if p.AuthorID != participant(r) {
		return apperr.E(apperr.Forbidden, "budget.error.not_author")
	}
	page, err := h.savedProjectForm(r, e, p, nil)
	if err != nil {
		return err
	}
	page.Notice = r.URL.Query().Get("done")
	return h.render(w, r, "project_form", "budget.submit.title", nil, page)
}

// savedProjectForm is the form filled from a saved project, with its
// uploads, for the edit page and for an upload's problem (whose form must
// not lose the point: saving from it would erase the point).
func (h *Handler) savedProjectForm(r *http.Request, e *Edition, p *Project, errs web.FormErrors) (*ProjectFormPage, error) {
	in := ProjectInput{Title: p.Title, Description: p.Description, Category: p.Category, Address: p.Address}
	if p.HasPoint {
		in.Lat, in.Lon = strconv.FormatFloat(p.Lat, 'f', -1, 64), strconv.FormatFloat(p.Lon, 'f', -1, 64)
	}
	if pool, ok := e.PoolByID(p.PoolID); ok {
		in.Pool = pool.Slug
	}
	for _, it := range p.CostItems {
		in.CostItems = append(in.CostItems, CostItemInput{Label: it.Label, Amount: MoneyDecimal(it.Amount)})
	}
	page := h.formPage(r, e, p, in, errs)
	list, err := h.Service.Files(r.Context(), p.ID)
	if err != nil {
		return nil, err
	}
	imgs, atts := fileViews(list)
	page.Files = append(imgs, atts...)
	return page, nil
}

func (h *Handler) handleUpdateProject(w http.ResponseWriter, r *http.Request) error {
	_, p, err := h.project(r)
	if err != nil {
		return err
	}
	return h.saveProject(w, r, p)
}

// saveProject saves a draft ("save") or submits ("submit").
func (h *Handler) saveProject(w http.ResponseWriter, r *http.Request, cur *Project) error {
	e, err := h.edition(r)
	if err != nil {
		return err
	}
	in := projectInput(r)
	id := ""
	if cur != nil {
		id = cur.ID
	}
	submit := r.PostFormValue("action") == "submit"
	p, err := h.Service.SaveProject(r.Context(), actor(r), participant(r), e.ID, id, in, submit)
	if err != nil {
		errs, err := h.formErrors(r, err)
		if err != nil {
			return err
		}
		return h.render(w, r, "project_form", "budget.submit.title", errs, h.formPage(r, e, cur, in, errs))
	}
	if submit {
		return seeOther(w, r, "/budget/"+e.Slug+"/projects/"+p.ID+"?done=submitted")
	}
	return seeOther(w, r, "/budget/"+e.Slug+"/projects/"+p.ID+"/edit?done=saved")
}

// maxUpload bounds the memory a multipart upload may take before it goes
// to a temporary file; the body limit (CIVITAS_MAX_BODY_BYTES) still holds.
const maxUpload = 12 << 20

func (h *Handler) handleUpload(w http.ResponseWriter, r *http.Request) error {
	e, p, err := h.project(r)
	if err != nil {
		return err
	}
	if err := r.ParseMultipartForm(maxUpload); err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return err
		}
		return apperr.Wrap(apperr.Invalid, "error.bad_form", err)
	}
	defer r.MultipartForm.RemoveAll()
	f, fh, err := r.FormFile("file")
	if err != nil {
		return h.uploadError(w, r, e, p, apperr.Fieldf("file", "budget.project.error.no_file"))
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxUpload+1))
	if err != nil {
		return err
	}
	kind := UploadAttachment
	if r.FormValue("kind") == UploadImage {
		kind = UploadImage
	}
	if _, err := h.Service.AddFile(r.Context(), participant(r), p.ID, kind, fh.Filename, data); err != nil {
		return h.uploadError(w, r, e, p, err)
	}
	return seeOther(w, r, "/budget/"+e.Slug+"/projects/"+p.ID+"/edit?done=uploaded#files")
}

func (h *Handler) uploadError(w http.ResponseWriter, r *http.Request, e *Edition, p *Project, err error) error {
	errs, err := h.formErrors(r, err)
	if err != nil {
		return err
	}
	if errs["file"] == "" {
		for k, v := range errs {
			delete(errs, k)
			errs["file"] = v
		}
	}
	page, err := h.savedProjectForm(r, e, p, errs)
	if err != nil {
		return err
	}
	return h.render(w, r, "project_form", "budget.submit.title", errs, page)
}

func (h *Handler) handleDeleteFile(w http.ResponseWriter, r *http.Request) error {
	e, p, err := h.project(r)
	if err != nil {
		return err
	}
	if err := h.Service.DeleteFile(r.Context(), participant(r), p.ID, r.PathValue("file")); err != nil {
		return err
	}
	return seeOther(w, r, "/budget/"+e.Slug+"/projects/"+p.ID+"/edit?done=deleted#files")
}

func (h *Handler) handleWithdraw(w http.ResponseWriter, r *http.Request) error {
	e, p, err := h.project(r)
	if err != nil {
		return err
	}
	if err := h.Service.Withdraw(r.Context(), participant(r), p.ID); err != nil {
		return err
	}
	if p.Status == StatusDraft {
		return seeOther(w, r, "/budget/"+e.Slug)
	}
	return seeOther(w, r, "/budget/"+e.Slug+"/projects/"+p.ID+"?done=withdrawn")
}

func (h *Handler) handleSign(w http.ResponseWriter, r *http.Request) error {
	e, p, err := h.project(r)
	if err != nil {
		return err
	}
	if err := h.Service.Sign(r.Context(), participant(r), p.ID); err != nil {
		return err
	}
	return seeOther(w, r, "/budget/"+e.Slug+"/projects/"+p.ID+"?done=signed")
}

func (h *Handler) handleAppeal(w http.ResponseWriter, r *http.Request) error {
	e, p, err := h.project(r)
	if err != nil {
		return err
	}
	if err := h.Service.FileAppeal(r.Context(), actor(r), participant(r), p.ID, r.PostFormValue("appeal")); err != nil {
		errs, err := h.formErrors(r, err)
		if err != nil {
			return err
		}
		page, perr := h.projectPage(r, e, p)
		if perr != nil {
			return perr
		}
		page.Errors = errs
		return h.render(w, r, "project", "budget.project.title", errs, page)
	}
	return seeOther(w, r, "/budget/"+e.Slug+"/projects/"+p.ID+"?done=appealed")
}
