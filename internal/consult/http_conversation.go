package consult

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/civitas-city/civitas/internal/consult/opinion"
	"github.com/civitas-city/civitas/internal/web"
)

// ConversationPage is the one-statement-at-a-time ballot: the next
// statement with three buttons in one form, and the form for a new
// statement. It works without JavaScript: each vote is a POST answered
// with a redirect back here (post/redirect/get).
type ConversationPage struct {
	C      Consultation
	Conv   Conversation
	Ballot Ballot
	// Lang is the statements' language when not the page's.
	Lang            string
	VoteAction      string
	Statement       string // a statement typed in, shown again with errors
	StatementAction string
	Errors          web.FormErrors
	Blocked         string
	SignedIn        bool
	Acting          string
	SignInURL       string
	VerifyURL       string
	Notice          string
	BackURL         string
	MapURL          string
	ReportURL       string
	Moderated       bool
	// CurrentLabel names the vote being changed.
	CurrentLabel string
}

func (h *Handler) conversation(r *http.Request) (Consultation, Conversation, error) {
	c, err := h.consultation(r)
	if err != nil {
		return c, Conversation{}, err
	}
	conv, err := h.Service.Conversation(r.Context(), c.ID)
	return c, conv, err
}

func (h *Handler) handleConversation(w http.ResponseWriter, r *http.Request) error {
	return h.conversationPage(w, r, "", nil)
}

func voteLabelKey(v int) string {
	switch v {
	case VoteAgree:
		return "consult.vote.agree"
	case VoteDisagree:
		return "consult.vote.disagree"
	}
	return "consult.vote.pass"
}

func (h *Handler) conversationPage(w http.ResponseWriter, r *http.Request, statement string, errs web.FormErrors) error {
	ctx := r.Context()
	c, conv, err := h.conversation(r)
	if err != nil {
		return err
	}
	a := actor(r)
	base := conversationURL(c.ID)
	p := ConversationPage{C: c, Conv: conv, Lang: conv.Lang, VoteAction: base + "/votes", StatementAction: base + "/statements",
		Statement: statement, Errors: errs, SignedIn: a.UserID != "", SignInURL: signInURL(r), VerifyURL: h.VerifyURL,
		Notice: h.notice(r), BackURL: consultationURL(c.ID), MapURL: base + "/map", ReportURL: base + "/report",
		Moderated: c.Moderation == PreModeration}
	if u := web.CurrentUser(ctx); u != nil && u.ActingFor != nil {
		p.Acting = u.ActingFor.Name
	}
	if a.UserID != "" {
		if p.Blocked, err = h.blocked(r, h.Service.CanContribute(ctx, &c, &conv, a.UserID)); err != nil {
			return err
		}
	} else if !conv.Open || c.Status != StatusOpen {
		p.Blocked = h.t(r, ErrClosed.Message)
	}
	tid := int64(-1)
	if v := r.URL.Query().Get("statement"); v != "" {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && n >= 0 {
			tid = n
		}
	}
	if p.Ballot, err = h.Service.Next(ctx, &c, &conv, a.UserID, tid); err != nil {
		return err
	}
	if p.Ballot.HasCurrent {
		p.CurrentLabel = h.t(r, voteLabelKey(p.Ballot.Current))
	}
	return h.render(w, r, "conversation", "consult.conversation.title", errs, p)
}

func (h *Handler) handleVote(w http.ResponseWriter, r *http.Request) error {
	c, conv, err := h.conversation(r)
	if err != nil {
		return err
	}
	tid, err := strconv.ParseInt(r.PostFormValue("tid"), 10, 64)
	if err != nil {
		return ErrNoStatement
	}
	value, ok := voteValues[r.PostFormValue("vote")]
	if !ok {
		value = 99 // no vote: the service refuses it with the form's message
	}
	if err := h.Service.Vote(r.Context(), actor(r), &c, &conv, tid, value); err != nil {
		return err
	}
	return redirect(w, r, withNotice(conversationURL(c.ID), "voted")+"#ballot")
}

