package consult

import (
	"net/http"
	"strconv"

	"github.com/civitas-city/civitas/internal/web"
)

// The consultation point: at a mobile stand or a participatory cart, an
// officer acting for a managed resident (web.User.ActingFor, started from
// the residents desk) types in the resident's card: a vote on each
// statement and, optionally, a new statement. Everything is recorded
// under the resident and audited with the officer as the actor.

// PointPage is the consultation point's form.
type PointPage struct {
	C         Consultation
	Conv      *Conversation
	Lang      string
	Resident  string // "" when the officer acts for nobody
	DeskURL   string
	Action    string
	BackURL   string
	Rows      []PointRow
	Statement string
	Errors    web.FormErrors
	Blocked   string
	Notice    string
	Recorded  int
}

// PointRow is one statement with the resident's current vote.
type PointRow struct {
	TID     int64
	Body    string
	Name    string // the radio group's name
	Current string // agree, disagree, pass or ""
}

// voteNames and voteValues are the votes as the forms name them.
var (
	voteNames  = map[int]string{VoteAgree: "agree", VoteDisagree: "disagree", VotePass: "pass"}
	voteValues = map[string]int{"agree": VoteAgree, "disagree": VoteDisagree, "pass": VotePass}
)

func (h *Handler) handlePoint(w http.ResponseWriter, r *http.Request) error {
	return h.pointPage(w, r, "", nil)
}

func (h *Handler) pointPage(w http.ResponseWriter, r *http.Request, statement string, errs web.FormErrors) error {
	ctx := r.Context()
	c, err := h.Service.Get(ctx, r.PathValue("id"))
	if err != nil {
		return err
	}
	p := PointPage{C: c, DeskURL: h.ResidentsDesk, Action: officerURL(c.ID) + "/point", BackURL: officerURL(c.ID),
		Statement: statement, Errors: errs, Notice: h.notice(r)}
	if n, err := strconv.Atoi(r.URL.Query().Get("recorded")); err == nil {
		p.Recorded = n
	}
	conv, err := h.Service.Conversation(ctx, c.ID)
	if err != nil {
		return err
	}
	p.Conv, p.Lang = &conv, conv.Lang
	u := web.CurrentUser(ctx)
	if u.ActingFor == nil {
		return h.render(w, r, "officer_point", "consult.point.title", errs, p)
	}
	p.Resident = u.ActingFor.Name
	if p.Blocked, err = h.blocked(r, h.Service.CanContribute(ctx, &c, &conv, u.ActingFor.ID)); err != nil {
		return err
	}
	mine, err := h.Service.MyVotes(ctx, conv.ID, u.ActingFor.ID)
	if err != nil {
		return err
	}
	sts, err := h.Service.Statements(ctx, conv.ID)
	if err != nil {
		return err
	}
	for _, st := range sts {
		if !visible(&st, c.Moderation) {
			continue
		}
		row := PointRow{TID: st.TID, Body: st.Body, Name: "v" + strconv.FormatInt(st.TID, 10)}
		if v, ok := mine[st.TID]; ok {
			row.Current = voteNames[v]
		}
		p.Rows = append(p.Rows, row)
	}
	return h.render(w, r, "officer_point", "consult.point.title", errs, p)
}

func (h *Handler) handlePointSave(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	c, err := h.Service.Get(ctx, r.PathValue("id"))
	if err != nil {
		return err
	}
	conv, err := h.Service.Conversation(ctx, c.ID)
	if err != nil {
		return err
	}
	a := actor(r)
	if !a.Assisted() {
		return ErrNotActing
	}
	mine, err := h.Service.MyVotes(ctx, conv.ID, a.UserID)
	if err != nil {
		return err
	}
	sts, err := h.Service.Statements(ctx, conv.ID)
	if err != nil {
		return err
	}
	recorded := 0
	for _, st := range sts {
		value, ok := voteValues[r.PostFormValue("v"+strconv.FormatInt(st.TID, 10))]
		if !ok {
			continue
		}
		if v, ok := mine[st.TID]; ok && v == value {
			continue // unchanged
		}
		if err := h.Service.Vote(ctx, a, &c, &conv, st.TID, value); err != nil {
			return err
		}
		recorded++
	}
	if body := r.PostFormValue("statement"); body != "" {
		if _, err := h.Service.SubmitStatement(ctx, a, &c, &conv, body); err != nil {
			errs, err := h.formErrors(r, err)
			if err != nil {
				return err
			}
			return h.pointPage(w, r, body, errs)
		}
		recorded++
	}
	return redirect(w, r, withNotice(officerURL(c.ID)+"/point?recorded="+strconv.Itoa(recorded), "point_saved"))
}
