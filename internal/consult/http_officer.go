package consult

import (
	"github.com/civitas-city/civitas/internal/i18n"
	"net/http"
	"strconv"
	"time"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/web"
)

// OfficerIndexPage lists every consultation, drafts too, with the form
// for a new one.
type OfficerIndexPage struct {
	Items     []ConsultationRow
	Form      ConsultationForm
	Errors    web.FormErrors
	Districts []DistrictOption
}

// ConsultationForm is the consultation's main fields as typed.
type ConsultationForm struct {
	Title, Summary     string
	District           int
	Status, Moderation string
	VerifiedOnly       bool
	// Other are the title and summary in the site's other languages.
	Other    []web.LangFields
	versions i18n.Versions
}

func (h *Handler) handleOfficerIndex(w http.ResponseWriter, r *http.Request) error {
	return h.officerIndex(w, r, ConsultationForm{Status: string(StatusDraft), Moderation: string(PostModeration),
		Other: h.Site.LangFieldsOf(nil, "title", "summary")}, nil)
}

func (h *Handler) officerIndex(w http.ResponseWriter, r *http.Request, form ConsultationForm, errs web.FormErrors) error {
	list, err := h.Service.List(r.Context(), ListFilter{})
	if err != nil {
		return err
	}
	p := OfficerIndexPage{Form: form, Errors: errs, Districts: h.Districts}
	for _, c := range list {
		row := h.row(r, &c, "")
		row.URL = officerURL(c.ID)
		p.Items = append(p.Items, row)
	}
	return h.render(w, r, "officer_index", "consult.officer.title", errs, p)
}

func (h *Handler) consultationForm(r *http.Request) ConsultationForm {
	d, _ := strconv.Atoi(r.PostFormValue("district"))
	f := ConsultationForm{Title: r.PostFormValue("title"), Summary: r.PostFormValue("summary"), District: d,
		Status: r.PostFormValue("status"), Moderation: r.PostFormValue("moderation"), VerifiedOnly: r.PostFormValue("verified_only") == "1"}
	f.Other, f.versions = h.Site.ReadLangFields(r, "", "title", "summary")
	return f
}

func (f ConsultationForm) input() ConsultationInput {
	return ConsultationInput{Title: f.Title, Summary: f.Summary, District: f.District, Status: Status(f.Status),
		Moderation: Moderation(f.Moderation), VerifiedOnly: f.VerifiedOnly, Versions: f.versions}
}

func (h *Handler) handleCreate(w http.ResponseWriter, r *http.Request) error {
	form := h.consultationForm(r)
	c, err := h.Service.Create(r.Context(), officerActor(r), form.input())
	if err != nil {
		errs, err := h.formErrors(r, err)
		if err != nil {
			return err
		}
		return h.officerIndex(w, r, form, errs)
	}
	return redirect(w, r, withNotice(officerURL(c.ID), "created"))
}

// EditPage is everything an officer manages about one consultation.
type EditPage struct {
	C            Consultation
	PublicURL    string
	Action       string
	Districts    []DistrictOption
	Form         ConsultationForm
	Phases       []Phase
	Documents    []DocumentRow
	Meetings     []MeetingRow
	Conversation *Conversation
	ConvForm     ConversationInput
	Statements   int
	MapState     MapState
	PhaseForm    PhaseForm
	DocForm      DocForm
	MeetingForm  MeetingForm
	Seed         string
	Report       string
	ReportPublic bool
	Errors       web.FormErrors
	Notice       string
}

// MeetingRow is a meeting in the officer's list.
type MeetingRow struct {
	Meeting
	URL string
}

// PhaseForm is a new phase as typed.
type PhaseForm struct {
	Title, Description, Starts, Ends string
	Other                            []web.LangFields // in the site's other languages
}

// DocForm is a document as typed.
type DocForm struct{ Title, Body string }

// MeetingForm is a new meeting as typed.
type MeetingForm struct{ Title, Place, Description, Starts, Ends, Capacity string }

// MeetingFields is what the meeting fields partial shows: the values and
// their problems.
type MeetingFields struct {
	Form   MeetingForm
	Errors web.FormErrors
}

// MeetingFields feeds the "add a meeting" form.
func (p EditPage) MeetingFields() MeetingFields { return MeetingFields{p.MeetingForm, p.Errors} }

// meetingForm reads the meeting fields of a request.
func meetingForm(r *http.Request) MeetingForm {
	return MeetingForm{Title: r.PostFormValue("meeting_title"), Place: r.PostFormValue("meeting_place"),
		Description: r.PostFormValue("meeting_description"), Starts: r.PostFormValue("meeting_starts"),
		Ends: r.PostFormValue("meeting_ends"), Capacity: r.PostFormValue("meeting_capacity")}
}