func (h *Handler) handleStatement(w http.ResponseWriter, r *http.Request) error {
	c, conv, err := h.conversation(r)
	if err != nil {
		return err
	}
	body := r.PostFormValue("statement")
	st, err := h.Service.SubmitStatement(r.Context(), actor(r), &c, &conv, body)
	if err != nil {
		errs, err := h.formErrors(r, err)
		if err != nil {
			return err
		}
		return h.conversationPage(w, r, body, errs)
	}
	code := "statement_added"
	if !visible(&st, c.Moderation) {
		code = "statement_pending"
	}
	return redirect(w, r, withNotice(conversationURL(c.ID), code)+"#ballot")
}

// MapPage is the opinion map with each group described in words.
type MapPage struct {
	C       Consultation
	Conv    Conversation
	Lang    string
	Has     bool
	Map     MapView
	State   MapState
	Stale   bool
	BackURL string
	VoteURL string
	// ReportURL and ExportURL link to the report and the exports.
	ReportURL string
	ExportURL string
}

// bodies maps a conversation's statement numbers to their text, and lists
// those the map leaves out.
func (h *Handler) bodies(r *http.Request, convID string) (map[int64]string, map[int64]bool, []Statement, error) {
	sts, err := h.Service.Statements(r.Context(), convID)
	if err != nil {
		return nil, nil, nil, err
	}
	bodies, out := map[int64]string{}, map[int64]bool{}
	for _, st := range sts {
		bodies[st.TID] = st.Body
		if st.ModOut() {
			out[st.TID] = true
		}
	}
	return bodies, out, sts, nil
}

func (h *Handler) handleMap(w http.ResponseWriter, r *http.Request) error {
	c, conv, err := h.conversation(r)
	if err != nil {
		return err
	}
	state, err := h.Service.Map(r.Context(), conv.ID)
	if err != nil {
		return err
	}
	base := conversationURL(c.ID)
	p := MapPage{C: c, Conv: conv, Lang: conv.Lang, State: state, Stale: state.Stale(), BackURL: consultationURL(c.ID),
		VoteURL: base, ReportURL: base + "/report", ExportURL: base + "/export"}
	if state.Result != nil {
		bodies, out, _, err := h.bodies(r, conv.ID)
		if err != nil {
			return err
		}
		p.Has = true
		p.Map = mapView(state.Result, bodies, out, func(tid int64) string { return base + "?statement=" + strconv.FormatInt(tid, 10) + "#ballot" },
			h.t(r, "consult.map.svg_title", conv.Topic),
			h.Site.Catalog.N(web.Lang(r.Context()), "consult.map.svg_desc", state.Result.Participants, len(state.Result.Groups)))
	}
	return h.render(w, r, "map", "consult.map.title", nil, p)
}

// ReportPage is the conversation's report: the numbers, the groups, the
// consensus and every statement with how each group voted on it.
type ReportPage struct {
	C            Consultation
	Conv         Conversation
	Lang         string
	Has          bool
	Map          MapView
	State        MapState
	Participants int
	Voters       int
	Votes        int
	Rows         []ReportRow
	Groups       []GroupView
	BackURL      string
	MapURL       string
	ExportURL    string
	Files        []string
	Source       string
}

// ReportRow is one statement in the report.
type ReportRow struct {
	TID                   int64
	Body                  string
	Moderated             string // accepted, rejected, unmoderated, meta (a catalog suffix)
	Agree, Disagree, Pass int
	Total                 int
	AgreePct, DisagreePct int
	Groups                []GroupCell
}

// GroupCell is how one group voted on a statement.
type GroupCell struct {
	Letter   string
	AgreePct int
	Votes    int
}

func pct(n, of int) int {
	if of == 0 {
		return 0
	}
	return (200*n + of) / (2 * of) // rounded
}

