package identity

import (
	"net/http"
	"strconv"
	"time"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/audit"
	"github.com/civitas-city/civitas/internal/web"
)

// PersonRow is an account in an officer's list.
type PersonRow struct {
	Person
	Status StatusView
}

// ResidentsPage is /officer/residents: the search form, and either the
// latest managed profiles or a search's results. The search is sent by
// POST so that no PESEL ends up in a URL (history, proxy logs).
type ResidentsPage struct {
	Query    string
	Searched bool
	People   []PersonRow
	// ByPESEL: the query was a PESEL; InRegister when the register lists it
	// and no account has claimed it, with its district.
	ByPESEL          bool
	InRegister       bool
	RegisterDistrict string
	RegisterBirth    time.Time
	Errors           map[string]string
}

func (h *Handler) rows(r *http.Request, ps []Person) []PersonRow {
	out := make([]PersonRow, len(ps))
	for i, p := range ps {
		out[i] = PersonRow{Person: p, Status: h.statusView(r.Context(), p.Status)}
	}
	return out
}

func (h *Handler) handleResidents(w http.ResponseWriter, r *http.Request) error {
	ps, err := h.Service.ManagedProfiles(r.Context(), "")
	if err != nil {
		return err
	}
	return h.Site.Render(w, r, http.StatusOK, "identity/residents", "identity.residents.title", ResidentsPage{People: h.rows(r, ps)})
}

func (h *Handler) handleSearch(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.PostFormValue("q")
	p := ResidentsPage{Query: q, Searched: true}
	noStore(w)
	res, err := h.Service.Search(ctx, q)
	if err != nil {
		errs, ferr := h.Site.FormError(web.Lang(ctx), err)
		if ferr != nil {
			return ferr
		}
		p.Errors = map[string]string{}
		for _, msg := range errs {
			p.Errors["q"] = msg
		}
		return h.Site.Render(w, r, http.StatusBadRequest, "identity/residents", "identity.residents.title", p)
	}
	p.People, p.ByPESEL = h.rows(r, res.People), res.ByPESEL
	if res.Register != nil {
		p.InRegister, p.RegisterDistrict, p.RegisterBirth = true, h.districtLabel(res.Register.District), res.Register.BirthDate
	}
	if res.ByPESEL {
		// Looking a person up by PESEL is recorded (without the PESEL).
		e := audit.Entry{ActorID: web.CurrentUser(ctx).ID, Action: "resident.lookup", TargetType: "census", RequestID: web.RequestID(ctx),
			Details: map[string]string{"found": strconv.Itoa(len(res.People)), "in_register": strconv.FormatBool(res.Register != nil)}}
		if len(res.People) == 1 {
			e.TargetType, e.TargetID = "user", res.People[0].UserID
		}
		if err := audit.Record(ctx, h.Service.DB, e); err != nil {
			return err
		}
	}
	return h.Site.Render(w, r, http.StatusOK, "identity/residents", "identity.residents.title", p)
}

// NewResidentPage is the form for a managed profile.
type NewResidentPage struct {
	Name, PESEL, BirthDate string
	District               int
	Districts              []DistrictOption
	Errors                 map[string]string
}

func (h *Handler) handleNewForm(w http.ResponseWriter, r *http.Request) error {
	return h.Site.Render(w, r, http.StatusOK, "identity/resident_new", "identity.new.title", NewResidentPage{Districts: h.districtOptions()})
}

// CreatedPage shows a new managed profile and its claim code, once.
type CreatedPage struct {
	UserID, Name, ClaimCode, District string
}

func (h *Handler) handleCreate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	officer := web.CurrentUser(ctx)
	district, _ := strconv.Atoi(r.PostFormValue("district"))
	n := NewManaged{Name: r.PostFormValue("name"), PESEL: r.PostFormValue("pesel"), BirthDate: r.PostFormValue("birth_date"), District: district}
	m, err := h.Service.CreateManaged(ctx, officer.ID, n)
	noStore(w)
	if err != nil {
		errs, ferr := h.Site.FormError(web.Lang(ctx), err)
		if ferr != nil {
			return ferr
		}
		p := NewResidentPage{Name: n.Name, PESEL: n.PESEL, BirthDate: n.BirthDate, District: district, Districts: h.districtOptions(),
			Errors: errs}
		return h.Site.Render(w, r, web.StatusOf(err), "identity/resident_new", "identity.new.title", p)
	}
	p := CreatedPage{UserID: m.UserID, Name: n.Name, ClaimCode: m.ClaimCode, District: h.districtLabel(m.District)}
	return h.Site.Render(w, r, http.StatusOK, "identity/resident_created", "identity.created.title", p)
}

