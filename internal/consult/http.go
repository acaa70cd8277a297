package consult

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/web"
)

//go:embed templates/*.html templates/partials/*.html
var templates embed.FS

//go:embed locales/*.json
var locales embed.FS

//go:embed static
var static embed.FS

// Locales are the consultations messages, for the catalog.
func Locales() fs.FS {
	sub, _ := fs.Sub(locales, "locales")
	return sub
}

// Handler serves the consultations pages: residents', officers' and
// moderators'. Handlers read the request and render; the Service decides.
type Handler struct {
	Site    *web.Site
	Service *Service
	// Districts are the city's districts, for the scope of a consultation.
	Districts []DistrictOption
	// Location is the city's time zone, for the date inputs of officers.
	Location *time.Location
	// ResidentsDesk is the officers' page where they choose the managed
	// resident to act for (internal/accounts/identity); "" shows no link.
	ResidentsDesk string
	// VerifyURL is where residents verify their residency; "" shows no
	// link.
	VerifyURL string
}

// DistrictOption is one district in a choice list.
type DistrictOption struct {
	Number int
	Label  string
}

// Pages lists the page templates.
var Pages = []string{
	"templates/index.html", "templates/show.html", "templates/document.html", "templates/paragraph.html",
	"templates/conversation.html", "templates/map.html", "templates/report.html",
	"templates/officer_index.html", "templates/officer_edit.html", "templates/officer_document.html",
	"templates/officer_meeting.html", "templates/officer_point.html", "templates/moderation.html",
}

// Officer is the officers' policy for consultations.
var Officer = web.Officer("consultations")

// RegisterPages registers the page templates.
func (h *Handler) RegisterPages() {
	h.Site.Renderer.RegisterWith("consult", templates, []string{"templates/partials/meeting.html"}, Pages...)
	h.Site.Renderer.RegisterStatic("consult", static)
}

// Routes registers every consultations route.
func (h *Handler) Routes(handle web.Registrar) {
	// Residents and the public.
	handle("GET /consultations", web.Public, h.handleIndex)
	handle("GET /consultations/{id}", web.Public, h.handleShow)
	handle("POST /consultations/{id}/meetings/{meeting}/register", web.SignedIn, h.handleRegister)
	handle("POST /consultations/{id}/meetings/{meeting}/unregister", web.SignedIn, h.handleUnregister)
	handle("GET /consultations/{id}/documents/{doc}", web.Public, h.handleDocument)
	handle("GET /consultations/{id}/documents/{doc}/paragraphs/{n}", web.Public, h.handleParagraph)
	handle("POST /consultations/{id}/documents/{doc}/paragraphs/{n}/comments", web.SignedIn, h.handleComment)
	handle("POST /consultations/{id}/comments/{comment}/flag", web.SignedIn, h.handleFlag)
	handle("GET /consultations/{id}/conversation", web.Public, h.handleConversation)
	handle("POST /consultations/{id}/conversation/votes", web.SignedIn, h.handleVote)
	handle("POST /consultations/{id}/conversation/statements", web.SignedIn, h.handleStatement)
	handle("GET /consultations/{id}/conversation/map", web.Public, h.handleMap)
	handle("GET /consultations/{id}/conversation/report", web.Public, h.handleReport)
	handle("GET /consultations/{id}/conversation/export/{file}", web.Public, h.handleExport)
	handle("GET /consultations/{id}/conversation/export.json", web.Public, h.handleExportJSON)

	// Officers: processes, documents, meetings, the conversation, the
	// report, and the consultation point (assisted participation).
	handle("GET /officer/consultations", Officer, h.handleOfficerIndex)
	handle("POST /officer/consultations", Officer, h.handleCreate)
	handle("GET /officer/consultations/{id}", Officer, h.handleEdit)
	handle("POST /officer/consultations/{id}", Officer, h.handleUpdate)
	handle("POST /officer/consultations/{id}/phases", Officer, h.handleAddPhase)
	handle("POST /officer/consultations/{id}/phases/{phase}/delete", Officer, h.handleDeletePhase)
	handle("POST /officer/consultations/{id}/documents", Officer, h.handleAddDocument)
	handle("GET /officer/consultations/{id}/documents/{doc}", Officer, h.handleEditDocument)
	handle("POST /officer/consultations/{id}/documents/{doc}", Officer, h.handleUpdateDocument)
	handle("POST /officer/consultations/{id}/meetings", Officer, h.handleAddMeeting)
	handle("GET /officer/consultations/{id}/meetings/{meeting}", Officer, h.handleMeeting)
	handle("POST /officer/consultations/{id}/meetings/{meeting}", Officer, h.handleUpdateMeeting)
	handle("POST /officer/consultations/{id}/meetings/{meeting}/cancel", Officer, h.handleCancelMeeting)
	handle("POST /officer/consultations/{id}/conversation", Officer, h.handleSetConversation)
	handle("POST /officer/consultations/{id}/conversation/statements", Officer, h.handleSeed)
	handle("POST /officer/consultations/{id}/conversation/map", Officer, h.handleRecompute)
	handle("POST /officer/consultations/{id}/report", Officer, h.handleSaveReport)
	handle("GET /officer/consultations/{id}/point", Officer, h.handlePoint)
	handle("POST /officer/consultations/{id}/point", Officer, h.handlePointSave)

	// Moderators (and admins).
	handle("GET /moderation/consultations", web.Moderator, h.handleQueue)
	handle("POST /moderation/consultations/comments/{comment}", web.Moderator, h.handleModerateComment)
	handle("POST /moderation/consultations/statements/{conversation}/{tid}", web.Moderator, h.handleModerateStatement)
}