// meetingInput turns the typed fields into a MeetingInput.
func (h *Handler) meetingInput(form MeetingForm) (MeetingInput, error) {
	capacity := 0
	if form.Capacity != "" {
		n, err := strconv.Atoi(form.Capacity)
		if err != nil {
			return MeetingInput{}, field("meeting_capacity", "consult.error.capacity")
		}
		capacity = n
	}
	return MeetingInput{Title: form.Title, Place: form.Place, Description: form.Description,
		StartsAt: h.parseLocal(form.Starts), EndsAt: h.parseLocal(form.Ends), Capacity: capacity}, nil
}

func (h *Handler) handleEdit(w http.ResponseWriter, r *http.Request) error {
	return h.editPage(w, r, nil, nil)
}

// editPage renders the officer's page; fill, when set, puts what was typed
// in the form that failed back into the page.
func (h *Handler) editPage(w http.ResponseWriter, r *http.Request, errs web.FormErrors, fill func(*EditPage)) error {
	ctx := r.Context()
	c, err := h.Service.Get(ctx, r.PathValue("id"))
	if err != nil {
		return err
	}
	p := EditPage{C: c, PublicURL: consultationURL(c.ID), Action: officerURL(c.ID), Districts: h.Districts,
		Form: ConsultationForm{Title: c.Title, Summary: c.Summary, District: c.District, Status: string(c.Status),
			Moderation: string(c.Moderation), VerifiedOnly: c.VerifiedOnly, Other: h.Site.LangFieldsOf(c.Versions, "title", "summary")},
		PhaseForm: PhaseForm{Other: h.Site.LangFieldsOf(nil, "title", "description")},
		Report:    c.Report, ReportPublic: !c.ReportPublishedAt.IsZero(), Errors: errs, Notice: h.notice(r)}
	if p.Phases, err = h.Service.Phases(ctx, c.ID); err != nil {
		return err
	}
	docs, err := h.Service.Documents(ctx, c.ID)
	if err != nil {
		return err
	}
	for _, d := range docs {
		p.Documents = append(p.Documents, DocumentRow{Title: d.Title, URL: officerURL(c.ID) + "/documents/" + d.ID, Paragraphs: len(Paragraphs(d.Body))})
	}
	meetings, err := h.Service.Meetings(ctx, c.ID)
	if err != nil {
		return err
	}
	for _, m := range meetings {
		p.Meetings = append(p.Meetings, MeetingRow{Meeting: m, URL: officerURL(c.ID) + "/meetings/" + m.ID})
	}
	conv, err := h.Service.Conversation(ctx, c.ID)
	switch {
	case err == nil:
		p.Conversation = &conv
		p.ConvForm = ConversationInput{Topic: conv.Topic, Description: conv.Description, Open: conv.Open}
		sts, err := h.Service.Statements(ctx, conv.ID)
		if err != nil {
			return err
		}
		p.Statements = len(sts)
		if p.MapState, err = h.Service.Map(ctx, conv.ID); err != nil {
			return err
		}
	case apperr.Is(err, apperr.NotFound):
		p.ConvForm = ConversationInput{Open: true}
	default:
		return err
	}
	if fill != nil {
		fill(&p)
	}
	return h.render(w, r, "officer_edit", "consult.officer.edit_title", errs, p)
}

// officerForm handles one of the edit page's forms: do runs the change;
// on an input error the page is shown again with fill's values, else the
// officer goes back to the page at anchor with a notice.
func (h *Handler) officerForm(w http.ResponseWriter, r *http.Request, anchor, notice string, do func() error, fill func(*EditPage)) error {
	if err := do(); err != nil {
		errs, err := h.formErrors(r, err)
		if err != nil {
			return err
		}
		return h.editPage(w, r, errs, fill)
	}
	return redirect(w, r, withNotice(officerURL(r.PathValue("id")), notice)+"#"+anchor)
}

func (h *Handler) handleUpdate(w http.ResponseWriter, r *http.Request) error {
	form := h.consultationForm(r)
	return h.officerForm(w, r, "main", "saved",
		func() error { return h.Service.Update(r.Context(), officerActor(r), r.PathValue("id"), form.input()) },
		func(p *EditPage) { p.Form = form })
}

func (h *Handler) handleAddPhase(w http.ResponseWriter, r *http.Request) error {
	form := PhaseForm{Title: r.PostFormValue("phase_title"), Description: r.PostFormValue("phase_description"),
		Starts: r.PostFormValue("phase_starts"), Ends: r.PostFormValue("phase_ends")}
	var versions i18n.Versions
	form.Other, versions = h.Site.ReadLangFields(r, "phase_", "title", "description")
	return h.officerForm(w, r, "phases", "saved",
		func() error {
			_, err := h.Service.AddPhase(r.Context(), officerActor(r), r.PathValue("id"), PhaseInput{Title: form.Title,
				Description: form.Description, StartsAt: h.parseLocal(form.Starts), EndsAt: h.endOfDay(form.Ends), Versions: versions})
			return err
		},
		func(p *EditPage) { p.PhaseForm = form })
}