// ResidentPage is one account at the officer desk.
type ResidentPage struct {
	Person    Person
	Status    StatusView
	Districts []DistrictOption
	// Done is "verified" or "claimed" after an in-person verification.
	Done string
	// NewCode is a claim code just made.
	NewCode string
	// The in-person verification form.
	PESEL, BirthDate string
	District         int
	// The revocation form.
	Reason string
	Errors map[string]string
}

func (h *Handler) residentPage(r *http.Request) (ResidentPage, error) {
	person, err := h.Service.Person(r.Context(), r.PathValue("id"))
	if err != nil {
		return ResidentPage{}, err
	}
	p := ResidentPage{Person: person, Status: h.statusView(r.Context(), person.Status), Districts: h.districtOptions()}
	switch d := r.URL.Query().Get("done"); d {
	case "verified", "claimed", "revoked":
		p.Done = d
	}
	return p, nil
}

func (h *Handler) handleResident(w http.ResponseWriter, r *http.Request) error {
	p, err := h.residentPage(r)
	if err != nil {
		return err
	}
	return h.Site.Render(w, r, http.StatusOK, "identity/resident", "identity.resident.title", p)
}

func (h *Handler) handleInPerson(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	officer := web.CurrentUser(ctx)
	p, err := h.residentPage(r)
	if err != nil {
		return err
	}
	district, _ := strconv.Atoi(r.PostFormValue("district"))
	res, err := h.Service.VerifyInPerson(ctx, officer.ID, p.Person.UserID, r.PostFormValue("pesel"), r.PostFormValue("birth_date"), district)
	if err != nil {
		errs, ferr := h.Site.FormError(web.Lang(ctx), err)
		if ferr != nil {
			return ferr
		}
		p.PESEL, p.BirthDate, p.District, p.Errors = r.PostFormValue("pesel"), r.PostFormValue("birth_date"), district, errs
		noStore(w)
		return h.Site.Render(w, r, web.StatusOf(err), "identity/resident", "identity.resident.title", p)
	}
	done := "verified"
	if res.Claimed {
		done = "claimed"
	}
	http.Redirect(w, r, "/officer/residents/"+res.UserID+"?done="+done, http.StatusSeeOther)
	return nil
}

// handleRevoke takes a verification away (a disputed PESEL), with the
// officer's reason.
func (h *Handler) handleRevoke(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p, err := h.residentPage(r)
	if err != nil {
		return err
	}
	if err := h.Service.Revoke(ctx, web.CurrentUser(ctx).ID, p.Person.UserID, r.PostFormValue("reason")); err != nil {
		errs, ferr := h.Site.FormError(web.Lang(ctx), err)
		if ferr != nil {
			return ferr
		}
		p.Reason, p.Errors = r.PostFormValue("reason"), errs
		return h.Site.Render(w, r, web.StatusOf(err), "identity/resident", "identity.resident.title", p)
	}
	http.Redirect(w, r, "/officer/residents/"+p.Person.UserID+"?done=revoked", http.StatusSeeOther)
	return nil
}

func (h *Handler) handleClaimCode(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p, err := h.residentPage(r)
	if err != nil {
		return err
	}
	code, err := h.Service.NewClaimCode(ctx, web.CurrentUser(ctx).ID, p.Person.UserID)
	if err != nil {
		if apperr.Is(err, apperr.Invalid) {
			p.Errors, _ = h.Site.FormError(web.Lang(ctx), err)
			return h.Site.Render(w, r, http.StatusBadRequest, "identity/resident", "identity.resident.title", p)
		}
		return err
	}
	p.NewCode = code
	noStore(w)
	return h.Site.Render(w, r, http.StatusOK, "identity/resident", "identity.resident.title", p)
}

// RefusedPage lists refused claims.
type RefusedPage struct {
	Refusals []RefusalRow
}

// RefusalRow is a refused claim with its labels.
type RefusalRow struct {
	Refusal
	MethodLabel, ReasonLabel string
}

func (h *Handler) handleRefused(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	rs, err := h.Service.RefusedClaims(ctx, 200)
	if err != nil {
		return err
	}
	p := RefusedPage{}
	for _, x := range rs {
		p.Refusals = append(p.Refusals, RefusalRow{Refusal: x, MethodLabel: h.t(ctx, "identity.method."+string(x.Method)),
			ReasonLabel: h.t(ctx, "identity.reason."+x.Reason)})
	}
	return h.Site.Render(w, r, http.StatusOK, "identity/refused", "identity.refused.title", p)
}