// render shows a page: 200, or 422 when its form has errors.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, page, title string, errs web.FormErrors, data any) error {
	return h.Site.Render(w, r, errs.Status(), "consult/"+page, title, data)
}

// actor is who acts in a request: the participant (the resident an officer
// acts for, else the signed-in user) and the officer when there is one.
func actor(r *http.Request) Actor {
	ctx := r.Context()
	a := Actor{RequestID: web.RequestID(ctx)}
	if p := web.Participant(ctx); p != nil {
		a.UserID, a.Name = p.ID, p.Name
	}
	if u := web.CurrentUser(ctx); u != nil && u.ActingFor != nil {
		a.OfficerID = u.ID
	}
	return a
}

// officerActor is the officer (or moderator) themself, never the resident
// they may be acting for: management and moderation are theirs.
func officerActor(r *http.Request) Actor {
	a := Actor{RequestID: web.RequestID(r.Context())}
	if u := web.CurrentUser(r.Context()); u != nil {
		a.UserID, a.Name = u.ID, u.Name
	}
	return a
}

func (h *Handler) t(r *http.Request, key string, args ...any) string {
	return h.Site.Catalog.T(web.Lang(r.Context()), key, args...)
}

// isOfficer tells whether the signed-in user manages consultations.
func isOfficer(r *http.Request) bool {
	return web.CurrentUser(r.Context()).Has(web.RoleOfficer, "consultations")
}

// consultation loads the {id} consultation as residents may see it;
// officers see drafts too.
func (h *Handler) consultation(r *http.Request) (Consultation, error) {
	if isOfficer(r) {
		return h.Service.Get(r.Context(), r.PathValue("id"))
	}
	return h.Service.GetPublic(r.Context(), r.PathValue("id"))
}

// formErrors turns an input error into the form's errors (see
// web.Site.FormError); consultation forms also show refusals (Forbidden:
// not verified, another district). Other errors come back for the error
// page.
func (h *Handler) formErrors(r *http.Request, err error) (web.FormErrors, error) {
	return h.Site.FormError(web.Lang(r.Context()), err, apperr.Forbidden)
}