func (h *Handler) handleReport(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	c, conv, err := h.conversation(r)
	if err != nil {
		return err
	}
	state, err := h.Service.Map(ctx, conv.ID)
	if err != nil {
		return err
	}
	bodies, out, sts, err := h.bodies(r, conv.ID)
	if err != nil {
		return err
	}
	base := conversationURL(c.ID)
	p := ReportPage{C: c, Conv: conv, Lang: conv.Lang, State: state, Votes: state.Current, BackURL: consultationURL(c.ID),
		MapURL: base + "/map", ExportURL: base + "/export", Files: ExportFiles, Source: conv.Source}
	votes, _, err := latestVotes(ctx, h.Service.DB, conv.ID)
	if err != nil {
		return err
	}
	if p.Participants, err = countParticipants(ctx, h.Service.DB, conv.ID); err != nil {
		return err
	}
	groups := map[int64]int{}
	if state.Result != nil {
		p.Has = true
		p.Map = mapView(state.Result, bodies, out, func(tid int64) string { return base + "?statement=" + strconv.FormatInt(tid, 10) + "#ballot" },
			h.t(r, "consult.map.svg_title", conv.Topic),
			h.Site.Catalog.N(web.Lang(ctx), "consult.map.svg_desc", state.Result.Participants, len(state.Result.Groups)))
		groups = groupOf(state.Result)
	}
	// Tallies of the latest votes, overall and per group.
	type tally struct{ agree, disagree, pass int }
	all := map[int64]*tally{}
	perGroup := map[int]map[int64]*tally{}
	voters := map[int64]bool{}
	for _, v := range votes {
		voters[v.PID] = true
		t := all[v.TID]
		if t == nil {
			t = &tally{}
			all[v.TID] = t
		}
		var gt *tally
		if g, ok := groups[v.PID]; ok {
			if perGroup[g] == nil {
				perGroup[g] = map[int64]*tally{}
			}
			if gt = perGroup[g][v.TID]; gt == nil {
				gt = &tally{}
				perGroup[g][v.TID] = gt
			}
		}
		for _, x := range []*tally{t, gt} {
			if x == nil {
				continue
			}
			switch v.Value {
			case opinion.Agree:
				x.agree++
			case opinion.Disagree:
				x.disagree++
			default:
				x.pass++
			}
		}
	}
	p.Voters = len(voters)
	for _, st := range sts {
		if !visible(&st, c.Moderation) {
			continue // rejected, or not yet public
		}
		row := ReportRow{TID: st.TID, Body: st.Body, Moderated: moderationLabel(&st)}
		if t := all[st.TID]; t != nil {
			row.Agree, row.Disagree, row.Pass = t.agree, t.disagree, t.pass
		}
		row.Total = row.Agree + row.Disagree + row.Pass
		row.AgreePct, row.DisagreePct = pct(row.Agree, row.Total), pct(row.Disagree, row.Total)
		for _, g := range p.Map.Groups {
			cell := GroupCell{Letter: g.Letter}
			if t := perGroup[g.ID][st.TID]; t != nil {
				cell.Votes = t.agree + t.disagree + t.pass
				cell.AgreePct = pct(t.agree, cell.Votes)
			}
			row.Groups = append(row.Groups, cell)
		}
		p.Rows = append(p.Rows, row)
	}
	// Most voted first: the statements the conversation is about.
	slices.SortStableFunc(p.Rows, func(a, b ReportRow) int { return cmp.Or(cmp.Compare(b.Total, a.Total), cmp.Compare(a.TID, b.TID)) })
	p.Groups = p.Map.Groups
	return h.render(w, r, "report", "consult.report.title", nil, p)
}

func moderationLabel(st *Statement) string {
	switch {
	case st.Moderated == Rejected:
		return "rejected"
	case st.IsMeta:
		return "meta"
	case st.Moderated == Accepted:
		return "accepted"
	}
	return "unmoderated"
}

// absURL is the absolute address of path on this site, from the
// configured base URL, never the request's Host header.
func (h *Handler) absURL(path string) string { return strings.TrimRight(h.Service.BaseURL, "/") + path }

func (h *Handler) handleExport(w http.ResponseWriter, r *http.Request) error {
	c, conv, err := h.conversation(r)
	if err != nil {
		return err
	}
	file := r.PathValue("file")
	if !slices.Contains(ExportFiles, file) {
		return ErrNotFound
	}
	// ?for=spreadsheet: statements that look like formulas are written as
	// text; without it the file is Pol.is's format to the letter.
	safe := r.URL.Query().Get("for") == "spreadsheet"
	name := file
	if safe {
		name = strings.TrimSuffix(file, ".csv") + "-spreadsheet.csv"
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	return h.Service.Export(r.Context(), w, &conv, file, h.absURL(conversationURL(c.ID)), safe)
}

func (h *Handler) handleExportJSON(w http.ResponseWriter, r *http.Request) error {
	c, conv, err := h.conversation(r)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="conversation.json"`)
	return h.Service.ExportJSON(r.Context(), w, &c, &conv, h.absURL(consultationURL(c.ID)))
}
