package consult

import (
	"html/template"
	"net/http"
	"strconv"

	"github.com/civitas-city/civitas/internal/web"
)

// DocumentPage is a document, paragraph by paragraph, each with its
// comment counts and a link to its thread.
type DocumentPage struct {
	C          Consultation
	Doc        Document
	BackURL    string
	Paragraphs []ParagraphView
}

// ParagraphView is one paragraph of a document.
type ParagraphView struct {
	N      int
	Anchor string // the id of the paragraph on the document page: p-N
	HTML   template.HTML
	Counts StanceCounts
	URL    string // its comments
}

func (h *Handler) document(r *http.Request) (Consultation, Document, error) {
	c, err := h.consultation(r)
	if err != nil {
		return c, Document{}, err
	}
	d, err := h.Service.Document(r.Context(), c.ID, r.PathValue("doc"))
	return c, d, err
}

func (h *Handler) handleDocument(w http.ResponseWriter, r *http.Request) error {
	c, d, err := h.document(r)
	if err != nil {
		return err
	}
	counts, err := h.Service.ParagraphCounts(r.Context(), d.ID)
	if err != nil {
		return err
	}
	p := DocumentPage{C: c, Doc: d, BackURL: consultationURL(c.ID)}
	for i, para := range Paragraphs(d.Body) {
		n := i + 1
		p.Paragraphs = append(p.Paragraphs, ParagraphView{N: n, Anchor: "p-" + itoa(n), HTML: web.Markdown(para, 1), Counts: counts[n],
			URL: paragraphURL(c.ID, d.ID, n)})
	}
	return h.render(w, r, "document", "consult.document.title", nil, p)
}

// ParagraphPage is one paragraph with its comment threads and the form to
// comment on it.
type ParagraphPage struct {
	C         Consultation
	Doc       Document
	Para      ParagraphView
	Total     int // paragraphs in the document
	PrevURL   string
	NextURL   string
	DocURL    string
	Threads   []Thread
	Form      CommentForm
	Errors    web.FormErrors
	Blocked   string
	VerifyURL string
	SignedIn  bool
	// Acting names the resident an officer comments for.
	Acting    string
	SignInURL string
	Notice    string
	Moderated bool // comments wait for a moderator
}

// Thread is a comment with its replies.
type Thread struct {
	CommentView
	Replies []CommentView
}

// CommentView is a comment as the page shows it.
type CommentView struct {
	Comment
	Anchor  string // c-ID
	Pending bool
	Erased  bool
	Mine    bool
	FlagURL string
}

// CommentForm is what was typed in the comment form.
type CommentForm struct {
	Action   string
	Stance   string
	Body     string
	ParentID string
}

func (h *Handler) handleParagraph(w http.ResponseWriter, r *http.Request) error {
	return h.paragraphPage(w, r, CommentForm{Stance: string(StanceNeutral)}, nil)
}

func (h *Handler) paragraphPage(w http.ResponseWriter, r *http.Request, form CommentForm, errs web.FormErrors) error {
	ctx := r.Context()
	c, d, err := h.document(r)
	if err != nil {
		return err
	}
	n, err := intParam(r, "n")
	if err != nil {
		return err
	}
	paras := Paragraphs(d.Body)
	if n < 1 || n > len(paras) {
		return ErrNotFound
	}
	a := actor(r)
	p := ParagraphPage{C: c, Doc: d, Total: len(paras), DocURL: documentURL(c.ID, d.ID) + "#p-" + itoa(n),
		Para: ParagraphView{N: n, Anchor: "p-" + itoa(n), HTML: web.Markdown(paras[n-1], 2)},
		Form: form, Errors: errs, SignedIn: a.UserID != "", SignInURL: signInURL(r), Notice: h.notice(r),
		Moderated: c.Moderation == PreModeration, VerifyURL: h.VerifyURL}
	p.Form.Action = paragraphURL(c.ID, d.ID, n) + "/comments"
	if u := web.CurrentUser(ctx); u != nil && u.ActingFor != nil {
		p.Acting = u.ActingFor.Name
	}
	if n > 1 {
		p.PrevURL = paragraphURL(c.ID, d.ID, n-1)
	}
	if n < len(paras) {
		p.NextURL = paragraphURL(c.ID, d.ID, n+1)
	}
	if a.UserID != "" {
		if p.Blocked, err = h.blocked(r, h.Service.CanTakePart(ctx, &c, a.UserID)); err != nil {
			return err
		}
	} else if c.Status != StatusOpen {
		p.Blocked = h.t(r, ErrClosed.Message)
	}
	comments, err := h.Service.Comments(ctx, d.ID, n, a.UserID)
	if err != nil {
		return err
	}
	byID := map[string]int{}
	for _, cm := range comments {
		v := CommentView{Comment: cm, Anchor: "c-" + cm.ID, Pending: cm.Status == CommentPending, Erased: cm.Status == CommentErased,
			Mine: a.UserID != "" && cm.AuthorID == a.UserID, FlagURL: consultationURL(c.ID) + "/comments/" + cm.ID + "/flag"}
		if v.Erased {
			v.Body, v.AuthorName = "", ""
		}
		if i, ok := byID[cm.ParentID]; ok && cm.ParentID != "" {
			p.Threads[i].Replies = append(p.Threads[i].Replies, v)
			continue
		}
		byID[cm.ID] = len(p.Threads)
		p.Threads = append(p.Threads, Thread{CommentView: v})
	}
	return h.render(w, r, "paragraph", "consult.paragraph.title", errs, p)
}

func (h *Handler) handleComment(w http.ResponseWriter, r *http.Request) error {
	c, d, err := h.document(r)
	if err != nil {
		return err
	}
	n, err := intParam(r, "n")
	if err != nil {
		return err
	}
	form := CommentForm{Stance: r.PostFormValue("stance"), Body: r.PostFormValue("body"), ParentID: r.PostFormValue("parent")}
	cm, err := h.Service.AddComment(r.Context(), actor(r), &c, &d,
		CommentInput{Paragraph: n, ParentID: form.ParentID, Stance: Stance(form.Stance), Body: form.Body})
	if err != nil {
		errs, err := h.formErrors(r, err)
		if err != nil {
			return err
		}
		return h.paragraphPage(w, r, form, errs)
	}
	code := "commented"
	if cm.Status == CommentPending {
		code = "comment_pending"
	}
	return redirect(w, r, withNotice(paragraphURL(c.ID, d.ID, n), code)+"#c-"+cm.ID)
}

func (h *Handler) handleFlag(w http.ResponseWriter, r *http.Request) error {
	c, err := h.consultation(r)
	if err != nil {
		return err
	}
	cm, err := h.Service.Comment(r.Context(), r.PathValue("comment"))
	if err != nil {
		return err
	}
	d, err := h.Service.Document(r.Context(), c.ID, cm.DocumentID)
	if err != nil {
		return err
	}
	code := "flagged"
	if err := h.Service.Flag(r.Context(), actor(r).UserID, cm.ID, r.PostFormValue("reason")); err != nil {
		if _, ferr := h.formErrors(r, err); ferr != nil {
			return ferr
		}
		code = "flagged_already"
	}
	return redirect(w, r, withNotice(paragraphURL(c.ID, d.ID, cm.Paragraph), code)+"#c-"+cm.ID)
}

func itoa(n int) string { return strconv.Itoa(n) }
