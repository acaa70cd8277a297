package consult

import (
	"github.com/civitas-city/civitas/internal/i18n"
	"html/template"
	"net/http"
	"strconv"
	"time"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/web"
)

// IndexPage is the list of consultations.
type IndexPage struct {
	Items     []ConsultationRow
	Districts []DistrictOption
	District  int
	Status    string
	// CanManage and CanModerate link to the officers' and moderators' pages.
	CanManage, CanModerate bool
}

// ConsultationRow is a consultation as lists show it.
type ConsultationRow struct {
	ID, URL            string
	Title, Summary     i18n.Text // the summary as a plain excerpt
	Status             Status
	StatusLabel, Scope string
	Phase              string // the current phase, if any
	UpdatedAt          time.Time
}

func (h *Handler) row(r *http.Request, c *Consultation, phase string) ConsultationRow {
	summary := i18n.Text{Source: excerpt(plain(c.Summary), 220), Versions: map[string]string{}}
	for lang, v := range c.Versions["summary"] {
		summary.Versions[lang] = excerpt(plain(v), 220)
	}
	return ConsultationRow{ID: c.ID, URL: consultationURL(c.ID), Title: c.TitleText(), Summary: summary,
		Status: c.Status, StatusLabel: h.statusLabel(r, c.Status), Scope: h.scopeLabel(r, c.District), Phase: phase, UpdatedAt: c.UpdatedAt}
}

// currentPhase is the title of the phase under way at now, if any.
func currentPhase(phases []Phase, now time.Time) string {
	for _, p := range phases {
		if !now.Before(p.StartsAt) && now.Before(p.EndsAt) {
			return p.Title
		}
	}
	return ""
}

func (h *Handler) handleIndex(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	f := ListFilter{Public: true}
	p := IndexPage{Districts: h.Districts, CanManage: isOfficer(r),
		CanModerate: web.CurrentUser(ctx).Has(web.RoleModerator, "")}
	if d, err := strconv.Atoi(q.Get("district")); err == nil && d > 0 {
		f.District, p.District = d, d
	}
	if st := Status(q.Get("status")); st == StatusOpen || st == StatusClosed {
		f.Status, p.Status = st, string(st)
	}
	list, err := h.Service.List(ctx, f)
	if err != nil {
		return err
	}
	now := h.Service.now()
	for _, c := range list {
		phases, err := h.Service.Phases(ctx, c.ID)
		if err != nil {
			return err
		}
		p.Items = append(p.Items, h.row(r, &c, currentPhase(phases, now)))
	}
	return h.render(w, r, "index", "consult.title", nil, p)
}

// ShowPage is one consultation.
type ShowPage struct {
	C            Consultation
	StatusLabel  string
	Scope        string
	Summary      i18n.Text // Markdown
	Phases       []PhaseView
	Documents    []DocumentRow
	Meetings     []MeetingView
	Conversation *ConversationSummary
	Report       template.HTML
	// Blocked says why the visitor cannot take part ("" when they can).
	Blocked   string
	VerifyURL string
	SignedIn  bool
	SignInURL string
	Notice    string
	CanManage bool
}

// PhaseView is a phase on the timeline.
type PhaseView struct {
	Phase
	Current, Past bool
}

// DocumentRow is a document in the consultation's list.
type DocumentRow struct {
	Title, URL string
	Paragraphs int
}

// MeetingView is a meeting with the visitor's registration. (Mine, not
// Registered: that name would hide the meeting's count of registrations.)
type MeetingView struct {
	Meeting
	Mine, Past    bool
	Left          int // places left, when limited
	RegisterURL   string
	UnregisterURL string
}

// ConversationSummary is the conversation's box on the consultation page.
type ConversationSummary struct {
	Topic      string
	URL        string
	MapURL     string
	ReportURL  string
	Statements int
	Open       bool
}

func (h *Handler) handleShow(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	c, err := h.consultation(r)
	if err != nil {
		return err
	}
	a := actor(r)
	p := ShowPage{C: c, StatusLabel: h.statusLabel(r, c.Status), Scope: h.scopeLabel(r, c.District),
		Summary: c.SummaryText(), SignedIn: a.UserID != "", SignInURL: signInURL(r), Notice: h.notice(r), CanManage: isOfficer(r), VerifyURL: h.VerifyURL}
	if c.Report != "" && !c.ReportPublishedAt.IsZero() {
		p.Report = web.Markdown(c.Report, 2)
	}
	if a.UserID != "" {
		if p.Blocked, err = h.blocked(r, h.Service.CanTakePart(ctx, &c, a.UserID)); err != nil {
			return err
		}
	}
	now := h.Service.now()
	phases, err := h.Service.Phases(ctx, c.ID)
	if err != nil {
		return err
	}
	for _, ph := range phases {
		p.Phases = append(p.Phases, PhaseView{Phase: ph, Past: !now.Before(ph.EndsAt), Current: !now.Before(ph.StartsAt) && now.Before(ph.EndsAt)})
	}
	docs, err := h.Service.Documents(ctx, c.ID)
	if err != nil {
		return err
	}
	for _, d := range docs {
		p.Documents = append(p.Documents, DocumentRow{Title: d.Title, URL: documentURL(c.ID, d.ID), Paragraphs: len(Paragraphs(d.Body))})
	}
	meetings, err := h.Service.Meetings(ctx, c.ID)
	if err != nil {
		return err
	}
	mine, err := h.Service.RegisteredFor(ctx, c.ID, a.UserID)
	if err != nil {
		return err
	}
	for _, m := range meetings {
		mv := MeetingView{Meeting: m, Mine: mine[m.ID], Past: !m.EndsAt.After(now),
			RegisterURL:   consultationURL(c.ID) + "/meetings/" + m.ID + "/register",
			UnregisterURL: consultationURL(c.ID) + "/meetings/" + m.ID + "/unregister"}
		if m.Capacity > 0 {
			mv.Left = max(0, m.Capacity-m.Registered)
		}
		p.Meetings = append(p.Meetings, mv)
	}
	conv, err := h.Service.Conversation(ctx, c.ID)
	switch {
	case err == nil:
		sts, err := h.Service.Statements(ctx, conv.ID)
		if err != nil {
			return err
		}
		n := 0
		for _, st := range sts {
			if visible(&st, c.Moderation) {
				n++
			}
		}
		p.Conversation = &ConversationSummary{Topic: conv.Topic, URL: conversationURL(c.ID), MapURL: conversationURL(c.ID) + "/map",
			ReportURL: conversationURL(c.ID) + "/report", Statements: n, Open: conv.Open && c.Status == StatusOpen}
	case !apperr.Is(err, apperr.NotFound):
		return err
	}
	return h.render(w, r, "show", "consult.title", nil, p)
}

func (h *Handler) handleRegister(w http.ResponseWriter, r *http.Request) error {
	c, err := h.consultation(r)
	if err != nil {
		return err
	}
	if err := h.Service.CanTakePart(r.Context(), &c, actor(r).UserID); err != nil {
		return err
	}
	if err := h.Service.Register(r.Context(), actor(r), &c, r.PathValue("meeting")); err != nil {
		return err
	}
	return redirect(w, r, withNotice(consultationURL(c.ID), "registered")+"#meetings")
}

func (h *Handler) handleUnregister(w http.ResponseWriter, r *http.Request) error {
	c, err := h.consultation(r)
	if err != nil {
		return err
	}
	if err := h.Service.Unregister(r.Context(), actor(r), &c, r.PathValue("meeting")); err != nil {
		return err
	}
	return redirect(w, r, withNotice(consultationURL(c.ID), "unregistered")+"#meetings")
}