// endOfDay reads a phase's last day: a date means until the end of it.
func (h *Handler) endOfDay(v string) time.Time {
	t := h.parseLocal(v)
	if !t.IsZero() && len(v) == len("2006-01-02") {
		t = t.AddDate(0, 0, 1).Add(-time.Second)
	}
	return t
}

func (h *Handler) handleDeletePhase(w http.ResponseWriter, r *http.Request) error {
	return h.officerForm(w, r, "phases", "saved",
		func() error {
			return h.Service.DeletePhase(r.Context(), officerActor(r), r.PathValue("id"), r.PathValue("phase"))
		}, nil)
}

func (h *Handler) handleAddDocument(w http.ResponseWriter, r *http.Request) error {
	form := DocForm{Title: r.PostFormValue("doc_title"), Body: r.PostFormValue("doc_body")}
	return h.officerForm(w, r, "documents", "saved",
		func() error {
			_, err := h.Service.AddDocument(r.Context(), officerActor(r), r.PathValue("id"), form.Title, form.Body)
			return err
		},
		func(p *EditPage) { p.DocForm = form })
}

// DocumentEditPage is the form to change a document.
type DocumentEditPage struct {
	C         Consultation
	Doc       Document
	Form      DocForm
	Action    string
	BackURL   string
	PublicURL string
	Comments  int
	Errors    web.FormErrors
}

func (h *Handler) handleEditDocument(w http.ResponseWriter, r *http.Request) error {
	return h.documentEdit(w, r, nil, nil)
}

func (h *Handler) documentEdit(w http.ResponseWriter, r *http.Request, form *DocForm, errs web.FormErrors) error {
	ctx := r.Context()
	c, err := h.Service.Get(ctx, r.PathValue("id"))
	if err != nil {
		return err
	}
	d, err := h.Service.Document(ctx, c.ID, r.PathValue("doc"))
	if err != nil {
		return err
	}
	n, err := countDocumentComments(ctx, h.Service.DB, d.ID)
	if err != nil {
		return err
	}
	p := DocumentEditPage{C: c, Doc: d, Form: DocForm{Title: d.Title, Body: d.Body}, Action: officerURL(c.ID) + "/documents/" + d.ID,
		BackURL: officerURL(c.ID) + "#documents", PublicURL: documentURL(c.ID, d.ID), Comments: n, Errors: errs}
	if form != nil {
		p.Form = *form
	}
	return h.render(w, r, "officer_document", "consult.officer.document_title", errs, p)
}

func (h *Handler) handleUpdateDocument(w http.ResponseWriter, r *http.Request) error {
	form := DocForm{Title: r.PostFormValue("doc_title"), Body: r.PostFormValue("doc_body")}
	err := h.Service.UpdateDocument(r.Context(), officerActor(r), r.PathValue("id"), r.PathValue("doc"), form.Title, form.Body)
	if err != nil {
		errs, err := h.formErrors(r, err)
		if err != nil {
			return err
		}
		return h.documentEdit(w, r, &form, errs)
	}
	return redirect(w, r, withNotice(officerURL(r.PathValue("id")), "saved")+"#documents")
}

func (h *Handler) handleAddMeeting(w http.ResponseWriter, r *http.Request) error {
	form := meetingForm(r)
	return h.officerForm(w, r, "meetings", "saved",
		func() error {
			in, err := h.meetingInput(form)
			if err != nil {
				return err
			}
			_, err = h.Service.AddMeeting(r.Context(), officerActor(r), r.PathValue("id"), in)
			return err
		},
		func(p *EditPage) { p.MeetingForm = form })
}

// MeetingPage is a meeting for officers: who registered, and the forms to
// change or cancel it.
type MeetingPage struct {
	C             Consultation
	Meeting       Meeting
	Registrations []Registration
	BackURL       string
	Action        string
	Form          MeetingForm
	Reason        string
	Errors        web.FormErrors
	Notice        string
}

// MeetingFields feeds the "change the meeting" form.
func (p MeetingPage) MeetingFields() MeetingFields { return MeetingFields{p.Form, p.Errors} }