// blocked is why the participant cannot take part, translated ("" when
// they can).
func (h *Handler) blocked(r *http.Request, err error) (string, error) {
	if err == nil {
		return "", nil
	}
	e, ok := errors.AsType[*apperr.Error](err)
	if !ok || (e.Kind != apperr.Forbidden && e.Kind != apperr.Conflict) {
		return "", err
	}
	return h.t(r, e.Message), nil
}

// redirect answers a form with 303 See Other (post/redirect/get).
func redirect(w http.ResponseWriter, r *http.Request, to string) error {
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// signInURL is the sign-in page returning to this one.
func signInURL(r *http.Request) string {
	return "/signin?next=" + url.QueryEscape(r.URL.RequestURI())
}

// URLs.

func consultationURL(id string) string { return "/consultations/" + url.PathEscape(id) }
func documentURL(cid, doc string) string {
	return consultationURL(cid) + "/documents/" + url.PathEscape(doc)
}
func paragraphURL(cid, doc string, n int) string {
	return documentURL(cid, doc) + "/paragraphs/" + strconv.Itoa(n)
}
func conversationURL(cid string) string { return consultationURL(cid) + "/conversation" }
func officerURL(id string) string       { return "/officer/consultations/" + url.PathEscape(id) }

// scopeLabel names a consultation's scope.
func (h *Handler) scopeLabel(r *http.Request, district int) string {
	if district == 0 {
		return h.t(r, "consult.scope.city")
	}
	for _, d := range h.Districts {
		if d.Number == district {
			return d.Label
		}
	}
	return h.t(r, "consult.scope.district", district)
}

// statusLabel names a consultation status.
func (h *Handler) statusLabel(r *http.Request, s Status) string {
	return h.t(r, "consult.status."+string(s))
}

// excerpt shortens plain text to about n characters at a word boundary.
func excerpt(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	rs := []rune(s)
	if len(rs) <= n {
		return s
	}
	cut := string(rs[:n])
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return cut + "…"
}

// plain strips Markdown markup well enough for a one-line excerpt.
func plain(md string) string {
	r := strings.NewReplacer("**", "", "__", "", "*", "", "`", "", "#", "", ">", "")
	return r.Replace(md)
}

// intParam reads a positive integer path parameter, or NotFound.
func intParam(r *http.Request, name string) (int, error) {
	n, err := strconv.Atoi(r.PathValue(name))
	if err != nil || n < 0 {
		return 0, ErrNotFound
	}
	return n, nil
}

// parseLocal reads a datetime-local input ("2026-05-01T18:00") in the
// city's time zone; the zero time when empty or invalid.
func (h *Handler) parseLocal(v string) time.Time {
	t, _ := web.ParseLocalTime(v, h.location())
	return t
}

// formatLocal writes t for a datetime-local input, in the city's time zone.
func (h *Handler) formatLocal(t time.Time) string { return web.LocalTimeValue(t, h.location()) }

// location is the city's time zone (UTC when not configured).
func (h *Handler) location() *time.Location {
	if h.Location == nil {
		return time.UTC
	}
	return h.Location
}

// notice translates a ?notice= code of the page (after a redirect).
func (h *Handler) notice(r *http.Request) string {
	code := r.URL.Query().Get("notice")
	if code == "" || strings.ContainsAny(code, ". ") {
		return ""
	}
	key := "consult.notice." + code
	if !h.Site.Catalog.Has(key) {
		return ""
	}
	return h.t(r, key)
}

// withNotice adds ?notice=code to a local URL (before its #fragment).
func withNotice(to, code string) string {
	frag := ""
	if i := strings.IndexByte(to, '#'); i >= 0 {
		to, frag = to[:i], to[i:]
	}
	sep := "?"
	if strings.Contains(to, "?") {
		sep = "&"
	}
	return fmt.Sprintf("%s%snotice=%s%s", to, sep, url.QueryEscape(code), frag)
}
