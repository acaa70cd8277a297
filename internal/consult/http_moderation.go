package consult

import (
	"net/http"
	"strconv"
)

// QueuePage is the moderators' queue: statements not yet reviewed (those
// of pre-moderated consultations first, since voters wait for them) and
// comments waiting or flagged by residents.
type QueuePage struct {
	Statements []QueuedStatementView
	Comments   []QueuedCommentView
	Notice     string
}

// QueuedStatementView is a statement in the queue.
type QueuedStatementView struct {
	QueuedStatement
	Action string
	URL    string
}

// QueuedCommentView is a comment in the queue.
type QueuedCommentView struct {
	QueuedComment
	Action string
	URL    string
}

const queueSize = 100

func (h *Handler) handleQueue(w http.ResponseWriter, r *http.Request) error {
	q, err := h.Service.Queue(r.Context(), queueSize)
	if err != nil {
		return err
	}
	p := QueuePage{Notice: h.notice(r)}
	for _, s := range q.Statements {
		p.Statements = append(p.Statements, QueuedStatementView{QueuedStatement: s,
			Action: "/moderation/consultations/statements/" + s.ConversationID + "/" + strconv.FormatInt(s.TID, 10),
			URL:    conversationURL(s.ConsultationID)})
	}
	for _, c := range q.Comments {
		p.Comments = append(p.Comments, QueuedCommentView{QueuedComment: c, Action: "/moderation/consultations/comments/" + c.ID,
			URL: paragraphURL(c.ConsultationID, c.DocumentID, c.Paragraph)})
	}
	return h.render(w, r, "moderation", "consult.moderation.title", nil, p)
}

func (h *Handler) handleModerateComment(w http.ResponseWriter, r *http.Request) error {
	if _, err := h.Service.Comment(r.Context(), r.PathValue("comment")); err != nil {
		return err
	}
	var publish bool
	switch r.PostFormValue("decision") {
	case "publish":
		publish = true
	case "reject":
	default:
		return field("decision", "consult.error.decision")
	}
	if err := h.Service.ModerateComment(r.Context(), officerActor(r), r.PathValue("comment"), publish); err != nil {
		return err
	}
	return redirect(w, r, withNotice("/moderation/consultations", "moderated"))
}

func (h *Handler) handleModerateStatement(w http.ResponseWriter, r *http.Request) error {
	conv, err := h.Service.ConversationByID(r.Context(), r.PathValue("conversation"))
	if err != nil {
		return err
	}
	tid, err := strconv.ParseInt(r.PathValue("tid"), 10, 64)
	if err != nil {
		return ErrNoStatement
	}
	err = h.Service.ModerateStatement(r.Context(), officerActor(r), conv.ID, tid, StatementDecision(r.PostFormValue("decision")))
	if err != nil {
		return err
	}
	return redirect(w, r, withNotice("/moderation/consultations", "moderated"))
}