// meetingPage renders a meeting's officer page with status; fill, when
// set, puts what was typed back into its forms.
func (h *Handler) meetingPage(w http.ResponseWriter, r *http.Request, status int, errs web.FormErrors, fill func(*MeetingPage)) error {
	ctx := r.Context()
	c, err := h.Service.Get(ctx, r.PathValue("id"))
	if err != nil {
		return err
	}
	m, err := h.Service.Meeting(ctx, c.ID, r.PathValue("meeting"))
	if err != nil {
		return err
	}
	regs, err := h.Service.Registrations(ctx, m.ID)
	if err != nil {
		return err
	}
	p := MeetingPage{C: c, Meeting: m, Registrations: regs, BackURL: officerURL(c.ID) + "#meetings",
		Action: officerURL(c.ID) + "/meetings/" + m.ID, Errors: errs, Notice: h.notice(r),
		Form: MeetingForm{Title: m.Title, Place: m.Place, Description: m.Description, Starts: h.formatLocal(m.StartsAt),
			Ends: h.formatLocal(m.EndsAt), Capacity: strconv.Itoa(m.Capacity)}}
	if fill != nil {
		fill(&p)
	}
	return h.Site.Render(w, r, status, "consult/officer_meeting", "consult.officer.meeting_title", p)
}

func (h *Handler) handleMeeting(w http.ResponseWriter, r *http.Request) error {
	return h.meetingPage(w, r, http.StatusOK, nil, nil)
}

// meetingAction runs an officer's change of a meeting, then shows the
// meeting's page again: with the problem, or with notice.
func (h *Handler) meetingAction(w http.ResponseWriter, r *http.Request, notice string, do func() error, fill func(*MeetingPage)) error {
	if err := do(); err != nil {
		errs, ferr := h.formErrors(r, err)
		if ferr != nil {
			return ferr
		}
		status := web.StatusOf(err) // a conflict: 409
		if apperr.Is(err, apperr.Invalid) {
			status = http.StatusUnprocessableEntity // as every form of this module
		}
		return h.meetingPage(w, r, status, errs, fill)
	}
	return redirect(w, r, withNotice(officerURL(r.PathValue("id"))+"/meetings/"+r.PathValue("meeting"), notice))
}

func (h *Handler) handleUpdateMeeting(w http.ResponseWriter, r *http.Request) error {
	form := meetingForm(r)
	return h.meetingAction(w, r, "saved",
		func() error {
			in, err := h.meetingInput(form)
			if err != nil {
				return err
			}
			_, err = h.Service.UpdateMeeting(r.Context(), officerActor(r), r.PathValue("id"), r.PathValue("meeting"), in)
			return err
		},
		func(p *MeetingPage) { p.Form = form })
}

func (h *Handler) handleCancelMeeting(w http.ResponseWriter, r *http.Request) error {
	reason := r.PostFormValue("cancel_reason")
	return h.meetingAction(w, r, "cancelled",
		func() error {
			return h.Service.CancelMeeting(r.Context(), officerActor(r), r.PathValue("id"), r.PathValue("meeting"), reason)
		},
		func(p *MeetingPage) { p.Reason = reason })
}

func (h *Handler) handleSetConversation(w http.ResponseWriter, r *http.Request) error {
	form := ConversationInput{Topic: r.PostFormValue("topic"), Description: r.PostFormValue("conv_description"), Open: r.PostFormValue("open") == "1"}
	return h.officerForm(w, r, "conversation", "saved",
		func() error {
			_, err := h.Service.SetConversation(r.Context(), officerActor(r), r.PathValue("id"), form)
			return err
		},
		func(p *EditPage) { p.ConvForm = form })
}

func (h *Handler) handleSeed(w http.ResponseWriter, r *http.Request) error {
	body := r.PostFormValue("statement")
	return h.officerForm(w, r, "conversation", "seeded",
		func() error {
			conv, err := h.Service.Conversation(r.Context(), r.PathValue("id"))
			if err != nil {
				return err
			}
			_, err = h.Service.SeedStatement(r.Context(), officerActor(r), &conv, body)
			return err
		},
		func(p *EditPage) { p.Seed = body })
}

func (h *Handler) handleRecompute(w http.ResponseWriter, r *http.Request) error {
	return h.officerForm(w, r, "conversation", "map_computed",
		func() error {
			conv, err := h.Service.Conversation(r.Context(), r.PathValue("id"))
			if err != nil {
				return err
			}
			_, err = h.Service.RecomputeMap(r.Context(), conv.ID)
			return err
		}, nil)
}

func (h *Handler) handleSaveReport(w http.ResponseWriter, r *http.Request) error {
	report, publish := r.PostFormValue("report"), r.PostFormValue("publish") == "1"
	return h.officerForm(w, r, "report", "saved",
		func() error {
			return h.Service.SaveReport(r.Context(), officerActor(r), r.PathValue("id"), report, publish)
		},
		func(p *EditPage) { p.Report, p.ReportPublic = report, publish })
}
